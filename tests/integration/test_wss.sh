#!/usr/bin/env bash
# wss:// against a real TLS WebSocket server (python3-websockets with a self-signed
# certificate made here): verification with --ca and SNI/host name checks, --insecure, and
# a clear failure when the certificate is not trusted.
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
/usr/bin/python3 "$work/server.py" "$work/cert.pem" "$work/key.pem" >"$work/server.log" 2>&1 &
server_pid=$!
port=""
for _ in $(seq 1 100); do
  port=$(sed -n 's/^listening on 127.0.0.1:\([0-9]*\)$/\1/p' "$work/server.log")
  [ -n "$port" ] && break
  sleep 0.1
done
[ -n "$port" ] || { cat "$work/server.log"; exit 1; }

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
echo "test_wss: ok"
