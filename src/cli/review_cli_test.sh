#!/usr/bin/env bash
# End-to-end checks of the data administrator's operations through the real
# binary: two small batches leave records waiting for review; a Data
# Administrator lists, shows, links and separates them, merges, splits and
# explains children; the cannot-link rules and a non-administrator are
# refused; everything is in the audit trail, which holds no names.
# Usage: review_cli_test.sh PATH/TO/contactpoint
set -u
bin=$1
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
# expect, pass, fail and finish come from expect.sh.
source "$(dirname "$0")/expect.sh"

export CONTACTPOINT_STORE="$tmp/cp.db"
"$bin" init >/dev/null || { fail init "init failed"; finish; }
"$bin" user bootstrap root.admin --name "Root Admin" --training 2026-01-05 --ecrb 2025-02-01 >/dev/null
for who in "leeds.da data_administrator" "leeds.cpm contactpoint_manager"; do
  set -- $who
  "$bin" user create "$1" --as root.admin --name "Test $1" --org la:E08000035 --role "$2" >/dev/null
  for step in "nominate $1" "training $1 --date 2026-03-01" "ecrb $1 --date 2024-06-30" "enrol-token $1"; do
    "$bin" user $step --as root.admin >/dev/null || fail "setup_$1" "user $step failed"
  done
done
for source in gro-births nhs-pds; do
  "$bin" source add "$source" --name "Test $source" --kind national >/dev/null
  "$bin" source accredit "$source" --stage type >/dev/null
  "$bin" source accredit "$source" --stage instance >/dev/null
  "$bin" source activate "$source" >/dev/null
done

header() {
  echo "{\"contactpoint_feed\": 1, \"source\": \"$1\", \"batch\": \"$2\", \"sequence\": 1, \"extracted_at\": \"2026-11-21T02:00:00Z\", \"mode\": \"delta\"}"
}
upsert() {
  echo "{\"key\": \"$1\", \"op\": \"upsert\", \"child\": {\"given_names\": \"$2\", \"family_name\": \"$3\", \"gender\": \"female\", \"date_of_birth\": \"$4\", \"identifiers\": {}}, \"events\": ${5:-[]}}"
}
# Amelia and Oliver Smith share a date of birth; a second Amelia Smith was
# born a week later. Jack Brown was adopted and is Jack Green since.
{
  header gro-births g1
  upsert G1 Amelia Smith 2015-03-02
  upsert G2 Oliver Smith 2015-03-02
  upsert G3 Amelia Smith 2015-03-09
  upsert J1 Jack Brown 2012-01-01
} >"$tmp/gro.jsonl"
# Amelie Smith: the same child as Amelia, or not? (review)
{
  header nhs-pds p1
  upsert P1 Amelie Smith 2015-03-02
  upsert Q1 Jack Green 2012-01-01 '[{"type": "adoption"}]'
} >"$tmp/pds.jsonl"
expect load_gro 0 'to review 1' -- "$bin" feed load --source gro-births "$tmp/gro.jsonl"
expect load_pds 0 'to review 1' -- "$bin" feed load --source nhs-pds "$tmp/pds.jsonl"
child_of() { "$bin" links export | awk -F, -v s="$1" -v k="$2" '$1 == s && $2 == k { print $3 }'; }
amelia=$(child_of gro-births G1)
oliver=$(child_of gro-births G2)
amelia2=$(child_of gro-births G3)
jack=$(child_of gro-births J1)
jack_adopted=$(child_of nhs-pds Q1)
amelie=$(child_of nhs-pds P1)

expect review_help 0 'separate' -- "$bin" review --help
expect child_help 0 'explain' -- "$bin" child --help
expect split_help 0 '--record' -- "$bin" child split --help
expect needs_as 2 '--as is required' -- "$bin" review list
expect not_a_da 1 'only a Data Administrator.*permission_denied' -- "$bin" review list --as leeds.cpm
expect unknown_user 1 'no user .nobody.*user_not_found' -- "$bin" review list --as nobody

export CONTACTPOINT_AS=leeds.da
expect list 0 "nhs-pds:P1 +$amelie +$amelia +between_thresholds" -- "$bin" review list
expect list_limit_bad 1 'between 1 and 1000' -- "$bin" review list --limit 0
expect show 0 'given names +Amelie +Amelia' -- "$bin" review show nhs-pds P1
expect show_vector 0 'date_of_birth +exact' -- "$bin" review show nhs-pds P1
expect show_unknown 1 'there is no record nhs-pds:NOPE.*source_record_not_found' -- "$bin" review show nhs-pds NOPE
expect show_linked 1 'is linked, not waiting for review.*source_record_not_in_review' -- "$bin" review show gro-births G1
expect link_sibling_refused 1 'sibling rule forbids it.*cannot_link' -- "$bin" review link nhs-pds P1 --to "$oliver"
expect link_bad_id 1 'not a ContactPoint ID' -- "$bin" review link nhs-pds P1 --to 123
expect link_bad_reason 1 '--reason must be a code' -- "$bin" review link nhs-pds P1 --reason "Amelie is Amelia"
expect link 0 "Linked nhs-pds:P1 to child $amelia.*merged away" -- bash -c "'$bin' review link nhs-pds P1 --reason duplicate_confirmed | tr '\n' ' '"
expect link_again 1 'not waiting for review' -- "$bin" review link nhs-pds P1
expect explain_redirect 0 "$amelie was merged into $amelia" -- "$bin" child explain "$amelie"
expect explain_records 0 'nhs-pds:P1 +linked.*manual_link \(duplicate_confirmed\) by leeds.da' -- bash -c "'$bin' child explain '$amelia' | tr '\n' ' '"
expect explain_provenance 0 'date_of_birth +(gro-births:G1|nhs-pds:P1), batch' -- "$bin" child explain "$amelia"
expect separate 0 "Separated gro-births:G3: it is child $amelia2, a child of its own" -- "$bin" review separate gro-births G3 --reason born_a_week_later
expect list_empty 0 'No record is waiting' -- "$bin" review list
expect merge_adoption_refused 1 'adoption rule forbids it.*cannot_link' -- "$bin" child merge "$jack" "$jack_adopted"
expect merge_same 1 'already the same child' -- "$bin" child merge "$amelia" "$amelie"
expect merge 0 "Merged child $amelia2 into $amelia: 1 record" -- "$bin" child merge "$amelia" "$amelia2" --reason duplicate_confirmed
expect split_all_refused 1 'must leave at least one current record' -- "$bin" child split "$amelia" --record gro-births:G1 --record gro-births:G3 --record nhs-pds:P1
expect split_not_a_record 1 'not a current record of child' -- "$bin" child split "$amelia" --record gro-births:G2
expect split_bad_ref 1 'write SOURCE:KEY' -- "$bin" child split "$amelia" --record G3
expect split 0 "Note: $amelia2 was merged into $amelia.*Split 1 record\(s\) from child $amelia to a new child" -- bash -c "'$bin' child split '$amelia2' --record gro-births:G3 --reason wrongly_merged | tr '\n' ' '"
new_child=$(child_of gro-births G3)
if [ -n "$new_child" ] && [ "$new_child" != "$amelia" ]; then pass split_moved; else fail split_moved "G3 is on '$new_child'"; fi

# The audit trail: every operation and every refusal, codes and IDs only.
expect audit_merges 0 'merge_records' -- "$bin" audit show --action merge_records
expect audit_refusals 0 'refused' -- "$bin" audit show --action merge_records
expect audit_split 0 'split_record' -- "$bin" audit show --action split_record
expect audit_verify 0 'verified' -- "$bin" audit verify
if "$bin" audit show 2>&1 | grep -qi 'amelia\|amelie\|oliver\|leeds.da'; then
  fail audit_holds_no_names "a name or username is in the audit trail"
else
  pass audit_holds_no_names
fi

finish
