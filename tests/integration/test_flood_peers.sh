#!/usr/bin/env bash
# Acceptance: a peer that answers the handshake and then floods (tests/integration/peers/
# flood_peer.py: 64 KiB text frames, empty frames, 125-byte Pings, or a Ping every 2 ms)
# cannot make wsspec grow without bound or outlive the case timeout, as a server under
# `wsspec test-server` and as a client under `wsspec test-client`:
#   - wsspec's peak RSS stays under 256 MiB: ru_maxrss from /usr/bin/time (exact; in
#     test-client mode the maximum over wsspec and the flooding client, its --exec child,
#     so an upper bound), and VmHWM from /proc/PID/status, polled while it runs (when the
#     run lasts long enough to be sampled);
#   - every case ends within its timeout + 1 s; the run exits 1 (FAILED), not a signal;
#   - wsspec.json is written, every case is FAILED, and for the floods the result names
#     the flood ("flooded") and wsspec.json carries it (cases[].flood).
# Not in the sanitizer build: ASan's shadow memory and quarantine make RSS meaningless.
#   bash test_flood_peers.sh path/to/wsspec BUILD_DIR
set -euo pipefail
WSSPEC=$1
BUILD_DIR=$2
source "$(dirname "$0")/server_test_lib.sh"
PEER="$(dirname "$0")/peers/flood_peer.py"

work="$BUILD_DIR/flood-peers-test"
rm -rf "$work"
mkdir -p "$work"

rss_limit_kib=$((256 * 1024))
timeout_ms=3000
flood_cases='1.1.1,2.2,5.1,9.1.1'  # 9.1.1 sends 64 KiB: its budget is larger
# The trickle stays under the flood budget, so each case runs to its deadline: two cases
# that use the --timeout (9.1.1 sets its own 20 s).
trickle_cases='1.1.1,2.2'
wall_limit_s=60

# check_report DIR KIND ROLE: every case FAILED within timeout + 1 s; floods named.
check_report() {
  python3 - "$1/report/wsspec.json" "$2" "$3" "$timeout_ms" <<'PY'
import json, sys
path, kind, role, timeout_ms = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4])
cases = json.load(open(path))["cases"]
bad = []
for c in cases:
    if not c.get("ran"):
        bad.append(f"{c['id']}: did not run")
        continue
    if c["behavior"] != "FAILED":
        bad.append(f"{c['id']}: behavior {c['behavior']!r}")
    if c["duration_ms"] > timeout_ms + 1000:
        bad.append(f"{c['id']}: took {c['duration_ms']:.0f} ms (timeout {timeout_ms} ms)")
    if kind != "trickle":
        flood = c.get("flood")
        if "flooded" not in c["result"] or not flood:
            bad.append(f"{c['id']}: the flood is not named: {c['result'][:120]!r}")
        elif flood["frames"] <= flood["frame_budget"] and flood["bytes"] <= flood["byte_budget"]:
            bad.append(f"{c['id']}: flood within its budget? {flood}")
    elif c.get("flood"):
        bad.append(f"{c['id']}: a trickle is not a flood: {c['flood']['description']}")
if not cases:
    bad.append("no cases in the report")
for line in bad:
    print(f"  {role} {kind}: {line}", file=sys.stderr)
if not bad:
    print(f"  {role} {kind}: " + "; ".join(
        f"{c['id']} {c['duration_ms']:.0f} ms" for c in cases))
sys.exit(1 if bad else 0)
PY
}

# measure DIR WSSPEC_ARGS...: runs wsspec (bounded by an outer timeout that only stops a
# hung harness) and polls its VmHWM. Sets STATUS, ELAPSED_MS, HWM_KIB.
measure() {
  local dir=$1 started outer time_pid pid= hwm i
  shift
  started=$(date +%s%N)
  timeout -k 5 120 /usr/bin/time -f "%M" -o "$dir/rss.txt" "$WSSPEC" "$@" >"$dir/run.log" 2>&1 &
  outer=$!
  for ((i = 0; i < 200; i++)); do
    time_pid=$(pgrep -P "$outer" || true)
    [[ -n "$time_pid" ]] && pid=$(pgrep -P "$time_pid" || true)
    [[ -n "$pid" ]] && break
    sleep 0.005
  done
  HWM_KIB=0
  while [[ -n "$pid" ]] && [[ -r "/proc/$pid/status" ]]; do
    hwm=$(sed -n 's/^VmHWM:[[:space:]]*\([0-9]*\) kB$/\1/p' "/proc/$pid/status" 2>/dev/null || true)
    [[ -n "$hwm" ]] && ((hwm > HWM_KIB)) && HWM_KIB=$hwm
    sleep 0.02
  done
  set +e
  wait "$outer"
  STATUS=$?
  set -e
  ELAPSED_MS=$((($(date +%s%N) - started) / 1000000))
}

# check_run DIR KIND ROLE
check_run() {
  local dir=$1 kind=$2 role=$3 rss_kib
  [[ $STATUS == 1 ]] || { tail -20 "$dir/run.log" >&2; fail "$role $kind: $(describe_status "$STATUS"), expected exit 1"; }
  ((ELAPSED_MS <= wall_limit_s * 1000)) || fail "$role $kind: took ${ELAPSED_MS} ms"
  # A run that ends within a few polls may leave no VmHWM sample; ru_maxrss (the maximum
  # over wsspec and its children, so an upper bound for wsspec) is checked either way.
  ((HWM_KIB < rss_limit_kib)) || fail "$role $kind: VmHWM $((HWM_KIB / 1024)) MiB (limit 256 MiB)"
  rss_kib=$(tail -1 "$dir/rss.txt")
  [[ $rss_kib =~ ^[0-9]+$ ]] || fail "$role $kind: no peak RSS measured ($rss_kib)"
  ((rss_kib < rss_limit_kib)) || fail "$role $kind: peak RSS $((rss_kib / 1024)) MiB (limit 256 MiB)"
  [[ -f "$dir/report/wsspec.json" ]] || fail "$role $kind: no report"
  check_report "$dir" "$kind" "$role" || fail "$role $kind: report check"
  echo "  $role $kind: exit 1 in ${ELAPSED_MS} ms, VmHWM $((HWM_KIB / 1024)) MiB, ru_maxrss $((rss_kib / 1024)) MiB"
}

for kind in text64k empty ping trickle; do
  cases=$flood_cases
  [[ $kind == trickle ]] && cases=$trickle_cases
  ncases=$(tr ',' '\n' <<<"$cases" | wc -l)

  # --- wsspec test-server against a flooding server --------------------------------------
  dir="$work/server-$kind"
  mkdir -p "$dir"
  start_background "$dir/peer.log" python3 "$PEER" server "$kind"
  peer_pid=$BG_PID
  url=
  for ((i = 0; i < 100; i++)); do
    url=$(sed -n 's/^listening on \(127\.0\.0\.1:[0-9]*\)$/ws:\/\/\1\//p' "$dir/peer.log" 2>/dev/null || true)
    [[ -n "$url" ]] && break
    kill -0 "$peer_pid" 2>/dev/null || break
    sleep 0.05
  done
  [[ -n "$url" ]] || { cat "$dir/peer.log" >&2; fail "server $kind: flood peer did not start"; }
  measure "$dir" test-server "$url" --cases "$cases" -j 1 --timeout "$timeout_ms" \
    --report-dir "$dir/report" -q
  kill "$peer_pid" 2>/dev/null || true
  check_run "$dir" "$kind" server

  # --- wsspec test-client against a flooding client --------------------------------------
  dir="$work/client-$kind"
  mkdir -p "$dir"
  measure "$dir" test-client --listen 127.0.0.1:0 --cases "$cases" --timeout "$timeout_ms" \
    --report-dir "$dir/report" -q --exec "python3 '$PEER' client $kind {url} --cases $ncases"
  ! grep -q Traceback "$dir/report/driver-stderr.log" 2>/dev/null ||
    { cat "$dir/report/driver-stderr.log" >&2; fail "client $kind: flood peer broke"; }
  check_run "$dir" "$kind" client
done
echo "PASS: flood peers"
