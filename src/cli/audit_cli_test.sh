#!/usr/bin/env bash
# End-to-end checks of `contactpoint audit`: keygen, checkpoint, verify and
# show on a real store, and verify catching a store edited behind its back.
# Usage: audit_cli_test.sh PATH/TO/contactpoint PATH/TO/audit_fill
set -u
bin=$1
fill=$2
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# expect, pass, fail and finish come from expect.sh.
source "$(dirname "$0")/expect.sh"

db="$tmp/cp.db"
expect help_lists_audit 0 '^  audit ' -- "$bin" --help
for sub in keygen checkpoint verify show; do
  expect "audit_${sub}_help" 0 'Usage|OPTIONS|Options' -- "$bin" audit "$sub" --help
done
expect audit_needs_subcommand 2 'subcommand' -- "$bin" audit
expect init_creates_key 0 "Audit signing key created at $db.audit-key" -- "$bin" init --store "$db"
mode=$(stat -c %a "$db.audit-key")
if [ "$mode" = 600 ]; then pass key_is_private; else fail key_is_private "mode $mode"; fi
# init records seeding the organisations: one entry before any use.
expect verify_init_only 0 'Audit log intact: 1 entries' -- "$bin" audit verify --store "$db"
expect fill 0 'appended 9' -- "$fill" "$db" 9
expect verify_uncovered 0 '10 newer entries are not yet covered' -- "$bin" audit verify --store "$db"
expect checkpoint 0 'Checkpoint signed: 10 entries' -- "$bin" audit checkpoint --store "$db"
expect checkpoint_nothing_new 0 'Nothing to sign' -- "$bin" audit checkpoint --store "$db"
expect verify_ok 0 'Audit log intact: 10 entries' -- "$bin" audit verify --store "$db"
expect verify_counts_checkpoints 0 '1 signed checkpoint\(s\) verified' -- "$bin" audit verify --store "$db"

expect show_table 0 '^INDEX +TIME \(UTC\) +ACTION' -- "$bin" audit show --store "$db"
expect show_counts 0 '^10 events$' -- "$bin" audit show --store "$db"
expect show_by_user 0 '^2 events$' -- "$bin" audit show --store "$db" --user user-1
expect show_by_action 0 '^1 event$' -- "$bin" audit show --store "$db" --action search
expect show_limit 0 '^3 events$' -- "$bin" audit show --store "$db" --limit 3
expect show_from_future 0 '^0 events$' -- "$bin" audit show --store "$db" --from 2999-01-01
expect show_to_past 0 '^0 events$' -- "$bin" audit show --store "$db" --to 2000-01-01T00:00:00Z
child=$("$bin" audit show --store "$db" --json --limit 1 | grep -oE '"[0-9]{12}"' | head -1 | tr -d '"')
expect show_by_child 0 "${child:0:4} ${child:4:4} ${child:8:4}" -- "$bin" audit show --store "$db" --child "$child"
expect show_json 0 '"action": "' -- "$bin" audit show --store "$db" --json
expect show_bad_child 1 'invalid_contactpoint_id' -- "$bin" audit show --store "$db" --child 123
expect show_bad_action 1 'not an audited action' -- "$bin" audit show --store "$db" --action frobnicate
expect show_bad_time 1 'from must be a UTC date' -- "$bin" audit show --store "$db" --from yesterday
expect show_bad_limit 2 'limit' -- "$bin" audit show --store "$db" --limit 0
expect show_missing_store 1 "$tmp/none.db" -- "$bin" audit show --store "$tmp/none.db"

# Key problems name the file and the fix.
expect keygen 0 "written to $tmp/k1" -- "$bin" audit keygen --out "$tmp/k1"
expect keygen_refuses_overwrite 1 'already exists' -- "$bin" audit keygen --out "$tmp/k1"
expect keygen_needs_out 2 'out' -- "$bin" audit keygen
expect checkpoint_missing_key 1 "$tmp/nokey.*does not exist.*audit keygen" -- "$bin" audit checkpoint --store "$db" --key "$tmp/nokey"
chmod 644 "$tmp/k1"
expect checkpoint_key_readable_by_others 1 "chmod 600 $tmp/k1" -- "$bin" audit checkpoint --store "$db" --key "$tmp/k1"
expect verify_missing_public_key 1 "$tmp/nokey.pub.*does not exist" -- "$bin" audit verify --store "$db" --public-key "$tmp/nokey.pub"
expect verify_with_another_key 1 'audit_tampered.*|another key' -- "$bin" audit verify --store "$db" --public-key "$tmp/k1.pub"

# Tampering with the file directly is caught and named.
cp "$db" "$tmp/flip.db"; cp "$db.audit-key.pub" "$tmp/flip.db.audit-key.pub"
sqlite3 "$tmp/flip.db" "DROP TRIGGER audit_log_is_append_only_update; UPDATE audit_log SET leaf = CAST(replace(CAST(leaf AS TEXT), 'allowed', 'allowes') AS BLOB) WHERE leaf_index = 4"
expect verify_detects_flip 1 'tampered.*does not match the log.*\[audit_tampered\]' -- "$bin" audit verify --store "$tmp/flip.db"
cp "$db" "$tmp/del.db"; cp "$db.audit-key.pub" "$tmp/del.db.audit-key.pub"
sqlite3 "$tmp/del.db" "DROP TRIGGER audit_log_is_append_only_delete; DELETE FROM audit_children WHERE leaf_index = 3; DELETE FROM audit_log WHERE leaf_index = 3"
expect verify_detects_delete 1 'entry 3 is missing' -- "$bin" audit verify --store "$tmp/del.db"
cp "$db" "$tmp/trunc.db"; cp "$db.audit-key.pub" "$tmp/trunc.db.audit-key.pub"
sqlite3 "$tmp/trunc.db" "DROP TRIGGER audit_log_is_append_only_delete; DELETE FROM audit_children WHERE leaf_index >= 7; DELETE FROM audit_log WHERE leaf_index >= 7"
expect verify_detects_truncation 1 'covers more entries than the log holds' -- "$bin" audit verify --store "$tmp/trunc.db"
cp "$db" "$tmp/forge.db"; cp "$db.audit-key.pub" "$tmp/forge.db.audit-key.pub"
sqlite3 "$tmp/forge.db" "UPDATE audit_checkpoints SET at_ms = at_ms + 1"
expect verify_detects_forged_checkpoint 1 'invalid signature' -- "$bin" audit verify --store "$tmp/forge.db"
expect triggers_refuse_deleting_entries 0 'append-only' -- bash -c "sqlite3 '$db' 'DELETE FROM audit_log' 2>&1; true"
expect verify_still_ok 0 'Audit log intact: 10 entries' -- "$bin" audit verify --store "$db"

finish
