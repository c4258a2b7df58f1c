#!/usr/bin/env bash
# WebSocket clients over HTTP/2 (RFC 8441) against `wsspec test-client --http2`:
#   python-h2   tools/peers/python_h2_client.py: Debian python3-h2 (the HTTP/2 connection)
#               and python3-wsproto's frame protocol (the WebSocket frames on the stream)
# over h2c with prior knowledge (the client catalog without 9.*, 12.*, 13.* and pmdc.*: it
# offers no permessage-deflate) and over TLS with ALPN "h2" (part of h2cl.* and a
# sample of the frame cases). The cases that do not pass must equal
# reports/samples/h2/clients/<client>/expected-failures.txt; reports/samples/h2/README.md
# explains each against RFC 8441 / RFC 9113 / RFC 6455.
# WSSPEC_UPDATE_SAMPLES=1 copies summaries and results to reports/samples/h2/clients/<client>/.
#
#   bash test_real_h2_clients.sh path/to/wsspec BUILD_DIR
set -euo pipefail
WSSPEC=$1
BUILD_DIR=$2
source "$(dirname "$0")/server_test_lib.sh"

/usr/bin/python3 -c 'import h2, wsproto' 2>/dev/null ||
  fail "python3-h2 and python3-wsproto are needed (tools/setup.sh installs them)"
work="$BUILD_DIR/real-h2-clients-test"
rm -rf "$work"
mkdir -p "$work"
openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj /CN=localhost \
  -addext subjectAltName=IP:127.0.0.1,DNS:localhost \
  -keyout "$work/key.pem" -out "$work/cert.pem" 2>/dev/null

# run_one NAME SAMPLE_DIR [test-client options...]
run_one() {
  local name=$1 sample=$2
  shift 2
  local dir="$work/$name" started status
  mkdir -p "$dir"
  started=$(date +%s)
  set +e
  timeout -k 5 120 "$WSSPEC" test-client --http2 --listen 127.0.0.1:0 --timeout 3000 \
    --report-dir "$dir/report" -q "$@" >"$dir/run.log" 2>&1
  status=$?
  set -e
  [[ $status == 0 || $status == 1 ]] || {
    tail -20 "$dir/run.log" >&2
    fail "$name: $(describe_status "$status"), expected 0 or 1"
  }
  grep -q "stopped (the driver exited with status 0)" "$dir/run.log" || {
    tail -20 "$dir/run.log" "$dir/report/driver-stderr.log" >&2
    fail "$name: the driver did not finish its loop"
  }
  summarize_run "$name" "$dir"
  if [[ "${WSSPEC_UPDATE_SAMPLES:-0}" == 1 ]]; then
    mkdir -p "$SRC/reports/samples/h2/clients/$sample"
    cp "$dir/summary.txt" "$SRC/reports/samples/h2/clients/$sample/summary-$name.txt"
    cp "$dir/report/wsspec.json" "$SRC/reports/samples/h2/clients/$sample/wsspec-$name.json"
  fi
  check_expected_failures "$name" "$dir" \
    "$SRC/reports/samples/h2/clients/$sample/expected-failures.txt" "$status" --selected-only
  echo "  $name: $(sed -n 3p "$dir/summary.txt") ($(($(date +%s) - started)) s)"
}

driver="/usr/bin/python3 $SRC/tools/peers/python_h2_client.py --quiet --timeout 10"
run_one python-h2-h2c python-h2 --exclude '9.*,12.*,13.*,pmdc.*' \
  --exec "$driver --url {url} --agent python-h2"
run_one python-h2-tls python-h2 --cert "$work/cert.pem" --key "$work/key.pem" \
  --cases 'h2cl.1.1,h2cl.3.5,h2cl.3.6,h2cl.5.*,1.1.*,5.1,5.2' --exec "$driver --url {url} --agent python-h2 --ca '$work/cert.pem'"
echo "PASS: RFC 8441 clients against wsspec test-client --http2: python-h2"
