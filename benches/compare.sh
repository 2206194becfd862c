#!/usr/bin/env bash
# Runs the standard workload on claimgraph and on its peers (Kuzu, Oxigraph,
# LadybugDB, SQLite) in one go, checks that claimgraph's rows equal the reference's, and
# writes the side-by-side table into BENCHMARKS.md.
#
#   bash benches/compare.sh [ARTICLES]      # default 50000 (~917k relationships)
#
# RUNS (default 5) sets the timed runs per query on every engine, PEER_TIMEOUT
# (default 60) the seconds a peer's query may take before it is stopped, PEERS
# (default: all) which peers run.
#
# Needs the shared bench material ($CLAIMGRAPH_SHARED, default ../shared) and
# PyPI for the peers' venv (kuzu==0.11.3, ladybug, pyoxigraph), made once under $BENCH_DIR.
set -euo pipefail
cd "$(dirname "$0")/.."
articles=${1:-50000}
shared=${CLAIMGRAPH_SHARED:-$(cd ../shared && pwd)}
work=${BENCH_DIR:-${TMPDIR:-/tmp}/claimgraph-bench}
venv=${PEERS_VENV:-$work/venv}
corpus="$work/corpus-$articles"
mkdir -p "$work"

[ -f "$corpus/params.json" ] || python3 "$shared/bench/gen_corpus.py" --articles "$articles" --out "$corpus"
[ -x "$venv/bin/python" ] || python3 -m venv "$venv"
"$venv/bin/python" -c 'import kuzu, ladybug, pyoxigraph' 2>/dev/null ||
  "$venv/bin/pip" install --quiet kuzu==0.11.3 ladybug pyoxigraph

runs=${RUNS:-5}
# PEERS (say "kuzu ladybug") runs only those peers; default: all of them.
peer_args=()
for p in ${PEERS:-}; do peer_args+=(--peer "$p"); done
"$venv/bin/python" "$shared/bench/peers.py" "$corpus" --runs "$runs" --timeout "${PEER_TIMEOUT:-60}" \
  "${peer_args[@]}" --json "$work/peers-$articles.json"
cargo bench --bench workload -- --corpus "$corpus" --queries "$shared/bench/queries.cypher" --runs "$runs" \
  --expected "$work/peers-$articles.json" --json "$work/claimgraph-$articles.json"
python3 benches/report.py "$work/peers-$articles.json" "$work/claimgraph-$articles.json" \
  --command "${PEERS:+PEERS=\"$PEERS\" }RUNS=$runs PEER_TIMEOUT=${PEER_TIMEOUT:-60} bash benches/compare.sh $articles" --update BENCHMARKS.md
