"""db.query(..., as_of=..., at_tx=...): the graph as of an article date, and the store after a transaction."""

from pathlib import Path

import pytest

import claimgraph

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"

COUNT = "MATCH (s:Statement) RETURN count(s) AS n"


def count(db, **view):
    return db.query(COUNT, **view).rows()[0][0]


def test_as_of_and_at_tx_agree_with_the_first_article(bakhmut):
    first = claimgraph.Database(":memory:")
    first.import_file(EXAMPLES / "bakhmut.triples")
    expected = count(first)
    assert count(bakhmut, as_of="2023-05-04") == expected
    assert count(bakhmut, at_tx=1) == expected
    assert count(bakhmut) > expected
    assert count(bakhmut, at_tx=0) == 0
    assert count(bakhmut, at_tx=2, as_of="2023-05-04") == expected


def test_views_are_read_only_and_checked(bakhmut):
    with pytest.raises(claimgraph.Error) as e:
        bakhmut.query("CREATE (:X)", at_tx=1)
    assert "refused under --at-tx 1" in str(e.value)
    with pytest.raises(claimgraph.Error) as e:
        bakhmut.query(COUNT, at_tx=99)
    assert "no transaction 99" in str(e.value)
    with pytest.raises(claimgraph.Error) as e:
        bakhmut.query(COUNT, as_of="yesterday")
    assert "not an ISO 8601 date" in str(e.value)
