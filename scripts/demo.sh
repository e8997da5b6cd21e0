#!/usr/bin/env bash
# make demo: creates (or reuses) the demo store, serves it on 127.0.0.1 and
# prints how to reach it. Ctrl-C stops the server.
# Usage: demo.sh PATH/TO/contactpoint   (PORT=8080 and DEMO_DIR=var/demo may be set)
set -euo pipefail
bin=$1
port=${PORT:-8080}
dir=${DEMO_DIR:-var/demo}
store="$dir/contactpoint.db"
mkdir -p "$dir"

"$bin" init --store "$store"

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

cat <<MSG

  ContactPoint demo is running.
    URL:          http://127.0.0.1:$port/
    Health check: http://127.0.0.1:$port/health  ->  $health
    Store:        $store

  Sign-in: there are no users yet. User accounts, the synthetic population and
  the web pages arrive with later issues; this demo serves the health endpoint.

  Press Ctrl-C to stop.
MSG
wait "$pid"
