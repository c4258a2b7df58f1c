#!/usr/bin/env bash
# The steps of the reusable GitHub Action (action.yml at the repository root), as a script
# that also runs outside GitHub (tests/integration/test_github_action.sh runs it locally).
#
#   tools/ci/github_action.sh build     installs the build dependencies and builds wsspec
#   tools/ci/github_action.sh run       starts the server under test (if asked), runs
#                                       test-server, stops the server, exits with wsspec's
#                                       status (reports are written in every case)
#
# Inputs (environment; action.yml maps its inputs to these):
#   WSSPEC_BUILD_DIR        where wsspec is built (build: created; run: read)
#   WSSPEC_URL              ws:// or wss:// URL of the server under test (run)
#   WSSPEC_SERVER_COMMAND   shell command that starts the server; empty: already running
#   WSSPEC_STARTUP_TIMEOUT  seconds to wait for the URL's port to accept (default 30)
#   WSSPEC_CASES, WSSPEC_EXCLUDE, WSSPEC_BASELINE, WSSPEC_JOBS, WSSPEC_REPORT_DIR,
#   WSSPEC_EXTRA_ARGS       passed to test-server (empty: not passed; EXTRA_ARGS word-split)
#   WSSPEC_SKIP_SETUP=1     build without running tools/setup.sh (dependencies present)
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
build_dir=${WSSPEC_BUILD_DIR:-$root/build/action}

build() {
  [[ "${WSSPEC_SKIP_SETUP:-0}" == 1 ]] || bash "$root/tools/setup.sh"
  cmake -S "$root" -B "$build_dir" -DCMAKE_BUILD_TYPE=Release -DWSSPEC_BUILD_TESTS=OFF \
    -DWSSPEC_BUILD_BENCH=OFF >/dev/null
  cmake --build "$build_dir" --target wsspec -j "$(nproc)"
  echo "wsspec built: $build_dir/harness/wsspec"
}

# host and port of a ws(s):// URL (IPv6 in brackets), for the readiness wait.
host_port() {
  python3 - "$1" <<'PY'
import sys
from urllib.parse import urlsplit
u = urlsplit(sys.argv[1])
if u.scheme not in ("ws", "wss") or not u.hostname:
    sys.exit(f"github_action.sh: WSSPEC_URL is not a ws:// or wss:// URL: {sys.argv[1]!r}")
print(u.hostname, u.port or (443 if u.scheme == "wss" else 80))
PY
}

wait_for_port() {
  local host=$1 port=$2 limit=$3 i
  for ((i = 0; i < limit * 10; i++)); do
    python3 -c 'import socket,sys; socket.create_connection((sys.argv[1], int(sys.argv[2])), 1).close()' \
      "$host" "$port" 2>/dev/null && return 0
    [[ -z "${server_pid:-}" ]] || kill -0 "$server_pid" 2>/dev/null || return 1
    sleep 0.1
  done
  return 1
}

run() {
  local wsspec=$build_dir/harness/wsspec
  [[ -x "$wsspec" ]] || { echo "github_action.sh: no wsspec at $wsspec (run 'build' first)" >&2; exit 2; }
  [[ -n "${WSSPEC_URL:-}" ]] || { echo "github_action.sh: WSSPEC_URL is required" >&2; exit 2; }
  local hp host port
  hp=$(host_port "$WSSPEC_URL") || exit 2
  read -r host port <<<"$hp"
  server_pid=
  if [[ -n "${WSSPEC_SERVER_COMMAND:-}" ]]; then
    local log=${WSSPEC_REPORT_DIR:-wsspec-report}.server.log
    bash -c "$WSSPEC_SERVER_COMMAND" >"$log" 2>&1 &
    server_pid=$!
    echo "server under test started (pid $server_pid, output in $log)"
  fi
  if ! wait_for_port "$host" "$port" "${WSSPEC_STARTUP_TIMEOUT:-30}"; then
    echo "github_action.sh: nothing accepts connections on $host:$port" >&2
    [[ -z "$server_pid" ]] || kill "$server_pid" 2>/dev/null || true
    exit 2
  fi
  local args=("$WSSPEC_URL" --report-dir "${WSSPEC_REPORT_DIR:-wsspec-report}")
  [[ -z "${WSSPEC_CASES:-}" ]] || args+=(--cases "$WSSPEC_CASES")
  [[ -z "${WSSPEC_EXCLUDE:-}" ]] || args+=(--exclude "$WSSPEC_EXCLUDE")
  [[ -z "${WSSPEC_BASELINE:-}" ]] || args+=(--baseline "$WSSPEC_BASELINE")
  [[ -z "${WSSPEC_JOBS:-}" ]] || args+=(--jobs "$WSSPEC_JOBS")
  # shellcheck disable=SC2206 # extra arguments are words, as on a command line
  [[ -z "${WSSPEC_EXTRA_ARGS:-}" ]] || args+=($WSSPEC_EXTRA_ARGS)
  local status=0
  "$wsspec" test-server "${args[@]}" || status=$?
  if [[ -n "$server_pid" ]]; then
    kill "$server_pid" 2>/dev/null || true
    wait "$server_pid" 2>/dev/null || true
  fi
  [[ -z "${GITHUB_OUTPUT:-}" ]] || echo "status=$status" >>"$GITHUB_OUTPUT"
  exit "$status"
}

case "${1:-}" in
  build) build ;;
  run) run ;;
  *) echo "usage: $0 build|run" >&2; exit 2 ;;
esac
