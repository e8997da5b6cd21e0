#!/usr/bin/env bash
# make demo: builds a demo store from Synthetic England through the real data
# supply pipeline (sources registered and accredited, batches loaded with
# receipts), creates demo users in several roles, then serves it on 127.0.0.1
# and prints how to reach it and sign in.
# A second run reuses the store and starts serving at once.
# Usage: demo.sh PATH/TO/contactpoint
#   PORT=8080  DEMO_DIR=var/demo  CHILDREN=2000  may be set.
set -euo pipefail
bin=$1
port=${PORT:-8080}
dir=${DEMO_DIR:-var/demo}
children=${CHILDREN:-2000}
store="$dir/contactpoint.db"
mkdir -p "$dir"

if [ ! -f "$store" ]; then
  echo "demo: creating the store and a synthetic population of $children children"
  "$bin" init --store "$store.tmp" >/dev/null
  "$bin" synth --children "$children" --seed 1 --out "$dir/synth"
  for batch in "$dir"/synth/*.jsonl; do
    source=$(basename "$batch" .jsonl)
    case "$source" in
      gro-births|dwp-child-benefit|dcsf-school-census|nhs-pds) kind=national ;;
      *) kind=local ;;
    esac
    "$bin" source add --store "$store.tmp" "$source" --name "Synthetic $source" --kind "$kind" >/dev/null
    "$bin" source accredit --store "$store.tmp" "$source" --stage type >/dev/null
    "$bin" source accredit --store "$store.tmp" "$source" --stage instance >/dev/null
    "$bin" source activate --store "$store.tmp" "$source" >/dev/null
    "$bin" feed load --store "$store.tmp" --source "$source" --max-errors 3 "$batch" | sed -n '2p'
  done
  "$bin" demo-users --store "$store.tmp" --out "$dir/credentials.txt" >/dev/null
  # Only a fully loaded store becomes the demo store (with its keys).
  for suffix in "" .audit-key .audit-key.pub .token-key; do mv "$store.tmp$suffix" "$store$suffix"; done
  rm -f "$store.tmp-wal" "$store.tmp-shm"
fi

"$bin" serve --store "$store" --bind 127.0.0.1 --port "$port" &
pid=$!
trap 'kill "$pid" 2>/dev/null; wait "$pid" 2>/dev/null' INT TERM EXIT

for _ in $(seq 100); do
  if curl -fsS --max-time 2 "http://127.0.0.1:$port/health" >/dev/null 2>&1; then break; fi
  if ! kill -0 "$pid" 2>/dev/null; then
    echo "demo: the server did not start (is port $port in use? try: make demo PORT=8081)" >&2
    exit 1
  fi
  sleep 0.2
done
health=$(curl -fsS --max-time 2 "http://127.0.0.1:$port/health") || {
  echo "demo: the server is not answering its health check on port $port" >&2
  exit 1
}
# `init` on an existing store changes nothing and reports its size.
children_loaded=$("$bin" init --store "$store" | sed -n 's/.*, \([0-9]*\) children).*/\1/p')

cat <<MSG

  ContactPoint demo is running.
    URL:          http://127.0.0.1:$port/
    Health check: http://127.0.0.1:$port/health  ->  $health
    Store:        $store ($children_loaded children from 9 synthetic sources)

  Try, in another terminal:
    $bin source list --store $store
    $bin links export --store $store | head
    $bin audit show --store $store --action apply_feed
    $bin audit verify --store $store

  Demo users (also in $dir/credentials.txt). Each has a password, a PIN and a
  security token: enter the token secret in any authenticator app, or get the
  current code with: oathtool --totp -b SECRET

$(sed 's/^/    /' "$dir/credentials.txt")

  Sign in (the JSON API; the web pages arrive with issue 9), e.g. as leeds.sw:
    curl -s -X POST http://127.0.0.1:$port/api/v1/sessions -H 'Content-Type: application/json' \\
      -d '{"username":"leeds.sw","password":"PASSWORD","pin":"PIN","code":"'\$(oathtool --totp -b SECRET)'"}'
  then send the returned token as 'Authorization: Bearer TOKEN' to
    GET http://127.0.0.1:$port/api/v1/session
  Users and organisations: $bin user list --store $store --as leeds.um

  Press Ctrl-C to stop.
MSG
wait "$pid"
