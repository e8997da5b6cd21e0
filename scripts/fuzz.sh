#!/usr/bin/env bash
# Runs the libFuzzer targets for a bounded time (part of `make test`).
# A crash, hang, leak or sanitizer report fails the run and keeps the input
# that caused it in build/fuzz/artifacts/.
# Usage: fuzz.sh BUILD_DIR SECONDS
set -euo pipefail
build=$1
seconds=$2
corpus="$build/corpus"
artifacts="$build/artifacts/"
mkdir -p "$corpus" "$artifacts"
cp src/ingest/fuzz_seeds/* "$corpus/"
log="$build/batch_parser_fuzz.log"
if "$build/src/ingest/batch_parser_fuzz" -max_total_time="$seconds" -max_len=8192 -timeout=10 \
     -rss_limit_mb=2048 -artifact_prefix="$artifacts" "$corpus" >"$log" 2>&1; then
  echo "fuzz: batch parser: $(grep -Eo 'Done [0-9]+ runs in [0-9]+ second' "$log" | tail -1)s, no failure"
else
  tail -40 "$log"
  echo "fuzz: batch parser FAILED; the input is in $artifacts (full log: $log)" >&2
  exit 1
fi
