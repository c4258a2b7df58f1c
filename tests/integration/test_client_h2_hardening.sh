#!/usr/bin/env bash
# ctest-labels: asan
# Acceptance: hostile HTTP/2 clients never make `wsspec test-client --http2` (h2c, RFC 8441)
# crash, hang or hold memory without bound. Against one --keep-running server, one
# connection each (tests/integration/peers/hostile_h2_client.py); after each the server is
# alive, its threads and descriptors come back down, and its peak RSS (VmHWM: a peak between
# two looks counts too) stays within 64 MiB of the start (not in the sanitizer build):
#   - 64 KiB of random bytes, or an HTTP/1.1 request, instead of the connection preface:
#     the connection is closed (TCP close or GOAWAY) within 5 s;
#   - the preface and SETTINGS, then silence: GOAWAY NO_ERROR after --request-timeout
#     (RFC 9113 6.8), then the close;
#   - a WebSocket frame header announcing 2^63 - 1 payload bytes: Close 1009 and the stream
#     ends; with the length's most significant bit set: Close 1002 (RFC 6455 5.2);
#   - masked 64 KiB binary frames as fast as the windows allow, wsspec's data never read:
#     the case ends (a flood) and the connection is closed within the 5 s of the flood;
#   - a text frame that is not UTF-8 as the echo in 1.1.1: Close 1007, and the report
#     judges the case FAILED for it;
#   - 50 extended CONNECTs at once on one connection: every one served, one at a time (as
#     the README says);
#   - an extended CONNECT with 1 MiB of header fields (HEADERS and CONTINUATION frames):
#     refused (no 200; the stream or the connection ends);
#   - 100 runCase streams at once (SETTINGS_MAX_CONCURRENT_STREAMS, which wsspec announces),
#     1 MiB sent on each before its answer (wsspec keeps up to 1 MiB of what a waiting stream
#     sent, 8 MiB per connection): memory bounded all the same;
# and afterwards the reference client (`wsspec client h2c://...`) runs every case and
# passes, and /stopServer ends the server with the reports written. Takes about 10 s.
#   bash test_client_h2_hardening.sh path/to/wsspec BUILD_DIR
set -euo pipefail
WSSPEC=$1
BUILD_DIR=$2
source "$(dirname "$0")/server_test_lib.sh"
client="$(dirname "$0")/peers/hostile_h2_client.py"

work="$BUILD_DIR/client-h2-hardening-test"
rm -rf "$work"
mkdir -p "$work"

cases='1.1.1,1.1.2,2.1'
request_timeout_ms=1500
# A hostile client that never closes its WebSocket keeps a case until this timeout.
case_timeout_ms=2000
flood_s=5
# What the server may hold once a hostile connection is gone: as in test_client_hardening.sh.
max_idle_threads=3
max_idle_fds=16
max_rss_growth_kb=$((64 * 1024))
wall_limit_s=60
# ASan's shadow memory and quarantine make RSS meaningless (as in test_flood_peers.sh).
check_rss=1
grep -q '^WSSPEC_SANITIZE:BOOL=ON' "$BUILD_DIR/CMakeCache.txt" 2>/dev/null && check_rss=0

start_test_client() {  # -> TC_PID, TC_PORT
  local log=$work/server.log i
  : >"$log"
  "$WSSPEC" test-client --http2 --listen 127.0.0.1:0 --cases "$cases" --keep-running -q \
    --request-timeout "$request_timeout_ms" --timeout "$case_timeout_ms" \
    --report-dir "$work/report" >"$log" 2>&1 &
  TC_PID=$!
  started_pids+=("$TC_PID")
  TC_PORT=
  for ((i = 0; i < 200; i++)); do
    TC_PORT=$(sed -n 's/^wsspec test-client: listening on h2c:\/\/127\.0\.0\.1:\([0-9]*\)\/.*/\1/p' "$log")
    [[ -n "$TC_PORT" ]] && return 0
    kill -0 "$TC_PID" 2>/dev/null || break
    sleep 0.05
  done
  cat "$log" >&2
  fail "test-client --http2 did not start"
}

proc_kb() { sed -n "s/^$1:[[:space:]]*\([0-9]*\).*/\1/p" "/proc/$TC_PID/status"; }
threads() { ls "/proc/$TC_PID/task" | wc -l; }
fds() { ls "/proc/$TC_PID/fd" | wc -l; }

# hostile MODE [ARGS...] -> OUT, the client's one line (also in hostile.log).
hostile() {
  local status=0
  OUT=$(timeout 60 /usr/bin/python3 "$client" "$1" "$TC_PORT" "${@:2}" 2>>"$work/hostile.err") ||
    status=$?
  echo "$OUT" | tee -a "$work/hostile.log"
  [[ $status == 0 ]] || { cat "$work/hostile.err" >&2; fail "hostile client $1: exit $status"; }
}

expect() {  # expect REGEX WHAT: OUT matches
  [[ $OUT =~ $1 ]] || fail "$2 (expected /$1/): $OUT"
}

seconds_at_most() {  # seconds_at_most LIMIT WHAT: OUT's t= is at most LIMIT seconds
  local t
  t=$(sed -n 's/.* t=\([0-9.]*\).*/\1/p' <<<"$OUT")
  awk -v t="$t" -v limit="$1" 'BEGIN { exit !(t != "" && t <= limit) }' ||
    fail "$2 after ${t:-?} s, expected within $1 s: $OUT"
}

# survived WHAT: the server is alive, gave back the connection's thread and descriptors
# within the request timeout plus a margin, and has never grown by more than the limit.
survived() {
  local i
  kill -0 "$TC_PID" 2>/dev/null || { cat "$work/server.log" >&2; fail "test-client died ($1)"; }
  for ((i = 0; i < 100; i++)); do
    (($(threads) <= max_idle_threads && $(fds) <= max_idle_fds)) && break
    sleep 0.05
  done
  (($(threads) <= max_idle_threads && $(fds) <= max_idle_fds)) ||
    fail "$1: still $(threads) threads and $(fds) descriptors"
  if ((check_rss)); then
    local peak
    peak=$(proc_kb VmHWM)
    ((peak - start_peak_kb <= max_rss_growth_kb)) ||
      fail "$1: peak RSS ${peak} kB, $((peak - start_peak_kb)) kB over the ${start_peak_kb} kB at the start (limit $max_rss_growth_kb kB)"
  fi
}

start_test_client
start_peak_kb=$(proc_kb VmHWM)

echo "== not HTTP/2: closed within 5 s"
hostile garbage
expect 'connection=(closed|reset|GOAWAY_)' "64 KiB of garbage: connection not closed"
seconds_at_most 5 "64 KiB of garbage: closed"
survived garbage
hostile http1
expect 'connection=(closed|reset|GOAWAY_)' "an HTTP/1.1 request: connection not closed"
seconds_at_most 5 "an HTTP/1.1 request: closed"
survived http1

echo "== preface and SETTINGS, then silence: GOAWAY (RFC 9113 6.8) after --request-timeout"
hostile silent
expect 'connection=GOAWAY_NO_ERROR' "a silent connection: no GOAWAY NO_ERROR before the close"
seconds_at_most $((request_timeout_ms / 1000 + 3)) "a silent connection: closed"
awk -v t="$(sed -n 's/.* t=\([0-9.]*\).*/\1/p' <<<"$OUT")" -v min="$request_timeout_ms" \
  'BEGIN { exit !(t * 1000 >= min - 200) }' ||
  fail "a silent connection was closed before --request-timeout: $OUT"
survived silent

echo "== a frame header announcing 2^63 - 1 bytes, and one with the length's MSB set"
hostile length-max
expect 'status=200 close=1009 stream=(END_STREAM|RST_STREAM)' "2^63 - 1 payload bytes"
survived length-max
hostile length-msb
expect 'status=200 close=1002 stream=(END_STREAM|RST_STREAM)' "a 64-bit length with the MSB set"
survived length-msb

echo "== a flood of binary frames, wsspec's data never read"
hostile flood "$flood_s"
expect 'status=200 close=[0-9]+ stream=(END_STREAM|RST_STREAM)' "the flooded case did not end"
expect 'connection=(closed|reset|GOAWAY_)' "the flooding connection was kept"
expect 'sent_mib=([2-9]|[1-9][0-9]+)\.' "the flood did not get past the case's 1 MiB budget"
seconds_at_most "$flood_s" "the flooding connection ended"
survived flood

echo "== a text frame that is not UTF-8 as the echo"
hostile bad-utf8
expect 'status=200 close=1007 stream=(END_STREAM|RST_STREAM)' "invalid UTF-8"
survived bad-utf8

echo "== 50 extended CONNECTs at once: served one at a time"
hostile many-streams 50
expect 'answered=50 reset=0 refused=0 counts=3 most_open=1 ' "50 streams at once"
survived many-streams

echo "== 1 MiB of header fields"
hostile huge-headers 1024
[[ $OUT =~ status=200 ]] && fail "a 1 MiB header block was answered 200: $OUT"
expect 'stream=RST_STREAM|connection=(closed|reset|GOAWAY_)|status=4' "a 1 MiB header block was not refused"
seconds_at_most 5 "a 1 MiB header block: refused"
survived huge-headers

echo "== 100 runCase streams at once, 1 MiB on each before its answer"
hostile early-data 100 1024 2
expect 'sent_mib=100\.0 ' "the streams' data did not all go out"
survived early-data

echo "== the reference client still runs every case"
timeout 60 "$WSSPEC" client "h2c://127.0.0.1:$TC_PORT" --agent ref >"$work/ref.log" 2>&1 ||
  fail "reference client after the hostile ones: $(tail -5 "$work/ref.log")"
hostile stop
expect 'status=200 close=1000' "/stopServer"
stop_status=0
wait "$TC_PID" || stop_status=$?
# 1: the hostile agents' cases FAILED (0 would mean they passed; 2 an error, >128 a signal).
[[ $stop_status == 1 ]] ||
  { cat "$work/server.log" >&2; fail "test-client: $(describe_status "$stop_status"), expected exit 1"; }
grep -q "closed [1-9][0-9]* without a request within --request-timeout" "$work/server.log" ||
  fail "the silent connection was not counted: $(grep refused "$work/server.log")"
python3 - "$work/report/wsspec.json" <<'PY' || fail "report: see above"
import json, sys
runs = {r["agent"]: r for r in json.load(open(sys.argv[1]))["runs"]}
ref = runs["ref"]["summary"]
assert ref["passed"] == ref["total"] == 3, ref
utf8 = next(c for c in runs["hostile-utf8"]["cases"] if c["id"] == "1.1.1")
assert utf8["ran"] and utf8["behavior"] == "FAILED", utf8
assert "not valid UTF-8" in utf8["result"], utf8["result"]
PY
((SECONDS < wall_limit_s)) || fail "took $SECONDS s, more than $wall_limit_s s"
echo "test_client_h2_hardening: all green in $SECONDS s"
