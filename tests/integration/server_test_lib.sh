# Shared by the test-server integration tests (sourced, not run). Starts servers on free
# 127.0.0.1 ports and stops exactly the processes this script started, also on failure.
#
#   WSSPEC=path/to/wsspec
#   start_serve LOG [serve options...]      -> SERVE_URL, SERVE_PID
#   serve_url LOG SCHEME                    -> prints the URL serve listens on for SCHEME (h2c, ...)
#   start_peer NAME LOGDIR [server args...] -> PEER_URL, PEER_PID   (tools/peers/start_peer.sh)
#   start_background LOG CMD...             -> BG_PID (a helper process to stop at exit)
#   free_port                               -> prints a port nobody listens on right now
#   wait_pid_gone PID SECONDS
#   summarize_run NAME DIR                  -> DIR/summary.txt, DIR/failed.txt
#   check_expected_failures NAME DIR FILE STATUS [--selected-only]
#   check_deflate_agreed NAME DIR           (every 12.* case of DIR/report agreed permessage-deflate)

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

# wait_for_line FILE PATTERN SECONDS: until a line of FILE matches the grep PATTERN.
wait_for_line() {
  local file=$1 pattern=$2 limit=$3 i
  for ((i = 0; i < limit * 20; i++)); do
    grep -q -- "$pattern" "$file" 2>/dev/null && return 0
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

# serve_url LOG SCHEME: the SCHEME:// URL a `wsspec serve` started by start_serve (with, say,
# --h2c-listen) printed in LOG, waiting up to 5 s for it; fails the test without one.
serve_url() {
  local log=$1 scheme=$2 url= i
  for ((i = 0; i < 100; i++)); do
    url=$(sed -n "s/^wsspec serve: listening on \\($scheme:\\/\\/[^ ]*\\)\$/\\1/p" "$log" | head -1)
    [[ -n "$url" ]] && break
    sleep 0.05
  done
  [[ -n "$url" ]] || fail "wsspec serve printed no $scheme:// URL"
  echo "$url"
}

# start_peer NAME LOGDIR [SERVER ARGS...]: a real third-party echo server
# (tools/peers/start_peer.sh), e.g. `start_peer node-ws "$dir" --deflate`.
start_peer() {
  local name=$1 log_dir=$2 port attempt
  shift 2
  for attempt in 1 2 3; do
    port=$(free_port)
    if PEER_PID=$(PEER_LOG_DIR="$log_dir" timeout 20 bash "$SRC/tools/peers/start_peer.sh" \
                    "$name" "$port" "$@" 2>>"$log_dir/start_peer.log"); then
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

# summarize_run NAME DIR: DIR/report/wsspec.json (one wsspec run against the peer NAME) ->
# DIR/summary.txt (tests/integration/results_summary.py) and DIR/failed.txt (the ids of the
# cases that did not pass, sorted). Fails when a case the run selected was not run: it
# would drop out of the comparison with an expected-failures list unnoticed.
summarize_run() {
  local name=$1 dir=$2
  [[ -f "$dir/report/wsspec.json" ]] || fail "$name: no report"
  python3 "$SRC/tests/integration/results_summary.py" "$dir/report/wsspec.json" "$name" \
    --failed-out "$dir/failed.txt" >"$dir/summary.txt"
  python3 -c 'import json, sys
not_run = [c["id"] for c in json.load(open(sys.argv[1]))["cases"] if not c["ran"]]
sys.exit("not run: " + " ".join(not_run) if not_run else 0)' "$dir/report/wsspec.json" ||
    fail "$name: cases selected but not run"
}

# check_expected_failures NAME DIR EXPECTED_FILE STATUS [--selected-only]: after
# summarize_run, the cases that did not pass (DIR/failed.txt) must be exactly the ids in
# EXPECTED_FILE (one a line, # comments): a new one is a regression of wsspec or of the
# library, a missing one a stale list. --selected-only: the run selected part of the cases
# the list was written for; only the listed ids the run selected count. STATUS, the run's
# exit status, must be 1 exactly when some case did not pass, else 0.
check_expected_failures() {
  local name=$1 dir=$2 expected_file=$3 status=$4 selected_only=${5:-}
  [[ -f "$expected_file" ]] || fail "$name: missing $expected_file"
  sed -e 's/#.*//' -e 's/[[:space:]]//g' -e '/^$/d' "$expected_file" | sort >"$dir/expected.txt"
  if [[ "$selected_only" == --selected-only ]]; then
    python3 -c 'import json, sys
selected = {c["id"] for c in json.load(open(sys.argv[1]))["cases"]}
print("".join(i for i in open(sys.argv[2]) if i.strip() in selected), end="")' \
      "$dir/report/wsspec.json" "$dir/expected.txt" >"$dir/expected-selected.txt"
    mv "$dir/expected-selected.txt" "$dir/expected.txt"
  fi
  sort "$dir/failed.txt" >"$dir/actual.txt"
  if ! diff -u "$dir/expected.txt" "$dir/actual.txt" >"$dir/diff.txt"; then
    cat "$dir/summary.txt" >&2
    echo "--- expected failures vs actual ($name):" >&2
    cat "$dir/diff.txt" >&2
    fail "$name: the cases that did not pass differ from $expected_file"
  fi
  if [[ -s "$dir/actual.txt" ]]; then
    [[ $status == 1 ]] || fail "$name: failures listed but exit status $status"
  else
    [[ $status == 0 ]] || fail "$name: nothing failed but exit status $status"
  fi
}

# check_deflate_agreed NAME DIR: compression was really on in the run of DIR/report: every
# Autobahn 12.* case it ran agreed permessage-deflate (else they would all be UNIMPLEMENTED
# and a list of expected failures could not tell).
check_deflate_agreed() {
  local name=$1 dir=$2
  python3 -c 'import json, sys
cases = [c for c in json.load(open(sys.argv[1]))["cases"] if c["id"].startswith("12.")]
agreed = [c for c in cases if (c.get("handshake") or {}).get("deflate_agreed")]
sys.exit(0 if cases and len(agreed) == len(cases) else
         "%s: permessage-deflate agreed in %d of %d 12.* cases" % (sys.argv[2], len(agreed), len(cases)))' \
    "$dir/report/wsspec.json" "$name" || fail "$name: compression was not negotiated"
}
