#!/usr/bin/env bash
# WebSockets over HTTP/2 (RFC 8441) against real HTTP/2 servers, h2c with prior knowledge:
#   nghttpx      Debian nghttp2-proxy: RFC 8441 on its frontend, an HTTP/1.1 Upgrade to its
#                backend (python-websockets, tools/peers/python_websockets_server.py)
#   haproxy      Debian haproxy 2.6, an h2c frontend (`proto h2`) in front of the same backend
#   hypercorn    Debian python3-hypercorn (h2, wsproto) with an ASGI echo
#                (tools/peers/hypercorn_echo_app.py)
#   node-http2   Node's http2 module with enableConnectProtocol, the framing done by
#                tools/peers/node_h2_echo_server.js
# The catalog without 9.*, 12.*, 13.* (hs.* is skipped over HTTP/2 by test-server itself).
# The cases that do not pass must equal reports/samples/h2/<server>/expected-failures.txt;
# reports/samples/h2/README.md explains each against RFC 8441 / RFC 9113.
#
# hypercorn never ends a WebSocket's stream, so each of its cases waits for the case
# timeout: by default it runs the h2.* category and a sample of the frame cases (about 15 s);
# WSSPEC_H2_PEERS_FULL=1 runs its whole catalog as for the others (about 2 minutes).
# WSSPEC_UPDATE_SAMPLES=1 copies summaries and results to reports/samples/h2/<server>/.
#
#   bash test_real_h2_servers.sh path/to/wsspec BUILD_DIR [SERVER...]
set -euo pipefail
WSSPEC=$1
BUILD_DIR=$2
shift 2
source "$(dirname "$0")/server_test_lib.sh"

servers=("$@")
((${#servers[@]})) || servers=(nghttpx haproxy hypercorn node-http2)
exclude='9.*,12.*,13.*'
full=${WSSPEC_H2_PEERS_FULL:-0}

work="$BUILD_DIR/real-h2-servers-test"
mkdir -p "$work"

# -> H2_URL for NAME, its processes in started_pids.
start_h2_peer() {
  local name=$1 dir=$2
  case "$name" in
    nghttpx)
      command -v nghttpx >/dev/null || fail "nghttpx not installed (tools/setup.sh installs nghttp2-proxy)"
      start_peer python-websockets "$dir"
      local backend=${PEER_URL#ws://127.0.0.1:}
      backend=${backend%/}
      local port i
      port=$(free_port)
      start_background "$dir/nghttpx.log" nghttpx "--frontend=127.0.0.1,$port;no-tls" \
        "--backend=127.0.0.1,$backend" --workers=1 --conf=/dev/null --no-ocsp \
        --errorlog-file=/dev/stderr --accesslog-file=/dev/null
      for ((i = 0; i < 200; i++)); do
        (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null && break
        sleep 0.05
      done
      H2_URL="h2c://127.0.0.1:$port/"
      ;;
    haproxy)
      command -v haproxy >/dev/null || fail "haproxy not installed (tools/setup.sh installs it)"
      start_peer python-websockets "$dir"
      local backend=${PEER_URL#ws://127.0.0.1:}
      backend=${backend%/}
      local port i
      port=$(free_port)
      cat >"$dir/haproxy.cfg" <<CFG
global
  log stderr format raw local0 warning
defaults
  mode http
  log global
  timeout connect 5s
  timeout client 30s
  timeout server 30s
  timeout tunnel 30s
frontend h2c
  bind 127.0.0.1:$port proto h2
  default_backend websockets
backend websockets
  server ws 127.0.0.1:$backend
CFG
      # -db: in the foreground, not a daemon: the PID is ours to stop.
      start_background "$dir/haproxy.log" haproxy -f "$dir/haproxy.cfg" -db
      for ((i = 0; i < 200; i++)); do
        (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null && break
        sleep 0.05
      done
      H2_URL="h2c://127.0.0.1:$port/"
      ;;
    hypercorn | node-http2)
      start_peer "$name" "$dir"
      H2_URL="h2c://${PEER_URL#ws://}"
      ;;
    *) fail "unknown HTTP/2 server $name (nghttpx, haproxy, hypercorn, node-http2)" ;;
  esac
}

run_one() {
  local name=$1 dir="$work/$1"
  rm -rf "$dir"
  mkdir -p "$dir"
  start_h2_peer "$name" "$dir"
  local selection=(--exclude "$exclude") timing=(-j 4) selected_only=""
  if [[ $name == hypercorn ]]; then
    # Each case ends at its timeout (the stream is never ended): a shorter one, more at once.
    timing=(--timeout 2000 -j 8)
    if [[ $full != 1 ]]; then
      selection=(--cases 'h2.*,1.1.*,2.1,2.2,5.1,5.2,6.1.*,7.1.*,7.3.*,pmd.1.1')
      selected_only=--selected-only
    fi
  fi
  local started status
  started=$(date +%s)
  set +e
  timeout -k 5 400 "$WSSPEC" test-server "$H2_URL" "${selection[@]}" "${timing[@]}" \
    --report-dir "$dir/report" -q >"$dir/run.log" 2>&1
  status=$?
  set -e
  stop_started
  [[ $status == 0 || $status == 1 ]] || {
    tail -20 "$dir/run.log" >&2
    fail "$name: $(describe_status "$status"), expected 0 or 1"
  }
  summarize_run "$name" "$dir"
  if [[ "${WSSPEC_UPDATE_SAMPLES:-0}" == 1 ]]; then
    mkdir -p "$SRC/reports/samples/h2/$name"
    cp "$dir/summary.txt" "$SRC/reports/samples/h2/$name/summary.txt"
    cp "$dir/report/wsspec.json" "$SRC/reports/samples/h2/$name/wsspec.json"
  fi
  check_expected_failures "$name" "$dir" \
    "$SRC/reports/samples/h2/$name/expected-failures.txt" "$status" $selected_only
  echo "  $name: $(sed -n 3p "$dir/summary.txt") ($(($(date +%s) - started)) s)"
}

for name in "${servers[@]}"; do
  run_one "$name"
done
echo "PASS: RFC 8441 over h2c against ${servers[*]}"
