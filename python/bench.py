"""Benchmarks of the Python module, for BENCHMARKS.md (build it with `pip install .`, a release build).

    python python/bench.py [--corpus DIR]

1. `to_pandas()` of a 1M-row result (an integer, a float and a string column);
2. a trivial query's overhead from Python against the same query run in Rust,
   in the same process, on the same engine;
3. `to_arrow()` of the statements of a corpus made by gen_corpus.py, with the
   date each was first claimed
   (`--corpus DIR` holding corpus.jsonl; skipped without it).
"""

import argparse
import statistics
import time
from pathlib import Path

import claimgraph


def best(f, repeat=3):
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        f()
        times.append(time.perf_counter() - start)
    return min(times), statistics.median(times)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--corpus", type=Path)
    args = ap.parse_args()
    db = claimgraph.Database(":memory:")

    big = "UNWIND range(1, 1000000) AS i RETURN i, i * 0.5 AS f, 'n' + toString(i) AS s"
    t_query, _ = best(lambda: db.query(big), 1)
    result = db.query(big)
    t_pandas, m_pandas = best(result.to_pandas)
    t_arrow, m_arrow = best(result.to_arrow)
    df = result.to_pandas()
    print(f"1M rows: query {t_query:.3f} s; to_pandas best {t_pandas:.3f} s (median {m_pandas:.3f}); "
          f"to_arrow best {t_arrow:.3f} s (median {m_arrow:.3f}); dtypes {dict(df.dtypes.astype(str))}")

    # The best of several batches for each side: a busy machine adds noise to
    # both, and the best batch is the closest to the cost itself.
    n, batches = 2000, 10
    trivial = "RETURN 1 AS one"
    for _ in range(1000):
        db.query(trivial)
    py_times, native_times = [], []
    for _ in range(batches):
        start = time.perf_counter()
        for _ in range(n):
            db.query(trivial).rows()
        py_times.append((time.perf_counter() - start) / n)
        native_times.append(db._time_native(trivial, n))
    py, native = min(py_times), min(native_times)
    print(f"trivial query (best of {batches} batches of {n}): Python {py * 1e6:.1f} us, "
          f"Rust {native * 1e6:.1f} us, overhead {(py - native) * 1e6:.1f} us; "
          f"medians {statistics.median(py_times) * 1e6:.1f} / {statistics.median(native_times) * 1e6:.1f} us")

    if args.corpus:
        with claimgraph.Database(":memory:") as corpus:
            start = time.perf_counter()
            corpus.import_file(args.corpus / "corpus.jsonl")
            t_import = time.perf_counter() - start
            # Each statement with the date it was first claimed (a temporal column).
            q = ("MATCH (s:Statement) OPTIONAL MATCH ()-[c:CLAIMS]->(s) "
                 "RETURN id(s) AS id, s.text AS text, min(c.date) AS first_claimed")
            t_q, _ = best(lambda: corpus.query(q), 1)
            r = corpus.query(q)
            native_columns = sum(r._arrow_column(__import__("pyarrow"), i) is not None for i in range(len(r.columns)))
            t_a, m_a = best(r.to_arrow)
            table = r.to_arrow()
            print(f"corpus: import {t_import:.1f} s; {table.num_rows} statements; query {t_q:.3f} s; "
                  f"to_arrow best {t_a:.4f} s (median {m_a:.4f}); {native_columns}/{len(r.columns)} columns "
                  f"built in Rust; schema {table.schema}")


if __name__ == "__main__":
    main()
