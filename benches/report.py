#!/usr/bin/env python3
"""Writes the side-by-side table of one benchmark run into BENCHMARKS.md.

    report.py PEERS.json CLAIMGRAPH.json --command CMD --update BENCHMARKS.md

Replaces what lies between the `<!-- results N -->` and `<!-- /results N -->`
markers of the run's corpus size N (adding the block after the last one when
that size has none) and leaves the rest of the file (the notes) alone.
"""
import argparse
import datetime
import json
import os
import platform
import re

QUERIES = ["q1", "q2", "q3", "q4", "q5", "q6"]


def cpu_model():
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown CPU"


def ms(q):
    if q and "median_ms" in q:
        return q["median_ms"]
    return None


def fmt_ms(v, status=None):
    if v is None:
        return status or "–"
    return "%.1f" % v if v >= 10 else "%.2f" % v


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("peers")
    ap.add_argument("claimgraph")
    ap.add_argument("--command", required=True)
    ap.add_argument("--update", required=True)
    a = ap.parse_args()
    peers = json.load(open(a.peers))
    cg = json.load(open(a.claimgraph))
    corpus = peers["corpus"]

    rows = []
    header = "| engine | load s | rel/s | load peak MiB | disk MiB | " + " | ".join(q + " ms" for q in QUERIES) + " |"
    rows.append(header)
    rows.append("|" + "---|" * (5 + len(QUERIES)))
    rows.append("| **claimgraph** | %.2f | %.0f | %.0f | %.1f | %s |" % (
        cg["load_s"], cg["rels_per_s"], cg["load_peak_rss_mib"], cg["disk_bytes"] / 2**20,
        " | ".join(fmt_ms(ms(cg["queries"].get(q))) for q in QUERIES)))
    for name, r in peers["peers"].items():
        if "load_s" not in r:
            rows.append("| %s | %s |" % (name, r.get("error", "failed")))
            continue
        rows.append("| %s %s | %.2f | %.0f | %.0f | %.1f | %s |" % (
            name, r.get("version", ""), r["load_s"], r["rels_per_s"], r["load_peak_rss_mib"], r["disk_mib"],
            " | ".join(fmt_ms(ms(r["queries"].get(q)), r["queries"].get(q, {}).get("status")) for q in QUERIES)))

    ratios = []
    for name, r in peers["peers"].items():
        if "load_s" not in r:
            continue
        cells = ["%.2f×" % (cg["rels_per_s"] / r["rels_per_s"])]
        for q in QUERIES:
            mine, theirs = ms(cg["queries"].get(q)), ms(r["queries"].get(q))
            if mine is None:
                cells.append("–")
            elif theirs is None:
                status = r["queries"].get(q, {}).get("status", "no result")
                cells.append("%s (%s)" % ("≥ %.0f×" % (peers["timeout_s"] * 1000 / mine) if "timeout" in status else "–", status))
            else:
                cells.append("%.1f×" % (theirs / mine))
        ratios.append("| %s | %s |" % (name, " | ".join(cells)))

    checks = ", ".join("%s: %s" % (q, cg["queries"][q]["check"]) for q in QUERIES if q in cg["queries"])
    size = corpus["articles"]
    text = "\n".join([
        "<!-- results %d -->" % size,
        "Run on %s (%s, %d cores, %s), %s." % (
            platform.node() and "a %s machine" % platform.machine(), cpu_model(), os.cpu_count() or 0,
            platform.system(), datetime.date.today().isoformat()),
        "",
        "Corpus: %d articles, %d nodes, %d relationships (after identity rules). Command: `%s`." % (
            corpus["articles"], corpus["nodes"], corpus["relationships"], a.command),
        "Query times are medians of %d warm runs; peers time out after %g s." % (peers["runs"], peers["timeout_s"]),
        "",
        *rows,
        "",
        "claimgraph: the load time is the median of %d imports into fresh stores (%s s; the peers load once); "
        "opening the store takes %.0f ms in process, leaving %.0f MiB resident; "
        "`claimgraph query` answers q1 %.0f ms after the process starts%s%s." % (
            len(cg.get("load_times_s", [cg["load_s"]])),
            ", ".join("%.2f" % t for t in cg.get("load_times_s", [cg["load_s"]])),
            cg["open_ms"], cg["open_rss_mib"], cg["cold_query_ms"],
            " (peak %.0f MiB)" % cg["cold_query_rss_mib"] if "cold_query_rss_mib" in cg else "",
            "; `claimgraph stats` answers %.0f ms after the process starts (peak %.0f MiB)" % (
                cg["cold_stats_ms"], cg["cold_stats_rss_mib"]) if "cold_stats_ms" in cg else ""),
        "",
        "How many times faster claimgraph is (import: rate ratio; queries: peer time / claimgraph time):",
        "",
        "| peer | import | " + " | ".join(QUERIES) + " |",
        "|" + "---|" * (2 + len(QUERIES)),
        *ratios,
        "",
        "Answers: %s." % checks,
        "<!-- /results %d -->" % size,
    ])
    try:
        old = open(a.update).read()
    except FileNotFoundError:
        old = "# Benchmarks\n"
    # One block per corpus size: a run replaces the block of its size, or
    # adds one after the last block (or at the end).
    block = re.compile(r"<!-- results %d -->.*?<!-- /results %d -->" % (size, size), re.S)
    if block.search(old):
        new = block.sub(lambda _: text, old, count=1)
    else:
        ends = list(re.finditer(r"<!-- /results \d+ -->", old))
        at = ends[-1].end() if ends else len(old)
        new = old[:at] + "\n\n" + text + old[at:]
    open(a.update, "w").write(new)
    print("updated", a.update)


if __name__ == "__main__":
    main()
