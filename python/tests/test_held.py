"""A store another claimgraph process holds (`serve`): a Database works on it through the holder's socket."""

import json
import signal
import subprocess
import sys
import threading
import time
import datetime as dt

import pytest

import claimgraph
from conftest import EXAMPLES
from test_api import _cli
from test_errors import LONG_WRITE, _interrupt


def _serve(store):
    """Starts `claimgraph serve` on `store` and waits until it shares it."""
    holder = subprocess.Popen(
        [_cli(), "--store", store, "serve", "--listen", "127.0.0.1:0"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    socket = store / "claimgraph.sock"
    deadline = time.monotonic() + 20
    while not socket.exists() and time.monotonic() < deadline:
        time.sleep(0.02)
    assert socket.exists(), "serve did not start sharing its store"
    return holder


def _stop(holder, sig=signal.SIGTERM):
    if holder.poll() is None:
        holder.send_signal(sig)
    holder.wait(timeout=20)


@pytest.fixture
def served(tmp_path):
    store = tmp_path / "store"
    subprocess.run([_cli(), "--store", store, "import", EXAMPLES / "bakhmut.triples"], check=True, capture_output=True)
    holder = _serve(store)
    try:
        yield store, holder
    finally:
        _stop(holder)


def _cli_query(store, text):
    out = subprocess.run(
        [_cli(), "--store", store, "query", text, "--format", "json"], check=True, capture_output=True, text=True
    )
    return json.loads(out.stdout)["rows"]


# Queries whose answers a held store must give exactly as the store opened in process.
READS = [
    "MATCH (n) RETURN count(n) AS n",
    "MATCH (a:Actor) RETURN a ORDER BY a.name",
    "MATCH p = (s)-[r]->(o) RETURN p, r, s ORDER BY id(r) LIMIT 5",
    "MATCH (s:Statement)-[:ABOUT]->(x) RETURN s.text AS text, labels(x) AS labels ORDER BY text",
]
PARAMS = {
    "d": dt.date(2023, 5, 20),
    "t": dt.datetime(2023, 5, 20, 10, 30, 5, 250000, tzinfo=dt.timezone(dt.timedelta(hours=2))),
    "local": dt.datetime(2023, 5, 20, 10, 30),
    "span": dt.timedelta(days=3, seconds=7),
    "nested": {"a": [1, None, [2.5, "x"], {"b": True}], "empty": {}},
    "none": None,
}


def test_reads_writes_imports_and_errors_go_through_the_holder(served):
    store, holder = served
    with claimgraph.Database(store) as db:
        assert db.held
        reads = [db.query(q).rows() for q in READS]
        assert reads[0] == [tuple(r) for r in _cli_query(store, READS[0])]
        round_trip = db.query("RETURN $d AS d, $t AS t, $local AS local, $span AS span, $nested AS nested, $none AS none", PARAMS)
        assert round_trip.to_dicts() == [PARAMS]
        # A path's nodes and relationships, with their properties.
        path = reads[2][0][0]
        assert isinstance(path, claimgraph.Path) and path.relationships[0].start == path.nodes[0].id
        frame = db.query(READS[3]).to_pandas()
        assert list(frame.columns) == ["text", "labels"] and len(frame) == len(reads[3])
        # Relationships alone: their endpoints come from the holder.
        graph = db.query("MATCH ()-[r:CLAIMS]->() RETURN r").to_networkx()
        assert graph.number_of_edges() > 0
        assert all(graph.nodes[n].get("labels") for n in graph.nodes)

        # A write, seen by the holder's next command and by another process.
        written = db.query("CREATE (:Actor {name: $name}) RETURN 1 AS one", {"name": "Held writer"})
        assert written.stats["nodes_created"] == 1
        assert _cli_query(store, "MATCH (a:Actor {name: 'Held writer'}) RETURN count(a)") == [[1]]
        other = subprocess.run(
            [sys.executable, "-c", "import claimgraph, sys; db = claimgraph.Database(sys.argv[1]); "
             "print(db.held, db.query(\"MATCH (a:Actor {name: 'Held writer'}) RETURN count(a)\").rows())", str(store)],
            capture_output=True, text=True, check=True,
        )
        assert other.stdout.split() == ["True", "[(1,)]"], other.stderr

        # An import, one transaction; a bad record refuses the whole of it.
        summary = db.import_file(EXAMPLES / "bakhmut-followup.triples")
        assert summary["articles_added"] == 1
        stats = db.stats()
        assert stats["nodes"] == _cli_query(store, "MATCH (n) RETURN count(n)")[0][0]
        records = [
            {"article": {"id": "held-1"}},
            {"entity": {"kind": "actor", "name": "Held A"}},
            {"triple": {"s": "Held A", "p": "claims", "o": {"kind": "statement", "text": "t"}}},
            {"triple": {"s": "Nobody", "p": "claims", "o": {"kind": "statement", "text": "u"}}},
        ]
        with pytest.raises(claimgraph.ImportFailed) as e:
            db.import_records(records)
        assert e.value.kind == "input" and e.value.file == "records" and e.value.line == 4
        assert "Nobody" in str(e.value)
        assert db.stats() == stats
        added = db.import_records(records[:3])
        assert added["articles_added"] == 1 and added["relationships_added"] >= 1
        stats = db.stats()

        # An error comes back with its kind and position, worded as in process.
        with pytest.raises(claimgraph.QueryError) as held_error:
            db.query("MATCH (n)\nRETURN m")
        with pytest.raises(claimgraph.ConstraintViolation):
            db.query("MATCH (p:Place), (o:Organisation) CREATE (p)-[:CLAIMS]->(o)")
        assert db.stats() == stats
        text = db.export("json", query="MATCH (a:Actor) RETURN a")
        assert json.loads(text)
        answers_held = [db.query(q).rows() for q in READS] + [round_trip.rows()]
        frames_held = db.query(READS[1]).to_arrow()
        expected_stats = db.stats()
    _stop(holder)

    # The same store opened in process answers the same, raises the same.
    with claimgraph.Database(store) as db:
        assert not db.held
        with pytest.raises(claimgraph.QueryError) as local_error:
            db.query("MATCH (n)\nRETURN m")
        for attr in ("kind", "detail", "phase", "message", "line", "column", "diagnostics"):
            assert getattr(held_error.value, attr) == getattr(local_error.value, attr), attr
        assert str(held_error.value) == str(local_error.value) and held_error.value.line == 2
        assert [db.query(q).rows() for q in READS] + [db.query(
            "RETURN $d AS d, $t AS t, $local AS local, $span AS span, $nested AS nested, $none AS none", PARAMS
        ).rows()] == answers_held
        assert db.query(READS[1]).to_arrow().equals(frames_held)
        assert db.stats() == expected_stats
        assert db.export("json", query="MATCH (a:Actor) RETURN a") == text


def test_read_only_through_the_holder_refuses_writes_as_in_process(served):
    store, _ = served
    before = _cli_query(store, "MATCH (n) RETURN count(n)")
    with claimgraph.Database(store, read_only=True) as db:
        assert db.held and db.read_only
        assert db.query("MATCH (n) RETURN count(n)").rows() == [tuple(before[0])]
        with pytest.raises(claimgraph.StoreError) as e:
            db.query("CREATE (:Actor {name: 'no'})")
        assert e.value.kind == "read_only"
        with pytest.raises(claimgraph.StoreError) as e:
            db.import_file(EXAMPLES / "bakhmut-followup.triples")
        assert e.value.kind == "read_only"
    assert _cli_query(store, "MATCH (n) RETURN count(n)") == before


def test_a_killed_holder_is_taken_over_by_the_next_operation(served):
    store, holder = served
    with claimgraph.Database(store) as db:
        assert db.held
        db.query("CREATE (:Actor {name: 'Before the kill'})")
        nodes = db.stats()["nodes"]
        _stop(holder, signal.SIGKILL)
        # The next operation opens the store here: what the holder committed is there.
        assert db.stats()["nodes"] == nodes
        assert not db.held
        assert db.query("MATCH (a:Actor {name: 'Before the kill'}) RETURN count(a)").rows() == [(1,)]
        db.query("CREATE (:Actor {name: 'After the kill'})")
    # Closed, it is free for a new holder, which sees both writes.
    assert _cli_query(store, "MATCH (a:Actor) WHERE a.name ENDS WITH 'the kill' RETURN count(a)") == [[2]]


@pytest.mark.skipif(threading.current_thread() is not threading.main_thread(), reason="signals reach the main thread")
def test_keyboard_interrupt_stops_a_query_in_the_holder(tmp_path):
    store = tmp_path / "store"
    with claimgraph.Database(store) as db:
        db.query("UNWIND range(1, 400) AS x CREATE (:T {x: x})")
    holder = _serve(store)
    try:
        with claimgraph.Database(store) as db:
            assert db.held
            assert _interrupt(db, LONG_WRITE) < 5
            # The holder stopped it and wrote nothing; it serves the next query.
            assert db.query("MATCH (t:T) WHERE t.touched RETURN count(t)").rows() == [(0,)]
            assert db.query("MATCH (d:Done) RETURN count(d)").rows() == [(0,)]
            with pytest.raises(claimgraph.QueryCancelled) as e:
                db.query(LONG_WRITE, timeout=0.2)
            assert e.value.kind == "cancelled"
        assert _cli_query(store, "MATCH (t:T) WHERE t.touched RETURN count(t)") == [[0]]
    finally:
        _stop(holder)
