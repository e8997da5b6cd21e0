#!/usr/bin/env bash
# Linkage quality and speed on Synthetic England, end to end through the real
# pipeline: synth (a seed never used for training) -> init -> register and
# activate every source -> feed load every batch (one process) -> links export -> linkage
# score against truth.csv. Prints the score and the load time; with --json
# FILE also writes them as JSON.
#
# Usage: scripts/linkage_eval.sh BINARY CHILDREN SEED WORKDIR [--json FILE]
#   LINKAGE_DATA=DIR may name another linkage data folder (a trial model.json).
set -euo pipefail
bin=$1 children=$2 seed=$3 work=$4
json=""
if [ "${5:-}" = "--json" ]; then json=$6; fi
rm -rf "$work"
mkdir -p "$work"
store="$work/cp.db"
"$bin" synth --children "$children" --seed "$seed" --out "$work/synth" >/dev/null
"$bin" init --store "$store" >/dev/null
records=0
batches=()
for batch in "$work"/synth/*.jsonl; do
  source=$(basename "$batch" .jsonl)
  case "$source" in  # as make demo registers them (national sources rank higher)
    gro-births|dwp-child-benefit|dcsf-school-census|nhs-pds) kind=national ;;
    *) kind=local ;;
  esac
  "$bin" source add --store "$store" "$source" --name "Synthetic $source" --kind "$kind" >/dev/null
  "$bin" source accredit --store "$store" "$source" --stage type >/dev/null
  "$bin" source accredit --store "$store" "$source" --stage instance >/dev/null
  "$bin" source activate --store "$store" "$source" >/dev/null
  batches+=("$batch")
  records=$((records + $(($(wc -l < "$batch") - 1))))
done
# Every batch in one process, as a feed service runs: the matching index is
# built once and kept from batch to batch. The time is this process's, from
# its start (opening the store) to its end (the last batch committed).
start=$(date +%s%N)
"$bin" feed load --store "$store" --source-from-header --max-errors 0 \
  ${LINKAGE_DATA:+--linkage-data "$LINKAGE_DATA"} "${batches[@]}" 2>/dev/null |
  grep '^  records' >&2
end=$(date +%s%N)
ms=$(((end - start) / 1000000))
seconds=$((ms / 1000)).$(printf "%03d" $((ms % 1000)))
"$bin" links export --store "$store" > "$work/links.csv"
"$bin" linkage score --synth "$work/synth" --links "$work/links.csv"
echo "load and match: $records records in ${seconds} s"
if [ -n "$json" ]; then
  score=$("$bin" linkage score --synth "$work/synth" --links "$work/links.csv" --json)
  printf '{"children": %s, "seed": %s, "records": %s, "load_seconds": %s, "score": %s}\n' \
    "$children" "$seed" "$records" "$seconds" "$score" > "$json"
fi
