#!/usr/bin/env bash
# Installs everything wsspec needs to build, test, fuzz and report, from Debian packages
# and npm. Idempotent: packages already present are not fetched again.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)

packages=(
  # toolchains and build
  g++ clang clang-14 libclang-rt-14-dev cmake ninja-build clang-format clang-tidy ccache
  # libraries (found with find_package; nothing is vendored)
  libssl-dev nlohmann-json3-dev libboost-dev libboost-filesystem-dev libboost-system-dev
  libgtest-dev libgmock-dev libbenchmark-dev libcli11-dev zlib1g-dev libsimdjson-dev
  libnghttp2-dev pkg-config
  # real peers and consumers used by the tests
  python3-websockets python3-aiohttp python3-tornado python3-jsonschema chromium xmlstarlet time
  nghttp2-proxy python3-hypercorn python3-h2 python3-wsproto haproxy python3-autobahn
  # packaging test (cpack .deb, man page)
  dpkg-dev groff-base
)

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  echo "setup: installing ${missing[*]}"
  SUDO=""
  [ "$(id -u)" -eq 0 ] || SUDO="sudo"
  export DEBIAN_FRONTEND=noninteractive
  $SUDO apt-get update -q || true
  $SUDO apt-get install -y -q --no-install-recommends "${missing[@]}"
fi

# Node peers (ws) and the browser driver for the HTML report test, pinned by the lockfile.
if [ -f "$here/package-lock.json" ]; then
  if [ ! -d "$here/node_modules" ] || [ "$here/package-lock.json" -nt "$here/node_modules/.package-lock.json" ]; then
    (cd "$here" && npm ci --no-audit --no-fund --loglevel=error)
  fi
fi
echo "setup: ok"
