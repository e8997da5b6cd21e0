# Shared by the end-to-end shell tests (src/cli/*_test.sh): source it, call
# expect (or pass/fail for checks of your own), and end with finish.
passed=0
failed=0

# pass NAME / fail NAME WHY: record one check's outcome.
pass() {
  echo "ok   $1"
  passed=$((passed + 1))
}
fail() {
  echo "FAIL $1: $2"
  failed=$((failed + 1))
}

# finish: prints the tally and exits non-zero if any check failed.
finish() {
  echo "$passed passed, $failed failed"
  [ "$failed" -eq 0 ]
  exit
}
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
    fail "$name" "exit $rc, wanted $want; output: $out"
  elif ! grep -qE -- "$pattern" <<<"$out"; then
    fail "$name" "output does not match /$pattern/: $out"
  else
    pass "$name"
  fi
}
