#!/usr/bin/env bash
# End-to-end checks of the contactpoint binary: every subcommand's success and
# failure paths, exit codes and messages, and a served health check.
# Usage: cli_test.sh PATH/TO/contactpoint
set -u
bin=$1
tmp=$(mktemp -d)
server_pid=""
trap '[ -n "$server_pid" ] && kill "$server_pid" 2>/dev/null; rm -rf "$tmp"' EXIT

# expect, pass, fail and finish come from expect.sh.
source "$(dirname "$0")/expect.sh"

expect help_lists_init 0 '^  init ' -- "$bin" --help
expect help_lists_serve 0 '^  serve ' -- "$bin" --help
expect help_lists_version 0 '^  version ' -- "$bin" --help
expect no_command_is_usage_error 2 'subcommand' -- "$bin"
expect unknown_command 2 'unknown|Extras|subcommand' -- "$bin" frobnicate
expect version 0 '^contactpoint [0-9]+\.[0-9]+\.[0-9]+' -- "$bin" version
expect init_help 0 '--store' -- "$bin" init --help
expect serve_help 0 '--port' -- "$bin" serve --help
expect init_needs_store 2 'store' -- env -u CONTACTPOINT_STORE "$bin" init
expect init_missing_dir 1 "$tmp/nope/cp.db.*does not exist" -- "$bin" init --store "$tmp/nope/cp.db"
touch "$tmp/afile"
expect init_under_a_file 1 "$tmp/afile/cp.db" -- "$bin" init --store "$tmp/afile/cp.db"
head -c 8192 /dev/urandom >"$tmp/garbage.db"
expect init_on_non_database 1 "garbage.db.*(not a ContactPoint store|not a database)" -- "$bin" init --store "$tmp/garbage.db"
expect init_creates 0 "Store ready at $tmp/cp.db" -- "$bin" init --store "$tmp/cp.db"
expect init_again_is_idempotent 0 "schema version [0-9]+" -- "$bin" init --store "$tmp/cp.db"
expect init_from_environment 0 "Store ready at $tmp/env.db" -- env CONTACTPOINT_STORE="$tmp/env.db" "$bin" init
expect serve_missing_store 1 "$tmp/missing.db" -- "$bin" serve --store "$tmp/missing.db" --port 18080
if [ -e "$tmp/missing.db" ]; then fail serve_missing_store "it created the store"; fi
expect serve_refuses_plain_http_off_loopback 1 'TLS|tls' -- "$bin" serve --store "$tmp/cp.db" --bind 0.0.0.0
expect serve_bad_port 2 'port' -- "$bin" serve --store "$tmp/cp.db" --port 99999
expect serve_help_lists_search_limits 0 '--searches-per-hour.*--searches-per-day.*--suspend-at' -- \
  bash -c "\"$bin\" serve --help | tr '\\n' ' '"
expect serve_suspension_below_daily_limit 1 'suspend-at.*must be above.*searches-per-day' -- \
  "$bin" serve --store "$tmp/cp.db" --searches-per-day 500 --suspend-at 400
expect serve_zero_search_limit 2 'searches-per-hour' -- "$bin" serve --store "$tmp/cp.db" --searches-per-hour 0
expect serve_missing_tls_cert 2 'tls-cert|File does not exist' -- "$bin" serve --store "$tmp/cp.db" --tls-cert "$tmp/none.pem"

# feed check: a clean batch passes; bad lines are reported with line, path and reason.
header='{"contactpoint_feed": 1, "source": "la-leeds", "batch": "b1", "extracted_at": "2026-11-21T02:00:00Z", "mode": "delta"}'
good='{"key": "K1", "op": "upsert", "child": {"given_names": "Ann", "family_name": "Lee", "date_of_birth": "2015-01-02"}}'
printf '%s\n%s\n' "$header" "$good" >"$tmp/good.jsonl"
gzip -c "$tmp/good.jsonl" >"$tmp/good.jsonl.gz"
printf '%s\n%s\n%s\n' "$header" "$good" '{"key": "K2", "op": "upsert", "child": {"family_name": "Lee", "date_of_birth": "2015-01-02", "notes": "x"}}' >"$tmp/bad.jsonl"
expect feed_check_clean 0 '1 records, 1 accepted \(0 withdrawals\), 0 rejected' -- "$bin" feed check "$tmp/good.jsonl"
expect feed_check_gzip 0 '1 accepted' -- "$bin" feed check "$tmp/good.jsonl.gz"
expect feed_check_reports_line_and_path 1 'line 3: child.notes: unknown field' -- "$bin" feed check "$tmp/bad.jsonl"
expect feed_check_missing_file 2 'does not exist|File does not exist' -- "$bin" feed check "$tmp/none.jsonl"
printf '{"contactpoint_feed": 2}\n' >"$tmp/badheader.jsonl"
expect feed_check_bad_header 1 'header' -- "$bin" feed check "$tmp/badheader.jsonl"

printf 'key,family_name,date_of_birth,given_names\nK1,Lee,2015-01-02,Ann\nK2,Lee,2015-02-30,Bo\n' >"$tmp/batch.csv"
expect feed_check_csv_needs_source 1 'give --source and --batch' -- "$bin" feed check "$tmp/batch.csv"
expect feed_check_csv_reports_row_and_column 1 'row 3: date_of_birth: must be a real calendar date' -- "$bin" feed check --source la-x --batch m1 "$tmp/batch.csv"

# Serve for real on a free loopback port and ask for the health check.
start_server "$bin" "$tmp/cp.db" "$tmp"
if [ "$port" -eq 0 ]; then
  fail serve "never started: $(cat "$tmp/serve.out" "$tmp/serve.err")"
else
  expect health_over_http 0 '"status":"ok"' -- curl -sS --max-time 5 "http://127.0.0.1:$port/health"
  expect unknown_endpoint_is_json_404 0 '"code":"not_found"' -- curl -sS --max-time 5 "http://127.0.0.1:$port/nothing"
  kill -TERM "$server_pid"
  wait "$server_pid"
  rc=$?
  server_pid=""
  if [ "$rc" -eq 0 ]; then pass serve_stops_cleanly_on_sigterm;
  else fail serve_stops_cleanly_on_sigterm "exit $rc"; fi
fi

finish
