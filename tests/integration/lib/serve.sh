# Shared by the integration tests: start `wsspec serve` on a free 127.0.0.1 port.
# Usage: start_serve WSSPEC [serve options...]; sets SERVE_PID and SERVE_URL.
# Stops it on exit (only the PID we started).
start_serve() {
  local wsspec=$1; shift
  local log
  log=$(mktemp)
  "$wsspec" serve --listen 127.0.0.1:0 "$@" >"$log" 2>&1 &
  SERVE_PID=$!
  SERVE_URL=""
  for _ in $(seq 1 100); do
    SERVE_URL=$(sed -n 's/^wsspec serve: listening on \(ws:.*\)$/\1/p' "$log")
    [ -n "$SERVE_URL" ] && break
    kill -0 "$SERVE_PID" 2>/dev/null || break
    sleep 0.1
  done
  if [ -z "$SERVE_URL" ]; then
    echo "wsspec serve did not start:" >&2
    cat "$log" >&2
    return 1
  fi
  rm -f "$log"
}

stop_serve() {
  if [ -n "${SERVE_PID:-}" ]; then
    kill "$SERVE_PID" 2>/dev/null || true
    wait "$SERVE_PID" 2>/dev/null || true
    SERVE_PID=""
  fi
}
