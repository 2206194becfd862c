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


def test_liar_pandas_example_prints_the_figures_pandas_computes_from_the_tsv():
    import json
    import subprocess
    import sys

    pd = pytest.importorskip("pandas")
    liar_dir = shared("test_liar_pandas_example_prints_the_figures_pandas_computes_from_the_tsv") / "data" / "liar"
    run = subprocess.run(
        [sys.executable, str(EXAMPLES / "liar_pandas.py"), str(liar_dir), "--json"],
        capture_output=True, text=True, timeout=120,
    )
    assert run.returncode == 0, run.stderr
    got = json.loads(run.stdout)

    columns = list(_example().COLUMNS)
    raw = pd.concat(
        pd.read_csv(liar_dir / name, sep="\t", header=None, names=columns, quoting=3, dtype=str,
                    keep_default_na=False, on_bad_lines="skip")
        for name in ("train.tsv", "valid.tsv", "test.tsv")
    )
    raw = raw.apply(lambda c: c.str.strip())
    raw = raw[(raw["speaker"] != "") & (raw["statement"] != "")]
    raw["party"] = raw["party"].replace("", "none")
    raw["rated_false"] = raw["label"].isin(["false", "pants-fire"]).astype(int)

    party = raw.groupby("party").agg(statements=("label", "size"), rated_false=("rated_false", "sum"))
    party = party[party["statements"] >= 100].reset_index()
    party = party.sort_values(["statements", "party"], ascending=[False, True])
    assert [(r["party"], r["statements"], r["rated_false"]) for r in got["false_by_party"]] == [
        (p, int(n), int(f)) for p, n, f in party[["party", "statements", "rated_false"]].itertuples(index=False)
    ]
    assert len(got["false_by_party"]) >= 2

    speaker = raw.groupby("speaker").agg(statements=("label", "size"), rated_false=("rated_false", "sum")).reset_index()
    speaker = speaker.sort_values(["rated_false", "speaker"], ascending=[False, True]).head(10)
    assert [(r["speaker"], r["statements"], r["rated_false"]) for r in got["false_by_speaker"]] == [
        (s, int(n), int(f)) for s, n, f in speaker.itertuples(index=False)
    ]

    # Contested: said by someone and rated false (PolitiFact the one denier).
    by_text = raw.groupby("statement").agg(claimants=("speaker", "nunique"), denied=("rated_false", "max")).reset_index()
    by_text = by_text[by_text["denied"] == 1].sort_values(["claimants", "statement"], ascending=[False, True]).head(10)
    assert [(r["statement"], r["claimants"], r["deniers"]) for r in got["most_contested"]] == [
        (t, int(n), 1) for t, n in by_text[["statement", "claimants"]].itertuples(index=False)
    ]
    assert got["most_contested"][0]["claimants"] >= 2
