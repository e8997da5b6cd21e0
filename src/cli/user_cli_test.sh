#!/usr/bin/env bash
# End-to-end checks of organisations and users through the real binary: the
# organisations seeded by init, bootstrapping the first administrator, a User
# Manager's operations within and outside their scope, what a manager sees of
# an ineligible user, the demo users, and the audit trail of it all.
# Usage: user_cli_test.sh PATH/TO/contactpoint
set -u
bin=$1
tmp=$(mktemp -d)
server_pid=""
trap '[ -n "$server_pid" ] && kill "$server_pid" 2>/dev/null; rm -rf "$tmp"' EXIT
# expect, pass, fail and finish come from expect.sh.
source "$(dirname "$0")/expect.sh"

db="$tmp/cp.db"
expect init_seeds 0 'Organisations seeded: 161' -- "$bin" init --store "$db"
expect init_again_keeps 0 'Store ready' -- "$bin" init --store "$db"
expect org_list 0 'la:E08000035 +local_authority +accredited +Leeds City Council' -- "$bin" org list --store "$db"
expect user_help 0 'enrol-token' -- "$bin" user --help
expect roles 0 'police_child_abuse_investigation' -- "$bin" user roles

expect bootstrap 0 'otpauth://totp/ContactPoint' -- "$bin" user bootstrap --store "$db" root.admin --name "Root Admin" --training 2026-01-05 --ecrb 2025-02-01 --qr "$tmp/root.svg"
if grep -q '<svg' "$tmp/root.svg" && [ "$(stat -c %a "$tmp/root.svg")" = 600 ]; then pass qr_written_private; else fail qr_written_private "no private SVG"; fi
expect bootstrap_once 1 'already has users' -- "$bin" user bootstrap --store "$db" other --name "Other" --training 2026-01-05 --ecrb 2025-02-01
expect needs_as 2 '--as is required' -- "$bin" user list --store "$db"

export CONTACTPOINT_STORE="$db"
expect create_um 0 'temporary: they must be changed at the first sign-in' -- "$bin" user create leeds.um --as root.admin --name "Uma Manning" --org la:E08000035 --role user_manager
expect um_not_yet_eligible 1 'may not act at present: .*not nominated' -- "$bin" user list --as leeds.um
for step in "nominate leeds.um" "training leeds.um --date 2026-03-01" "ecrb leeds.um --date 2024-06-30" "enrol-token leeds.um"; do
  expect "admin_${step%% *}" 0 'leeds.um' -- "$bin" user $step --as root.admin
done
expect um_list 0 'leeds.um +user_manager' -- "$bin" user list --as leeds.um
expect create_sw 0 'Created user sam.walker' -- "$bin" user create sam.walker --as leeds.um --name "Sam Walker" --org la:E08000035 --role social_worker
expect show_reasons 0 'may sign in: +NO.*not_nominated.*training_not_recorded.*ecrb_not_recorded.*token_not_enrolled' -- bash -c "'$bin' user show sam.walker --as leeds.um | tr '\n' ' '"
expect outside_scope 1 'outside your scope.*outside_management_scope' -- "$bin" user create york.sw --as leeds.um --name "York SW" --org la:E06000014 --role social_worker
expect bad_role 1 'invalid_role' -- "$bin" user create x.y --as leeds.um --name "X" --org la:E08000035 --role wizard
expect grant_admin_refused 1 'cannot be held in a local_authority' -- "$bin" user create boss --as leeds.um --name "Boss" --org la:E08000035 --role national_administrator
expect future_training 1 'in the future' -- "$bin" user training sam.walker --as leeds.um --date 2099-01-01
expect bad_date 1 'invalid_date' -- "$bin" user ecrb sam.walker --as leeds.um --date 2024-02-30
expect self_suspend 1 'nobody manages their own account' -- "$bin" user suspend leeds.um --as leeds.um
expect suspend 0 'sam.walker is suspended' -- "$bin" user suspend sam.walker --as leeds.um
expect suspend_twice 1 'already suspended' -- "$bin" user suspend sam.walker --as leeds.um
expect reinstate 0 'is reinstated' -- "$bin" user reinstate sam.walker --as leeds.um
expect reset 0 'their token is unchanged' -- "$bin" user reset sam.walker --as leeds.um
expect set_role 0 'now holds the role health_visitor' -- "$bin" user set-role sam.walker --as leeds.um --role health_visitor
expect home_postcode 0 'Home postcode of sam.walker recorded' -- "$bin" user home-postcode sam.walker --as leeds.um --postcode "ls1 4ab"
expect home_postcode_shown 0 'home postcode: LS1 4AB' -- "$bin" user show sam.walker --as leeds.um
expect home_postcode_bad 1 'invalid_postcode' -- "$bin" user home-postcode sam.walker --as leeds.um --postcode "LS1"
expect home_postcode_either 1 'either --postcode POSTCODE or --clear' -- "$bin" user home-postcode sam.walker --as leeds.um
expect home_postcode_clear 0 'cleared' -- "$bin" user home-postcode sam.walker --as leeds.um --clear
expect home_postcode_gone 0 'home postcode: not recorded' -- "$bin" user show sam.walker --as leeds.um
expect unknown_user 1 'no user is called nobody' -- "$bin" user show nobody --as leeds.um
expect practitioner_cannot_manage 1 'not a management role' -- "$bin" user list --as sam.walker
expect org_add_needs_cpm 1 'ContactPoint Manager' -- "$bin" org add leeds-primary --as leeds.um --name "Leeds Primary"
expect org_add 0 'Added org:leeds-primary.*pending' -- "$bin" org add leeds-primary --as root.admin --name "Leeds Primary" --authority la:E08000035
expect org_accredit 0 'now accredited' -- "$bin" org accredit org:leeds-primary --as root.admin --state accredited

# Every management action is in the audit trail under the manager's ID, and
# the log verifies.
expect audit_manage_user 0 'manage_user' -- "$bin" audit show --action manage_user
expect audit_refusals 0 'refused' -- "$bin" audit show --action manage_user
expect audit_verify 0 'verified' -- "$bin" audit verify
if "$bin" audit show --action manage_user 2>&1 | grep -q 'Sam Walker\|sam.walker'; then
  fail audit_holds_no_names "a user's name or username is in the audit trail"
else
  pass audit_holds_no_names
fi

unset CONTACTPOINT_STORE
demo="$tmp/demo.db"
"$bin" init --store "$demo" >/dev/null
expect demo_users 0 'school.head +head_teacher .*school.noit +senco +\(no IT access\)' -- bash -c "'$bin' demo-users --store '$demo' --out '$tmp/creds.txt' | tr '\n' ' '"
if [ "$(stat -c %a "$tmp/creds.txt")" = 600 ]; then pass creds_private; else fail creds_private "mode $(stat -c %a "$tmp/creds.txt")"; fi
expect demo_users_once 1 'already has users' -- "$bin" demo-users --store "$demo"
expect demo_users_eligible 0 'school.admin .* active +yes' -- "$bin" user list --store "$demo" --as leeds.um

# Sign in over HTTP as a demo user, with the code their token shows now.
cred() { awk -v u="$1" -v f="$2" '$1 == u { print $f }' "$tmp/creds.txt"; }
if ! start_server "$bin" "$demo" "$tmp"; then
  fail serve_demo "never started: $(cat "$tmp/serve.out" "$tmp/serve.err")"
else
  body=$(printf '{"username":"leeds.sw","password":"%s","pin":"%s","code":"%s"}' \
    "$(cred leeds.sw 3)" "$(cred leeds.sw 4)" "$(oathtool --totp -b "$(cred leeds.sw 5)")")
  response=$(curl -sS --max-time 10 -X POST -H 'Content-Type: application/json' -d "$body" \
    "http://127.0.0.1:$port/api/v1/sessions")
  token=$(sed -n 's/.*"token":"\([^"]*\)".*/\1/p' <<<"$response")
  if [ -n "$token" ]; then pass sign_in_over_http; else fail sign_in_over_http "$response"; fi
  expect session_over_http 0 '"username":"leeds.sw"' -- curl -sS --max-time 5 -H "Authorization: Bearer $token" "http://127.0.0.1:$port/api/v1/session"
  expect replayed_code_refused 0 '"code":"sign_in_failed"' -- curl -sS --max-time 10 -X POST -H 'Content-Type: application/json' -d "$body" "http://127.0.0.1:$port/api/v1/sessions"
  expect sign_out_over_http 0 '^204$' -- curl -sS --max-time 5 -o /dev/null -w '%{http_code}' -X DELETE -H "Authorization: Bearer $token" "http://127.0.0.1:$port/api/v1/session"
  expect signed_out_over_http 0 '"code":"unauthenticated"' -- curl -sS --max-time 5 -H "Authorization: Bearer $token" "http://127.0.0.1:$port/api/v1/session"
  kill -TERM "$server_pid"
  wait "$server_pid"
  server_pid=""
  expect sign_ins_audited 0 'sign_in.*refused.*token_code_reused' -- bash -c "'$bin' audit show --store '$demo' --action sign_in | tr '\n' ' '"
fi

finish
