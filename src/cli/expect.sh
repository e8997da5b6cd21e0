# Shared by the end-to-end shell tests (cli_test.sh, audit_cli_test.sh):
# source it after setting passed=0 and failed=0.
#
# expect NAME WANT_EXIT PATTERN -- COMMAND...: runs COMMAND, checks its exit
# code and that stdout+stderr match the extended regular expression PATTERN.
expect() {
  local name=$1 want=$2 pattern=$3
  shift 4
  local out rc
  out=$("$@" 2>&1)
  rc=$?
  if [ "$rc" -ne "$want" ]; then
    echo "FAIL $name: exit $rc, wanted $want; output: $out"
    failed=$((failed + 1))
  elif ! grep -qE -- "$pattern" <<<"$out"; then
    echo "FAIL $name: output does not match /$pattern/: $out"
    failed=$((failed + 1))
  else
    echo "ok   $name"
    passed=$((passed + 1))
  fi
}
