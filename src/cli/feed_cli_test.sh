#!/usr/bin/env bash
# End-to-end checks of data supply through the real binary: the source
# registry's accreditation path, loading synthetic batches, idempotent
# resubmission, refusals, CSV supply, the link export, and the audit trail.
# Usage: feed_cli_test.sh PATH/TO/contactpoint
set -u
bin=$1
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
# expect, pass, fail and finish come from expect.sh.
source "$(dirname "$0")/expect.sh"

db="$tmp/cp.db"
"$bin" init --store "$db" >/dev/null
"$bin" synth --children 200 --seed 11 --out "$tmp/syn" >/dev/null 2>&1

expect source_help 0 'accredit' -- "$bin" source --help
expect source_add 0 'credential, shown this once' -- "$bin" source add --store "$db" gro-births --name "GRO birth registrations" --kind national
expect source_add_twice 1 'already registered' -- "$bin" source add --store "$db" gro-births --name "GRO" --kind national
expect source_add_bad_id 1 'lower-case letters' -- "$bin" source add --store "$db" "GRO Births" --name "GRO"
expect load_before_accreditation 1 'registered.*only an active source may load' -- "$bin" feed load --store "$db" --source gro-births "$tmp/syn/gro-births.jsonl"
expect activate_too_early 1 'accredit its system type first' -- "$bin" source activate --store "$db" gro-births
expect accredit_type 0 'now type_accredited' -- "$bin" source accredit --store "$db" gro-births --stage type
expect accredit_instance 0 'now instance_accredited' -- "$bin" source accredit --store "$db" gro-births --stage instance
expect activate 0 'now active' -- "$bin" source activate --store "$db" gro-births
expect source_list 0 'gro-births +national +active +2 ' -- "$bin" source list --store "$db"
expect source_show 0 'state: +active' -- "$bin" source show --store "$db" gro-births
expect source_priority_range 2 'not in range' -- "$bin" source set-priority --store "$db" gro-births 0
expect source_priority 0 'now has priority 1' -- "$bin" source set-priority --store "$db" gro-births 1
expect source_show_priority 0 'priority: +1 ' -- "$bin" source show --store "$db" gro-births
expect source_show_unknown 1 'no source nobody is registered' -- "$bin" source show --store "$db" nobody

expect load 0 'new children [1-9][0-9]*, to review 0, rejected 0' -- "$bin" feed load --store "$db" --source gro-births "$tmp/syn/gro-births.jsonl"
expect load_again_changes_nothing 0 'loaded before with identical content' -- "$bin" feed load --store "$db" --source gro-births "$tmp/syn/gro-births.jsonl"
expect load_other_source_batch 1 'its own batches' -- "$bin" feed load --store "$db" --source gro-births "$tmp/syn/nhs-pds.jsonl"
sed 's/"given_names":"[^"]*"/"given_names":"Changed"/' "$tmp/syn/gro-births.jsonl" >"$tmp/changed.jsonl"
expect same_batch_different_content 1 'already loaded with different content' -- "$bin" feed load --store "$db" --source gro-births "$tmp/changed.jsonl"

# A batch with a bad line: loaded, and the receipt names line, field and reason.
head -1 "$tmp/syn/gro-births.jsonl" | sed 's/"batch":"[^"]*"/"batch":"b-bad"/' >"$tmp/bad.jsonl"
echo '{"key": "X1", "op": "upsert", "child": {"family_name": "Lee", "date_of_birth": "2015-01-02", "given_names": "Ann", "notes": "x"}}' >>"$tmp/bad.jsonl"
expect load_with_rejection 0 'line 2: child.notes: unknown field' -- "$bin" feed load --store "$db" --source gro-births "$tmp/bad.jsonl"

# CSV supply through the same pipeline.
"$bin" source add --store "$db" la-manual --name "Manual input" >/dev/null
for stage in type instance; do "$bin" source accredit --store "$db" la-manual --stage $stage >/dev/null; done
"$bin" source activate --store "$db" la-manual >/dev/null
printf 'key,given_names,family_name,date_of_birth\nM1,Ann,Lee,2015-01-02\n' >"$tmp/m.csv"
expect load_csv 0 'accepted 1' -- "$bin" feed load --store "$db" --source la-manual --batch m1 "$tmp/m.csv"

# Several sources' batches in one run, each as the source its header names.
"$bin" source add --store "$db" nhs-pds --name "NHS PDS" --kind national >/dev/null
for stage in type instance; do "$bin" source accredit --store "$db" nhs-pds --stage $stage >/dev/null; done
"$bin" source activate --store "$db" nhs-pds >/dev/null
expect load_needs_a_source 1 'give either --source ID .* or --source-from-header' -- "$bin" feed load --store "$db" "$tmp/syn/nhs-pds.jsonl"
expect load_one_way_to_name_the_source 2 'excludes' -- "$bin" feed load --store "$db" --source nhs-pds --source-from-header "$tmp/syn/nhs-pds.jsonl"
expect load_csv_needs_its_source 1 'CSV batch has no header line to name its source' -- "$bin" feed load --store "$db" --source-from-header "$tmp/m.csv"
# With --timings, the batch applied (not the one loaded before) says where its time went.
out=$("$bin" feed load --store "$db" --source-from-header --timings "$tmp/syn/gro-births.jsonl" "$tmp/syn/nhs-pds.jsonl" 2>&1)
rc=$?
if [ "$rc" -eq 0 ] && grep -q 'gro-births.jsonl: this batch was loaded before' <<<"$out" &&
   grep -qE 'Receipt for batch .* from nhs-pds ' <<<"$out" &&
   grep -qE 'linked [1-9][0-9]*, new children [0-9]+, to review [0-9]+, rejected 0' <<<"$out" &&
   [ "$(grep -cE '^  timings: applied in [0-9]+\.[0-9]{2} s \(CPU: reading [0-9.]+ s, matching and best views [0-9.]+ s, store writes [0-9.]+ s; waited [0-9.]+ s for a full write queue and [0-9.]+ s in [0-9]+ calls to the writer\), committed in [0-9.]+ s$' <<<"$out")" -eq 1 ]; then
  pass load_several_sources_in_one_run
else
  fail load_several_sources_in_one_run "exit $rc: $out"
fi

expect links_export_header 0 '^source,key,child_id,state' -- "$bin" links export --store "$db"
expect links_export_one_source 0 '^la-manual,M1,[0-9]{12},linked' -- "$bin" links export --store "$db" --source la-manual
rows=$("$bin" links export --store "$db" --source gro-births | tail -n +2 | wc -l)
records=$(tail -n +2 "$tmp/syn/gro-births.jsonl" | wc -l)
if [ "$rows" -ge 1 ] && [ "$rows" -le "$records" ]; then pass links_export_rows;
else fail links_export_rows "$rows rows for $records records"; fi

expect links_export_is_audited 0 'export' -- "$bin" audit show --store "$db" --action export
expect suspend 0 'now suspended' -- "$bin" source suspend --store "$db" gro-births
expect suspended_cannot_load 1 'suspended' -- "$bin" feed load --store "$db" --source gro-births "$tmp/syn/gro-births.jsonl"
expect loads_are_audited 0 'apply_feed' -- "$bin" audit show --store "$db" --action apply_feed
expect audit_still_verifies 0 'intact' -- "$bin" audit verify --store "$db"

finish
