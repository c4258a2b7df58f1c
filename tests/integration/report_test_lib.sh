# Shared by the report integration tests (sourced, not run): start `wsspec serve` on a free
# port and stop exactly the processes this script started.
#   WSSPEC=path/to/wsspec; start_server [--inject-defect ...]  -> sets SERVER_URL, SERVER_PID

started_pids=()

cleanup_started() {
  local pid
  for pid in "${started_pids[@]}"; do
    kill "$pid" 2>/dev/null || true
  done
  for pid in "${started_pids[@]}"; do
    timeout 5 tail --pid="$pid" -f /dev/null 2>/dev/null || kill -9 "$pid" 2>/dev/null || true
  done
}
trap cleanup_started EXIT

# start_server LOGFILE [serve options...]
start_server() {
  local log=$1
  shift
  : >"$log"  # exists before we read it: the child opens it only once it runs
  "$WSSPEC" serve --listen 127.0.0.1:0 "$@" >"$log" 2>&1 &
  SERVER_PID=$!
  started_pids+=("$SERVER_PID")
  local i
  for i in $(seq 100); do
    SERVER_URL=$(sed -n 's/^wsspec serve: listening on \(ws:\/\/[^ ]*\)$/\1/p' "$log" | head -1)
    [ -n "$SERVER_URL" ] && return 0
    kill -0 "$SERVER_PID" 2>/dev/null || break
    sleep 0.1
  done
  echo "FAIL: wsspec serve did not start:" >&2
  cat "$log" >&2
  exit 1
}

stop_server() {
  kill "$SERVER_PID" 2>/dev/null || true
  timeout 5 tail --pid="$SERVER_PID" -f /dev/null 2>/dev/null || kill -9 "$SERVER_PID" 2>/dev/null || true
}

fail() {
  echo "FAIL: $*" >&2
  exit 1
}
