#!/usr/bin/env bash
# WebSockets over HTTP/2 (RFC 8441): the catalog's frame cases run over an extended CONNECT
# stream (h2c, prior knowledge) against `wsspec serve --h2c-listen`, with no FAILED. Left
# out: 9.* (timed by tools/bench.sh), 12.*/13.* (large compressed series), and hs.* (the
# HTTP/1.1 opening handshake, skipped by test-server itself over h2c: checked here too).
#   bash test_serve_h2c.sh path/to/wsspec BUILD_DIR
set -euo pipefail
WSSPEC=$1
BUILD_DIR=$2
source "$(dirname "$0")/server_test_lib.sh"

work="$BUILD_DIR/serve-h2c-test"
rm -rf "$work"
mkdir -p "$work"
start_serve "$work/serve.log" --h2c-listen 127.0.0.1:0
h2c_url=$(serve_url "$work/serve.log" h2c)

set +e
timeout 400 "$WSSPEC" test-server "$h2c_url" -j 2 --report-dir "$work/report" -q \
  --exclude '9.*,12.*,13.*' >"$work/run.log" 2>&1
status=$?
set -e
if [[ $status != 0 ]]; then
  tail -40 "$work/run.log" >&2
  fail "test-server over h2c against wsspec serve: $(describe_status "$status"), expected exit 0"
fi
grep -q "HTTP/2 (RFC 8441): .* cases that check the HTTP/1.1 opening handshake are skipped" \
  "$work/run.log" || fail "the run did not say which handshake cases it skipped over h2c"

python3 - "$work/report/wsspec.json" <<'PY'
import json, sys
results = json.load(open(sys.argv[1]))
ran = failed = 0
for c in results["cases"]:
    ran += 1
    cid = c.get("id", "")
    if cid.startswith("hs."):
        sys.exit(f"FAIL: {cid} ran over h2c; hs.* must be skipped")
    if c.get("behavior") == "FAILED":
        failed += 1
if ran < 200:
    sys.exit(f"FAIL: only {ran} cases ran over h2c")
if failed:
    sys.exit(f"FAIL: {failed} cases FAILED over h2c")
print(f"ok: {ran} cases over h2c, none FAILED")
PY
echo "PASS: the catalog (without 9.*, 12.*, 13.*, hs.*) over RFC 8441 h2c against wsspec serve"
