#!/usr/bin/env bash
# wsspec serve with permessage-deflate (RFC 7692) against real third-party clients that
# offer it: python3-websockets (offers it by default) and node `ws` (perMessageDeflate:
# true). Each asserts the 101 answer accepted permessage-deflate, then echoes text, binary,
# a 1 MiB+ compressible message both ways, a run of similar messages (context takeover,
# 7.2.3.2) and a fragmented message (RSV1 only on the first frame, 6.1). Then raw sockets
# that negotiate and break the rules: a corrupt compressed message gets Close 1007, RSV1 on
# a continuation frame 1002, a small message inflating past --max-message-size 1009, and a
# serve started with --no-permessage-deflate declines the offer. The --pmd-* options are
# checked through the answer they produce and a real client held to it.
set -euo pipefail
wsspec=$1
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
. "$here/lib/serve.sh"
trap stop_serve EXIT

# --- python-websockets client ----------------------------------------------------------------
start_serve "$wsspec" --verbose
python_url=$SERVE_URL
timeout 60 /usr/bin/python3 - "$python_url" <<'PY'
import asyncio, sys
import websockets

url = sys.argv[1]

async def main():
    async with websockets.connect(url, max_size=2**25) as ws:
        answer = ws.response_headers.get("Sec-WebSocket-Extensions", "")
        assert answer.startswith("permessage-deflate"), f"101 answer: {answer!r}"
        await ws.send("Hello, wsspec")
        assert await ws.recv() == "Hello, wsspec"
        await ws.send(b"\x00\x01\xfe\xff")
        assert await ws.recv() == b"\x00\x01\xfe\xff"
        big_text = "permessage-deflate κόσμε " * (1 << 16)  # ~1.7 MB, compressible
        await ws.send(big_text)
        assert await ws.recv() == big_text, "1 MiB+ text echo differs"
        big_binary = bytes(range(256)) * (5 << 12)  # 5 MiB
        await ws.send(big_binary)
        assert await ws.recv() == big_binary, "5 MiB binary echo differs"
        for i in range(20):  # context takeover: later messages refer back to earlier ones
            msg = '{"event": "tick", "sequence": %d, "payload": "same words again"}' % i
            await ws.send(msg)
            assert await ws.recv() == msg
        await ws.send(["fragmented ", "message ", "in three parts"])
        assert await ws.recv() == "fragmented message in three parts"
        await ws.send([b"\x01" * 70000, b"\x02" * 70000])
        assert await ws.recv() == b"\x01" * 70000 + b"\x02" * 70000
        await ws.close(1000, "bye")
        assert ws.close_code == 1000, ws.close_code
    print(f"python-websockets: {answer}: echoes ok")

asyncio.run(main())
PY

# --- node ws client --------------------------------------------------------------------------
NODE_PATH="$root/tools/node_modules" timeout 60 "${NODE:-node}" - "$python_url" <<'JS'
'use strict';
const WebSocket = require('ws');
const url = process.argv[2];
const ws = new WebSocket(url, { perMessageDeflate: true, maxPayload: 64 << 20 });
let answer = '';
ws.on('upgrade', (res) => { answer = res.headers['sec-websocket-extensions'] || ''; });
const fail = (why) => { console.error(`node ws: ${why}`); process.exit(1); };
setTimeout(() => fail('timed out'), 50000).unref();
const expected = [];
const bigText = 'node ws compresses this line again and again. '.repeat(30000);  // ~1.4 MB
const bigBinary = Buffer.alloc(3 << 20, 'wsspec');
ws.on('open', () => {
  if (!answer.startsWith('permessage-deflate')) fail(`101 answer: ${answer}`);
  if (!String(ws.extensions).includes('permessage-deflate')) fail('not negotiated');
  const send = (data, opts = {}) => { ws.send(data, opts); };
  expected.push('Hello from ws'); send('Hello from ws');
  expected.push(Buffer.from([0, 1, 0xfe, 0xff])); send(Buffer.from([0, 1, 0xfe, 0xff]));
  expected.push(bigText); send(bigText);
  expected.push(bigBinary); send(bigBinary);
  for (let i = 0; i < 20; i++) {
    const msg = JSON.stringify({ event: 'tick', sequence: i, payload: 'same words again' });
    expected.push(msg); send(msg);
  }
  // A fragmented message: ws compresses it, RSV1 on the first frame only.
  expected.push('fragment one, fragment two');
  send('fragment one, ', { fin: false, compress: true });
  send('fragment two', { fin: true, compress: true });
});
ws.on('message', (data, isBinary) => {
  const want = expected.shift();
  const ok = Buffer.isBuffer(want)
    ? isBinary && Buffer.compare(data, want) === 0
    : !isBinary && data.toString() === want;
  if (!ok) fail(`echo differs (${data.length} bytes)`);
  if (expected.length === 0) ws.close(1000, 'bye');
});
ws.on('close', (code) => {
  if (code !== 1000 || expected.length !== 0) fail(`closed with ${code}, ${expected.length} left`);
  console.log(`node ws: ${answer}: echoes ok`);
  process.exit(0);
});
ws.on('error', (e) => fail(e.message));
JS

# --- raw sockets: negotiated, then broken ----------------------------------------------------
raw_checks() {
    timeout 30 /usr/bin/python3 - "$1" "$2" <<'PY'
import base64, os, socket, struct, sys

url, mode = sys.argv[1], sys.argv[2]
host, port = url.split("//")[1].rstrip("/").split(":")
port = int(port)

def open_session(offer):
    s = socket.create_connection((host, port), timeout=5)
    key = base64.b64encode(os.urandom(16)).decode()
    s.sendall((f"GET / HTTP/1.1\r\nHost: {host}:{port}\r\nUpgrade: websocket\r\n"
               f"Connection: Upgrade\r\nSec-WebSocket-Key: {key}\r\n"
               f"Sec-WebSocket-Extensions: {offer}\r\n"
               "Sec-WebSocket-Version: 13\r\n\r\n").encode())
    buf = b""
    while b"\r\n\r\n" not in buf:
        buf += s.recv(4096)
    head, rest = buf.split(b"\r\n\r\n", 1)
    assert head.startswith(b"HTTP/1.1 101"), head
    answer = ""
    for line in head.decode().split("\r\n")[1:]:
        name, value = line.split(":", 1)
        if name.lower() == "sec-websocket-extensions":
            answer = value.strip()
    return s, answer, rest

def close_code_after(s, rest, frames):
    s.sendall(frames)
    buf = rest
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

def masked(first_byte, payload):
    key = os.urandom(4)
    n = len(payload)
    length = bytes([0x80 | n]) if n < 126 else bytes([0x80 | 126]) + struct.pack("!H", n)
    return bytes([first_byte]) + length + key + bytes(b ^ key[i % 4] for i, b in enumerate(payload))

FIN, RSV1, TEXT, CONT = 0x80, 0x40, 0x1, 0x0
if mode == "negotiated":
    s, answer, rest = open_session("permessage-deflate; client_max_window_bits")
    assert answer.startswith("permessage-deflate"), answer
    # BTYPE=11 is reserved (RFC 1951 3.2.3): the inflater refuses it.
    code = close_code_after(s, rest, masked(FIN | RSV1 | TEXT, b"\xff\xff\xff\xff"))
    assert code == 1007, f"corrupt compressed message: close {code}, want 1007"
    s, answer, rest = open_session("permessage-deflate")
    code = close_code_after(s, rest, masked(TEXT, b"abc") + masked(FIN | RSV1 | CONT, b"def"))
    assert code == 1002, f"RSV1 on a continuation frame: close {code}, want 1002"
    print("raw: corrupt compressed message 1007, RSV1 on a continuation 1002: ok")
elif mode == "declined":
    s, answer, rest = open_session("permessage-deflate; client_max_window_bits")
    assert answer == "", f"--no-permessage-deflate answered {answer!r}"
    # Not negotiated, so RSV1 is a reserved bit again (RFC 6455 5.2).
    code = close_code_after(s, rest, masked(FIN | RSV1 | TEXT, b"\xff\xff\xff\xff"))
    assert code == 1002, f"RSV1 without the extension: close {code}, want 1002"
    print("raw: --no-permessage-deflate declines, RSV1 then 1002: ok")
elif mode == "inflates-too-big":
    import zlib
    s, answer, rest = open_session("permessage-deflate")
    assert answer.startswith("permessage-deflate"), answer
    deflater = zlib.compressobj(6, zlib.DEFLATED, -15)
    small = deflater.compress(b"\0" * (4 << 20)) + deflater.flush(zlib.Z_SYNC_FLUSH)
    assert small.endswith(b"\x00\x00\xff\xff") and len(small) < 65536
    code = close_code_after(s, rest, masked(FIN | RSV1 | 0x2, small[:-4]))
    assert code == 1009, f"{len(small)} bytes inflating to 4 MiB: close {code}, want 1009"
    print(f"raw: {len(small)} compressed bytes inflating past --max-message-size 1009: ok")
else:
    # The --pmd-* options, as the answer shows them.
    s, answer, rest = open_session("permessage-deflate; client_max_window_bits")
    s.close()
    assert answer == mode, f"answer {answer!r}, want {mode!r}"
    print(f"raw: answer {answer}: ok")
PY
}
raw_checks "$python_url" negotiated
stop_serve

start_serve "$wsspec" --no-permessage-deflate
raw_checks "$SERVE_URL" declined
stop_serve

start_serve "$wsspec" --max-message-size 1000000
raw_checks "$SERVE_URL" inflates-too-big
stop_serve

start_serve "$wsspec" --pmd-server-no-context-takeover --pmd-client-no-context-takeover \
    --pmd-server-max-window-bits 10 --pmd-client-max-window-bits 9
raw_checks "$SERVE_URL" "permessage-deflate; server_no_context_takeover; client_no_context_takeover; server_max_window_bits=10; client_max_window_bits=9"
# The same limits with real clients: both compress within the windows they were given.
timeout 60 /usr/bin/python3 - "$SERVE_URL" <<'PY'
import asyncio, sys
import websockets

async def main():
    async with websockets.connect(sys.argv[1], max_size=2**25) as ws:
        answer = ws.response_headers.get("Sec-WebSocket-Extensions", "")
        assert "client_max_window_bits=9" in answer, answer
        text = "a window of 512 bytes, then a reset; " * 40000
        for _ in range(3):
            await ws.send(text)
            assert await ws.recv() == text
    print(f"python-websockets: {answer}: echoes ok")

asyncio.run(main())
PY
stop_serve

# --verbose: one line per connection with the answer (kept out of the default output).
log=$(mktemp)
"$wsspec" serve --listen 127.0.0.1:0 --verbose >"$log" 2>&1 &
SERVE_PID=$!
for _ in $(seq 1 100); do
    grep -q '^wsspec serve: listening' "$log" && break
    sleep 0.1
done
verbose_url=$(sed -n 's/^wsspec serve: listening on \(ws:.*\)$/\1/p' "$log")
raw_checks "$verbose_url" "permessage-deflate"
stop_serve
grep -q '^wsspec serve: 127\.0\.0\.1:[0-9]* open, permessage-deflate$' "$log" ||
    { echo "--verbose did not log the answer:" >&2; cat "$log" >&2; rm -f "$log"; exit 1; }
echo "verbose: $(grep ' open, ' "$log"): ok"
rm -f "$log"
echo "test_serve_deflate_peers: ok"
