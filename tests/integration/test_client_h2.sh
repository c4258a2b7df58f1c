#!/usr/bin/env bash
# wsspec test-client over HTTP/2 (RFC 8441) with the reference client as the peer:
#   h2c   prior knowledge: the client catalog without 9.* and the larger 12.*/13.* rows
#         (which tools/bench.sh times), h2cl.* included; every case must pass
#   h2    TLS with ALPN "h2", a self-signed certificate the client verifies (--ca): the
#         catalog without 6.*, 9.*, 12.*, 13.* (the frame layer is the same as over h2c)
# and the transport each report names, hsc.* skipped with its reason over HTTP/2, h2cl.*
# skipped on an HTTP/1.1 listener, a TLS client that does not offer "h2" refused.
#
#   bash tests/integration/test_client_h2.sh path/to/wsspec build-dir
set -euo pipefail
wsspec=$(realpath "$1")
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

fail() {
  echo "FAIL: $*" >&2
  exit 1
}

# run NAME EXPECTED_STATUS [test-client options...]
run() {
  local name=$1 expected=$2
  shift 2
  local status=0
  timeout 120 "$wsspec" test-client --listen 127.0.0.1:0 --report-dir "$work/$name" -q "$@" \
    >"$work/$name.out" 2>&1 || status=$?
  if [ "$status" != "$expected" ]; then
    cat "$work/$name.out" >&2
    fail "$name: exit status $status, expected $expected"
  fi
}

field() {  # field NAME EXPR: a value of NAME's wsspec.json
  python3 -c 'import json, sys
d = json.load(open(sys.argv[1]))
print(eval(sys.argv[2]))' "$work/$1/wsspec.json" "$2"
}

large='12.*.6,12.*.7,12.*.8,12.*.9,12.*.10,12.*.11,12.*.12,12.*.13,12.*.14,12.*.15,12.*.16,12.*.17,12.*.18,13.*.6,13.*.7,13.*.8,13.*.9,13.*.10,13.*.11,13.*.12,13.*.13,13.*.14,13.*.15,13.*.16,13.*.17,13.*.18'

echo "== h2c: reference client, client catalog without 9.* and the large 12/13 rows"
start=$(date +%s)
run h2c 0 --http2 --exclude "9.*,$large" --exec "'$wsspec' client {url} --agent reference -j 8"
grep -q "cases passed" "$work/h2c.out" || fail "h2c: no summary"
grep -q "listening on h2c://127.0.0.1:" "$work/h2c.out" || fail "h2c: no h2c:// URL"
[ "$(field h2c 'd["transport"]')" = "HTTP/2 cleartext (h2c), ws" ] ||
  fail "h2c: wsspec.json does not name the transport"
grep -q "transport: HTTP/2 cleartext (h2c), ws" "$work/h2c.out" || fail "h2c: transport not shown"
[ "$(field h2c 'sum(1 for c in d["cases"] if c["id"].startswith("h2cl."))')" = 15 ] ||
  fail "h2c: the h2cl.* cases did not run"
[ "$(field h2c 'sum(1 for c in d["cases"] if c["id"].startswith("hsc."))')" = 0 ] ||
  fail "h2c: hsc.* ran over HTTP/2"
field h2c 'd["options"]["skipped"]["reason"]' | grep -q "RFC 8441" || fail "h2c: no skip reason"
echo "h2c: $(grep 'cases passed' "$work/h2c.out") in $(($(date +%s) - start)) s"

echo "== h2: TLS with ALPN, the client verifies the certificate"
openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj /CN=localhost \
  -addext subjectAltName=IP:127.0.0.1,DNS:localhost \
  -keyout "$work/key.pem" -out "$work/cert.pem" 2>/dev/null
start=$(date +%s)
run h2 0 --http2 --cert "$work/cert.pem" --key "$work/key.pem" --exclude '6.*,9.*,12.*,13.*' \
  --exec "'$wsspec' client {url} --agent reference -j 8 --ca '$work/cert.pem'"
grep -q "listening on h2://127.0.0.1:" "$work/h2.out" || fail "h2: no h2:// URL"
grep -q "transport: HTTP/2 over TLS (h2), wss" "$work/h2.out" || fail "h2: transport not shown"
echo "h2: $(grep 'cases passed' "$work/h2.out") in $(($(date +%s) - start)) s"

echo "== an untrusted certificate: no WebSocket opens, every case is left not run"
run untrusted 1 --http2 --cert "$work/cert.pem" --key "$work/key.pem" --cases '1.1.1' \
  --idle-timeout 3 --exec "'$wsspec' client {url} --agent reference"
grep -q "certificate verify failed\|TLS handshake failed" "$work/untrusted/driver-stderr.log" ||
  fail "untrusted: the client did not say why"

echo "== an Autobahn spec file with an h2c:// url serves HTTP/2"
printf '{"url": "h2c://127.0.0.1:0", "cases": ["1.1.1", "h2cl.1.1"], "outdir": "%s"}\n' \
  "$work/spec" >"$work/spec.json"
status=0
timeout 60 "$wsspec" test-client --spec "$work/spec.json" -q \
  --exec "'$wsspec' client {url} --agent reference" >"$work/spec.out" 2>&1 || status=$?
[ "$status" = 0 ] || { cat "$work/spec.out" >&2; fail "spec: exit status $status"; }
grep -q "listening on h2c://" "$work/spec.out" || fail "spec: not served over h2c"
grep -q "2 of 2 cases passed" "$work/spec.out" || fail "spec: h2cl.1.1 did not run"

echo "== HTTP/1.1 listener: h2cl.* skipped with a reason"
run h1 0 --cases '1.1.1,h2cl.1.1' --exec "'$wsspec' client {url} --agent reference"
grep -q "cases about WebSockets over HTTP/2 (RFC 8441) are skipped" "$work/h1.out" ||
  fail "h1: no skip message"
[ "$(field h1 'len(d["cases"])')" = 1 ] || fail "h1: h2cl.1.1 was not left out"

echo "PASS: test-client over h2c and h2"
