#!/usr/bin/env bash
# Start one real third-party echo peer in the background and print its PID.
#
#   tools/peers/start_peer.sh NAME PORT [EXTRA ARGS...]
#
# NAME: python-websockets | python-aiohttp | python-tornado | python-autobahn | node-ws | beast
#       (HTTP/1.1)
#       hypercorn | node-http2                                            (HTTP/2, h2c, RFC 8441)
# PORT: TCP port on 127.0.0.1
# EXTRA ARGS are passed to the server (e.g. --deflate for node-ws, beast,
# python-aiohttp, python-tornado and python-autobahn; --no-deflate or --ping-interval 0 for
# python-websockets).
#
# Waits (at most 10 s) until the server printed "listening on ..." or the
# port accepts connections, then prints the server's PID (and nothing else)
# on stdout. The PID is the server process itself: `kill PID` stops it.
# The server's output goes to $PEER_LOG_DIR/NAME-PORT.log (default: a
# fresh mktemp directory); its path is printed on stderr.
# Environment:
#   BEAST_ECHO_SERVER  path of the beast_echo_server binary
#                      (default: build/release/tools/peers/beast_echo_server)
#   NODE               node binary (default: node)
#   PEER_LOG_DIR       where to write the server log
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/../.." && pwd)"

if [[ $# -lt 2 ]]; then
  echo "usage: $0 python-websockets|python-aiohttp|python-tornado|python-autobahn|node-ws|beast|hypercorn|node-http2 PORT [extra server args]" >&2
  exit 2
fi
name="$1"
port="$2"
shift 2
if ! [[ "$port" =~ ^[0-9]+$ ]] || (( port < 1 || port > 65535 )); then
  echo "start_peer.sh: bad port '$port'" >&2
  exit 2
fi

case "$name" in
  python-websockets)
    cmd=(/usr/bin/python3 "$here/python_websockets_server.py" --host 127.0.0.1 --port "$port")
    ;;
  python-aiohttp)
    cmd=(/usr/bin/python3 "$here/python_aiohttp_server.py" --host 127.0.0.1 --port "$port")
    ;;
  python-tornado)
    cmd=(/usr/bin/python3 "$here/python_tornado_server.py" --host 127.0.0.1 --port "$port")
    ;;
  python-autobahn)
    cmd=(/usr/bin/python3 "$here/python_autobahn_server.py" --host 127.0.0.1 --port "$port")
    ;;
  node-ws)
    cmd=("${NODE:-node}" "$here/node_ws_server.js" --host 127.0.0.1 --port "$port")
    ;;
  hypercorn)
    # hypercorn serves HTTP/1.1 and h2c (prior knowledge) on one port.
    # (env execs python: the PID stays the server's own.)
    cmd=(env "PYTHONPATH=$here" /usr/bin/python3 -m hypercorn --bind "127.0.0.1:$port"
         hypercorn_echo_app:app)
    ;;
  node-http2)
    cmd=("${NODE:-node}" "$here/node_h2_echo_server.js" --host 127.0.0.1 --port "$port")
    ;;
  beast)
    bin="${BEAST_ECHO_SERVER:-$root/build/release/tools/peers/beast_echo_server}"
    if [[ ! -x "$bin" ]]; then
      echo "start_peer.sh: beast_echo_server not found at $bin (build it or set BEAST_ECHO_SERVER)" >&2
      exit 1
    fi
    cmd=("$bin" --host 127.0.0.1 --port "$port")
    ;;
  *)
    echo "start_peer.sh: unknown peer '$name' (python-websockets | python-aiohttp | python-tornado | python-autobahn | node-ws | beast | hypercorn | node-http2)" >&2
    exit 2
    ;;
esac

port_open() {
  (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null
}

# Someone else already listening there would make the readiness probe lie.
if port_open; then
  echo "start_peer.sh: 127.0.0.1:$port is already in use" >&2
  exit 1
fi

log_dir="${PEER_LOG_DIR:-$(mktemp -d "${TMPDIR:-/tmp}/wsspec-peer.XXXXXX")}"
mkdir -p "$log_dir"
log="$log_dir/$name-$port.log"
: >"$log"

# A plain background command: bash execs the server directly, so $! is the
# server's own PID. Its stdio never touches ours, so $(start_peer.sh ...)
# returns as soon as we exit.
"${cmd[@]}" "$@" </dev/null >"$log" 2>&1 &
pid=$!

deadline=$(( $(date +%s%N) + 10 * 1000000000 ))
while :; do
  if ! kill -0 "$pid" 2>/dev/null; then
    echo "start_peer.sh: $name exited before becoming ready; log $log:" >&2
    sed 's/^/  /' "$log" >&2 || true
    exit 1
  fi
  if grep -q '^listening on ' "$log" 2>/dev/null || port_open; then
    break
  fi
  if (( $(date +%s%N) >= deadline )); then
    echo "start_peer.sh: $name not ready on port $port after 10 s; log $log:" >&2
    sed 's/^/  /' "$log" >&2 || true
    kill "$pid" 2>/dev/null || true
    exit 1
  fi
  sleep 0.05
done

echo "start_peer.sh: $name on 127.0.0.1:$port pid $pid log $log" >&2
echo "$pid"
