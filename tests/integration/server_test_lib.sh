# Shared by the test-server integration tests (sourced, not run). Starts servers on free
# 127.0.0.1 ports and stops exactly the processes this script started, also on failure.
#
#   WSSPEC=path/to/wsspec
#   start_serve LOG [serve options...]      -> SERVE_URL, SERVE_PID
#   start_peer NAME LOG                     -> PEER_URL, PEER_PID   (tools/peers/start_peer.sh)
#   start_background LOG CMD...             -> BG_PID (a helper process to stop at exit)
#   free_port                               -> prints a port nobody listens on right now
#   wait_pid_gone PID SECONDS

SRC=${WSSPEC_SOURCE_DIR:-$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)}
started_pids=()

# Our processes only, by PID: TERM, a bounded wait, then KILL.
stop_started() {
  local pid
  for pid in "${started_pids[@]}"; do
    kill "$pid" 2>/dev/null || true
  done
  for pid in "${started_pids[@]}"; do
    wait_pid_gone "$pid" 5 || kill -9 "$pid" 2>/dev/null || true
  done
  started_pids=()
}
trap stop_started EXIT
trap 'exit 130' INT TERM

fail() {
  echo "FAIL: $*" >&2
  exit 1
}

# A detached peer is reaped by PID 1 and may linger as a zombie; "gone" includes that.
wait_pid_gone() {
  local pid=$1 limit=$2 i
  for ((i = 0; i < limit * 20; i++)); do
    local stat
    stat=$(ps -o stat= -p "$pid" 2>/dev/null || true)
    [[ -z "$stat" || "$stat" == Z* ]] && return 0
    sleep 0.05
  done
  return 1
}

free_port() {
  python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()'
}

start_serve() {
  local log=$1 i
  shift
  : >"$log"  # exists before we read it: the child opens it only once it runs
  "$WSSPEC" serve --listen 127.0.0.1:0 "$@" >"$log" 2>&1 &
  SERVE_PID=$!
  started_pids+=("$SERVE_PID")
  SERVE_URL=
  for ((i = 0; i < 200; i++)); do
    SERVE_URL=$(sed -n 's/^wsspec serve: listening on \(ws:\/\/[^ ]*\)$/\1/p' "$log" | head -1)
    [[ -n "$SERVE_URL" ]] && return 0
    kill -0 "$SERVE_PID" 2>/dev/null || break
    sleep 0.05
  done
  cat "$log" >&2
  fail "wsspec serve $* did not start"
}

# start_peer NAME LOGDIR: a real third-party echo server (tools/peers/start_peer.sh).
start_peer() {
  local name=$1 log_dir=$2 port attempt
  for attempt in 1 2 3; do
    port=$(free_port)
    if PEER_PID=$(PEER_LOG_DIR="$log_dir" timeout 20 bash "$SRC/tools/peers/start_peer.sh" \
                    "$name" "$port" 2>>"$log_dir/start_peer.log"); then
      started_pids+=("$PEER_PID")
      PEER_URL="ws://127.0.0.1:$port/"
      return 0
    fi
  done
  cat "$log_dir/start_peer.log" >&2
  fail "could not start peer $name"
}

start_background() {
  local log=$1
  shift
  : >"$log"
  "$@" >"$log" 2>&1 &
  BG_PID=$!
  started_pids+=("$BG_PID")
}

# The run's exit status as a word: "exit N" or "signal NAME" (bash reports 128+N).
describe_status() {
  local s=$1
  if ((s > 128 && s < 160)); then
    echo "signal $(kill -l $((s - 128)))"
  else
    echo "exit $s"
  fi
}
