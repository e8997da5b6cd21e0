#!/usr/bin/env bash
# The browser tests: builds a small demo store through the real pipeline
# (scripts/demo-store.sh), serves it on a free loopback port, and walks the
# practitioner's journeys in Debian's Chromium with playwright-core
# (browser.mjs), checking every page with axe-core. Screenshots and the axe
# reports are kept in ARTEFACTS (default build/browser-artefacts).
# Usage: run-browser-tests.sh PATH/TO/contactpoint [ARTEFACTS [CASE...]]
# (CASE: run only the cases whose file names contain it)
set -euo pipefail
bin=$(realpath "$1")
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
artefacts=$(realpath -m "${2:-$root/build/browser-artefacts}")
tmp=$(mktemp -d)
server_pid=""
cleanup() {
  if [ -n "$server_pid" ]; then kill "$server_pid" 2>/dev/null || true; wait "$server_pid" 2>/dev/null || true; fi
  rm -rf "$tmp"
}
trap cleanup EXIT

for tool in node /usr/bin/chromium oathtool; do
  if ! command -v "$tool" >/dev/null 2>&1; then
    echo "browser tests: $tool is missing: run 'make deps' as root" >&2
    exit 1
  fi
done
node_major=$(node -p 'process.versions.node.split(".")[0]')
if [ "$node_major" -lt 18 ]; then
  echo "browser tests: Node.js 18 or later is needed (this is $(node --version))" >&2
  exit 1
fi
if [ ! -d "$root/web/node_modules/playwright-core" ]; then
  echo "browser tests: web/node_modules is missing: run 'make web-deps'" >&2
  exit 1
fi

"$root/scripts/demo-store.sh" "$bin" "$tmp/demo" 300 >"$tmp/store.log" 2>&1 || {
  cat "$tmp/store.log" >&2
  exit 1
}
# Case 10 (match review) needs records the matcher could not place, in Leeds:
# two small batches crafted for it (web/tests/data/match-review-*.jsonl),
# loaded through the real pipeline as the demo store's own.
store="$tmp/demo/contactpoint.db"
# Case 3 (aliases) needs a child reported under two family names: a batch
# made from the synthetic feeds (make-alias-batch.mjs), from a source of
# another area.
mkdir -p "$tmp/demo/extra"
node "$here/make-alias-batch.mjs" "$tmp/demo/synth" "$tmp/demo/extra/alias.jsonl" doncaster-youth-service \
  >>"$tmp/store.log" 2>&1 || { cat "$tmp/store.log" >&2; exit 1; }
for feed in leeds-admissions:match-review-a leeds-early-years:match-review-b \
            doncaster-youth-service:alias; do
  source=${feed%%:*}
  file="$here/data/${feed#*:}.jsonl"
  [ "${feed#*:}" = alias ] && file="$tmp/demo/extra/alias.jsonl"
  {
    "$bin" source add --store "$store" "$source" --name "Browser test $source" --kind local &&
      "$bin" source accredit --store "$store" "$source" --stage type &&
      "$bin" source accredit --store "$store" "$source" --stage instance &&
      "$bin" source activate --store "$store" "$source" &&
      "$bin" feed load --store "$store" --source "$source" "$file"
  } >>"$tmp/store.log" 2>&1 || {
    cat "$tmp/store.log" >&2
    exit 1
  }
done
"$bin" serve --store "$tmp/demo/contactpoint.db" --bind 127.0.0.1 --port 0 >"$tmp/serve.log" 2>&1 &
server_pid=$!
url=""
for _ in $(seq 300); do
  url=$(sed -n 's|.*serving on \(http://127\.0\.0\.1:[0-9]*\)/ .*|\1|p' "$tmp/serve.log")
  [ -n "$url" ] && break
  if ! kill -0 "$server_pid" 2>/dev/null; then
    echo "browser tests: the server did not start:" >&2
    cat "$tmp/serve.log" >&2
    exit 1
  fi
  sleep 0.1
done
[ -n "$url" ] || { echo "browser tests: the server did not say where it listens" >&2; exit 1; }

mkdir -p "$artefacts"
CP_URL="$url" CP_CREDENTIALS="$tmp/demo/credentials.txt" CP_SYNTH="$tmp/demo/synth" \
  CP_EXTRA="$tmp/demo/extra" \
  CP_ARTEFACTS="$artefacts" node "$here/browser.mjs" "${@:3}"
