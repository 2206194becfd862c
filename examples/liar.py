"""The LIAR walkthrough with pandas: who said what, and how PolitiFact rated it.

    python examples/liar.py /path/to/liar [--store DIR]

Reads train.tsv, valid.tsv and test.tsv from the LIAR directory (Wang, 2017),
imports them into claimgraph (in memory unless --store is given; one
transaction per file), and answers three questions as DataFrames.

Each LIAR row becomes an article (its PolitiFact id), the speaker an actor
(with job, state and party), the statement a statement, an edge
``speaker CLAIMS statement`` (with the context) and an edge
``PolitiFact ASSESSES statement`` (with the verdict and the subjects).
"""

import argparse
import csv
import sys
from pathlib import Path

import claimgraph

FILES = ("train.tsv", "valid.tsv", "test.tsv")
COLUMNS = (
    "id", "label", "statement", "subjects", "speaker", "job", "state", "party",
    "barely_true", "false", "half_true", "mostly_true", "pants_on_fire", "context",
)
# The six verdicts, from least to most true.
VERDICTS = ("pants-fire", "false", "barely-true", "half-true", "mostly-true", "true")


def rows(path):
    """The rows of one LIAR file as dicts; rows without a speaker or a statement are left out."""
    csv.field_size_limit(1 << 24)
    with open(path, newline="", encoding="utf-8") as f:
        for fields in csv.reader(f, delimiter="\t", quoting=csv.QUOTE_NONE):
            if len(fields) != len(COLUMNS):
                continue
            row = dict(zip(COLUMNS, (x.strip() for x in fields)))
            if row["speaker"] and row["statement"]:
                yield row


def records(path):
    """The JSON Lines records (as dicts) of one LIAR file."""
    for row in rows(path):
        actor = {"kind": "actor", "name": row["speaker"]}
        statement = {"kind": "statement", "text": row["statement"]}
        yield {"article": {"id": "politifact-" + row["id"].removesuffix(".json"), "source": "PolitiFact"}}
        entity = dict(actor)
        for key in ("job", "state", "party"):
            if row[key]:
                entity[key] = row[key]
        yield {"entity": entity}
        yield {"triple": {"s": actor, "p": "claims", "o": statement, "props": {"context": row["context"]}}}
        subjects = [s for s in row["subjects"].split(",") if s]
        yield {
            "triple": {
                "s": {"kind": "organisation", "name": "PolitiFact"},
                "p": "assesses",
                "o": statement,
                "props": {"verdict": row["label"], "subjects": subjects},
            }
        }


def load(db, liar_dir, files=FILES, to_records=records):
    """Imports the LIAR files found in `liar_dir` (each file's records from
    `to_records(path)`); returns how many were imported."""
    done = 0
    for name in files:
        path = Path(liar_dir) / name
        if path.exists():
            db.import_records(to_records(path))
            done += 1
    return done


def verdicts(db):
    """How PolitiFact's verdicts are spread."""
    df = db.query(
        "MATCH (:Organisation {name: 'PolitiFact'})-[a:ASSESSES]->(:Statement) "
        "RETURN a.verdict AS verdict, count(*) AS statements"
    ).to_pandas()
    order = {v: i for i, v in enumerate(VERDICTS)}
    return df.sort_values("verdict", key=lambda c: c.map(order)).reset_index(drop=True)


def falsehood_by_party(db, min_statements=100):
    """For each party with enough rated statements: how many, and the share rated false or pants on fire."""
    df = db.query(
        "MATCH (a:Actor)-[:CLAIMS]->(s:Statement)<-[v:ASSESSES]-(:Organisation {name: 'PolitiFact'}) "
        "RETURN a.party AS party, v.verdict AS verdict"
    ).to_pandas()
    df["false"] = df["verdict"].isin(["false", "pants-fire"])
    out = df.groupby("party").agg(statements=("verdict", "size"), false_share=("false", "mean"))
    out = out[out["statements"] >= min_statements]
    return out.sort_values("false_share", ascending=False)


def most_quoted(db, top=10):
    """The speakers with the most statements, and how many of theirs were rated true or mostly true."""
    df = db.query(
        "MATCH (a:Actor)-[:CLAIMS]->(s:Statement)<-[v:ASSESSES]-() "
        "RETURN a.name AS speaker, count(s) AS statements, "
        "sum(CASE WHEN v.verdict IN ['true', 'mostly-true'] THEN 1 ELSE 0 END) AS rated_true "
        "ORDER BY statements DESC, speaker LIMIT $top",
        {"top": top},
    ).to_pandas()
    df["true_share"] = df["rated_true"] / df["statements"]
    return df


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("liar_dir", help="the directory holding train.tsv, valid.tsv and test.tsv")
    parser.add_argument("--store", default=":memory:", help="a store directory (default: in memory)")
    args = parser.parse_args(argv)
    with claimgraph.Database(args.store) as db:
        if load(db, args.liar_dir) == 0:
            print(f"no LIAR files ({', '.join(FILES)}) in {args.liar_dir}", file=sys.stderr)
            return 1
        print(db.stats()["labels"])
        print("\nVerdicts:\n", verdicts(db).to_string(index=False))
        print("\nShare rated false or pants on fire, by party:\n", falsehood_by_party(db).to_string())
        print("\nMost quoted speakers:\n", most_quoted(db).to_string(index=False))
    return 0


if __name__ == "__main__":
    sys.exit(main())
