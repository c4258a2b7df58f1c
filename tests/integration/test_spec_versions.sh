#!/usr/bin/env bash
# Acceptance: test-server reads an Autobahn fuzzingclient spec as Autobahn does:
#   - two servers in one spec write Autobahn's layout: one outdir/index.json holding both
#     agents (and one wsspec.json, junit.xml, index.html), per-case files next to it;
#   - a server's options.version 10 speaks the hybi-10 handshake (Sec-WebSocket-Version 8)
#     and skips, listing them, the cases about the version 13 handshake itself; 18 is
#     RFC 6455; an unsupported version is a configuration error (exit 2) naming the field;
#   - --ws-version 8 on the command line does the same for a plain URL.
#   bash test_spec_versions.sh path/to/wsspec BUILD_DIR
set -euo pipefail
WSSPEC=$1
BUILD_DIR=$2
source "$(dirname "$0")/server_test_lib.sh"

work="$BUILD_DIR/spec-versions-test"
rm -rf "$work"
mkdir -p "$work"
start_serve "$work/serve.log"

cat >"$work/spec.json" <<JSON
{"options": {"failByDrop": false}, "outdir": "$work/out",
 "servers": [{"agent": "legacy", "url": "$SERVE_URL", "options": {"version": 10}},
             {"agent": "modern", "url": "$SERVE_URL", "options": {"version": 18}}],
 "cases": ["1.1.*", "5.1", "hs.1.*"]}
JSON
status=0
"$WSSPEC" test-server --spec "$work/spec.json" -q >"$work/run.txt" 2>&1 || status=$?
[[ $status == 0 ]] || { cat "$work/run.txt"; fail "spec run: $(describe_status $status)"; }
for f in index.json wsspec.json junit.xml index.html legacy_case_1_1_1.json modern_case_1_1_1.json; do
  [[ -f "$work/out/$f" ]] || fail "spec run wrote no $f in outdir"
done
[[ ! -d "$work/out/legacy" && ! -d "$work/out/modern" ]] || fail "per-agent directories written"

python3 - "$work/out" <<'PY'
import json, sys
out = sys.argv[1]
index = json.load(open(f"{out}/index.json"))
assert sorted(index) == ["legacy", "modern"], sorted(index)
runs = json.load(open(f"{out}/wsspec.json"))
runs = runs["runs"] if "runs" in runs else [runs]
by_agent = {r["agent"]: r for r in runs}
assert sorted(by_agent) == ["legacy", "modern"], sorted(by_agent)
legacy, modern = by_agent["legacy"], by_agent["modern"]
assert legacy["options"]["ws_version"] == 8 and modern["options"]["ws_version"] == 13
skipped = legacy["options"]["skipped"]["cases"]
assert skipped and all(i.startswith("hs.1.") for i in skipped), skipped
assert "version 13" in legacy["options"]["skipped"]["reason"]
ids = {c["id"] for c in legacy["cases"]}
assert "1.1.1" in ids and not (ids & set(skipped)), ids
assert {c["id"] for c in modern["cases"]} >= set(skipped), "modern ran the hs cases"
for c in legacy["cases"]:
    request = c["handshake"]["request"]
    if c["id"].startswith("1."):
        assert "Sec-WebSocket-Version: 8" in request, request
        assert c["behavior"] == "OK", (c["id"], c["behavior"], c["result"])
for c in modern["cases"]:
    if c["id"].startswith("1."):
        assert "Sec-WebSocket-Version: 13" in c["handshake"]["request"]
print("spec layout and versions: ok")
PY

# --ws-version 8 with a URL.
status=0
"$WSSPEC" test-server "$SERVE_URL" --ws-version 8 --cases '1.1.1,hs.2.*' -q --format json \
  --report-dir "$work/v8" >"$work/v8.txt" 2>&1 || status=$?
[[ $status == 0 ]] || { cat "$work/v8.txt"; fail "--ws-version 8: $(describe_status $status)"; }
grep -q "skipped" "$work/v8.txt" || fail "--ws-version 8 did not say which cases it skipped"

# An unsupported draft is a configuration error naming the field.
sed 's/"version": 10/"version": 0/' "$work/spec.json" >"$work/bad.json"
status=0
"$WSSPEC" test-server --spec "$work/bad.json" -q >"$work/bad.txt" 2>&1 || status=$?
[[ $status == 2 ]] || fail "unsupported options.version: $(describe_status $status), expected exit 2"
grep -q "/servers/0/options/version" "$work/bad.txt" || { cat "$work/bad.txt"; fail "the error does not name the field"; }
echo "PASS: test_spec_versions"
