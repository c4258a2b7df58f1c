#!/usr/bin/env bash
# ctest-labels: asan
# Acceptance: a run's results are never lost and never written anywhere but the report
# directory, whatever the peer sends and whatever a results file says:
#   - a server whose Server header and close reason are not UTF-8: every report format is
#     written and is valid UTF-8, the bytes shown as \xHH (reports/README.md);
#   - a symlink planted where the report writer puts temporary files is not followed;
#   - `wsspec report --from` recomputes the summary from the cases (an edited verdict,
#     "total": -1) and refuses invalid input with exit 2, naming file, field and reason;
#   - a second SIGINT during test-client or test-server writes the partial report at once
#     (exit 130).
#   bash test_report_hardening.sh path/to/wsspec BUILD_DIR
set -euo pipefail
WSSPEC=$1
BUILD_DIR=$2
source "$(dirname "$0")/server_test_lib.sh"
here=$(cd "$(dirname "$0")" && pwd)

work="$BUILD_DIR/report-hardening-test"
rm -rf "$work"
mkdir -p "$work"

echo "== a server with non-UTF-8 header and close reason"
start_background "$work/peer.log" python3 "$here/peers/non_utf8_server.py"
url=
for ((i = 0; i < 100; i++)); do
  url=$(sed -n 's/^listening on \(127\.0\.0\.1:[0-9]*\)$/ws:\/\/\1\//p' "$work/peer.log" 2>/dev/null || true)
  [[ -n "$url" ]] && break
  sleep 0.05
done
[[ -n "$url" ]] || fail "non-UTF-8 server did not start"
status=0
timeout -k 5 120 "$WSSPEC" test-server "$url" --cases '1.1.1,1.1.2,2.2,7.1.1' -j 1 \
  --report-dir "$work/non-utf8" -q >"$work/non-utf8.log" 2>&1 || status=$?
[[ $status == 0 || $status == 1 ]] || { cat "$work/non-utf8.log" >&2; fail "exit status $status"; }
python3 - "$work/non-utf8" <<'PY' || fail "non-UTF-8 peer bytes in the reports"
import json, pathlib, sys
d = pathlib.Path(sys.argv[1])
for name in ["wsspec.json", "index.json", "junit.xml", "index.html"]:
    (d / name).read_bytes().decode("utf-8")  # strict: raises on any invalid byte
run = json.load(open(d / "wsspec.json"))
assert run["agent"] == "evil\\xFF\\xC3(srv", run["agent"]
assert len(run["cases"]) == 4 and all(c["ran"] for c in run["cases"])
response = run["cases"][0]["handshake"]["response"]
assert "Server: evil\\xFF\\xC3(srv" in response, response
index = json.load(open(d / "index.json"))
for cases in index.values():
    for c in cases.values():
        json.load(open(d / c["reportfile"]))
PY

echo "== planted symlinks in the report directory"
victim="$work/victim.txt"
echo precious >"$victim"
mkdir -p "$work/planted"
# The old writer used <name>.tmp.<pid>: plant that for the PID the command will have
# (exec keeps it), for every report file.
bash -c 'for f in wsspec.json index.json junit.xml index.html; do
           ln -s "$1" "$2/$f.tmp.$$"; done
         exec "$3" report --from "$4" --report-dir "$2"' _ \
  "$victim" "$work/planted" "$WSSPEC" "$work/non-utf8/wsspec.json" >"$work/planted.log" 2>&1 || true
[[ $(cat "$victim") == precious ]] || fail "a planted symlink was followed: $(head -c 80 "$victim")"
[[ -s "$work/planted/wsspec.json" ]] || fail "report --from wrote no wsspec.json"

echo "== report --from: summaries recomputed, invalid input refused"
python3 - "$work/non-utf8/wsspec.json" "$work" <<'PY'
import json, sys
run = json.load(open(sys.argv[1]))
run["cases"] = run["cases"][:1]
run["cases"][0]["behavior"], run["cases"][0]["behavior_close"] = "OK", "OK"
run["summary"]["total"] = -1
json.dump(run, open(sys.argv[2] + "/total.json", "w"))
edited = json.loads(json.dumps(run))
edited["cases"][0]["behavior"] = "FAILED"
edited["summary"].update(passed=1, failed=0, total=1)
json.dump(edited, open(sys.argv[2] + "/edited.json", "w"))
bad = json.loads(json.dumps(run))
bad["cases"][0]["behavior"] = 7
json.dump(bad, open(sys.argv[2] + "/bad-type.json", "w"))
dup = json.loads(json.dumps(run))
dup["cases"].append(dup["cases"][0])
json.dump(dup, open(sys.argv[2] + "/duplicate.json", "w"))
PY
status=0
"$WSSPEC" report --from "$work/edited.json" --report-dir "$work/edited" --fail-on-failures \
  >"$work/edited.log" 2>&1 || status=$?
[[ $status == 1 ]] || fail "edited FAILED case: exit $status, expected 1"
grep -q ": 0 of 1 cases passed" "$work/edited.log" || fail "edited: $(cat "$work/edited.log")"
grep -q 'failures="1"' "$work/edited/junit.xml" || fail "edited: junit.xml disagrees"
"$WSSPEC" report --from "$work/total.json" --report-dir "$work/total" >"$work/total.log" 2>&1 ||
  fail "total -1: $(cat "$work/total.log")"
python3 -c 'import json, sys; s = json.load(open(sys.argv[1]))["summary"]; assert s["total"] == 1, s' \
  "$work/total/wsspec.json" || fail "total -1 copied through"
for input in bad-type:/cases/0/behavior duplicate:/cases/1/id; do
  name=${input%%:*} field=${input#*:} status=0
  "$WSSPEC" report --from "$work/$name.json" --report-dir "$work/$name" >"$work/$name.log" 2>&1 || status=$?
  [[ $status == 2 ]] || fail "$name: exit $status, expected 2"
  grep -q "$name.json: $field: " "$work/$name.log" || fail "$name: $(cat "$work/$name.log")"
  ! grep -q "type_error\|json.exception" "$work/$name.log" || fail "$name: raw parser message"
done

echo "== a second SIGINT writes the partial report at once"
"$WSSPEC" test-client --listen 127.0.0.1:0 --cases '1.1.1,1.1.2' --timeout 120000 \
  --report-dir "$work/sigint" --exec "/usr/bin/python3 '$here/client/hanging_driver.py' {url}" \
  >"$work/sigint.log" 2>&1 &
tc_pid=$!
started_pids+=("$tc_pid")
for ((i = 0; i < 200; i++)); do
  grep -q "case 2 open" "$work/sigint/driver-stdout.log" 2>/dev/null && break
  sleep 0.05
done
grep -q "case 2 open" "$work/sigint/driver-stdout.log" || { cat "$work/sigint.log" >&2; fail "driver did not reach case 2"; }
kill -INT "$tc_pid"
sleep 0.5
kill -0 "$tc_pid" || fail "the first SIGINT did not wait for the case in flight"
started=$(date +%s)
kill -INT "$tc_pid"
status=0
wait "$tc_pid" || status=$?
(($(date +%s) - started < 10)) || fail "the second SIGINT did not end the run promptly"
[[ $status == 130 ]] || { cat "$work/sigint.log" >&2; fail "second SIGINT: exit $status, expected 130"; }
grep -q "writing the partial report now" "$work/sigint.log" || fail "no message for the second SIGINT"
python3 - "$work/sigint/wsspec.json" <<'PY' || fail "partial report after the second SIGINT"
import json, sys
run = json.load(open(sys.argv[1]))
assert run["complete"] is False, run["complete"]
ran = {c["id"]: c["ran"] for c in run["cases"]}
assert ran == {"1.1.1": True, "1.1.2": False}, ran
PY
echo "== test-server: a second SIGINT writes the partial report at once too"
start_background "$work/silent-peer.log" python3 -c '
import socket, time
s = socket.socket(); s.bind(("127.0.0.1", 0)); s.listen(8)
print("listening on 127.0.0.1:%d" % s.getsockname()[1], flush=True)
held = []
for _ in range(8):
    held.append(s.accept())
    print("accepted", flush=True)
time.sleep(600)'
silent_url=
for ((i = 0; i < 100; i++)); do
  silent_url=$(sed -n 's/^listening on \(127\.0\.0\.1:[0-9]*\)$/ws:\/\/\1\//p' "$work/silent-peer.log")
  [[ -n "$silent_url" ]] && break
  sleep 0.05
done
[[ -n "$silent_url" ]] || fail "silent peer did not start"
"$WSSPEC" test-server "$silent_url" --cases 1.1.1,1.1.2 -j 1 --timeout 120000 \
  --report-dir "$work/silent" -q >"$work/silent.log" 2>&1 &
ts_pid=$!
started_pids+=("$ts_pid")
# Interrupt once a case is under way (its handler is in place by then, however slow the machine).
for ((i = 0; i < 200; i++)); do
  grep -q accepted "$work/silent-peer.log" && break
  sleep 0.05
done
grep -q accepted "$work/silent-peer.log" || fail "test-server never connected to the silent peer"
kill -INT "$ts_pid"
sleep 0.3
kill -INT "$ts_pid"
status=0
wait "$ts_pid" || status=$?
[[ $status == 130 ]] || fail "test-server second SIGINT: exit $status, expected 130"
grep -q "writing the partial report now" "$work/silent.log" || fail "no message: $(cat "$work/silent.log")"
python3 - "$work/silent/wsspec.json" <<'PY' || fail "test-server: partial report after the second SIGINT"
import json, sys
run = json.load(open(sys.argv[1]))
assert run["complete"] is False, run["complete"]
assert {c["id"]: c["ran"] for c in run["cases"]} == {"1.1.1": False, "1.1.2": False}, run["cases"]
PY
echo "test_report_hardening: all green"
