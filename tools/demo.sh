#!/usr/bin/env bash
# The main job on the embedded default target: builds wsspec, starts `wsspec serve` (the
# reference echo server) on a free 127.0.0.1 port, runs the whole case catalog against it,
# and writes the reports. Usage: tools/demo.sh [extra test-server options, e.g. --exclude '9.*']
set -euo pipefail
cd "$(dirname "$0")/.."
bash tools/setup.sh >/dev/null
cmake --preset release >/dev/null
cmake --build --preset release --target wsspec
wsspec=build/release/harness/wsspec
report_dir=${WSSPEC_REPORT_DIR:-$PWD/wsspec-report}

log=$(mktemp)
"$wsspec" serve --listen 127.0.0.1:0 >"$log" 2>&1 &
server_pid=$!
trap 'kill "$server_pid" 2>/dev/null || true; rm -f "$log"' EXIT
url=""
for _ in $(seq 1 100); do
  url=$(sed -n 's/^wsspec serve: listening on \(ws:.*\)$/\1/p' "$log")
  [ -n "$url" ] && break
  sleep 0.1
done
[ -n "$url" ] || { echo "demo: wsspec serve did not start:"; cat "$log"; exit 1; }

echo "demo: running the catalog against wsspec serve at $url"
status=0
"$wsspec" test-server "$url" -j 2 --report-dir "$report_dir" "$@" || status=$?
if [ -f "$report_dir/index.html" ]; then
  echo "HTML report: $report_dir/index.html"
else
  echo "results: $report_dir/wsspec.json"
fi
exit "$status"
