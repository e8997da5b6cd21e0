#!/usr/bin/env bash
# make bench: runs every benchmark binary in the Release tree, prints the
# table (median of 5 repetitions) and writes JSON to bench/results/.
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
  out="bench/results/${name}-${stamp}.json"
  echo "== $name (median of $reps runs) =="
  "$b" --benchmark_repetitions="$reps" --benchmark_report_aggregates_only=true \
       --benchmark_display_aggregates_only=true \
       --benchmark_out="$out" --benchmark_out_format=json \
       | grep -E '^(Benchmark|---|\S+_median)' || true
  cp "$out" "bench/results/${name}-latest.json"
  echo "   JSON: $out"
done
