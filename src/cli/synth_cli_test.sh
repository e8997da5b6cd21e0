#!/usr/bin/env bash
# End-to-end checks of `contactpoint synth`: options, errors naming what to
# fix, repeatable output, and batches that the feed checker accepts.
# Usage: synth_cli_test.sh PATH/TO/contactpoint
set -u
bin=$1
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# expect, pass, fail and finish come from expect.sh.
source "$(dirname "$0")/expect.sh"

expect help_lists_synth 0 '^  synth ' -- "$bin" --help
expect synth_help 0 '--children.*REQUIRED' -- "$bin" synth --help
expect synth_help_as_of 0 '--as-of' -- "$bin" synth --help
expect zero_children_is_usage_error 2 'children' -- "$bin" synth --children 0 --seed 1 --out "$tmp/x"
expect seed_required 2 'seed' -- "$bin" synth --children 5 --out "$tmp/x"
expect bad_as_of 1 'as-of.*YYYY-MM-DD' -- "$bin" synth --children 5 --seed 1 --out "$tmp/x" --as-of 2025-02-30
touch "$tmp/afile"
expect unwritable_out_is_named 1 "$tmp/afile/out" -- "$bin" synth --children 5 --seed 1 --out "$tmp/afile/out"
expect missing_data_dir_is_named 1 "$tmp/nodata" -- "$bin" synth --children 5 --seed 1 --out "$tmp/x" --data-dir "$tmp/nodata"
expect writes_batches 0 'nhs-pds.jsonl: [0-9]+ records' -- "$bin" synth --children 300 --seed 5 --out "$tmp/a"
expect same_seed_again 0 '300 children' -- "$bin" synth --children 300 --seed 5 --out "$tmp/b"
expect same_bytes 0 '' -- diff -r "$tmp/a" "$tmp/b"
expect every_batch_passes_feed_check 0 'gro-births.*0 rejected' -- "$bin" feed check "$tmp"/a/*.jsonl

finish
