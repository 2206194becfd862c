"""LIAR's TSV files, read without claimgraph: writes them as claimgraph's
.jsonl (the route that needs no mapping) and prints, as JSON, answers that
pandas computes over the TSV for the Rust test to compare.

    liar.py LIAR_DIR OUT.jsonl

Exits with status 3 when pandas is missing.
"""

import csv
import json
import sys

COLUMNS = ["id", "label", "statement", "subjects", "speaker", "job_title", "state",
           "party", "barely_true_counts", "false_counts", "half_true_counts",
           "mostly_true_counts", "pants_on_fire_counts", "context"]
COUNTS = COLUMNS[8:13]
FILES = ["train.tsv", "valid.tsv", "test.tsv"]


def props(pairs):
    return {k: v for k, v in pairs if v not in ("", None)}


def to_jsonl(liar_dir, out_path):
    with open(out_path, "w", encoding="utf-8") as out:
        def emit(obj):
            out.write(json.dumps(obj, ensure_ascii=False) + "\n")
        for name in FILES:
            with open(f"{liar_dir}/{name}", newline="", encoding="utf-8") as f:
                for cells in csv.reader(f, delimiter="\t", quoting=csv.QUOTE_NONE):
                    row = dict(zip(COLUMNS, (c.strip() for c in cells)))
                    emit({"article": {"id": row["id"], **props([("source", "PolitiFact"), ("venue", row["context"])])}})
                    emit({"entity": {"kind": "actor", "name": row["speaker"],
                                     **props((k, row[k]) for k in ("job_title", "state", "party"))}})
                    emit({"entity": {"kind": "organisation", "name": "PolitiFact"}})
                    statement = {"label": "claim", "text": row["statement"]}
                    if row["subjects"]:
                        statement["subjects"] = [s.strip() for s in row["subjects"].split(",") if s.strip()]
                    emit({"statement": statement})
                    claim = props([("party", row["party"])] + [(k, int(row[k]) if row[k] else None) for k in COUNTS])
                    emit({"triple": {"s": {"kind": "actor", "name": row["speaker"]}, "p": "claims",
                                     "o": {"label": "claim"}, "props": claim}})
                    emit({"triple": {"s": {"kind": "organisation", "name": "PolitiFact"}, "p": "assesses",
                                     "o": {"label": "claim"}, "props": {"verdict": row["label"]}}})


def answers(liar_dir):
    try:
        import pandas as pd
    except ImportError as e:
        print(f"pandas is not installed: {e}", file=sys.stderr)
        sys.exit(3)
    frames = [pd.read_csv(f"{liar_dir}/{name}", sep="\t", header=None, names=COLUMNS,
                          quoting=csv.QUOTE_NONE, dtype=str, keep_default_na=False)
              for name in FILES]
    df = pd.concat(frames, ignore_index=True)
    for c in df.columns:
        df[c] = df[c].str.strip()
    false = df[df["label"] == "false"]
    by_party = false.groupby("party").size()
    by_speaker = false.groupby("speaker").size().reset_index(name="n")
    by_speaker = by_speaker.sort_values(["n", "speaker"], ascending=[False, True]).head(10)
    verdicts = df.groupby("label").size()
    return {
        "rows": int(len(df)),
        "false_by_party": {p: int(n) for p, n in by_party.items()},
        "false_by_speaker": [[s, int(n)] for s, n in zip(by_speaker["speaker"], by_speaker["n"])],
        "verdicts": {v: int(n) for v, n in verdicts.items()},
        "speakers": int(df["speaker"].nunique()),
    }


def main():
    liar_dir, out_path = sys.argv[1], sys.argv[2]
    result = answers(liar_dir)
    to_jsonl(liar_dir, out_path)
    print(json.dumps(result))


if __name__ == "__main__":
    main()
