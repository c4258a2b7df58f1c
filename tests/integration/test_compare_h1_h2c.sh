#!/usr/bin/env bash
# The transport of a run in every report, and `wsspec report --compare` of an HTTP/1.1 run
# and an RFC 8441 h2c run of the same server: one `wsspec serve` with an HTTP/1.1 and an
# h2c listener, the same small case selection over ws:// and h2c://. Checks that wsspec.json
# records each run's transport, the text summary and the HTML page show it, the comparison
# names both sides' transports, and a case whose verdict differs between the two is listed
# (made to differ by editing the h1 run's verdict: the embedded server behaves the same over
# both transports).
#   bash test_compare_h1_h2c.sh path/to/wsspec BUILD_DIR
set -euo pipefail
WSSPEC=$1
BUILD_DIR=$2
source "$(dirname "$0")/server_test_lib.sh"

work="$BUILD_DIR/compare-h1-h2c-test"
rm -rf "$work"
mkdir -p "$work"
start_serve "$work/serve.log" --h2c-listen 127.0.0.1:0
h2c_url=$(serve_url "$work/serve.log" h2c)
[[ -n "$SERVE_URL" ]] || fail "wsspec serve printed no ws:// URL"

cases='1.1.1,1.1.2,2.1,2.2,5.1,5.2,7.1.1'
for side in h1:"$SERVE_URL" h2c:"$h2c_url"; do
  name=${side%%:*} url=${side#*:}
  set +e
  timeout 60 "$WSSPEC" test-server "$url" --cases "$cases" --agent serve \
    --report-dir "$work/$name" >"$work/$name.log" 2>&1
  status=$?
  set -e
  [[ $status == 0 ]] || { tail -20 "$work/$name.log" >&2;
    fail "test-server $url: $(describe_status "$status"), expected exit 0"; }
done
grep -q '^transport: HTTP/1.1, ws$' "$work/h1.log" || fail "the h1 summary shows no transport"
grep -q '^transport: HTTP/2 cleartext (h2c), ws$' "$work/h2c.log" ||
  fail "the h2c summary shows no transport"

# The same run, one verdict changed: 2.1 FAILED over HTTP/1.1, OK over h2c.
python3 - "$work" <<'PY'
import json, sys
work = sys.argv[1]
for name, want in (("h1", "HTTP/1.1, ws"), ("h2c", "HTTP/2 cleartext (h2c), ws")):
    run = json.load(open(f"{work}/{name}/wsspec.json"))
    if run.get("transport") != want:
        sys.exit(f"FAIL: {name} wsspec.json transport {run.get('transport')!r}, expected {want!r}")
    html = open(f"{work}/{name}/index.html", encoding="utf-8").read()
    if f'"transport":"{want}"' not in html or "transportOf(r)" not in html:
        sys.exit(f"FAIL: {name} index.html does not show the transport")
run = json.load(open(f"{work}/h1/wsspec.json"))
for c in run["cases"]:
    if c["id"] == "2.1":
        c["behavior"] = "FAILED"
        c["passed"] = False
json.dump(run, open(f"{work}/h1-edited.json", "w"))
print("ok: wsspec.json, the summary and the HTML page carry the transport")
PY

set +e
timeout 60 "$WSSPEC" report --compare "$work/h1-edited.json" "$work/h2c/wsspec.json" \
  --report-dir "$work/compare" >"$work/compare.log" 2>&1
status=$?
set -e
cat "$work/compare.log"
[[ $status == 0 ]] || fail "report --compare: $(describe_status "$status"), expected 0 (no regression)"
grep -q "^old .*h1-edited.json: HTTP/1.1, ws$" "$work/compare.log" ||
  fail "--compare does not show the old side's transport"
grep -q "^new .*wsspec.json: HTTP/2 cleartext (h2c), ws$" "$work/compare.log" ||
  fail "--compare does not show the new side's transport"
grep -q "NOW PASSES 2.1 " "$work/compare.log" || fail "--compare does not list 2.1, whose verdict differs"
python3 - "$work/compare" "$cases" <<'PY'
import json, sys
d, cases = sys.argv[1], sys.argv[2].split(",")
c = json.load(open(f"{d}/compare.json"))
if c.get("old_transport") != "HTTP/1.1, ws" or c.get("new_transport") != "HTTP/2 cleartext (h2c), ws":
    sys.exit(f"FAIL: compare.json transports {c.get('old_transport')!r} / {c.get('new_transport')!r}")
if [x["id"] for x in c["fixed"]] != ["2.1"]:
    sys.exit(f"FAIL: compare.json lists {c['fixed']} as now passing, expected only 2.1")
if c["regressions"] or c["changed"] or c["missing"]:
    sys.exit("FAIL: the other cases should have the same verdicts over h1 and h2c")
html = open(f"{d}/compare.html", encoding="utf-8").read()
if 'id="old_transport">HTTP/1.1, ws<' not in html or "HTTP/2 cleartext (h2c), ws" not in html:
    sys.exit("FAIL: compare.html does not show both transports")
print(f"ok: --compare shows both transports and lists the one differing case of {len(cases)}")
PY
echo "PASS: the transport in wsspec.json, summary, HTML and --compare of an h1 and an h2c run"
