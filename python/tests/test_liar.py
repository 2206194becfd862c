"""The LIAR example (examples/liar.py) against the TSV read directly with pandas."""

import importlib.util

import pytest

import claimgraph
from conftest import EXAMPLES, shared


def _example():
    spec = importlib.util.spec_from_file_location("liar_example", EXAMPLES / "liar.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_the_liar_walkthrough_agrees_with_pandas():
    pd = pytest.importorskip("pandas")
    liar_dir = shared("test_the_liar_walkthrough_agrees_with_pandas") / "data" / "liar"
    liar = _example()
    raw = pd.DataFrame(list(liar.rows(liar_dir / "test.tsv")))
    with claimgraph.Database(":memory:") as db:
        assert liar.load(db, liar_dir, files=("test.tsv",)) == 1
        stats = db.stats()
        assert stats["articles"] == len(raw)
        assert stats["labels"]["Actor"] == raw["speaker"].nunique()
        got = liar.verdicts(db).set_index("verdict")["statements"].to_dict()
        assert got == raw["label"].value_counts().to_dict()
        top = liar.most_quoted(db, top=3)
        counts = raw["speaker"].value_counts()
        assert top["statements"].tolist() == counts.head(3).tolist()
        party = liar.falsehood_by_party(db, min_statements=1)
        expected = raw.assign(false=raw["label"].isin(["false", "pants-fire"])).groupby("party")["false"].mean()
        for name, share in party["false_share"].items():
            assert share == pytest.approx(expected[name])
