#!/usr/bin/env bash
# The HTML report of a real run, opened in real headless Chromium: no console errors, the
# counts in the page match wsspec.json, a FAILED case opens with its wire log; saves a
# screenshot under the build directory.
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
start_server "$work/server.log" --inject-defect no-pong,skip-utf8-check

set +e
timeout 300 "$WSSPEC" test-server "$SERVER_URL" --cases '1.1.*,2.*,5.1*,6.3.*,7.1.*' --jobs 4 \
  --report-dir "$work/report" --agent "wsspec serve (defects)" > "$work/run.log" 2>&1
status=$?
set -e
[ "$status" = 1 ] || { cat "$work/run.log"; fail "expected exit status 1 (failures), got $status"; }
for f in index.html wsspec.json junit.xml index.json; do
  [ -s "$work/report/$f" ] || fail "missing $f"
done

timeout 180 node "$(dirname "$0")/report_browser_check.js" "$work/report/index.html" \
  "$work/report/wsspec.json" "$work/report-screenshot.png"
[ -s "$work/report-screenshot.png" ] || fail "no screenshot"
echo "test_report_browser: OK (screenshot: $work/report-screenshot.png)"
