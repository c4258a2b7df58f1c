#!/usr/bin/env bash
# WebSockets over HTTP/2 over TLS (RFC 8441 on RFC 9113 3.2: "h2" agreed by ALPN): test-server
# h2:// against `wsspec serve --h2-listen --cert --key`, with a self-signed certificate made
# here. The catalog's frame cases and h2.* run with no FAILED and :scheme https; an untrusted
# certificate, a TLS server that does not agree to h2 by ALPN and --h2-listen without a
# certificate each fail with a clear reason.
#   bash test_serve_h2_tls.sh path/to/wsspec BUILD_DIR
set -euo pipefail
WSSPEC=$1
BUILD_DIR=$2
source "$(dirname "$0")/server_test_lib.sh"

work="$BUILD_DIR/serve-h2-tls-test"
rm -rf "$work"
mkdir -p "$work"
openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj /CN=localhost \
  -addext "subjectAltName=DNS:localhost" \
  -keyout "$work/key.pem" -out "$work/cert.pem" 2>/dev/null

echo "-- --h2-listen needs --cert and --key"
set +e
timeout 10 "$WSSPEC" serve --listen 127.0.0.1:0 --h2-listen 127.0.0.1:0 >"$work/nocert.log" 2>&1
status=$?
set -e
[[ $status != 0 ]] || fail "serve --h2-listen without a certificate started"
grep -q -- "--cert and --key" "$work/nocert.log" || fail "no reason given: $(cat "$work/nocert.log")"

start_serve "$work/serve.log" --h2-listen 127.0.0.1:0 --cert "$work/cert.pem" --key "$work/key.pem"
h2_port=
for ((i = 0; i < 100; i++)); do
  h2_port=$(sed -n 's/^wsspec serve: listening on h2:\/\/127.0.0.1:\([0-9]*\)\/$/\1/p' "$work/serve.log" | head -1)
  [[ -n "$h2_port" ]] && break
  sleep 0.05
done
[[ -n "$h2_port" ]] || fail "wsspec serve --h2-listen printed no h2:// URL"

echo "-- the catalog over h2:// (TLS, ALPN h2), trusting the certificate"
set +e
timeout 300 "$WSSPEC" test-server "h2://localhost:$h2_port/" --ca "$work/cert.pem" -j 2 \
  --exclude '9.*,12.*,13.*,6.*' --report-dir "$work/report" -q >"$work/run.log" 2>&1
status=$?
set -e
if [[ $status != 0 ]]; then
  tail -40 "$work/run.log" >&2
  fail "test-server over h2:// against wsspec serve: $(describe_status "$status"), expected exit 0"
fi
python3 - "$work/report/wsspec.json" <<'PY'
import json, sys
r = json.load(open(sys.argv[1]))
cases = r["cases"]
ids = {c["id"] for c in cases}
bad = [c["id"] for c in cases if c.get("behavior") == "FAILED"]
assert not bad, f"FAILED over h2://: {bad}"
assert len(cases) > 150, len(cases)
assert "h2.1.1" in ids and "h2.7.2" in ids and not any(i.startswith("hs.") for i in ids), ids
first = next(c for c in cases if c["id"] == "h2.1.1")
assert ":scheme: https" in first["handshake"]["request"], first["handshake"]["request"]
print(f"ok: {len(cases)} cases over h2:// (TLS), none FAILED, :scheme https")
PY

echo "-- an untrusted certificate: FAILED with the TLS reason"
set +e
timeout 60 "$WSSPEC" test-server "h2://localhost:$h2_port/" --cases 'h2.1.1' \
  --report-dir "$work/untrusted" -q >"$work/untrusted.log" 2>&1
status=$?
set -e
[[ $status == 1 ]] || fail "untrusted certificate: exit $status, expected 1"
grep -q "certificate verify failed" "$work/untrusted/wsspec.json" ||
  fail "untrusted certificate: no TLS reason in the report"

echo "-- a TLS server that does not agree to h2 by ALPN"
cat >"$work/no_h2.py" <<'PY'
import socket, ssl, sys
ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
ctx.load_cert_chain(sys.argv[1], sys.argv[2])
ctx.set_alpn_protocols(["http/1.1"])
srv = socket.socket()
srv.bind(("127.0.0.1", 0))
srv.listen(4)
print(f"listening on 127.0.0.1:{srv.getsockname()[1]}", flush=True)
srv.settimeout(60)
while True:
    try:
        conn, _ = srv.accept()
    except OSError:
        break
    try:
        with ctx.wrap_socket(conn, server_side=True) as tls:
            tls.settimeout(2)
            tls.recv(1024)
    except OSError:
        pass
PY
start_background "$work/no_h2.log" python3 "$work/no_h2.py" "$work/cert.pem" "$work/key.pem"
no_h2_port=
for ((i = 0; i < 100; i++)); do
  no_h2_port=$(sed -n 's/^listening on 127.0.0.1:\([0-9]*\)$/\1/p' "$work/no_h2.log" | head -1)
  [[ -n "$no_h2_port" ]] && break
  sleep 0.05
done
[[ -n "$no_h2_port" ]] || fail "the ALPN-less TLS server did not start"
set +e
timeout 60 "$WSSPEC" test-server "h2://localhost:$no_h2_port/" --ca "$work/cert.pem" \
  --cases '1.1.1' --report-dir "$work/no_h2" -q >"$work/no_h2_run.log" 2>&1
status=$?
set -e
[[ $status != 0 ]] || fail "a server without h2 by ALPN passed"
grep -q 'ALPN\|no_application_protocol\|application protocol' "$work/no_h2_run.log" "$work/no_h2"/wsspec.json 2>/dev/null ||
  fail "no ALPN reason given: $(tail -5 "$work/no_h2_run.log")"

echo "PASS: RFC 8441 over TLS (h2://, ALPN) against wsspec serve --h2-listen"
