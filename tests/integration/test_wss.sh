#!/usr/bin/env bash
# wss:// both ways, with a self-signed certificate made here.
# test-server against a real TLS WebSocket server (python3-websockets): verification with
# --ca and SNI/host name checks, --insecure, and a clear failure when the certificate is
# not trusted. test-client --cert/--key serving real TLS clients (python3-websockets,
# node ws) that trust the certificate, and refusing a plain-TCP client.
set -euo pipefail
wsspec=$1
work=$(mktemp -d)
server_pid=""
cleanup() {
  [ -n "$server_pid" ] && kill "$server_pid" 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT

openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj /CN=localhost \
  -addext "subjectAltName=DNS:localhost,IP:127.0.0.1" \
  -keyout "$work/key.pem" -out "$work/cert.pem" 2>/dev/null

cat >"$work/server.py" <<'PY'
import asyncio, ssl, sys
import websockets

async def echo(ws, path=None):
    async for message in ws:
        await ws.send(message)

async def main():
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    ctx.load_cert_chain(sys.argv[1], sys.argv[2])
    async with websockets.serve(echo, "127.0.0.1", 0, ssl=ctx, max_size=2**25) as server:
        port = server.sockets[0].getsockname()[1]
        print(f"listening on 127.0.0.1:{port}", flush=True)
        await asyncio.Future()

asyncio.run(main())
PY
# port_from_log LOG SED_SCRIPT: waits up to 10 s for the line SED_SCRIPT turns into a port.
port_from_log() {
  local found=""
  for _ in $(seq 1 100); do
    found=$(sed -n "$2" "$1")
    [ -n "$found" ] && { echo "$found"; return 0; }
    sleep 0.1
  done
  cat "$1" >&2
  return 1
}

/usr/bin/python3 "$work/server.py" "$work/cert.pem" "$work/key.pem" >"$work/server.log" 2>&1 &
server_pid=$!
port=$(port_from_log "$work/server.log" 's/^listening on 127.0.0.1:\([0-9]*\)$/\1/p')

echo "-- trusted via --ca, host name localhost (SNI)"
timeout 120 "$wsspec" test-server "wss://localhost:$port/" --ca "$work/cert.pem" --cases '1.1.*,2.1,7.1.1' \
  --report-dir "$work/r1" -q

echo "-- --insecure"
timeout 120 "$wsspec" test-server "wss://127.0.0.1:$port/" --insecure --cases '1.2.*' --report-dir "$work/r2" -q

echo "-- untrusted certificate: every case FAILED with a TLS reason"
status=0
timeout 120 "$wsspec" test-server "wss://localhost:$port/" --cases '1.1.1,1.1.2' --report-dir "$work/r3" -q || status=$?
[ "$status" -eq 1 ] || { echo "expected exit 1, got $status"; exit 1; }
/usr/bin/python3 - "$work/r3/wsspec.json" <<'PY'
import json, sys
r = json.load(open(sys.argv[1]))
for c in r["cases"]:
    assert c["behavior"] == "FAILED", c["id"]
    assert "TLS" in c["result"], c["result"]
print("untrusted certificate reported:", r["cases"][0]["result"][:100])
PY
peers=$(cd "$(dirname "$0")/../../tools/peers" && pwd)
# all_ran_none_failed REPORT_DIR NAME MORE_THAN [CASE]: every selected case ran (more than
# MORE_THAN of them), none FAILED, and CASE (if given) agreed permessage-deflate.
all_ran_none_failed() {
  /usr/bin/python3 - "$1/wsspec.json" "$2" "$3" "${4:-}" <<'PY'
import json, sys
r = json.load(open(sys.argv[1]))
name, more_than, deflate_case = sys.argv[2], int(sys.argv[3]), sys.argv[4]
ran = [c for c in r["cases"] if c.get("ran")]
assert len(ran) == len(r["cases"]) > more_than, (len(ran), len(r["cases"]))
bad = [c["id"] for c in ran if c["behavior"] == "FAILED"]
assert not bad, bad
if deflate_case:
    assert any(c["id"] == deflate_case and c.get("compression") for c in ran), "no permessage-deflate"
print(f"{name} over TLS: {len(ran)} cases ran, none FAILED")
PY
}

client_cases='1.1.*,2.1,5.3,6.2.3,7.1.1,u8.1.1,hsc.1.*'

echo "-- test-client over wss:// with the python-websockets client (trusts cert.pem)"
SSL_CERT_FILE="$work/cert.pem" timeout 120 "$wsspec" test-client --listen 127.0.0.1:0 \
  --cert "$work/cert.pem" --key "$work/key.pem" --cases "$client_cases" \
  --exec "/usr/bin/python3 '$peers/python_websockets_client.py' --url {url} --agent py-tls --quiet" \
  --report-dir "$work/c1" -q >"$work/c1.out" 2>&1 || { cat "$work/c1.out"; exit 1; }
grep -q "listening on wss://127.0.0.1:" "$work/c1.out" || { cat "$work/c1.out"; exit 1; }
all_ran_none_failed "$work/c1" python-websockets 5

source_dir=${WSSPEC_SOURCE_DIR:-$(cd "$(dirname "$0")/../.." && pwd)}
if [ -d "$source_dir/tools/node_modules/ws" ]; then
  echo "-- test-client over wss:// with the node ws client (NODE_EXTRA_CA_CERTS)"
  NODE_EXTRA_CA_CERTS="$work/cert.pem" timeout 120 "$wsspec" test-client --listen 127.0.0.1:0 \
    --cert "$work/cert.pem" --key "$work/key.pem" --cases "$client_cases" \
    --exec "node '$peers/node_ws_client.js' --url {url} --agent ws-tls --quiet" \
    --report-dir "$work/c2" -q >"$work/c2.out" 2>&1 || { cat "$work/c2.out"; exit 1; }
  grep -q "cases passed" "$work/c2.out" || { cat "$work/c2.out"; exit 1; }
else
  echo "node ws not installed (tools/setup.sh installs it)" >&2
  exit 1
fi

echo "-- wsspec's own client over wss:// (--ca; and untrusted: refused, nothing passes)"
timeout 300 "$wsspec" test-client --listen 127.0.0.1:0 --cert "$work/cert.pem" --key "$work/key.pem" \
  --cases '1.*,2.*,3.*,4.*,5.*,6.*,7.*,10.*,12.1.1,12.1.2,13.1.1' --exec "'$wsspec' client {url} --ca '$work/cert.pem'" \
  --report-dir "$work/c6" -q >"$work/c6.out" 2>&1 || { cat "$work/c6.out"; exit 1; }
all_ran_none_failed "$work/c6" "wsspec client" 240 12.1.1
status=0
timeout 120 "$wsspec" test-client --listen 127.0.0.1:0 --cert "$work/cert.pem" --key "$work/key.pem" \
  --cases 1.1.1 --exec "'$wsspec' client {url}" --report-dir "$work/c7" -q >"$work/c7.out" 2>&1 ||
  status=$?
[ "$status" -ne 0 ] || { echo "an untrusted certificate was taken"; cat "$work/c7.out"; exit 1; }
grep -q "certificate verify failed\|TLS handshake failed" "$work/c7.out" ||
  { echo "no TLS reason given"; cat "$work/c7.out"; exit 1; }

echo "-- test-client over wss:// refuses a plain ws:// client, and stays up"
"$wsspec" test-client --listen 127.0.0.1:0 --cert "$work/cert.pem" --key "$work/key.pem" \
  --cases 1.1.1 --idle-timeout 5 --report-dir "$work/c3" -q >"$work/c3.out" 2>&1 &
tc_pid=$!
tc_port=$(port_from_log "$work/c3.out" 's|.*listening on wss://127.0.0.1:\([0-9]*\)/.*|\1|p') ||
  { kill "$tc_pid"; exit 1; }
/usr/bin/python3 - "$tc_port" "$work/cert.pem" <<'PY'
import asyncio, ssl, sys
import websockets
port, cert = sys.argv[1], sys.argv[2]

async def main():
    try:
        async with websockets.connect(f"ws://127.0.0.1:{port}/getCaseCount", open_timeout=15):
            raise SystemExit("a plain client got a WebSocket connection from a wss:// server")
    except (websockets.exceptions.WebSocketException, OSError, asyncio.TimeoutError) as e:
        print("plain client refused:", type(e).__name__)
    ctx = ssl.create_default_context(cafile=cert)
    async with websockets.connect(f"wss://127.0.0.1:{port}/getCaseCount", ssl=ctx) as ws:
        assert await ws.recv() == "1"
    async with websockets.connect(f"wss://127.0.0.1:{port}/runCase?case=1&agent=late",
                                  ssl=ctx) as ws:
        async for m in ws:
            await ws.send(m)
    print("TLS client served after the plain one")

asyncio.run(main())
PY
wait "$tc_pid" || true

echo "-- test-client: a key that does not match the certificate, or a file that is not PEM,"
echo "   is a clear error (exit 2)"
openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj /CN=other \
  -keyout "$work/other-key.pem" -out "$work/other-cert.pem" 2>/dev/null
status=0
"$wsspec" test-client --listen 127.0.0.1:0 --cert "$work/cert.pem" --key "$work/other-key.pem" \
  --cases 1.1.1 --report-dir "$work/c4" -q >"$work/c4.out" 2>&1 || status=$?
[ "$status" -eq 2 ] || { echo "expected exit 2, got $status"; cat "$work/c4.out"; exit 1; }
grep -Eq "private key .*(mismatch|does not match)" "$work/c4.out" || { cat "$work/c4.out"; exit 1; }
status=0
"$wsspec" test-client --listen 127.0.0.1:0 --cert "$work/server.py" --key "$work/key.pem" \
  --cases 1.1.1 --report-dir "$work/c5" -q >"$work/c5.out" 2>&1 || status=$?
[ "$status" -eq 2 ] || { echo "expected exit 2, got $status"; cat "$work/c5.out"; exit 1; }
grep -q "certificate .*server.py" "$work/c5.out" || { cat "$work/c5.out"; exit 1; }
echo "test_wss: ok"
