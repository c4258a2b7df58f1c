#!/usr/bin/env bash
# Where CI could go green when it should not, end to end: merges of missing, repeated or
# mismatched shards; the default agent name of a server without a Server header (shards
# against different ports are one agent); the exit statuses of `wsspec report`; --compare
# buckets (new cases are not regressions) and its compare.json / compare.html; an Autobahn
# index.json read back with its per-case files.
#   bash test_report_merge.sh path/to/wsspec BUILD_DIR
set -euo pipefail
WSSPEC=$1
BUILD_DIR=$2
source "$(dirname "$0")/server_test_lib.sh"
here=$(cd "$(dirname "$0")" && pwd)

work="$BUILD_DIR/report-merge-test"
rm -rf "$work"
mkdir -p "$work"
cases='1.1.1,1.1.2,1.1.3,2.1,2.2,2.3,7.1.1'

# A server without a Server header, twice, on two ports.
urls=()
for n in 1 2; do
  start_background "$work/peer$n.log" python3 "$here/peers/non_utf8_server.py" --no-server-header
  url=
  for ((i = 0; i < 100; i++)); do
    url=$(sed -n 's/^listening on \(127\.0\.0\.1:[0-9]*\)$/ws:\/\/\1\//p' "$work/peer$n.log" 2>/dev/null || true)
    [[ -n "$url" ]] && break
    sleep 0.05
  done
  [[ -n "$url" ]] || fail "server $n did not start"
  urls+=("$url")
done
[[ "${urls[0]}" != "${urls[1]}" ]] || fail "the two servers share a port"

# report ARGS... -> exit status in $status, stdout+stderr in $work/last.log
report() {
  status=0
  (cd "$work" && timeout 120 "$WSSPEC" report "$@") > "$work/last.log" 2>&1 || status=$?
}

echo "== shards against two ports, no --agent"
for i in 1 2 3; do
  url=${urls[$(((i - 1) % 2))]}
  status=0
  timeout -k 5 120 "$WSSPEC" test-server "$url" --cases "$cases" -j 1 -q --shard "$i/3" \
    --format json --report-dir "$work/shard$i" > "$work/shard$i.log" 2>&1 || status=$?
  [[ $status == 0 || $status == 1 ]] || { cat "$work/shard$i.log" >&2; fail "shard $i: exit $status"; }
done
python3 - "$work" <<'PY' || fail "shard records"
import json, sys
w = sys.argv[1]
for i in (1, 2, 3):
    r = json.load(open(f"{w}/shard{i}/wsspec.json"))
    assert r["agent"] == "127.0.0.1", r["agent"]  # the host, without the port
    assert r["shard"]["index"] == i and r["shard"]["count"] == 3, r["shard"]
    assert r["shard"]["selected"] == ["1.1.1", "1.1.2", "1.1.3", "2.1", "2.2", "2.3", "7.1.1"], r["shard"]
    assert r["shard"]["selected_count"] == 7
    assert all(c["group_title"] for c in r["cases"]), "group titles"
PY

echo "== all three shards: one agent, complete, exit 0"
report --merge "$work/shard1/wsspec.json" "$work/shard2/wsspec.json" "$work/shard3/wsspec.json" --report-dir out-all
[[ $status == 0 ]] || { cat "$work/last.log"; fail "complete merge exited $status"; }
python3 -c "
import json,sys; r=json.load(open(sys.argv[1]))
assert r['format']=='wsspec-results' and r['agent']=='127.0.0.1' and r['complete'] is True, r.get('agent')
assert r['summary']['total']==7 and r['summary']['not_run']==0
" "$work/out-all/wsspec.json" || fail "complete merge"

echo "== one shard of three: incomplete, exit 3, errors in junit.xml"
report --merge "$work/shard1/wsspec.json" --report-dir out-one
[[ $status == 3 ]] || { cat "$work/last.log"; fail "merge of one shard exited $status"; }
grep -q '127.0.0.1: 3 of 3 cases passed; incomplete: shards 2, 3 of 3 missing (4 cases not run)' "$work/last.log" \
  || { cat "$work/last.log"; fail "summary of a lone shard"; }
python3 - "$work/out-one" <<'PY' || fail "reports of a lone shard"
import json, re, sys, xml.etree.ElementTree as ET
d = sys.argv[1]
r = json.load(open(d + "/wsspec.json"))
assert r["complete"] is False and r["missing_shards"] == [2, 3] and r["summary"]["not_run"] == 4, r["summary"]
suite = ET.parse(d + "/junit.xml").getroot().find("testsuite")
assert suite.get("errors") == "4" and suite.get("tests") == "7", suite.attrib
errors = [tc for tc in suite.iter("testcase") if tc.find("error") is not None]
assert all("missing from the merged results" in tc.find("error").get("message") for tc in errors)
assert all(tc.get("classname").startswith("127_0_0_1.") for tc in suite.iter("testcase"))
html = open(d + "/index.html").read()
data = json.loads(re.search(r'<script id="wsspec-data" type="application/json">(.*?)</script>', html, re.S).group(1))
assert data["runs"][0]["missing_shards"] == [2, 3]
PY

echo "== two of three"
report --merge "$work/shard1/wsspec.json" "$work/shard3/wsspec.json" --report-dir out-two --format junit
[[ $status == 3 ]] || fail "merge of two shards exited $status"
grep -q 'incomplete: shard 2 of 3 missing (2 cases not run)' "$work/last.log" || { cat "$work/last.log"; fail "summary of 2 of 3"; }

echo "== a shard given twice, shards of different catalogs: refused"
report --merge "$work/shard1/wsspec.json" "$work/shard1/wsspec.json" --report-dir out-twice
[[ $status == 2 ]] || fail "duplicate shard exited $status"
grep -q "cannot merge the results of agent '127.0.0.1': shard 1/3 is given twice" "$work/last.log" || { cat "$work/last.log"; fail "duplicate shard message"; }
python3 -c "
import json,sys; r=json.load(open(sys.argv[1])); r['catalog_version']='other'; json.dump(r,open(sys.argv[2],'w'))
" "$work/shard2/wsspec.json" "$work/shard2-other.json"
report --merge "$work/shard1/wsspec.json" "$work/shard2-other.json" --report-dir out-catalogs
[[ $status == 2 ]] || fail "different catalogs exited $status"
grep -q "shard 1/3 ran catalog .* and shard 2/3 ran catalog other" "$work/last.log" || { cat "$work/last.log"; fail "catalog message"; }
[[ ! -e "$work/out-catalogs" ]] || fail "a refused merge wrote reports"

echo "== --agent still overrides"
status=0
timeout -k 5 120 "$WSSPEC" test-server "${urls[0]}" --cases '1.1.1' -q --agent mine --format json \
  --report-dir "$work/named" > "$work/named.log" 2>&1 || status=$?
python3 -c "import json,sys; assert json.load(open(sys.argv[1]))['agent']=='mine'" "$work/named/wsspec.json" || fail "--agent"

echo "== exit statuses of report --from, --write-baseline, --format"
# A run with failures: the server answers a Close with a reason, so some cases may pass;
# make one fail by editing a verdict.
python3 -c "
import json,sys; r=json.load(open(sys.argv[1])); r['cases'][0]['behavior']='FAILED'; json.dump(r,open(sys.argv[2],'w'))
" "$work/out-all/wsspec.json" "$work/failing.json"
report --from "$work/failing.json" --report-dir out-from --format json
[[ $status == 0 ]] || fail "report --from of failing results exited $status"
report --from "$work/failing.json" --report-dir out-from --format json --fail-on-failures
[[ $status == 1 ]] || fail "report --from --fail-on-failures exited $status"
rm -rf "$work/wsspec-report"
report --from "$work/failing.json" --write-baseline baseline.json
[[ $status == 0 ]] || { cat "$work/last.log"; fail "--write-baseline exited $status"; }
[[ -s "$work/baseline.json" && ! -e "$work/wsspec-report" ]] || fail "--write-baseline wrote reports too"
report --from "$work/failing.json" --format xml
[[ $status == 2 ]] || fail "--format xml exited $status"
grep -q -- "--format: unknown report format 'xml'" "$work/last.log" || { cat "$work/last.log"; fail "--format message"; }
! grep -q -- "--format: --format" "$work/last.log" || fail "--format named twice"

echo "== compare: new cases are their own bucket"
# OLD ran shard 1 only (1.1.1, 2.1, 7.1.1): the other cases are new in the merged run, even
# failing ones.
python3 -c "
import json,sys; r=json.load(open(sys.argv[1])); [c.update(behavior='FAILED') for c in r['cases'] if c['id'] in ('2.3', '2.2')]; json.dump(r,open(sys.argv[2],'w'))
" "$work/out-all/wsspec.json" "$work/grown.json"
report --compare "$work/shard1/wsspec.json" "$work/grown.json" --report-dir out-compare
[[ $status == 0 ]] || { cat "$work/last.log"; fail "compare with new cases exited $status"; }
grep -q '0 regressions, 0 now pass, 0 known failures, 0 changed, 4 new cases (2 not passing)' "$work/last.log" || { cat "$work/last.log"; fail "compare buckets"; }
python3 - "$work/out-compare" <<'PY' || fail "compare.json"
import json, sys
c = json.load(open(sys.argv[1] + "/compare.json"))
assert [x["id"] for x in c["new_cases"]] == ["1.1.2", "1.1.3", "2.2", "2.3"], c["new_cases"]
assert c["counts"]["new_failures"] == 2 and c["failed"] is False
assert "New cases" in open(sys.argv[1] + "/compare.html").read()
PY
report --compare "$work/shard1/wsspec.json" "$work/grown.json" --report-dir out-compare --fail-on-new
[[ $status == 1 ]] || fail "compare --fail-on-new exited $status"
# FAILED -> WRONG CODE is a change, not a regression, unless --strict-changes.
python3 -c "
import json,sys; r=json.load(open(sys.argv[1])); [c.update(behavior='WRONG CODE') for c in r['cases'] if c['id']=='2.3']; json.dump(r,open(sys.argv[2],'w'))
" "$work/grown.json" "$work/grown2.json"
report --compare "$work/grown.json" "$work/grown2.json" --report-dir out-compare2
[[ $status == 0 ]] || fail "changed failure verdict exited $status"
grep -q 'changed    2.3  FAILED / OK -> WRONG CODE / OK' "$work/last.log" || { cat "$work/last.log"; fail "changed line"; }
report --compare "$work/grown.json" "$work/grown2.json" --report-dir out-compare2 --strict-changes
[[ $status == 1 ]] || fail "--strict-changes exited $status"

echo "== an Autobahn index.json read back with its per-case files"
report --from "$work/out-all/wsspec.json" --report-dir ab --format autobahn
report --from "$work/ab/index.json" --report-dir ab-back --format json
[[ $status == 0 ]] || { cat "$work/last.log"; fail "report --from index.json exited $status"; }
python3 - "$work/ab-back/wsspec.json" "$work/out-all/wsspec.json" <<'PY' || fail "Autobahn import"
import json, sys
back, orig = (json.load(open(f)) for f in sys.argv[1:3])
by_id = {c["id"]: c for c in orig["cases"]}
for c in back["cases"]:
    o = by_id[c["id"]]
    assert c["close"]["was_clean"] == o["close"]["was_clean"], c["id"]
    assert len(c["wire"]) == len(o["wire"]) > 0, (c["id"], len(c["wire"]))
    assert c["bytes_received"] > 0 and c["bytes_sent"] > 0, c["id"]
    frames = [w for w in c["wire"] if w["kind"] in ("TF", "RF")]
    oframes = [w for w in o["wire"] if w["kind"] in ("TF", "RF")]
    assert [w["hex"] for w in frames] == [w["hex"] for w in oframes], c["id"]
PY
echo "test_report_merge: OK"
