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

# start_server BIN STORE OUTDIR: serves STORE on a free loopback port; sets
# port and server_pid. On failure port stays 0 and the output is in
# OUTDIR/serve.out and OUTDIR/serve.err.
start_server() {
  local bin=$1 store=$2 out=$3 candidate
  port=0
  for _ in 1 2 3 4 5; do
    candidate=$((20000 + RANDOM % 20000))
    "$bin" serve --store "$store" --port "$candidate" >"$out/serve.out" 2>"$out/serve.err" &
    server_pid=$!
    for _ in $(seq 50); do
      grep -q 'serving on' "$out/serve.out" 2>/dev/null && break
      kill -0 "$server_pid" 2>/dev/null || break
      sleep 0.1
    done
    if grep -q 'serving on' "$out/serve.out"; then port=$candidate; return 0; fi
    wait "$server_pid" 2>/dev/null
    server_pid=""
  done
  return 1
}
