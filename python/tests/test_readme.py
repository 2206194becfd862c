"""The README's Python quick start, run as it is written there."""

import contextlib
import io
import os
import re

import pytest

from conftest import ROOT


def _quick_start():
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    section = text[text.index("\n## Python\n"):]
    return re.search(r"```python\n(.*?)```", section, re.S).group(1)


def test_the_readme_quick_start_runs_and_answers(monkeypatch):
    for module in ("pandas", "networkx", "matplotlib"):
        if os.environ.get("CI") == "true":
            __import__(module)
        else:
            pytest.importorskip(module)
    monkeypatch.setenv("MPLBACKEND", "Agg")
    monkeypatch.chdir(ROOT)
    namespace = {}
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        exec(compile(_quick_start(), "README.md (Python quick start)", "exec"), namespace)
    printed = out.getvalue()
    # Who claims it: the claimant's name and the date of the claim, per line.
    lines = printed.splitlines()
    assert lines[0] == "Yevgeny Prigozhin 2023-04-02"
    # Which articles back the LEADS relationship: both example articles.
    assert sorted(eval(lines[1])) == [("bakhmut-flag-2023-04-03",), ("bakhmut-withdrawal-2023-05-05",)]
    denials = namespace["denials"]
    assert list(denials.columns) == ["who", "what", "quote"] and len(denials) >= 1
    assert "Hanna Maliar" in set(denials["who"])
    g = namespace["g"]
    assert g.number_of_edges() >= 3
    assert {d["type"] for _, _, d in g.edges(data=True)} <= {"CLAIMS", "DENIES", "ABOUT"}
    assert "Bakhmut" in {d.get("name") for _, d in g.nodes(data=True)}
