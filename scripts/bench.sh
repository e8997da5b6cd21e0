#!/usr/bin/env bash
# make bench: runs every Google Benchmark binary in the Release tree, prints
# the table (median of 5 repetitions), then the linkage and search
# evaluations (below), and writes JSON to bench/results/.
# Benchmarks are measurements, never pass/fail.
# Usage: bench.sh BUILD_DIR   (REPETITIONS=5 may be set)
set -euo pipefail
build=$1
reps=${REPETITIONS:-5}
mkdir -p bench/results
stamp=$(date -u +%Y%m%dT%H%M%SZ)
for b in "$build"/bench/*_bench; do
  [ -x "$b" ] || continue
  name=$(basename "$b")
  [ "$name" = search_bench ] && continue  # not Google Benchmark: run below
  out="bench/results/${name}-${stamp}.json"
  echo "== $name (median of $reps runs) =="
  "$b" --benchmark_repetitions="$reps" --benchmark_report_aggregates_only=true \
       --benchmark_display_aggregates_only=true \
       --benchmark_out="$out" --benchmark_out_format=json \
       | grep -E '^(Benchmark|---|\S+_median)' || true
  cp "$out" "bench/results/${name}-latest.json"
  echo "   JSON: $out"
done

# Linkage end to end on Synthetic England with seed 202, which is never used
# for training or tuning (training uses 101): quality against the truth and
# load time through the real pipeline. LINKAGE_CHILDREN sets the size.
children=${LINKAGE_CHILDREN:-20000}
out="bench/results/linkage_eval-${stamp}.json"
echo "== linkage end to end: ${children} children, seed 202 (one run) =="
./scripts/linkage_eval.sh "$build/src/cli/contactpoint" "$children" 202 \
  "${TMPDIR:-/tmp}/cp-linkage-eval-$$" --json "$out" 2>/dev/null
rm -rf "${TMPDIR:-/tmp}/cp-linkage-eval-$$"
cp "$out" bench/results/linkage_eval-latest.json
echo "   JSON: $out"

# Practitioners' search on Synthetic England (issue 8 targets): in-process
# (SearchService::Search) on 1 and 2 threads, then over HTTP on loopback
# against the real `contactpoint serve` (POST /api/v1/searches as signed-in
# practitioners, 1 and SEARCH_CONNECTIONS (8) kept-alive connections, in
# SEARCH_ROUNDS (3) rounds against the same server, the median shown): latency
# per query kind, searches/s, and whether the right child is among the
# results. SEARCH_CHILDREN sets the size, SEARCH_QUERIES the number of queries.
search_children=${SEARCH_CHILDREN:-100000}
search_queries=${SEARCH_QUERIES:-10000}
if [ -x "$build/bench/search_bench" ]; then
  out="bench/results/search_bench-${stamp}.json"
  echo "== search: ${search_children} children, ${search_queries} queries, seed 202 (one run) =="
  "$build/bench/search_bench" --children "$search_children" --queries "$search_queries" \
    --seed 202 --workdir "${TMPDIR:-/tmp}/cp-search-bench-$$" --json "$out" \
    --serve "$build/src/cli/contactpoint" --http-connections "${SEARCH_CONNECTIONS:-8}" \
    --http-rounds "${SEARCH_ROUNDS:-3}"
  cp "$out" bench/results/search_bench-latest.json
  echo "   JSON: $out"
fi
