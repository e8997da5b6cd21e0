#!/usr/bin/env bash
# Installs the Debian 12 packages ContactPoint needs to build, test and run,
# skipping those already present so that a second run costs a second.
# The package choices are explained in docs/ARCHITECTURE.md.
set -euo pipefail

packages=(
  # build
  cmake ninja-build ccache pkg-config g++ git make
  # libraries
  libsqlite3-dev libsodium-dev libcpp-httplib-dev nlohmann-json3-dev libsimdjson-dev libcsv-dev
  libspdlog-dev libfmt-dev libcli11-dev libssl-dev zlib1g-dev libicu-dev liboath-dev libqrencode-dev
  libkainjow-mustache-dev libjemalloc-dev
  # tests and benchmarks
  libgtest-dev libgmock-dev libbenchmark-dev curl sqlite3 clang libclang-rt-14-dev
  # the demo's and the end-to-end tests' token codes (oathtool --totp -b SECRET)
  oathtool
  # the browser tests (driven by playwright-core from web/node_modules)
  chromium
)

missing=()
for p in "${packages[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed'; then
    missing+=("$p")
  fi
done

# Node.js and npm fetch the web front end's packages (scripts/web-deps.sh)
# and run the browser tests (Node 18 or later: Debian 12's is 18); a machine
# that has them already (any source) keeps its own.
if ! command -v npm >/dev/null 2>&1; then
  missing+=(nodejs npm)
fi

if [ ${#missing[@]} -eq 0 ]; then
  exit 0
fi

if [ "$(id -u)" -ne 0 ]; then
  echo "install-deps: these Debian packages are missing: ${missing[*]}" >&2
  echo "install-deps: run as root (or install them with apt-get) and try again." >&2
  exit 1
fi

echo "install-deps: installing ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
apt-get update -q
apt-get install -y -q --no-install-recommends "${missing[@]}"
