#!/usr/bin/env bash
# wsspec test-client end to end: the reference client passes every client case (except 9.*),
# each injected client defect is caught in its category, python-websockets' and node ws's
# clients run through their Autobahn-style drivers (aiohttp's and Tornado's too, against
# their lists of expected failures), the other endpoints answer as
# Autobahn's fuzzingserver does, a crashing driver fails the case it was running, a driver
# that never connects cannot hang the run, a fuzzingserver spec file is honoured, and
# several agents in one run share one set of reports.
#
#   bash tests/integration/test_client_mode.sh path/to/wsspec build-dir
# Every server listens on 127.0.0.1 port 0 (a free port); every run is bounded by timeout.
set -euo pipefail
wsspec=$(realpath "$1")
source_dir=${WSSPEC_SOURCE_DIR:-$(cd "$(dirname "$0")/../.." && pwd)}
here=$source_dir/tests/integration/client
peers=$source_dir/tools/peers
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

fail() {
  echo "FAIL: $*" >&2
  exit 1
}

# run_client_mode NAME EXPECTED_STATUS [test-client options...]: runs wsspec test-client
# (which starts and stops the driver itself), bounded by `timeout`.
run_client_mode() {
  local name=$1 expected=$2
  shift 2
  local status=0
  timeout 300 "$wsspec" test-client --listen 127.0.0.1:0 --report-dir "$work/$name" -q "$@" \
    >"$work/$name.out" 2>&1 || status=$?
  if [ "$status" != "$expected" ]; then
    cat "$work/$name.out" >&2
    fail "$name: exit status $status, expected $expected"
  fi
}

failed_groups() {
  python3 "$here/failed_categories.py" "$work/$1/wsspec.json"
}

echo "== reference client, whole client catalog except 9.*"
start=$(date +%s.%N)
# 12.*/13.* with their first five rows (1000 messages of 16 to 4096 bytes); the larger rows
# are timed by tools/bench.sh deflate_catalog.
large_deflate_rows='12.*.6,12.*.7,12.*.8,12.*.9,12.*.10,12.*.11,12.*.12,12.*.13,12.*.14,12.*.15,12.*.16,12.*.17,12.*.18,13.*.6,13.*.7,13.*.8,13.*.9,13.*.10,13.*.11,13.*.12,13.*.13,13.*.14,13.*.15,13.*.16,13.*.17,13.*.18'
run_client_mode reference 0 --exclude "9.*,$large_deflate_rows" --exec "'$wsspec' client {url} --agent reference -j 8"
end=$(date +%s.%N)
grep -q "cases passed" "$work/reference.out" || fail "reference: no summary"
echo "reference client: $(grep 'cases passed' "$work/reference.out") in $(printf '%.1f' "$(echo "$end - $start" | bc)") s"

echo "== injected client defects, each caught in its category"
# defect -> group that must fail (other groups may fail too where the defect reaches them)
declare -A expected_group=(
  [no-mask]=1 [accept-bad-accept-key]=hsc.2 [accept-masked-frames]=cf.1 [no-pong]=2
  [no-close-reply]=7 [accept-invalid-utf8]=6 [accept-reserved-bits]=3 [text-as-binary]=1
  [accept-bad-close-code]=7)
for defect in "${!expected_group[@]}"; do
  run_client_mode "defect-$defect" 1 --exclude '9.*,12.*,13.*' \
    --exec "'$wsspec' client {url} --agent defect -j 8 --inject-defect $defect"
  groups=$(failed_groups "defect-$defect")
  echo "$defect: failed groups: $(echo "$groups" | tr '\n' ' ')"
  echo "$groups" | grep -q "^${expected_group[$defect]} " ||
    fail "$defect: no failure in group ${expected_group[$defect]}"
done
# Precise ones: these defects must hit nothing else.
[ "$(failed_groups defect-accept-bad-accept-key | cut -d' ' -f1)" = hsc.2 ] ||
  fail "accept-bad-accept-key failed outside hsc.2"
[ "$(failed_groups defect-accept-masked-frames | cut -d' ' -f1)" = cf.1 ] ||
  fail "accept-masked-frames failed outside cf.1"
# A client that echoes an invalid close code (7.9.*) broke a rule: never OK in client mode.
[ "$(failed_groups defect-accept-bad-close-code)" = "7 9" ] ||
  fail "accept-bad-close-code: expected exactly the nine 7.9.* cases to fail"
# UTF-8 is checked by Autobahn's 6.*, wsspec's u8.* (text cut off before an empty final
# fragment) and pmdc.3 (invalid UTF-8 that appears only after inflation); nothing else may
# fail.
[ "$(failed_groups defect-accept-invalid-utf8 | cut -d' ' -f1 | sort | tr '\n' ' ')" = "6 pmdc.3 u8.1 " ] ||
  fail "accept-invalid-utf8 failed outside 6.*, pmdc.3 and u8.*"

echo "== python-websockets client (its compliance driver loop)"
run_client_mode python-websockets 0 --exclude '9.*,12.*,13.*' \
  --exec "/usr/bin/python3 '$peers/python_websockets_client.py' --url {url} --agent python-websockets --quiet"
grep "cases passed" "$work/python-websockets.out"
update_sample() {  # NAME: reports/samples/clients/NAME/{summary.txt,wsspec.json}
  [[ "${WSSPEC_UPDATE_SAMPLES:-0}" == 1 ]] || return 0
  python3 "$source_dir/tests/integration/results_summary.py" "$work/$1/wsspec.json" "$1" \
    >"$source_dir/reports/samples/clients/$1/summary.txt"
  cp "$work/$1/wsspec.json" "$source_dir/reports/samples/clients/$1/wsspec.json"
}
update_sample python-websockets

echo "== node ws client (its test/autobahn.js loop, offering permessage-deflate)"
if command -v node >/dev/null && [ -d "$source_dir/tools/node_modules/ws" ]; then
  run_client_mode node-ws 0 --exclude '9.*,12.*,13.*' \
    --exec "node '$peers/node_ws_client.js' --url {url} --agent node-ws --quiet"
  grep "cases passed" "$work/node-ws.out"
  update_sample node-ws
else
  echo "SKIP: node or tools/node_modules/ws missing (tools/setup.sh installs them)"
fi

# run_listed_client NAME [test-client options...]: runs the client as run_client_mode does;
# the cases that do not pass must be exactly reports/samples/clients/NAME/expected-failures.txt
# (a new one is a regression of wsspec or of the library, a missing one a stale list), and
# the driver must have run every case.
run_listed_client() {
  local name=$1 list expected actual expected_status=1
  shift
  list="$source_dir/reports/samples/clients/$name/expected-failures.txt"
  expected=$(sed -e 's/#.*//' -e '/^[[:space:]]*$/d' "$list" | sort)
  [[ -z "$expected" ]] && expected_status=0
  run_client_mode "$name" "$expected_status" "$@"
  python3 "$source_dir/tests/integration/results_summary.py" "$work/$name/wsspec.json" \
    "$name" --failed-out "$work/$name.failed" >"$work/$name.summary"
  if [[ "${WSSPEC_UPDATE_SAMPLES:-0}" == 1 ]]; then
    cp "$work/$name.summary" "$source_dir/reports/samples/clients/$name/summary.txt"
  fi
  actual=$(sort "$work/$name.failed")
  # A case the driver never ran would drop out of that comparison unnoticed.
  python3 -c 'import json, sys
not_run = [c["id"] for c in json.load(open(sys.argv[1]))["cases"] if not c["ran"]]
sys.exit("not run: " + " ".join(not_run) if not_run else 0)' "$work/$name/wsspec.json" ||
    fail "$name: the driver left cases not run"
  [ "$expected" = "$actual" ] || fail "$name: not passed: $(echo $actual); expected: $(echo $expected)"
  grep "cases passed" "$work/$name.out"
}

echo "== Chromium (a real browser; headless, its own WebSocket in a page)"
# The page is about:blank, whose handshakes carry "Origin: null": allowed explicitly.
[[ -x /usr/bin/chromium && -d "$source_dir/tools/node_modules/playwright-core" ]] ||
  fail "chromium or tools/node_modules/playwright-core missing (tools/setup.sh installs them)"
run_listed_client chromium --exclude '9.*,12.*,13.*' --allowed-origin null \
  --exec "node '$peers/chromium_client.js' --url {url} --agent chromium --quiet"

# aiohttp and Tornado break a few client MUSTs; Autobahn|Python's list is empty.
for lib in aiohttp tornado autobahn; do
  echo "== $lib client (Debian python3-$lib)"
  run_listed_client "python-$lib" --exclude '9.*,12.*,13.*' \
    --exec "/usr/bin/python3 '$peers/python_${lib}_client.py' --url {url} --agent python-$lib --quiet"
done

echo "== endpoints: getCaseCount, getCaseInfo, getCaseStatus (waiting), casetuple, stopServer"
run_client_mode endpoints 0 --cases '1.1.1,1.1.2' --keep-running \
  --exec "/usr/bin/python3 '$here/endpoint_driver.py' {url}"
grep -q '"id": "1.1.2"' "$work/endpoints/driver-stdout.log" ||
  fail "getCaseInfo: $(cat "$work/endpoints/driver-stdout.log")"
grep -q '"status": {"behavior": "OK"}' "$work/endpoints/driver-stdout.log" ||
  fail "getCaseStatus: $(cat "$work/endpoints/driver-stdout.log")"
grep -q "stopped (stopServer)" "$work/endpoints.out" || fail "stopServer did not stop the server"

echo "== a driver that crashes in case 2 fails case 2 with its status and stderr"
run_client_mode crash 1 --cases '1.1.1,1.1.2' --exec "/usr/bin/python3 '$here/crashing_driver.py' {url}"
python3 - "$work/crash/wsspec.json" <<'EOF' || fail "crash not reported in case 1.1.2"
import json, sys
cases = {c["id"]: c for c in json.load(open(sys.argv[1]))["cases"]}
assert cases["1.1.1"]["passed"], cases["1.1.1"]["result"]
crashed = cases["1.1.2"]
assert crashed["behavior"] == "FAILED", crashed["behavior"]
assert "exited with status 3" in crashed["result"], crashed["result"]
assert "giving up in case 2" in crashed["result"], crashed["result"]
EOF

echo "== a driver that never connects cannot hang the run"
start=$(date +%s)
run_client_mode silent 1 --cases '1.1.1' --idle-timeout 2 --exec "sleep 600"
[ $(($(date +%s) - start)) -lt 30 ] || fail "the silent driver held the run"
grep -q "never run" "$work/silent.out" || fail "silent: cases not reported as never run"

echo "== Autobahn fuzzingserver spec file: url, cases, exclude-cases, exclude-agent-cases, outdir"
cat >"$work/spec.json" <<EOF
{"url": "ws://127.0.0.1:0", "outdir": "$work/spec-out", "options": {"failByDrop": false},
 "cases": ["1.1.*", "2.1"], "exclude-cases": ["1.1.8"], "exclude-agent-cases": {"spec*": ["2.*"]}}
EOF
status=0
timeout 120 "$wsspec" test-client --spec "$work/spec.json" -q \
  --exec "'$wsspec' client {url} --agent spec-agent" >"$work/spec.out" 2>&1 || status=$?
[ "$status" = 0 ] || { cat "$work/spec.out" >&2; fail "spec run: exit status $status"; }
python3 - "$work/spec-out/wsspec.json" <<'EOF' || fail "spec selection not honoured"
import json, sys
r = json.load(open(sys.argv[1]))
ids = [c["id"] for c in r["cases"]]
assert ids == [f"1.1.{i}" for i in range(1, 8)] + ["2.1"], ids
ran = [c["id"] for c in r["cases"] if c["ran"]]
assert ran == [f"1.1.{i}" for i in range(1, 8)], ran  # 2.1 excluded for spec* agents
EOF
echo "== two agents in one run: one index.json with both, wsspec.json with a run each"
run_client_mode two-agents 1 --cases '1.1.1,1.1.2,2.1' --keep-running \
  --exec "'$wsspec' client {url} --agent alpha && '$wsspec' client {url} --agent beta --inject-defect no-pong"
python3 - "$work/two-agents" <<'EOF' || fail "two agents not reported together"
import json, sys, pathlib
d = pathlib.Path(sys.argv[1])
index = json.load(open(d / "index.json"))
assert sorted(index) == ["alpha", "beta"], sorted(index)
assert sorted(index["alpha"]) == ["1.1.1", "1.1.2", "2.1"], sorted(index["alpha"])
assert index["alpha"]["2.1"]["behavior"] == "OK", index["alpha"]["2.1"]
assert index["beta"]["2.1"]["behavior"] == "FAILED", index["beta"]["2.1"]  # no Pong
for agent in index:
    for case in index[agent].values():
        assert (d / case["reportfile"]).is_file(), case["reportfile"]
runs = json.load(open(d / "wsspec.json"))["runs"]
assert sorted(r["agent"] for r in runs) == ["alpha", "beta"], [r["agent"] for r in runs]
html = (d / "index.html").read_text()
assert "alpha" in html and "beta" in html
EOF
grep -q "== agent alpha ==" "$work/two-agents.out" || fail "two agents: no per-agent summary"

echo "test_client_mode: all green"
