#!/usr/bin/env bash
# CI features end to end on real runs: --shard + report --merge equal an unsharded run,
# --baseline fails only on regressions and lists cases that now pass, report --compare,
# and Ctrl-C writing a partial report marked incomplete.
#   bash test_report_ci.sh path/to/wsspec BUILD_DIR
set -euo pipefail
WSSPEC=$1
BUILD_DIR=$2
source "$(dirname "$0")/report_test_lib.sh"

work="$BUILD_DIR/report-ci-test"
rm -rf "$work"
mkdir -p "$work"
cases='1.1.*,2.*,5.1*,6.3.*,7.1.*'
start_server "$work/defective.log" --inject-defect no-pong,skip-utf8-check
defective=$SERVER_URL
start_server "$work/clean.log"
clean=$SERVER_URL

# run NAME URL [options...] -> exit status in $status, output in $work/NAME.log
run() {
  local name=$1 url=$2
  shift 2
  set +e
  timeout 300 "$WSSPEC" test-server "$url" --cases "$cases" --jobs 4 --agent srv -q \
    --report-dir "$work/$name" "$@" > "$work/$name.log" 2>&1
  status=$?
  set -e
}

# --- shards merged equal the unsharded run ---
run whole "$defective"
[ "$status" = 1 ] || fail "unsharded run: exit $status"
for i in 1 2 3; do
  run "shard$i" "$defective" --shard "$i/3" --format json
  [ -s "$work/shard$i/wsspec.json" ] || fail "shard $i wrote no wsspec.json"
done
# Re-rendering is not a test run: failures in complete results exit 0 unless asked.
"$WSSPEC" report --merge "$work/shard3/wsspec.json" "$work/shard1/wsspec.json" "$work/shard2/wsspec.json" \
  --report-dir "$work/merged" > "$work/merge.log" 2>&1 || { cat "$work/merge.log"; fail "merge of complete shards did not exit 0"; }
set +e
"$WSSPEC" report --merge "$work/shard3/wsspec.json" "$work/shard1/wsspec.json" "$work/shard2/wsspec.json" \
  --report-dir "$work/merged-gated" --format json --fail-on-failures > /dev/null 2>&1
status=$?
set -e
[ "$status" = 1 ] || fail "merge --fail-on-failures of failing shards exited $status"
python3 - "$work" <<'PY' || fail "merged shards differ from the unsharded run"
import json, sys
w = sys.argv[1]
whole = json.load(open(w + "/whole/wsspec.json"))
merged = json.load(open(w + "/merged/wsspec.json"))
shards = [json.load(open(f"{w}/shard{i}/wsspec.json")) for i in (1, 2, 3)]
ids = [[c["id"] for c in s["cases"]] for s in shards]
assert not set(ids[0]) & set(ids[1]) and not set(ids[1]) & set(ids[2]) and not set(ids[0]) & set(ids[2]), "shards overlap"
assert sorted(sum(ids, [])) == sorted(c["id"] for c in whole["cases"]), "shards do not cover the run"
assert [s["options"]["shard"] for s in shards] == ["1/3", "2/3", "3/3"]
assert merged["format"] == "wsspec-results" and merged["complete"] is True
verdicts = lambda doc: [(c["id"], c["index"], c["behavior"], c["behavior_close"], c["passed"]) for c in doc["cases"]]
assert verdicts(merged) == verdicts(whole), "per-case verdicts differ"
for key in ("total", "passed", "failed", "not_run", "behavior", "behavior_close", "categories"):
    assert merged["summary"][key] == whole["summary"][key], key
print("merge: OK (%d cases in 3 shards)" % len(whole["cases"]))
PY
grep -q 'id="wsspec-data" type="application/json">{' "$work/merged/index.html" || fail "merged HTML report"

# A missing shard makes the merge incomplete and fail.
set +e
"$WSSPEC" report --merge "$work/shard1/wsspec.json" "$work/shard2/wsspec.json" --report-dir "$work/partial" > "$work/partial.log" 2>&1
status=$?
set -e
[ "$status" = 3 ] || fail "merge with a missing shard exited $status"
grep -q 'shard 3/3 is missing' "$work/partial.log" || fail "missing shard not reported"
grep -q 'incomplete: shard 3 of 3 missing ([1-9][0-9]* cases not run)' "$work/partial.log" || { cat "$work/partial.log"; fail "missing shard not in the summary"; }

# --- baselines ---
"$WSSPEC" report --from "$work/whole/wsspec.json" --write-baseline "$work/baseline.json" --format json \
  --report-dir "$work/rerender" > /dev/null 2>&1 || true
python3 -c "import json,sys; b=json.load(open(sys.argv[1])); assert b['format']=='wsspec-baseline' and b['cases'], b" "$work/baseline.json"
run with-baseline "$defective" --baseline "$work/baseline.json"
[ "$status" = 0 ] || { cat "$work/with-baseline.log"; fail "known failures only: exit $status"; }
grep -q '0 regressions' "$work/with-baseline.log" || fail "baseline summary"
python3 - "$work" <<'PY' || fail "baseline in wsspec.json / junit.xml"
import json, sys, xml.etree.ElementTree as ET
w = sys.argv[1]
r = json.load(open(w + "/with-baseline/wsspec.json"))
assert r["baseline"]["regressions"] == [] and len(r["baseline"]["known"]) == r["summary"]["failed"] > 0
suite = ET.parse(w + "/with-baseline/junit.xml").getroot().find("testsuite")
assert suite.get("failures") == "0" and int(suite.get("skipped")) == r["summary"]["failed"]
PY

# Drop one entry: that case is a regression.
dropped=$(python3 - "$work/baseline.json" "$work/baseline-minus-one.json" <<'PY'
import json, sys
b = json.load(open(sys.argv[1]))
first = sorted(b["cases"])[0]
del b["cases"][first]
json.dump(b, open(sys.argv[2], "w"), indent=2)
print(first)
PY
)
run regression "$defective" --baseline "$work/baseline-minus-one.json"
[ "$status" = 1 ] || fail "regression not caught (exit $status)"
grep -q "REGRESSION $dropped " "$work/regression.log" || { cat "$work/regression.log"; fail "regression $dropped not listed"; }

# The clean server against the defective baseline: no regressions, cases now pass.
run fixed "$clean" --baseline "$work/baseline.json"
[ "$status" = 0 ] || { cat "$work/fixed.log"; fail "fixes counted as failures (exit $status)"; }
grep -q "NOW PASSES $dropped " "$work/fixed.log" || fail "cases that now pass not listed"

# An Autobahn index.json as the baseline.
run autobahn-baseline "$defective" --baseline "$work/whole/index.json"
[ "$status" = 0 ] || { cat "$work/autobahn-baseline.log"; fail "Autobahn index.json baseline (exit $status)"; }

# --- compare ---
set +e
"$WSSPEC" report --compare "$work/whole/wsspec.json" "$work/fixed/wsspec.json" --report-dir "$work/compare-fixes" > "$work/compare-fixes.log" 2>&1
s1=$?
"$WSSPEC" report --compare "$work/fixed/wsspec.json" "$work/whole/wsspec.json" --report-dir "$work/compare-regressions" > "$work/compare-regressions.log" 2>&1
s2=$?
set -e
[ "$s1" = 0 ] || { cat "$work/compare-fixes.log"; fail "compare old-defective new-clean exited $s1"; }
[ "$s2" = 1 ] || { cat "$work/compare-regressions.log"; fail "compare old-clean new-defective exited $s2"; }
failed=$(python3 -c "import json,sys; print(json.load(open(sys.argv[1]))['summary']['failed'])" "$work/whole/wsspec.json")
grep -q "0 regressions, $failed now pass" "$work/compare-fixes.log" || { cat "$work/compare-fixes.log"; fail "compare: fixes"; }
grep -q "$failed regressions, 0 now pass" "$work/compare-regressions.log" || { cat "$work/compare-regressions.log"; fail "compare: regressions"; }
[ "$(grep -c 'REGRESSION' "$work/compare-regressions.log")" = "$failed" ] || fail "compare: regression lines"
python3 - "$work/compare-regressions" "$failed" <<'PY' || fail "compare.json / compare.html"
import json, sys
d, failed = sys.argv[1], int(sys.argv[2])
c = json.load(open(d + "/compare.json"))
assert c["format"] == "wsspec-compare" and c["failed"] is True, c
assert len(c["regressions"]) == failed and c["new_cases"] == [], c["counts"]
assert "Regressions (%d)" % failed in open(d + "/compare.html").read()
PY

# Two agents side by side.
"$WSSPEC" report --merge "$work/whole/wsspec.json" "$work/fixed/wsspec.json" --report-dir "$work/side-by-side" > /dev/null 2>&1 || true
python3 - "$work/side-by-side" <<'PY' || fail "side-by-side merge"
import json, sys
d = json.load(open(sys.argv[1] + "/wsspec.json"))
assert d["format"] == "wsspec-results-set" and [r["agent"] for r in d["runs"]] == ["srv", "srv #2"], d.get("format")
idx = json.load(open(sys.argv[1] + "/index.json"))
assert sorted(idx) == ["srv", "srv #2"]
PY

# --- Ctrl-C: partial report marked incomplete ---
# Against the server that never answers pings, each 2.* case waits out its timeout: slow
# enough to interrupt in the middle.
"$WSSPEC" test-server "$defective" --cases '2.*' --jobs 1 --agent srv \
  --report-dir "$work/interrupted" > "$work/interrupted.log" 2>&1 &
pid=$!
started_pids+=("$pid")
for i in $(seq 100); do
  grep -q '^\[[1-9]' "$work/interrupted.log" && break
  sleep 0.1
done
kill -INT "$pid"
set +e
timeout 120 tail --pid="$pid" -f /dev/null
wait "$pid"
status=$?
set -e
[ "$status" = 130 ] || { cat "$work/interrupted.log"; fail "interrupted run exited $status"; }
python3 - "$work/interrupted" <<'PY' || fail "incomplete report"
import json, re, sys, xml.etree.ElementTree as ET
d = sys.argv[1]
r = json.load(open(d + "/wsspec.json"))
assert r["complete"] is False
ran = [c for c in r["cases"] if c["ran"]]
assert ran and r["summary"]["not_run"] > 0, r["summary"]
html = open(d + "/index.html").read()
data = json.loads(re.search(r'<script id="wsspec-data" type="application/json">(.*?)</script>', html, re.S).group(1))
assert data["runs"][0]["complete"] is False
suite = ET.parse(d + "/junit.xml").getroot().find("testsuite")
assert int(suite.get("skipped")) == r["summary"]["not_run"]
print("interrupted: OK (%d of %d cases ran)" % (len(ran), len(r["cases"])))
PY
grep -q 'incomplete' "$work/interrupted.log" || fail "the run did not say it is incomplete"
echo "test_report_ci: OK"
