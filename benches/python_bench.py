"""Benchmarks of the Python module, for BENCHMARKS.md ("Python"). Not run by CI.

Build the module in release first (`pip install .`, or
`maturin build --release` and `pip install` the wheel), then:

    python benches/python_bench.py [--corpus FILE] [--calls N]

1. `to_pandas()` (and `to_arrow()`) of a 1M-row result: an integer, a string
   and a float column.
2. A trivial query's overhead from Python: the median of many `db.query("RETURN 1")`
   calls against the median of the same query run by `claimgraph::Database::query`
   in Rust, in the same process, on the same engine (`Database._time_native`),
   in alternating rounds so that both sides see the same load.
3. `to_arrow()` of the statements of a corpus made by gen_corpus.py
   (`--corpus` a `.triples` or `.jsonl` file; skipped without it), with the
   Python memory traced while it runs (`tracemalloc`) against the memory of the
   same columns as Python lists: the Arrow columns are built in Rust and handed
   over through the Arrow C data interface, so no Python object is made per value.
"""

import argparse
import statistics
import time
import tracemalloc
from pathlib import Path

import claimgraph


def timed(f, repeat=3):
    """(best, median) seconds of `repeat` calls of `f`."""
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        f()
        times.append(time.perf_counter() - start)
    return min(times), statistics.median(times)


def traced_peak(f):
    """The peak of Python's traced memory while `f` runs, in bytes, and its value."""
    tracemalloc.start()
    try:
        value = f()
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    return peak, value


def big_result(db):
    q = "UNWIND range(1, 1000000) AS i RETURN i, toString(i) AS s, i * 0.5 AS f"
    t_query, _ = timed(lambda: db.query(q), 1)
    result = db.query(q)
    t_pandas, m_pandas = timed(result.to_pandas)
    t_arrow, m_arrow = timed(result.to_arrow)
    df = result.to_pandas()
    assert len(df) == 1_000_000 and df["i"].iloc[-1] == 1_000_000 and df["s"].iloc[0] == "1"
    print(
        f"1M rows: query {t_query:.3f} s; to_pandas best {t_pandas:.3f} s (median {m_pandas:.3f}); "
        f"to_arrow best {t_arrow:.3f} s (median {m_arrow:.3f}); dtypes {dict(df.dtypes.astype(str))}"
    )


def trivial(db, calls):
    text = "RETURN 1"
    for _ in range(1000):
        db.query(text)
    db._time_native(text, 1000)
    rounds = 10
    per_round = max(1, calls // rounds)
    py, py_rows, native = [], [], []
    clock = time.perf_counter
    for _ in range(rounds):
        for _ in range(per_round):
            start = clock()
            db.query(text)
            py.append(clock() - start)
        for _ in range(per_round):
            start = clock()
            db.query(text).rows()
            py_rows.append(clock() - start)
        native.extend(db._time_native(text, per_round))
    m_py, m_rows, m_native = (statistics.median(t) * 1e6 for t in (py, py_rows, native))
    print(
        f"trivial query ({text!r}, median of {len(py)} calls each): Python db.query {m_py:.1f} us, "
        f"with .rows() {m_rows:.1f} us; Rust Database::query {m_native:.1f} us; "
        f"overhead {m_py - m_native:.1f} us ({m_rows - m_native:.1f} us with .rows())"
    )


def corpus(path):
    import pyarrow as pa

    with claimgraph.Database(":memory:") as db:
        start = time.perf_counter()
        db.import_file(path)
        t_import = time.perf_counter() - start
        # Each statement with the date it was first claimed (a date column).
        q = (
            "MATCH (s:Statement) OPTIONAL MATCH ()-[c:CLAIMS]->(s) "
            "RETURN id(s) AS id, s.text AS text, min(c.date) AS first_claimed"
        )
        t_q, _ = timed(lambda: db.query(q), 1)
        r = db.query(q)
        n = len(r.columns)
        in_rust = sum(r._arrow_column(pa, i) is not None for i in range(n))
        t_a, m_a = timed(r.to_arrow)
        arrow_peak, table = traced_peak(r.to_arrow)
        list_peak, _ = traced_peak(lambda: [r._column(i) for i in range(n)])
        print(
            f"corpus {path}: import {t_import:.1f} s; {table.num_rows} statements; query {t_q:.3f} s; "
            f"to_arrow best {t_a:.4f} s (median {m_a:.4f}); {in_rust}/{n} columns built in Rust; "
            f"Python memory traced during to_arrow {arrow_peak / 1e3:.0f} kB "
            f"(the same columns as Python lists: {list_peak / 1e6:.1f} MB); "
            f"Arrow buffers {table.nbytes / 1e6:.1f} MB; schema {table.schema.types}"
        )


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--corpus", type=Path, help="a .triples or .jsonl file from gen_corpus.py")
    ap.add_argument("--calls", type=int, default=20000, help="calls per side of the trivial query")
    args = ap.parse_args()
    with claimgraph.Database(":memory:") as db:
        big_result(db)
        trivial(db, args.calls)
    if args.corpus:
        corpus(args.corpus)


if __name__ == "__main__":
    main()
