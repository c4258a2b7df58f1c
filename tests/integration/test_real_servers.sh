#!/usr/bin/env bash
# Acceptance: the catalog (without the long 9.* cases, except the three smallest of 9.1 and
# 9.2) against real third-party echo servers: python-websockets, aiohttp, Tornado,
# Autobahn|Python and hypercorn (wsproto) (Debian), node ws (npm) and Boost.Beast
# (tools/peers/). The set of cases that do not pass must equal the list kept in
# reports/samples/servers/<server>/expected-failures.txt (one id a line, # comments; ideally empty):
# a new failure is a regression of wsspec (or of the library), a missing one a stale list.
# reports/samples/servers/README.md explains every listed case against the RFC.
#
#   bash test_real_servers.sh path/to/wsspec BUILD_DIR [SERVER...]
#
# SERVER: python-websockets, node-ws, beast, python-aiohttp, python-tornado, python-autobahn,
# hypercorn (default: all).
# The summaries go to BUILD_DIR/real-servers-test/<server>/summary.txt; with
# WSSPEC_UPDATE_SAMPLES=1 they are also copied to reports/samples/servers/<server>/ with the full wsspec.json (commit them).
# The beast binary: $BEAST_ECHO_SERVER, else BUILD_DIR/tools/peers/beast_echo_server.
set -euo pipefail
WSSPEC=$1
BUILD_DIR=$2
shift 2
source "$(dirname "$0")/server_test_lib.sh"

servers=("$@")
((${#servers[@]})) ||
  servers=(python-websockets node-ws beast python-aiohttp python-tornado python-autobahn hypercorn)
# Every server case except the long 9.* runs; the three smallest of 9.1 and 9.2 stay.
exclude='9.1.4,9.1.5,9.1.6,9.2.4,9.2.5,9.2.6,9.3.*,9.4.*,9.5.*,9.6.*,9.7.*,9.8.*,12.*,13.*'

export BEAST_ECHO_SERVER=${BEAST_ECHO_SERVER:-$BUILD_DIR/tools/peers/beast_echo_server}
[[ -x "$BEAST_ECHO_SERVER" ]] || BEAST_ECHO_SERVER=$SRC/build/release/tools/peers/beast_echo_server

work="$BUILD_DIR/real-servers-test"
mkdir -p "$work"

run_one() {
  local name=$1 dir="$work/$1"
  rm -rf "$dir"
  mkdir -p "$dir"
  start_peer "$name" "$dir"
  local started status
  started=$(date +%s)
  set +e
  timeout -k 5 300 "$WSSPEC" test-server "$PEER_URL" --exclude "$exclude" -j 2 \
    --report-dir "$dir/report" -q >"$dir/run.log" 2>&1
  status=$?
  set -e
  kill "$PEER_PID" 2>/dev/null || true
  [[ $status == 0 || $status == 1 ]] || {
    tail -20 "$dir/run.log" >&2
    fail "$name: $(describe_status "$status"), expected 0 or 1"
  }
  summarize_run "$name" "$dir"
  if [[ "${WSSPEC_UPDATE_SAMPLES:-0}" == 1 ]]; then
    mkdir -p "$SRC/reports/samples/servers/$name"
    cp "$dir/summary.txt" "$SRC/reports/samples/servers/$name/summary.txt"
    cp "$dir/report/wsspec.json" "$SRC/reports/samples/servers/$name/wsspec.json"
  fi
  check_expected_failures "$name" "$dir" \
    "$SRC/reports/samples/servers/$name/expected-failures.txt" "$status"
  echo "  $name: $(sed -n 3p "$dir/summary.txt") ($(($(date +%s) - started)) s)"
}

for name in "${servers[@]}"; do
  case "$name" in
    node-ws)
      command -v "${NODE:-node}" >/dev/null && [[ -d "$SRC/tools/node_modules/ws" ]] ||
        fail "node-ws: node or tools/node_modules/ws missing (tools/setup.sh installs them)"
      ;;
    python-websockets)
      /usr/bin/python3 -c 'import websockets' 2>/dev/null ||
        fail "python-websockets: not installed for /usr/bin/python3 (Debian python3-websockets)"
      ;;
    python-autobahn)
      /usr/bin/python3 -c 'import autobahn' 2>/dev/null ||
        fail "python-autobahn: not installed for /usr/bin/python3 (Debian python3-autobahn)"
      ;;
    beast)
      [[ -x "$BEAST_ECHO_SERVER" ]] || fail "beast: no beast_echo_server binary (build target beast_echo_server)"
      ;;
  esac
  run_one "$name"
done
echo "PASS: real servers"
