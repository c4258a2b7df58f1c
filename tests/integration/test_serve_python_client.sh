#!/usr/bin/env bash
# ctest-labels: asan
# wsspec serve against a real third-party client (python3-websockets, Debian): text,
# binary, a 16 MiB message, ping/pong, a clean close, and the close codes it must use when
# the client breaks the rules (1002 for an unmasked frame, 1007 for invalid UTF-8,
# 1009 above --max-message-size).
set -euo pipefail
wsspec=$1
here=$(cd "$(dirname "$0")" && pwd)
. "$here/lib/serve.sh"
trap stop_serve EXIT
start_serve "$wsspec" --max-message-size 20000000

timeout 60 /usr/bin/python3 - "$SERVE_URL" <<'PY'
import asyncio, socket, sys, os, base64, struct
import websockets

url = sys.argv[1]
host, port = url.split("//")[1].rstrip("/").split(":")
port = int(port)

async def echo_checks():
    async with websockets.connect(url, max_size=2**25) as ws:
        await ws.send("Hello, wsspec")
        assert await ws.recv() == "Hello, wsspec"
        await ws.send(b"\x00\x01\xfe\xff")
        assert await ws.recv() == b"\x00\x01\xfe\xff"
        big = os.urandom(16 << 20)
        await ws.send(big)
        assert await ws.recv() == big, "16 MiB binary echo differs"
        text = "κόσμε " * (1 << 18)
        await ws.send(text)
        assert await ws.recv() == text
        pong = await ws.ping(b"ping-data")
        await asyncio.wait_for(pong, 5)
        await ws.close(1000, "bye")
        assert ws.close_code == 1000, ws.close_code
    print("echo, 16 MiB, ping and close: ok")

def raw_session(frames):
    """Opens a raw TCP connection, upgrades, sends frames, returns the close code received."""
    s = socket.create_connection((host, port), timeout=5)
    key = base64.b64encode(os.urandom(16)).decode()
    s.sendall((f"GET / HTTP/1.1\r\nHost: {host}:{port}\r\nUpgrade: websocket\r\n"
               f"Connection: Upgrade\r\nSec-WebSocket-Key: {key}\r\n"
               "Sec-WebSocket-Version: 13\r\n\r\n").encode())
    buf = b""
    while b"\r\n\r\n" not in buf:
        buf += s.recv(4096)
    assert buf.startswith(b"HTTP/1.1 101"), buf
    buf = buf.split(b"\r\n\r\n", 1)[1]
    s.sendall(frames)
    while True:
        try:
            chunk = s.recv(65536)
        except ConnectionResetError:
            break
        if not chunk:
            break
        buf += chunk
    s.close()
    assert len(buf) >= 4 and buf[0] == 0x88, buf[:16]
    return struct.unpack("!H", buf[2:4])[0]

def masked(opcode, payload, fin=True):
    key = os.urandom(4)
    body = bytes(b ^ key[i % 4] for i, b in enumerate(payload))
    n = len(payload)
    head = bytes([(0x80 if fin else 0) | opcode])
    if n < 126:
        head += bytes([0x80 | n])
    elif n < 65536:
        head += bytes([0x80 | 126]) + struct.pack("!H", n)
    else:
        head += bytes([0x80 | 127]) + struct.pack("!Q", n)
    return head + key + body

assert raw_session(b"\x81\x05Hello") == 1002, "unmasked client frame must fail with 1002"
assert raw_session(masked(1, b"\xce\xba\xe1\xbd\xb9\xed\xa0\x80")) == 1007, "invalid UTF-8 must fail with 1007"
# Only the header of a too-big frame: 1009 must come before the payload.
assert raw_session(bytes([0x82, 0x80 | 127]) + struct.pack("!Q", 30_000_000) + b"\x01\x02\x03\x04") == 1009
print("failure close codes: ok")
asyncio.run(echo_checks())
PY
echo "test_serve_python_client: ok"
