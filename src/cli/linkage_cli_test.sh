#!/usr/bin/env bash
# End-to-end checks of `contactpoint linkage train`: options, errors naming
# what to fix, a model that loads again (as the start of another training),
# and a start model never overwritten by accident.
# Usage: linkage_cli_test.sh PATH/TO/contactpoint
set -u
bin=$1
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# expect, pass, fail and finish come from expect.sh.
source "$(dirname "$0")/expect.sh"

expect linkage_help_lists_train 0 '^  train ' -- "$bin" linkage --help
expect train_help 0 '--batches.*REQUIRED' -- "$bin" linkage train --help
expect train_help_start 0 'model-start.json' -- "$bin" linkage train --help
expect batches_required 2 'batches' -- "$bin" linkage train --out "$tmp/m.json"
expect out_required 2 'out' -- "$bin" linkage train --batches "$bin"
expect missing_batch_is_usage_error 2 "$tmp/nothing.jsonl" -- \
  "$bin" linkage train --batches "$tmp/nothing.jsonl" --out "$tmp/m.json"

# Seed 101 is the training seed (docs/linkage.md): tests train on it too.
# 300 children are too few: nearly every candidate pair is a match.
if ! "$bin" synth --children 300 --seed 101 --out "$tmp/small" >/dev/null 2>&1 ||
  ! "$bin" synth --children 2000 --seed 101 --out "$tmp/synth" >/dev/null 2>&1; then
  fail synth "could not make the training population"
  finish
fi
batches=("$tmp"/synth/*.jsonl)

expect too_small_is_refused 1 'too few non-matches.*not written.*--force' -- \
  "$bin" linkage train --batches "$tmp"/small/*.jsonl --out "$tmp/small.json"
expect too_small_wrote_nothing 1 '' -- test -e "$tmp/small.json"
expect candidate_pairs_only_is_refused_here 1 'noisy sources|swapped' -- \
  "$bin" linkage train --batches "${batches[@]}" --out "$tmp/small.json" --random-pairs 0

expect csv_is_refused 1 'not a .jsonl' -- \
  "$bin" linkage train --batches "$tmp/synth/truth.csv" --out "$tmp/m.json"
echo 'not json' >"$tmp/bad.jsonl"
expect bad_header_names_file 1 "bad.jsonl" -- \
  "$bin" linkage train --batches "$tmp/bad.jsonl" --out "$tmp/m.json"
expect out_folder_must_exist 1 "$tmp/no/such" -- \
  "$bin" linkage train --batches "${batches[@]}" --out "$tmp/no/such/m.json"
echo '{}' >"$tmp/start.json"
expect bad_start_model_named 1 'start.json' -- \
  "$bin" linkage train --batches "${batches[@]}" --start "$tmp/start.json" --out "$tmp/m.json"
expect missing_linkage_data_named 2 "$tmp/nodata" -- \
  "$bin" linkage train --batches "${batches[@]}" --out "$tmp/m.json" --linkage-data "$tmp/nodata"

expect trains 0 'match prior: +0\.9[0-9]*' -- \
  "$bin" linkage train --batches "${batches[@]}" --out "$tmp/m.json"
if grep -q '"linkage_model_version": 1' "$tmp/m.json" && grep -q 'Trained by EM' "$tmp/m.json"; then
  pass model_written
else
  fail model_written "$(head -c 400 "$tmp/m.json")"
fi
expect table_has_levels 0 'date_of_birth +exact' -- \
  "$bin" linkage train --batches "${batches[@]}" --out "$tmp/m2.json"
expect same_output_again 0 '' -- diff <(grep -v '"description"' "$tmp/m.json") \
  <(grep -v '"description"' "$tmp/m2.json")
expect sampled 0 'pairs used: +5000 \(sampled, seed 9\)' -- \
  "$bin" linkage train --batches "${batches[@]}" --out "$tmp/m3.json" --max-pairs 5000 --seed 9
expect output_loads_as_start 0 'wrote' -- \
  "$bin" linkage train --batches "${batches[@]}" --start "$tmp/m.json" --out "$tmp/m4.json"
expect prior_given 0 'written with --prior 0\.0001' -- \
  "$bin" linkage train --batches "${batches[@]}" --out "$tmp/m5.json" --prior 0.0001
expect prior_written 0 '"match_prior": 0\.0001' -- cat "$tmp/m5.json"
expect prior_out_of_range 2 'prior' -- \
  "$bin" linkage train --batches "${batches[@]}" --out "$tmp/m6.json" --prior 0.9
cp "$tmp/m.json" "$tmp/keep.json"
expect start_not_overwritten 1 'start model.*--force' -- \
  "$bin" linkage train --batches "${batches[@]}" --start "$tmp/m.json" --out "$tmp/m.json"
expect start_unchanged 0 '' -- cmp "$tmp/m.json" "$tmp/keep.json"
expect force_overwrites_start 0 'wrote' -- \
  "$bin" linkage train --batches "${batches[@]}" --start "$tmp/m.json" --out "$tmp/m.json" --force

finish
