#!/usr/bin/env bash
# Where CI could go green when it should not, end to end: merges of missing, repeated or
# mismatched shards; the default agent name of a server without a Server header (shards
# against different ports are one agent); the exit statuses of `wsspec report`; --compare
# buckets (new cases are not regressions) and its compare.json / compare.html; an Autobahn
# index.json read back with its per-case files; wire logs of passing cases excerpted (much
# smaller than with --full-wire-log) and carried through --from and --merge with the same
# verdicts; reports written before excerpts read back unchanged.
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
echo "== passing runs: wire logs of passing cases excerpted; --from and --merge keep verdicts"
# The rows that make a passing run large (9.*: up to 2000 wire log entries per case) and a
# share of the rest, against the reference server: every case passes.
passing='1.*,2.*,5.*,7.1.*,9.*'
start_serve "$work/serve.log"
pass_run() {  # pass_run NAME [test-server options...]
  local name=$1
  shift
  status=0
  timeout -k 5 300 "$WSSPEC" test-server "$SERVE_URL" --cases "$passing" -j 2 -q \
    --format json,autobahn --report-dir "$work/$name" "$@" > "$work/$name.log" 2>&1 || status=$?
  [[ $status == 0 ]] || { cat "$work/$name.log" >&2; fail "$name: exit $status"; }
}
pass_run pass-excerpt --agent serve-excerpt
pass_run pass-full --agent serve-full --full-wire-log
pass_run pass-shard1 --agent serve-shards --shard 1/2
pass_run pass-shard2 --agent serve-shards --shard 2/2
report --from "$work/pass-excerpt/wsspec.json" --report-dir pass-from
[[ $status == 0 ]] || { cat "$work/last.log"; fail "--from of an excerpted run exited $status"; }
cmp -s "$work/pass-excerpt/wsspec.json" "$work/pass-from/wsspec.json" \
  || fail "--from changed an excerpted wsspec.json"
report --merge "$work/pass-shard1/wsspec.json" "$work/pass-shard2/wsspec.json" --report-dir pass-shards
[[ $status == 0 ]] || { cat "$work/last.log"; fail "merge of excerpted shards exited $status"; }
report --merge "$work/pass-excerpt/wsspec.json" "$work/pass-full/wsspec.json" --report-dir pass-both
[[ $status == 0 ]] || { cat "$work/last.log"; fail "merge of two agents exited $status"; }
python3 - "$work" <<'PY' || fail "excerpted wire logs"
import json, os, sys
w = sys.argv[1]
load = lambda path: json.load(open(os.path.join(w, path)))
excerpt, full = load("pass-excerpt/wsspec.json"), load("pass-full/wsspec.json")
small, large = (os.path.getsize(os.path.join(w, d, "wsspec.json")) for d in ("pass-excerpt", "pass-full"))
print(f"wsspec.json of {len(excerpt['cases'])} passing cases: {small / 1e6:.1f} MB, "
      f"with --full-wire-log {large / 1e6:.1f} MB")
assert small * 3 < large, (small, large)
verdicts = lambda run: {c["id"]: (c["behavior"], c["behavior_close"], c["passed"]) for c in run["cases"]}
expected = verdicts(excerpt)
assert all(p for _, _, p in expected.values()), "every case passes"
assert verdicts(full) == expected
excerpted = [c for c in excerpt["cases"] if c["wire_excerpt"]]
assert len(excerpted) >= 40, len(excerpted)  # the 9.* rows at least
for c in excerpted:
    x = c["wire_excerpt"]
    assert len(c["wire"]) == x["kept_first"] + 1 + x["kept_last"] == 33, c["id"]
    assert x["left_out"] == x["entries"] - 32 > 0, (c["id"], x)
    note = c["wire"][x["kept_first"]]
    assert note["kind"] == "NOTE" and "left out" in note["text"], (c["id"], note)
for c in excerpt["cases"]:
    assert c["wire_excerpt"] or len(c["wire"]) <= 32, c["id"]
assert not any(c["wire_excerpt"] for c in full["cases"]), "--full-wire-log keeps every log"
by_id = {c["id"]: c for c in full["cases"]}
assert any(len(by_id[c["id"]]["wire"]) > 1000 for c in excerpted)
# Autobahn per-case files mark the gap as ATS does and still count every frame.
index = load("pass-excerpt/index.json")["serve-excerpt"]
c = max(excerpted, key=lambda c: sum(c["wire_excerpt"]["rx_frames"].values()))
per_case = load("pass-excerpt/" + index[c["id"]]["reportfile"])
assert ["WLM", False] in per_case["wirelog"] and ["WLM", True] in per_case["wirelog"]
left_out = sum(c["wire_excerpt"]["rx_frames"].values())
kept = sum(1 for e in c["wire"] if e["kind"] == "RF")
assert left_out > 0 and sum(per_case["rxFrameStats"].values()) == left_out + kept, c["id"]
# Re-rendered, merged: the same verdicts, the excerpts carried through.
for merged in ("pass-shards", "pass-both"):
    doc = load(merged + "/wsspec.json")
    for run in doc.get("runs", [doc]):
        assert verdicts(run) == expected, (merged, run["agent"])
        assert all(c["passed"] for c in run["cases"])
shards = load("pass-shards/wsspec.json")
assert shards["complete"] is True and len(shards["cases"]) == len(excerpt["cases"])
parts = {c["id"]: c for i in (1, 2) for c in load(f"pass-shard{i}/wsspec.json")["cases"]}
for c in shards["cases"]:
    assert c["wire"] == parts[c["id"]]["wire"] and c["wire_excerpt"] == parts[c["id"]]["wire_excerpt"], c["id"]
both = {r["agent"]: r for r in load("pass-both/wsspec.json")["runs"]}
assert both["serve-excerpt"]["cases"] == [dict(c) for c in excerpt["cases"]]
assert both["serve-full"]["cases"] == full["cases"]
PY
stop_started

echo "== reports written before excerpts: read back and written again unchanged"
samples=$(cd "$here/../.." && pwd)/reports/samples
for sample in "$samples"/*/*/wsspec.json; do
  name=$(basename "$(dirname "$sample")")-$(basename "$(dirname "$(dirname "$sample")")")
  report --from "$sample" --report-dir "sample-$name" --format json
  [[ $status == 0 || $status == 3 ]] || { cat "$work/last.log"; fail "$sample: exit $status"; }
  cmp -s "$sample" "$work/sample-$name/wsspec.json" || fail "$sample changed when read back"
done
echo "test_report_merge: OK"
