#!/usr/bin/env bash
# permessage-deflate (RFC 7692) against real third-party echo servers with compression on:
# python-websockets (on by default), node ws, Boost.Beast, aiohttp, Tornado and
# Autobahn|Python (each with --deflate, tools/peers/README.md). The set of cases that do not pass must equal
# reports/samples/deflate/servers/<server>/expected-failures.txt, which
# reports/samples/deflate/README.md explains case by case against the RFC.
#
#   bash test_real_servers_deflate.sh path/to/wsspec BUILD_DIR [SERVER...]
#
# By default the run is CI-sized: wsspec's own pmd.* category and the first row of every
# Autobahn 12.*/13.* group (1000 messages of 16 octets). WSSPEC_DEFLATE_FULL=1 runs all of
# 12.*, 13.* and pmd.* (several minutes per server); the lists are written for that run,
# so the CI-sized one compares only the ids it selected. With WSSPEC_UPDATE_SAMPLES=1 the
# summaries (and, for a full run, the wsspec.json) are copied to reports/samples/deflate/.
set -euo pipefail
WSSPEC=$1
BUILD_DIR=$2
shift 2
source "$(dirname "$0")/server_test_lib.sh"

servers=("$@")
if ((${#servers[@]} == 0)); then
  servers=(node-ws beast python-aiohttp python-tornado python-autobahn)
  # python-websockets negotiates by default, so test_real_servers.sh already runs its pmd.*
  # against the same list's ids; the full run takes it too.
  [[ "${WSSPEC_DEFLATE_FULL:-0}" == 1 ]] && servers=(python-websockets "${servers[@]}")
fi
if [[ "${WSSPEC_DEFLATE_FULL:-0}" == 1 ]]; then
  cases='12.*,13.*,pmd.*'
  selected=
  jobs=2
else
  cases='12.*.1,13.*.1,pmd.*'
  selected=--selected-only
  jobs=4
fi

export BEAST_ECHO_SERVER=${BEAST_ECHO_SERVER:-$BUILD_DIR/tools/peers/beast_echo_server}
[[ -x "$BEAST_ECHO_SERVER" ]] || BEAST_ECHO_SERVER=$SRC/build/release/tools/peers/beast_echo_server

work="$BUILD_DIR/real-servers-deflate-test"
mkdir -p "$work"
samples="$SRC/reports/samples/deflate/servers"

run_one() {
  local name=$1 dir="$work/$1" args=(--deflate)
  [[ $name == python-websockets ]] && args=()  # it negotiates by default
  rm -rf "$dir"
  mkdir -p "$dir"
  start_peer "$name" "$dir" "${args[@]}"
  local started status
  started=$(date +%s)
  set +e
  timeout -k 5 1500 "$WSSPEC" test-server "$PEER_URL" --cases "$cases" -j "$jobs" \
    --report-dir "$dir/report" -q >"$dir/run.log" 2>&1
  status=$?
  set -e
  kill "$PEER_PID" 2>/dev/null || true
  [[ $status == 0 || $status == 1 ]] || {
    tail -20 "$dir/run.log" >&2
    fail "$name: $(describe_status "$status"), expected 0 or 1"
  }
  summarize_run "$name" "$dir"
  check_deflate_agreed "$name" "$dir"
  if [[ "${WSSPEC_UPDATE_SAMPLES:-0}" == 1 ]]; then
    mkdir -p "$samples/$name"
    if [[ -z "$selected" ]]; then
      cp "$dir/summary.txt" "$samples/$name/summary.txt"
      cp "$dir/report/wsspec.json" "$samples/$name/wsspec.json"
      cp "$dir/failed.txt" "$samples/$name/failed.txt"
    fi
  fi
  check_expected_failures "$name" "$dir" "$samples/$name/expected-failures.txt" "$status" $selected
  echo "  $name: $(sed -n 3p "$dir/summary.txt") ($(($(date +%s) - started)) s)"
}

for name in "${servers[@]}"; do
  case "$name" in
    node-ws)
      command -v "${NODE:-node}" >/dev/null && [[ -d "$SRC/tools/node_modules/ws" ]] ||
        fail "node-ws: node or tools/node_modules/ws missing (tools/setup.sh installs them)"
      ;;
    beast)
      [[ -x "$BEAST_ECHO_SERVER" ]] || fail "beast: no beast_echo_server binary (build target beast_echo_server)"
      ;;
  esac
  run_one "$name"
done
echo "PASS: real servers with permessage-deflate"
