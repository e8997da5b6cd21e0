#!/usr/bin/env bash
# Installs the web front end's npm packages (web/package-lock.json) into
# web/node_modules: GOV.UK Frontend's precompiled assets, which the server
# serves (no Node at run time), and the browser tests' playwright-core and
# axe-core. Skipped when web/node_modules already matches the lock file.
set -euo pipefail
cd "$(dirname "$0")/../web"
stamp=node_modules/.package-lock.json
if [ -f "$stamp" ] && [ "$stamp" -nt package-lock.json ] \
   && [ -f node_modules/govuk-frontend/dist/govuk/govuk-frontend.min.css ]; then
  exit 0
fi
if ! command -v npm >/dev/null 2>&1; then
  echo "web-deps: npm is missing: run 'make deps' as root (it installs Node.js and npm)" >&2
  exit 1
fi
echo "web-deps: installing the web packages (npm ci in web/)"
npm ci --no-audit --no-fund --loglevel=error
