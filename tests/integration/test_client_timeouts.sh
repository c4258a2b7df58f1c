#!/usr/bin/env bash
# ctest-labels: asan
# Acceptance: the reference client `wsspec client` bounds the opening handshake
# (--handshake-timeout): against a server that accepts TCP and never answers, and against
# one that trickles a response head that never ends, it gives up on time, says why, and
# exits 1 (the driver loop could not get the case count) instead of hanging.
#   bash test_client_timeouts.sh path/to/wsspec BUILD_DIR
set -euo pipefail
WSSPEC=$1
BUILD_DIR=$2
source "$(dirname "$0")/server_test_lib.sh"

work="$BUILD_DIR/client-timeouts-test"
rm -rf "$work"
mkdir -p "$work"

# A server that sends one byte of a response head every 100 ms, forever.
cat >"$work/trickle_server.py" <<'PY'
import socket, threading, time
listener = socket.socket()
listener.bind(("127.0.0.1", 0))
listener.listen(8)
print(f"listening on 127.0.0.1:{listener.getsockname()[1]}", flush=True)
def trickle(conn):
    try:
        conn.recv(4096)
        for b in (b"HTTP/1.1 101 Switching Protocols\r\n" + b"X-Pad: " + b"a" * 100000):
            conn.sendall(bytes([b]))
            time.sleep(0.1)
    except OSError:
        pass
while True:
    conn, _ = listener.accept()
    threading.Thread(target=trickle, args=(conn,), daemon=True).start()
PY

timeout_ms=1000
limit_ms=4000  # the timeout plus process start-up, with room for a loaded machine

for kind in silent trickle; do
  if [[ $kind == silent ]]; then
    start_background "$work/$kind-server.log" python3 "$(dirname "$0")/peers/hostile_server.py" silent
  else
    start_background "$work/$kind-server.log" python3 "$work/trickle_server.py"
  fi
  url=
  for ((i = 0; i < 100; i++)); do
    url=$(sed -n 's/^listening on \(127\.0\.0\.1:[0-9]*\)$/ws:\/\/\1\//p' "$work/$kind-server.log")
    [[ -n "$url" ]] && break
    sleep 0.05
  done
  [[ -n "$url" ]] || { cat "$work/$kind-server.log" >&2; fail "$kind server did not start"; }

  started=$(date +%s%N)
  set +e
  timeout -k 5 60 "$WSSPEC" client "$url" --handshake-timeout "$timeout_ms" >"$work/$kind.log" 2>&1
  status=$?
  set -e
  elapsed_ms=$((($(date +%s%N) - started) / 1000000))
  [[ $status == 1 ]] || { cat "$work/$kind.log" >&2; fail "$kind: $(describe_status "$status"), expected exit 1"; }
  ((elapsed_ms <= limit_ms)) || fail "$kind: took ${elapsed_ms} ms with --handshake-timeout $timeout_ms"
  grep -q "handshake timeout ($timeout_ms ms)" "$work/$kind.log" ||
    { cat "$work/$kind.log" >&2; fail "$kind: the error does not name the handshake timeout"; }
  echo "  $kind server: exit 1 in ${elapsed_ms} ms: $(grep -m1 'failed' "$work/$kind.log")"
  stop_started
done

grep -q -- "--handshake-timeout UINT.*=10000" <<<"$("$WSSPEC" client --help)" ||
  fail "--handshake-timeout has no default of 10000 ms in --help"
echo "PASS: client timeouts"
