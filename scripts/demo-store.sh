#!/usr/bin/env bash
# Builds a demonstration store from Synthetic England through the real data
# supply pipeline (sources registered and accredited, batches loaded with
# receipts) and creates the demo users (their secrets in DIR/credentials.txt).
# Used by `make demo` (scripts/demo.sh) and the browser tests. Does nothing
# when DIR/contactpoint.db exists.
# Usage: demo-store.sh PATH/TO/contactpoint DIR CHILDREN [SEED]
set -euo pipefail
bin=$1
dir=$2
children=$3
seed=${4:-1}
store="$dir/contactpoint.db"
mkdir -p "$dir"
[ -f "$store" ] && exit 0

echo "demo: creating the store and a synthetic population of $children children"
"$bin" init --store "$store.tmp" >/dev/null
"$bin" synth --children "$children" --seed "$seed" --out "$dir/synth"
for batch in "$dir"/synth/*.jsonl; do
  source=$(basename "$batch" .jsonl)
  case "$source" in
    gro-births|dwp-child-benefit|dcsf-school-census|nhs-pds) kind=national ;;
    *) kind=local ;;
  esac
  "$bin" source add --store "$store.tmp" "$source" --name "Synthetic $source" --kind "$kind" >/dev/null
  "$bin" source accredit --store "$store.tmp" "$source" --stage type >/dev/null
  "$bin" source accredit --store "$store.tmp" "$source" --stage instance >/dev/null
  "$bin" source activate --store "$store.tmp" "$source" >/dev/null
done
# Every batch in one process: the matching index is built once.
"$bin" feed load --store "$store.tmp" --source-from-header --max-errors 3 "$dir"/synth/*.jsonl |
  grep -E '^(Receipt|  records)'

"$bin" demo-users --store "$store.tmp" --out "$dir/credentials.txt" >/dev/null
# Only a fully loaded store becomes the demo store (with its keys).
for suffix in "" .audit-key .audit-key.pub .token-key; do mv "$store.tmp$suffix" "$store$suffix"; done
rm -f "$store.tmp-wal" "$store.tmp-shm"
