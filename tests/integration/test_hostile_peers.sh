#!/usr/bin/env bash
# ctest-labels: asan
# Acceptance: hostile servers (tests/integration/peers/hostile_server.py) never make
# `wsspec test-server` crash or hang. For each hostile mode, a few cases run with a short
# --timeout; the run must end in bounded wall time with exit status 1 (not a signal, not 2),
# write wsspec.json, and report every case FAILED with a non-empty reason.
#   bash test_hostile_peers.sh path/to/wsspec BUILD_DIR
set -euo pipefail
WSSPEC=$1
BUILD_DIR=$2
source "$(dirname "$0")/server_test_lib.sh"

work="$BUILD_DIR/hostile-peers-test"
rm -rf "$work"
mkdir -p "$work"

timeout_ms=1500
cases='1.1.1,1.2.6,2.2,5.3'  # a small text, a 64 KiB binary echo, a ping, a fragmented text
ncases=4
# Per case at most the timeout plus connection teardown; everything bounded well below.
wall_limit_s=30

modes=(silent garbage midframe len-2^63-1 len-2^63 endless-frame endless-fragments)
for mode in "${modes[@]}"; do
  dir="$work/$mode"
  mkdir -p "$dir"
  start_background "$dir/peer.log" python3 "$(dirname "$0")/peers/hostile_server.py" "$mode"
  peer_pid=$BG_PID
  url=
  for ((i = 0; i < 100; i++)); do
    url=$(sed -n 's/^listening on \(127\.0\.0\.1:[0-9]*\)$/ws:\/\/\1\//p' "$dir/peer.log" 2>/dev/null || true)
    [[ -n "$url" ]] && break
    kill -0 "$peer_pid" 2>/dev/null || break
    sleep 0.05
  done
  [[ -n "$url" ]] || { cat "$dir/peer.log" >&2; fail "$mode: hostile server did not start"; }

  started=$(date +%s%N)
  set +e
  # The outer timeout only stops a hung harness (status 124); it is not the bound we test.
  timeout -k 5 120 "$WSSPEC" test-server "$url" --cases "$cases" -j 1 --timeout "$timeout_ms" \
    --report-dir "$dir/report" -q >"$dir/run.log" 2>&1
  status=$?
  set -e
  elapsed_ms=$((($(date +%s%N) - started) / 1000000))
  kill "$peer_pid" 2>/dev/null || true
  # The hostile server itself must have worked as intended (no traceback of its own).
  ! grep -q Traceback "$dir/peer.log" || { cat "$dir/peer.log" >&2; fail "$mode: hostile server broke"; }

  [[ $status == 1 ]] || { tail -20 "$dir/run.log" >&2; fail "$mode: $(describe_status "$status"), expected exit 1"; }
  ((elapsed_ms <= wall_limit_s * 1000)) || fail "$mode: took ${elapsed_ms} ms (limit ${wall_limit_s} s)"
  [[ -f "$dir/report/wsspec.json" ]] || fail "$mode: no report file"
  python3 - "$dir/report/wsspec.json" "$mode" "$ncases" <<'PY' || fail "$mode: report check"
import json, sys
path, mode, ncases = sys.argv[1], sys.argv[2], int(sys.argv[3])
cases = json.load(open(path))["cases"]
bad = []
if len(cases) != ncases:
    bad.append(f"{len(cases)} cases in the report, expected {ncases}")
for c in cases:
    if not c.get("ran"):
        bad.append(f"{c['id']}: did not run")
    elif c["behavior"] != "FAILED" or not c["result"].strip():
        bad.append(f"{c['id']}: behavior {c['behavior']!r}, result {c['result']!r}")
    elif c["behavior_close"] == "" or not c["result_close"].strip():
        bad.append(f"{c['id']}: no close verdict")
# The endless frame announces 2^62 octets: wsspec must refuse it on its header. The endless
# fragmented message passes every frame check, so wsspec must really read the stream.
if mode == "endless-frame":
    bad += [f"{c['id']}: wsspec did not fail the connection on the frame header"
            for c in cases if not (c.get("close") or {}).get("peer_violation")]
if mode == "endless-fragments" and not any(c.get("bytes_received", 0) > (1 << 20) for c in cases):
    bad.append("the endless stream never reached wsspec (less than 1 MiB received per case)")
for line in bad:
    print(f"  {mode}: {line}", file=sys.stderr)
if not bad:
    print(f"ok {mode}: " + "; ".join(f"{c['id']}: {c['result'][:90]}" for c in cases))
sys.exit(1 if bad else 0)
PY
  echo "  $mode: exit 1 in ${elapsed_ms} ms"
done
echo "PASS: hostile peers"
