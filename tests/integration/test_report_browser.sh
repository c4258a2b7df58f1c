#!/usr/bin/env bash
# HTML reports of real runs, opened in real headless Chromium (report_browser_check.js): no
# console errors or network requests, counts that match wsspec.json, the failures panel,
# filters in the URL, permalinks with Back/Forward and reload, keyboard use, a 420 px screen,
# five agents at 1400 px without clipping, baseline regressions, and the rendering time of a
# 600-case report (printed). Inputs: five `wsspec serve` runs with different injected defects,
# their merge, a baseline check, and a committed sample of a real server (reports/samples/).
# Then fuzz reports (fuzz_report_browser_check.js): findings, counts, the chart and each
# finding's steps and wire log, of a judge finding, a supervised server's crash and a
# committed sample. Saves screenshots of the five-agent page and a fuzz report under the
# build directory.
#   bash test_report_browser.sh path/to/wsspec BUILD_DIR
set -euo pipefail
WSSPEC=$1
BUILD_DIR=$2
SRC=${WSSPEC_SOURCE_DIR:-$(cd "$(dirname "$0")/../.." && pwd)}
export WSSPEC_SOURCE_DIR=$SRC
source "$(dirname "$0")/report_test_lib.sh"

[ -x /usr/bin/chromium ] || fail "chromium is not installed (tools/setup.sh installs it)"
[ -d "$SRC/tools/node_modules/playwright-core" ] || fail "playwright-core missing: (cd tools && npm ci)"

work="$BUILD_DIR/report-browser-test"
rm -rf "$work"
mkdir -p "$work"
cases='1.1.*,2.*,3.*,5.1*,6.3.*,7.1.*,7.9.*'

# run_agent DIR AGENT [serve options...]: one run of the selection against its own server;
# sets RUN_STATUS to the exit status of `wsspec test-server`.
run_agent() {
  local dir=$1 agent=$2
  shift 2
  start_server "$work/$dir.server.log" "$@"
  set +e
  timeout 300 "$WSSPEC" test-server "$SERVER_URL" --cases "$cases" --jobs 4 \
    --report-dir "$work/$dir" --agent "$agent" > "$work/$dir.log" 2>&1
  RUN_STATUS=$?
  set -e
  stop_server
  [ -s "$work/$dir/wsspec.json" ] || { cat "$work/$dir.log"; fail "$dir: no wsspec.json (exit status $RUN_STATUS)"; }
}

run_agent single "wsspec serve (defects)" --inject-defect no-pong,skip-utf8-check
[ "$RUN_STATUS" = 1 ] || { cat "$work/single.log"; fail "expected exit status 1 (failures), got $RUN_STATUS"; }
for f in index.html wsspec.json junit.xml index.json; do
  [ -s "$work/single/$f" ] || fail "missing $f"
done
run_agent reference "reference echo (no defects)"
[ "$RUN_STATUS" = 0 ] || { cat "$work/reference.log"; fail "reference run: exit status $RUN_STATUS"; }
run_agent codes "echo with wrong error codes (fail-with-wrong-code)" --inject-defect fail-with-wrong-code
run_agent lenient "lenient echo (accept-bad-close-code, accept-reserved-bits)" \
  --inject-defect accept-bad-close-code,accept-reserved-bits
run_agent pongs "echo with bad pongs (wrong-pong-payload, drop-empty-messages)" \
  --inject-defect wrong-pong-payload,drop-empty-messages

"$WSSPEC" report --merge "$work"/{single,reference,codes,lenient,pongs}/wsspec.json \
  --report-dir "$work/merged" --format json,html > "$work/merged.log" 2>&1 || { cat "$work/merged.log"; fail "merge"; }
set +e
"$WSSPEC" report --from "$work/single/wsspec.json" --baseline "$work/reference/wsspec.json" \
  --report-dir "$work/baseline" --format json,html > "$work/baseline.log" 2>&1
status=$?
set -e
[ "$status" = 1 ] || { cat "$work/baseline.log"; fail "baseline: expected exit status 1 (regressions), got $status"; }
"$WSSPEC" report --from "$SRC/reports/samples/servers/python-tornado/wsspec.json" \
  --report-dir "$work/sample" --format json,html > "$work/sample.log" 2>&1 || { cat "$work/sample.log"; fail "sample"; }

# 600 cases: the defects run's cases, repeated under other ids.
python3 - "$work/single/wsspec.json" "$work/big.json" 600 <<'PY'
import copy, json, sys
src, dst, n = sys.argv[1], sys.argv[2], int(sys.argv[3])
run = json.load(open(src))
base, cases, k = run["cases"], list(run["cases"]), 1
while len(cases) < n:
    for c in base[: n - len(cases)]:
        d = copy.deepcopy(c)
        d["id"] = "x%d.%s" % (k, c["id"])
        d["category"] = "x%d" % k
        if d.get("group"):
            d["group"] = "x%d.%s" % (k, d["group"])
        cases.append(d)
    k += 1
for i, c in enumerate(cases):
    c["index"] = i
run["cases"] = cases
json.dump(run, open(dst, "w"))
PY
"$WSSPEC" report --from "$work/big.json" --report-dir "$work/big" --format html > "$work/big.log" 2>&1 \
  || { cat "$work/big.log"; fail "600-case report"; }

timeout 300 node "$(dirname "$0")/report_browser_check.js" "$work" "$work/report-screenshot.png"
[ -s "$work/report-screenshot.png" ] || fail "no screenshot"

# Fuzz reports (fuzz_report_browser_check.js): a run with a judge finding, one with a crash
# of a supervised server, and a committed sample of a long run rendered again.
start_server "$work/fuzz.server.log" --inject-defect skip-utf8-check
set +e
timeout 120 "$WSSPEC" fuzz-server "$SERVER_URL" --time 3 --seed 1 --timeout 500 \
  --report-dir "$work/fuzz-judge" > "$work/fuzz-judge.log" 2>&1
status=$?
stop_server
port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
timeout 120 "$WSSPEC" fuzz-server "ws://127.0.0.1:$port/" --time 5 --seed 1 --timeout 500 \
  --exec "/usr/bin/python3 '$SRC/tests/integration/peers/planted_bug_server.py' --port $port --bug fragment-crash" \
  --report-dir "$work/fuzz-crash" > "$work/fuzz-crash.log" 2>&1
crash_status=$?
set -e
[ "$status" = 1 ] || { cat "$work/fuzz-judge.log"; fail "fuzz run with a judge finding: exit status $status"; }
[ "$crash_status" = 1 ] || { cat "$work/fuzz-crash.log"; fail "fuzz run with a crash: exit status $crash_status"; }
mkdir -p "$work/fuzz-sample"
cp "$SRC/reports/samples/fuzz/reference-wsspec-serve/fuzz.json" "$work/fuzz-sample/"
"$WSSPEC" report --from "$work/fuzz-sample/fuzz.json" > "$work/fuzz-sample.log" 2>&1 || { cat "$work/fuzz-sample.log"; fail "fuzz sample"; }
timeout 300 node "$(dirname "$0")/fuzz_report_browser_check.js" "$work/fuzz-report-screenshot.png" \
  "$work/fuzz-crash" "$work/fuzz-judge" "$work/fuzz-sample"
[ -s "$work/fuzz-report-screenshot.png" ] || fail "no screenshot of a fuzz report"
echo "test_report_browser: OK (screenshots: $work/report-screenshot.png, $work/fuzz-report-screenshot.png)"
