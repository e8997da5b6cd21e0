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
# The same code runs about twice as fast on one 2-core machine as on another:
# every figure belongs with the machine it was measured on.
echo "machine: $(nproc) cores, $(lscpu | sed -n 's/^Model name: *//p' | head -1), $(awk '/^MemTotal:/ {printf "%.0f", $2 / 1048576}' /proc/meminfo) GiB of memory"
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
# load time through the real pipeline (one process, every batch). First at
# LINKAGE_CHILDREN (20,000), then at issue 6's national-scale target,
# LINKAGE_BIG_CHILDREN (1,000,000 children, about 3.8 million records: loaded
# and matched in at most 240 s). The big run takes minutes and about 10 GB of
# disk under TMPDIR; LINKAGE_BIG_CHILDREN=0 skips it.
linkage_eval() {  # CHILDREN NAME
  local out="bench/results/$2-${stamp}.json" work="${TMPDIR:-/tmp}/cp-$2-$$"
  local log="bench/results/$2-${stamp}.log"
  if ! ./scripts/linkage_eval.sh "$build/src/cli/contactpoint" "$1" 202 "$work" \
       --json "$out" 2>"$log"; then
    rm -rf "$work"  # a national-scale store is gigabytes
    echo "   linkage evaluation of $1 children failed: see $log" >&2
    return 1
  fi
  rm -rf "$work" "$log"
  cp "$out" "bench/results/$2-latest.json"
  echo "   JSON: $out"
}
children=${LINKAGE_CHILDREN:-20000}
echo "== linkage end to end: ${children} children, seed 202 (one run) =="
linkage_eval "$children" linkage_eval
big=${LINKAGE_BIG_CHILDREN:-1000000}
if [ "$big" != 0 ]; then
  echo "== linkage end to end: ${big} children, seed 202 (one run; target: loaded and matched in <= 240 s) =="
  linkage_eval "$big" linkage_eval_big
fi

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
