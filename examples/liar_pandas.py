"""The LIAR walkthrough in pandas: what PolitiFact rated false, by party and by speaker, and the most contested statements.

    python examples/liar_pandas.py /path/to/liar [--top N] [--json]

Loads train.tsv, valid.tsv and test.tsv from the LIAR directory (Wang, 2017)
through the claimgraph module into an in-memory store, one transaction per
file, and prints three tables. With ``--json`` it prints the same figures as
one JSON object instead.

Each LIAR row is an article (the PolitiFact page) in which the speaker CLAIMS
the statement (with the speaker's party at the time) and PolitiFact ASSESSES it
with the row's verdict; a verdict of ``false`` or ``pants-fire`` is also a
denial (PolitiFact DENIES the statement), so ``claims.contested()`` finds the
statements that someone said and PolitiFact refuted, most claimants first.
"""

import argparse
import json
import sys
from pathlib import Path

import claimgraph

# The TSV reader is examples/liar.py's (this script's directory is on sys.path).
sys.path.insert(0, str(Path(__file__).resolve().parent))
from liar import FILES, rows  # noqa: E402
from liar import load as load_files  # noqa: E402

FALSE = ("false", "pants-fire")
POLITIFACT = {"kind": "organisation", "name": "PolitiFact"}


def records(path):
    """The JSON Lines records (as dicts) of one LIAR file."""
    for row in rows(path):
        yield {"article": {"id": "politifact-" + row["id"].removesuffix(".json"), "source": "PolitiFact"}}
        speaker = {"kind": "actor", "name": row["speaker"]}
        statement = {"kind": "statement", "text": row["statement"]}
        said = {"context": row["context"], "party": row["party"] or "none"}
        yield {"triple": {"s": speaker, "p": "claims", "o": statement, "props": said}}
        verdict = {"verdict": row["label"]}
        yield {"triple": {"s": POLITIFACT, "p": "assesses", "o": statement, "props": verdict}}
        if row["label"] in FALSE:
            yield {"triple": {"s": POLITIFACT, "p": "denies", "o": statement, "props": verdict}}


def load(db, liar_dir):
    """Imports the LIAR files found in `liar_dir`; returns how many there were."""
    return load_files(db, liar_dir, to_records=records)


# One row per LIAR row: the claim and the verdict given in the same article.
RATED = (
    "MATCH (a:Actor)-[c:CLAIMS]->(s:Statement)<-[v:ASSESSES]-(:Organisation {name: 'PolitiFact'}) "
    "WHERE c.article = v.article "
)


def rated(db, key):
    """Statements and how many were rated false or pants on fire, per `key` (a Cypher expression)."""
    return db.query(
        RATED + f"RETURN {key} AS key, count(*) AS statements, "
        "sum(CASE WHEN v.verdict IN $false THEN 1 ELSE 0 END) AS rated_false",
        {"false": list(FALSE)},
    ).to_pandas()


def false_by_party(db, min_statements=100):
    """Per party (as of each statement) with enough statements: how many, how many rated false, the share."""
    df = rated(db, "c.party").rename(columns={"key": "party"})
    df = df[df["statements"] >= min_statements].copy()
    df["share"] = df["rated_false"] / df["statements"]
    return df.sort_values(["statements", "party"], ascending=[False, True]).reset_index(drop=True)


def false_by_speaker(db, top=10):
    """The speakers with the most statements rated false or pants on fire."""
    df = rated(db, "a.name").rename(columns={"key": "speaker"})
    df = df.sort_values(["rated_false", "speaker"], ascending=[False, True]).head(top)
    return df.reset_index(drop=True)


def most_contested(db, top=10):
    """claims.contested(): statements said by someone and denied, most claimants and deniers first."""
    return db.query(
        "CALL claims.contested() YIELD statement, claimants, deniers, articles "
        "RETURN statement.text AS statement, claimants, deniers, articles LIMIT $top",
        {"top": top},
    ).to_pandas()


def figures(db, top=10):
    return {
        "false_by_party": false_by_party(db),
        "false_by_speaker": false_by_speaker(db, top),
        "most_contested": most_contested(db, top),
    }


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("liar_dir", help="the directory holding train.tsv, valid.tsv and test.tsv")
    parser.add_argument("--top", type=int, default=10, help="rows of the speaker and contested tables")
    parser.add_argument("--json", action="store_true", help="print the figures as one JSON object")
    args = parser.parse_args(argv)
    with claimgraph.Database(":memory:") as db:
        if load(db, args.liar_dir) == 0:
            print(f"error: no LIAR files ({', '.join(FILES)}) in {args.liar_dir}", file=sys.stderr)
            return 1
        out = figures(db, args.top)
    if args.json:
        print(json.dumps({k: df.to_dict(orient="records") for k, df in out.items()}))
        return 0
    pd = sys.modules["pandas"]
    with pd.option_context("display.width", 120, "display.max_colwidth", 70):
        print("Rated false or pants on fire, by party (100 statements or more):")
        print(out["false_by_party"].to_string(index=False, float_format="{:.3f}".format))
        print(f"\nThe {args.top} speakers with the most statements rated false:")
        print(out["false_by_speaker"].to_string(index=False))
        print(f"\nThe {args.top} most contested statements (claims.contested):")
        print(out["most_contested"].to_string(index=False))
    return 0


if __name__ == "__main__":
    sys.exit(main())
