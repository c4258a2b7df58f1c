#!/usr/bin/env bash
# permessage-deflate (RFC 7692) against real third-party clients that offer it, each run by
# its Autobahn-style fuzzingserver driver (tools/peers/): python-websockets and node ws
# (they offer it by default), aiohttp, Tornado and Autobahn|Python (with --deflate). wsspec test-client acts
# as the server and answers each case's offer as the case says (Autobahn 12.*/13.* accept
# policies, wsspec's pmdc.* scripted answers). The set of cases that do not pass must equal
# reports/samples/deflate/clients/<client>/expected-failures.txt, which
# reports/samples/deflate/README.md explains case by case against the RFC.
#
#   bash test_real_clients_deflate.sh path/to/wsspec BUILD_DIR [CLIENT...]
#
# CI-sized by default: pmdc.* and the first row of every 12.*/13.* group. With
# WSSPEC_DEFLATE_FULL=1 all of 12.*, 13.* and pmdc.* (minutes per client); the lists are
# written for that run, so the CI-sized one compares only the ids it selected.
# WSSPEC_UPDATE_SAMPLES=1 (full run) copies summary and wsspec.json to the samples.
set -euo pipefail
WSSPEC=$(realpath "$1")
BUILD_DIR=$2
shift 2
source "$(dirname "$0")/server_test_lib.sh"
peers=$SRC/tools/peers

clients=("$@")
if ((${#clients[@]} == 0)); then
  clients=(python-aiohttp python-tornado python-autobahn)
  # python-websockets and node ws offer permessage-deflate by default, so
  # test_client_mode.sh already runs their pmdc.*; the full run takes them too.
  [[ "${WSSPEC_DEFLATE_FULL:-0}" == 1 ]] && clients=(python-websockets node-ws "${clients[@]}")
fi
if [[ "${WSSPEC_DEFLATE_FULL:-0}" == 1 ]]; then
  cases='12.*,13.*,pmdc.*'
  selected=
  budget=3000
else
  cases='12.*.1,13.*.1,pmdc.*'
  selected=--selected-only
  budget=300
fi

work="$BUILD_DIR/real-clients-deflate-test"
mkdir -p "$work"
samples="$SRC/reports/samples/deflate/clients"

driver_for() {
  case "$1" in
    python-websockets) echo "/usr/bin/python3 '$peers/python_websockets_client.py' --url {url} --agent $1 --quiet" ;;
    node-ws) echo "${NODE:-node} '$peers/node_ws_client.js' --url {url} --agent $1 --quiet" ;;
    python-aiohttp) echo "/usr/bin/python3 '$peers/python_aiohttp_client.py' --url {url} --agent $1 --quiet --deflate" ;;
    python-tornado) echo "/usr/bin/python3 '$peers/python_tornado_client.py' --url {url} --agent $1 --quiet --deflate --read-timeout 5" ;;
    python-autobahn) echo "/usr/bin/python3 '$peers/python_autobahn_client.py' --url {url} --agent $1 --quiet --deflate" ;;
    *) fail "unknown client $1" ;;
  esac
}

run_one() {
  local name=$1 dir="$work/$1" status=0 started
  rm -rf "$dir"
  mkdir -p "$dir"
  started=$(date +%s)
  timeout -k 5 "$budget" "$WSSPEC" test-client --listen 127.0.0.1:0 --cases "$cases" \
    --report-dir "$dir/report" -q --exec "$(driver_for "$name")" >"$dir/run.log" 2>&1 || status=$?
  [[ $status == 0 || $status == 1 ]] || {
    tail -20 "$dir/run.log" >&2
    fail "$name: $(describe_status "$status"), expected 0 or 1"
  }
  summarize_run "$name" "$dir"
  check_deflate_agreed "$name" "$dir"
  if [[ "${WSSPEC_UPDATE_SAMPLES:-0}" == 1 && -z "$selected" ]]; then
    mkdir -p "$samples/$name"
    cp "$dir/summary.txt" "$samples/$name/summary.txt"
    cp "$dir/report/wsspec.json" "$samples/$name/wsspec.json"
    cp "$dir/failed.txt" "$samples/$name/failed.txt"
  fi
  check_expected_failures "$name" "$dir" "$samples/$name/expected-failures.txt" "$status" $selected
  echo "  $name: $(sed -n 3p "$dir/summary.txt") ($(($(date +%s) - started)) s)"
}

for name in "${clients[@]}"; do
  if [[ $name == node-ws ]]; then
    command -v "${NODE:-node}" >/dev/null && [[ -d "$SRC/tools/node_modules/ws" ]] ||
      fail "node-ws: node or tools/node_modules/ws missing (tools/setup.sh installs them)"
  fi
  run_one "$name"
done
echo "PASS: real clients with permessage-deflate"
