import os
from pathlib import Path

import pytest

import claimgraph

ROOT = Path(__file__).resolve().parents[2]
EXAMPLES = ROOT / "examples"


@pytest.fixture
def db():
    with claimgraph.Database(":memory:") as d:
        yield d


@pytest.fixture
def bakhmut(db):
    db.import_file(EXAMPLES / "bakhmut.triples")
    db.import_file(EXAMPLES / "bakhmut-followup.triples")
    return db


def shared(test):
    """The shared material from CLAIMGRAPH_SHARED: required in CI, else the test says it did not run."""
    value = os.environ.get("CLAIMGRAPH_SHARED")
    if value:
        return Path(value)
    if os.environ.get("CI") == "true":
        pytest.fail(f"CLAIMGRAPH_SHARED must be set in CI ({test})")
    print(f"NOT RUN: {test} needs CLAIMGRAPH_SHARED (the shared material)")
    pytest.skip(f"NOT RUN: {test} needs CLAIMGRAPH_SHARED")


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    """In CI a skipped test (a missing optional library, say) fails: CI installs them all."""
    outcome = yield
    report = outcome.get_result()
    if os.environ.get("CI") == "true" and report.skipped and not hasattr(report, "wasxfail"):
        report.outcome = "failed"
        report.longrepr = f"skipped in CI, where everything it needs is installed: {report.longrepr}"
