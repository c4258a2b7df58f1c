#!/usr/bin/env bash
# The report files of a real run, checked by their consumers: junit.xml against the JUnit
# schema (reports/junit.xsd) and cross-checked with wsspec.json, index.json read the way
# Autobahn consumers read it, wsspec.json against its JSON schema, --format choosing files.
#   bash test_report_formats.sh path/to/wsspec BUILD_DIR
set -euo pipefail
WSSPEC=$1
BUILD_DIR=$2
SRC=${WSSPEC_SOURCE_DIR:-$(cd "$(dirname "$0")/../.." && pwd)}
source "$(dirname "$0")/report_test_lib.sh"

work="$BUILD_DIR/report-formats-test"
rm -rf "$work"
mkdir -p "$work"
start_server "$work/server.log" --inject-defect no-pong,skip-utf8-check,fail-with-wrong-code

set +e
timeout 300 "$WSSPEC" test-server "$SERVER_URL" --cases '1.1.*,2.*,5.1*,6.3.*,7.1.*,hs.1.*' \
  --jobs 4 --report-dir "$work/report" --agent "Defective Server/1.0" > "$work/run.log" 2>&1
status=$?
set -e
[ "$status" = 1 ] || { cat "$work/run.log"; fail "expected exit status 1, got $status"; }
report="$work/report"

# JUnit: schema-valid, and its counts are wsspec.json's.
if command -v xmlstarlet >/dev/null; then
  xmlstarlet val -e -s "$SRC/reports/junit.xsd" "$report/junit.xml" || fail "junit.xml is not schema-valid"
else
  xmllint --noout --schema "$SRC/reports/junit.xsd" "$report/junit.xml" || fail "junit.xml is not schema-valid"
fi
python3 - "$report" <<'PY' || fail "junit.xml does not match wsspec.json"
import json, sys, xml.etree.ElementTree as ET
d = sys.argv[1]
res = json.load(open(d + "/wsspec.json"))
root = ET.parse(d + "/junit.xml").getroot()
suite = root.find("testsuite")
cases = suite.findall("testcase")
assert len(cases) == res["summary"]["total"], (len(cases), res["summary"]["total"])
failures = [c for c in cases if c.find("failure") is not None]
assert len(failures) == res["summary"]["failed"] == int(suite.get("failures")), len(failures)
by_id = {c["id"]: c for c in res["cases"]}
for tc in cases:
    case_id, _, description = tc.get("name").partition(": ")
    c = by_id[case_id]
    assert description == c["description"], tc.get("name")
    # agent.group title, dots in either made underscores (Jenkins splits on dots)
    expected = res["agent"].replace(".", "_") + "." + (c["group"] + " " + c["group_title"]).replace(".", "_")
    assert tc.get("classname") == expected, (tc.get("classname"), expected)
    f = tc.find("failure")
    assert (f is not None) == (not c["passed"]), c["id"]
    out = tc.find("system-out").text
    assert "behavior: " + c["behavior"] in out, out
    if f is not None:
        assert f.get("type") in (c["behavior"], c["behavior_close"]), f.get("type")
        assert "(index.html#case=" + c["id"] + ")" in f.get("message"), f.get("message")
# The suite's time is the run's wall time, not the sum of its (parallel) cases.
assert abs(float(suite.get("time")) - res["duration_ms"] / 1000) < 0.002, suite.get("time")
print("junit cross-check: OK (%d testcases, %d failures)" % (len(cases), len(failures)))
PY

# index.json and per-case files, read like tungstenite / lws / uWebSockets do.
python3 "$(dirname "$0")/check_autobahn_index.py" "$report"
grep -q '"Defective Server/1.0": {' "$report/index.json" || fail "index.json not keyed by agent"
[ -s "$report/defective_server_1_0_case_1_1_1.json" ] || fail "per-case file name"

# wsspec.json against its schema.
python3 - "$SRC/reports/wsspec-results.schema.json" "$report/wsspec.json" <<'PY' || fail "wsspec.json does not match its schema"
import json, sys, jsonschema
schema = json.load(open(sys.argv[1]))
jsonschema.Draft202012Validator.check_schema(schema)
jsonschema.validate(json.load(open(sys.argv[2])), schema, cls=jsonschema.Draft202012Validator)
print("wsspec.json schema: OK")
PY

# The HTML report is one file that needs nothing else.
grep -q 'id="wsspec-data"' "$report/index.html" || fail "index.html has no embedded data"
! grep -Eq '<(link|img|iframe)[^>]+(href|src)="https?:' "$report/index.html" || fail "index.html refers to the network"

# --format picks the files; re-rendering from wsspec.json gives the same index.json.
"$WSSPEC" report --from "$report/wsspec.json" --format junit,autobahn --report-dir "$work/rerender" > "$work/rerender.log" || true
[ -s "$work/rerender/junit.xml" ] && [ -s "$work/rerender/index.json" ] || fail "--format junit,autobahn"
[ ! -e "$work/rerender/index.html" ] && [ ! -e "$work/rerender/wsspec.json" ] || fail "--format wrote more than asked"
cmp -s "$report/index.json" "$work/rerender/index.json" || fail "re-rendered index.json differs"
if "$WSSPEC" report --from "$report/wsspec.json" --format pdf --report-dir "$work/x" >/dev/null 2>&1; then
  fail "--format pdf accepted"
fi
echo "test_report_formats: OK"
