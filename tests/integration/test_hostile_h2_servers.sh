#!/usr/bin/env bash
# ctest-labels: asan
# Acceptance: hostile HTTP/2 servers (tests/integration/peers/hostile_h2_server.py) never make
# `wsspec test-server h2c://...` (WebSockets over HTTP/2, RFC 8441) crash, hang or hold
# memory without bound; the mirror of test_client_h2_hardening.sh, and of
# test_hostile_peers.sh for HTTP/1.1 servers. For each hostile mode, a few cases run with a
# short --timeout, one connection each, and:
#   - the run ends in bounded wall time with exit status 1 (not a signal, not 2), writes
#     wsspec.json, and reports every case as run and FAILED with a non-empty result and
#     close verdict;
#   - wsspec's peak RSS (ru_maxrss from /usr/bin/time) stays under 150 MiB, though modes send
#     up to 80 MiB (not in the sanitizer build, where RSS means nothing);
#   - a server that does not answer at all (silent) costs each case its timeout, and the
#     result says no SETTINGS came; every other mode breaks a rule wsspec sees as soon as
#     the bytes arrive, so each case must end within half the timeout, not be marked timed
#     out, not say it waited out the timeout, and not blame an RST_STREAM on the server
#     unless it sent one;
#   - and the report names what went wrong:
#       garbage, http1 (64 KiB of random bytes, an HTTP/1.1 response instead of SETTINGS):
#         the result speaks of HTTP/2 or SETTINGS, not of a server that closed the connection
#         (it never does);
#       no-connect-protocol, connect-protocol-0 (SETTINGS without
#         SETTINGS_ENABLE_CONNECT_PROTOCOL, or with it 0): the result names the setting, and
#         no extended CONNECT is sent (RFC 8441 3);
#       flood (64 KiB binary frames as fast as the windows allow; with h2.7.1, also while
#         the case's extra streams are never answered): the result names the flood;
#       endless-frame (a frame header announcing 2^63 - 1 bytes): the connection is failed
#         on the header (close.peer_violation);
#       overrun (64 MiB of DATA regardless of flow control; in h2.5.1 the stream window is
#         16 octets): the report names the flood or the flow-control error;
#       data-before-headers (DATA before the 200, after a WINDOW_UPDATE to 2^31 - 1): the
#         result names the HTTP/2 error (RFC 9113 8.1);
#       huge-headers (an 8 MiB response header block, HEADERS and CONTINUATION): refused,
#         and the result says why;
#       push-promise (PUSH_PROMISE although wsspec sent ENABLE_PUSH 0), foreign-streams
#         (frames on streams wsspec never opened): a GOAWAY PROTOCOL_ERROR from wsspec
#         (RFC 9113 8.4, 5.1) and a report that names the HTTP/2 error;
#       huge-settings (INITIAL_WINDOW_SIZE 2^31 - 1 and MAX_FRAME_SIZE 2^24 - 1, then DATA
#         frames of 2^24 - 1 octets, past wsspec's own limit): the report names the frame
#         size error (RFC 9113 4.2);
#       ping-flood, settings-flood (PING or SETTINGS frames without end, wsspec's ACKs
#         never read): the report names the flood;
#       reset-after-200 (200 and RST_STREAM INTERNAL_ERROR in one write): the report names
#         the RST_STREAM;
#       goaway-after-200, goaway-at-once (GOAWAY NO_ERROR, last-stream-id 0, right after the
#         200 or before any request): the report names the GOAWAY; before any request, no
#         extended CONNECT is sent (RFC 9113 6.8).
# Every mode runs even when one fails; the failures are listed at the end. Takes about
# 15 s (up to 45 s when cases wait out their timeouts).
#   bash test_hostile_h2_servers.sh path/to/wsspec BUILD_DIR
set -euo pipefail
WSSPEC=$1
BUILD_DIR=$2
source "$(dirname "$0")/server_test_lib.sh"
server="$(dirname "$0")/peers/hostile_h2_server.py"

work="$BUILD_DIR/hostile-h2-servers-test"
rm -rf "$work"
mkdir -p "$work"

timeout_ms=1500
cases='1.1.1,2.2'  # a small text echo and a ping: the HTTP/2 layer is what is hostile here
# The floods also with a 64 KiB echo (a larger budget) and an h2.7 case, whose extra
# streams keep the first one's data waiting for the WebSocket to start.
flood_cases='1.1.1,1.2.6,h2.7.1'
# h2.5.1 announces a stream window of 16 octets: any overrun breaks flow control at once.
overrun_cases='1.2.6,h2.5.1'
rss_limit_kib=$((150 * 1024))
mode_limit_s=20
wall_limit_s=90
# ASan's shadow memory and quarantine make RSS meaningless (as in test_flood_peers.sh).
check_rss=1
grep -q '^WSSPEC_SANITIZE:BOOL=ON' "$BUILD_DIR/CMakeCache.txt" 2>/dev/null && check_rss=0

modes=(silent garbage http1 no-connect-protocol connect-protocol-0 flood endless-frame overrun
  data-before-headers huge-headers push-promise foreign-streams huge-settings ping-flood
  settings-flood reset-after-200 goaway-after-200 goaway-at-once)
failed=()

# start_server MODE DIR -> PEER_PID, URL
start_server() {
  local i
  start_background "$2/peer.log" /usr/bin/python3 "$server" "$1"
  PEER_PID=$BG_PID
  URL=
  for ((i = 0; i < 100; i++)); do
    URL=$(sed -n 's/^listening on \(127\.0\.0\.1:[0-9]*\)$/h2c:\/\/\1\//p' "$2/peer.log")
    [[ -n "$URL" ]] && return 0
    kill -0 "$PEER_PID" 2>/dev/null || break
    sleep 0.05
  done
  cat "$2/peer.log" >&2
  fail "$1: hostile server did not start"
}

# run_wsspec DIR CASES -> STATUS, ELAPSED_MS, RSS_KIB (ru_maxrss; 0 when not measured)
run_wsspec() {
  local dir=$1 started measure=()
  ((check_rss)) && measure=(/usr/bin/time -f %M -o "$dir/rss.txt")
  started=$(date +%s%N)
  set +e
  # The outer timeout only stops a hung harness (status 124); it is not the bound we test.
  timeout -k 5 60 "${measure[@]}" "$WSSPEC" test-server "$URL" --cases "$2" -j 1 \
    --timeout "$timeout_ms" --report-dir "$dir/report" -q >"$dir/run.log" 2>&1
  STATUS=$?
  set -e
  ELAPSED_MS=$((($(date +%s%N) - started) / 1000000))
  RSS_KIB=0
  if ((check_rss)); then
    RSS_KIB=$(tail -1 "$dir/rss.txt" 2>/dev/null || true)
    [[ $RSS_KIB =~ ^[0-9]+$ ]] || RSS_KIB=-1
  fi
}

# wait_peer_lines DIR COUNT: the server prints a line per connection once it has ended; the
# preflight connection and one per case.
wait_peer_lines() {
  local i
  for ((i = 0; i < 60; i++)); do
    (($(grep -c ': requests=' "$1/peer.log" || true) >= $2)) && return 0
    sleep 0.05
  done
}

# check_mode MODE DIR NCASES: the general checks above, then the mode's own.
check_mode() {
  timeout 20 /usr/bin/python3 - "$1" "$2/report/wsspec.json" "$2/peer.log" "$3" "$timeout_ms" <<'PY'
import json, re, sys

mode, report, peer_log, ncases, timeout_ms = sys.argv[1:6]
ncases, timeout_ms = int(ncases), int(timeout_ms)
cases = json.load(open(report))["cases"]
# One line per connection the server saw; those with a request are the cases'.
lines = [dict(kv.split("=", 1) for kv in line.split(": ", 1)[1].split())
         for line in open(peer_log) if re.match(r"^[a-z0-9-]+: requests=", line)]
bad = []


def text(c):
    """All the report says about the case in words."""
    notes = [w.get("text", "") for w in c.get("wire") or [] if w.get("kind") == "NOTE"]
    return " | ".join([c["result"], c.get("result_close", ""),
                       (c.get("handshake") or {}).get("failure") or "", *notes])


def case_problems(c):
    """What is wrong with one case's report, in words; empty if nothing."""
    if not c.get("ran"):
        return ["did not run"]
    out = []
    if c["behavior"] != "FAILED" or not c["result"].strip():
        out.append(f"behavior {c['behavior']!r} with result {c['result']!r}")
    if not c.get("behavior_close") or not c.get("result_close", "").strip():
        out.append("no close verdict")
    said = text(c)

    def expect(cond, what):
        if not cond:
            out.append(what)

    if mode == "silent":
        expect("no HTTP/2 SETTINGS" in c["result"], "the result does not say no SETTINGS came")
        return out
    # Every other mode breaks a rule wsspec sees as soon as the bytes arrive.
    timed_out = (c.get("close") or {}).get("timed_out")
    expect(c["duration_ms"] < timeout_ms / 2 and not timed_out,
           f"took {c['duration_ms']:.0f} ms{' and timed out' if timed_out else ''}, though the "
           "offence was there to see at once")
    expect("within the case timeout" not in c["result"],
           "the result blames a timeout, not what the server did")
    if mode != "reset-after-200":
        expect(not re.search(r"reset by the server|RST_STREAM \w+ instead of", said),
               "the report blames an RST_STREAM the server never sent on the stream")
    if mode in ("garbage", "http1"):
        expect(re.search(r"HTTP/2|SETTINGS", c["result"]),
               "the result does not say the server did not speak HTTP/2")
        expect("server closed" not in c["result"], "the server never closed the connection")
    elif mode in ("no-connect-protocol", "connect-protocol-0"):
        expect("SETTINGS_ENABLE_CONNECT_PROTOCOL" in c["result"], "the setting is not named")
    elif mode == "flood":
        expect(c.get("flood") and "flooded" in c["result"], "the flood is not named")
    elif mode == "endless-frame":
        expect((c.get("close") or {}).get("peer_violation"),
               "wsspec did not fail the connection on the frame header")
    elif mode == "overrun":
        expect(re.search(r"flooded|FLOW_CONTROL|flow.control", said),
               "neither the flood nor the flow-control error is named")
    elif mode == "data-before-headers":
        expect(re.search(r"DATA|PROTOCOL_ERROR|HTTP/2", c["result"]),
               "the result does not name the HTTP/2 error (DATA before HEADERS)")
    elif mode == "huge-headers":
        expect(c["handshake"]["status"] != 200, "an 8 MiB header block was taken as a 200")
        expect(re.search(r"HTTP/2|header|CONTINUATION", c["result"]),
               "the result does not say why the response was refused")
    elif mode == "push-promise":
        expect(re.search(r"PUSH_PROMISE|PROTOCOL_ERROR|HTTP/2|push", said),
               "the report does not name the PUSH_PROMISE (a connection error)")
    elif mode == "foreign-streams":
        expect(re.search(r"PROTOCOL_ERROR|HTTP/2|idle", said),
               "the report does not name the frames on unopened streams (a connection error)")
    elif mode == "huge-settings":
        expect(re.search(r"FRAME_SIZE|frame size", said),
               "the report does not name the oversized DATA frame")
    elif mode in ("ping-flood", "settings-flood"):
        expect(re.search(r"[Ff]lood", said), "the report does not name the flood")
    elif mode == "reset-after-200":
        expect("RST_STREAM INTERNAL_ERROR" in said, "the server's RST_STREAM is not named")
    elif mode in ("goaway-after-200", "goaway-at-once"):
        expect("GOAWAY" in said, "the server's GOAWAY is not named")
    return out


if len(cases) != ncases:
    bad.append(f"{len(cases)} cases in the report, expected {ncases}")
for c in cases:
    problems = case_problems(c)
    if problems:
        bad.append(f"{c['id']}: " + "; ".join(problems) + f"\n      report: {text(c)[:400]!r}")

requested = [l for l in lines if l["requests"] != "0"]
if mode in ("no-connect-protocol", "connect-protocol-0", "goaway-at-once"):
    if requested:
        bad.append(f"wsspec sent an extended CONNECT the server's SETTINGS or GOAWAY did not "
                   f"allow (RFC 8441 3, RFC 9113 6.8): {requested}")
if mode in ("push-promise", "foreign-streams"):
    if len(requested) != ncases or any(l["goaway"] != "PROTOCOL_ERROR" for l in requested):
        bad.append("not every case's connection got wsspec's GOAWAY PROTOCOL_ERROR: "
                   + "; ".join(f"goaway={l['goaway']} end={l['end']}" for l in requested))

for line in bad:
    print(f"  {mode}: {line}", file=sys.stderr)
if not bad:
    print(f"  ok {mode}: " + "; ".join(f"{c['id']} {c['duration_ms']:.0f} ms: {c['result'][:80]}"
                                       for c in cases))
sys.exit(1 if bad else 0)
PY
}

for mode in "${modes[@]}"; do
  dir="$work/$mode"
  mkdir -p "$dir"
  mode_cases=$cases
  [[ $mode == flood ]] && mode_cases=$flood_cases
  [[ $mode == overrun ]] && mode_cases=$overrun_cases
  ncases=$(tr ',' '\n' <<<"$mode_cases" | wc -l)

  start_server "$mode" "$dir"
  run_wsspec "$dir" "$mode_cases"
  wait_peer_lines "$dir" $((ncases + 1))
  kill "$PEER_PID" 2>/dev/null || true
  wait "$PEER_PID" 2>/dev/null || true
  # The hostile server itself must have worked as intended (no traceback of its own).
  ! grep -q Traceback "$dir/peer.log" ||
    { cat "$dir/peer.log" >&2; fail "$mode: hostile server broke"; }

  problems=()
  [[ $STATUS == 1 ]] ||
    problems+=("$(describe_status "$STATUS"), expected exit 1: $(tail -3 "$dir/run.log")")
  ((ELAPSED_MS <= mode_limit_s * 1000)) ||
    problems+=("took ${ELAPSED_MS} ms (limit ${mode_limit_s} s)")
  if ((check_rss)); then
    ((RSS_KIB > 0)) || problems+=("no peak RSS measured")
    ((RSS_KIB < rss_limit_kib)) ||
      problems+=("peak RSS $((RSS_KIB / 1024)) MiB (limit $((rss_limit_kib / 1024)) MiB)")
  fi
  if [[ -f "$dir/report/wsspec.json" ]]; then
    check_mode "$mode" "$dir" "$ncases" || problems+=("report check (above)")
  else
    problems+=("no report file")
  fi
  rss=
  ((check_rss)) && rss=", peak RSS $((RSS_KIB / 1024)) MiB"
  for problem in "${problems[@]}"; do
    echo "  $mode: $problem" >&2
  done
  ((${#problems[@]} == 0)) || failed+=("$mode")
  echo "  $mode: exit $STATUS in ${ELAPSED_MS} ms$rss"
done

((SECONDS <= wall_limit_s)) || failed+=("the whole test took $SECONDS s (limit $wall_limit_s s)")
((${#failed[@]} == 0)) || fail "hostile HTTP/2 servers: ${failed[*]} (details above; runs in $work)"
echo "PASS: hostile HTTP/2 servers in $SECONDS s"
