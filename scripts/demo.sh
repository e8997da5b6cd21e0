#!/usr/bin/env bash
# make demo: builds a demo store from Synthetic England through the real data
# supply pipeline and creates demo users in several roles (demo-store.sh),
# then serves it on 127.0.0.1 and prints how to reach it and sign in.
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

"$(dirname "$0")/demo-store.sh" "$bin" "$dir" "$children"

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

  Sign in with a web browser at http://127.0.0.1:$port/ , e.g. as leeds.sw (a social
  worker) or leeds.hv (a health visitor): username, password, PIN and the code
  'oathtool --totp -b SECRET' prints. Search for a child (family name and date of
  birth, given names or postcode; children are listed in $dir/synth/people.csv),
  then open the record with a reason.

  The same over the JSON API (docs/api.md):
    curl -s -X POST http://127.0.0.1:$port/api/v1/sessions -H 'Content-Type: application/json' \\
      -d '{"username":"leeds.sw","password":"PASSWORD","pin":"PIN","code":"'\$(oathtool --totp -b SECRET)'"}'
  then send the returned token as 'Authorization: Bearer TOKEN' to
    GET http://127.0.0.1:$port/api/v1/session
  Users and organisations: $bin user list --store $store --as leeds.um

  Press Ctrl-C to stop.
MSG
wait "$pid"
