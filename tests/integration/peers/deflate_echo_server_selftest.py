#!/usr/bin/python3
"""Checks deflate_echo_server.py on its own, before wsspec relies on it:

  * a real client, python-websockets (permessage-deflate on), gets every echo back: text
    and binary, empty, small and 1 MiB messages, runs of similar messages (context
    takeover), fragmented sends, pings and a close; with several offers (windows 8..15, no
    context takeover), --fragment, --client-max-window-bits, --no-deflate, and many
    connections at once;
  * a raw socket client checks what a library client cannot show: the handshake refusals,
    the answer to many offers, the failure codes (1002, 1007, 1009), the windows the echoes
    use, and the examples of RFC 7692 7.2.3;
  * every --defect is observable, and the same check passes without it.

    /usr/bin/python3 deflate_echo_server_selftest.py [-v]

Starts each server with --port 0, stops it by PID with SIGTERM (it must exit 0), and
exits 1 on any mismatch. Every socket operation has a timeout and the whole run an alarm.
"""

import asyncio
import base64
import os
import random
import re
import select
import signal
import socket
import struct
import subprocess
import sys
import zlib

try:
    import websockets
    from websockets.extensions.permessage_deflate import ClientPerMessageDeflateFactory
except ImportError:
    print("python3-websockets is not installed (/usr/bin/python3 -c 'import websockets')",
          file=sys.stderr)
    sys.exit(2)

HERE = os.path.dirname(os.path.abspath(__file__))
SERVER = os.path.join(HERE, "deflate_echo_server.py")
PYTHON = "/usr/bin/python3"
TAIL = b"\x00\x00\xff\xff"
TIMEOUT = 20
VERBOSE = "-v" in sys.argv[1:]
OP_CONT, OP_TEXT, OP_BINARY, OP_CLOSE, OP_PING, OP_PONG = 0, 1, 2, 8, 9, 10
RSV1, RSV2 = 0x40, 0x20

failures = []


class Timeout(BaseException):
    """The whole run took too long (not an Exception: it ends the run, servers stop)."""


def on_alarm(*_):
    raise Timeout()


def check(cond, what):
    if not cond:
        raise AssertionError(what)


# --- the server under test ---


class Server:
    def __init__(self, *args):
        self.args = list(args)

    def __enter__(self):
        cmd = [PYTHON, SERVER, "--port", "0"] + self.args
        self.proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=None if VERBOSE
                                     else subprocess.DEVNULL)
        ready, _, _ = select.select([self.proc.stdout], [], [], 10)
        line = self.proc.stdout.readline().decode() if ready else ""
        m = re.fullmatch(r"listening on 127\.0\.0\.1:(\d+)\n", line)
        if not m:
            self.stop()
            raise AssertionError(f"server {self.args} did not start: {line!r}")
        self.port = int(m.group(1))
        return self

    def stop(self):
        if self.proc.poll() is None:
            os.kill(self.proc.pid, signal.SIGTERM)
        try:
            return self.proc.wait(10)
        except subprocess.TimeoutExpired:
            os.kill(self.proc.pid, signal.SIGKILL)
            self.proc.wait()
            return None

    def __exit__(self, exc_type, *_):
        rc = self.stop()
        self.proc.stdout.close()
        if exc_type is None:
            check(rc == 0, f"server {self.args} exited {rc} on SIGTERM, want 0")


# --- a raw client: every frame bit under the test's control ---


def deflate(data, wbits=15, level=6):
    c = zlib.compressobj(level, zlib.DEFLATED, -wbits)
    out = c.compress(data) + c.flush(zlib.Z_SYNC_FLUSH)
    return out[:-4]


def inflate_exact(wire, bits):
    """Inflates a message with a window of 2^bits, one octet per call: zlib rejects a
    distance only past the history it holds, which in one big call includes everything
    that call inflated; one octet at a time, that history is the window. ValueError
    for a reference past it."""
    d = zlib.decompressobj(wbits=-bits)
    out = bytearray()
    data = wire + TAIL
    try:
        while True:
            piece = d.decompress(data, 1)
            data = d.unconsumed_tail
            if not piece and not data:
                return bytes(out)
            out += piece
    except zlib.error as e:
        raise ValueError(f"not inflatable with a {bits}-bit window: {e}") from None


class Raw:
    def __init__(self, port, offer=None, headers=None, request=None):
        self.sock = socket.create_connection(("127.0.0.1", port), timeout=TIMEOUT)
        self.buf = b""
        self.key = base64.b64encode(os.urandom(16)).decode()
        if request is None:
            lines = ["GET /echo HTTP/1.1", f"Host: 127.0.0.1:{port}", "Upgrade: websocket",
                     "Connection: Upgrade", f"Sec-WebSocket-Key: {self.key}",
                     "Sec-WebSocket-Version: 13"]
            if headers is not None:
                lines = lines[:1] + headers
            offers = offer if isinstance(offer, list) else [offer] if offer else []
            lines += [f"Sec-WebSocket-Extensions: {o}" for o in offers]
            request = "\r\n".join(lines) + "\r\n\r\n"
        self.sock.sendall(request.encode("latin-1"))
        while b"\r\n\r\n" not in self.buf:
            self.fill()
        head, self.buf = self.buf.split(b"\r\n\r\n", 1)
        lines = head.decode("latin-1").split("\r\n")
        self.status = int(lines[0].split()[1])
        self.headers = {}
        for line in lines[1:]:
            name, _, value = line.partition(":")
            self.headers.setdefault(name.strip().lower(), []).append(value.strip())
        self.answer = ", ".join(self.headers.get("sec-websocket-extensions", [])) or None
        bits = re.search(r"server_max_window_bits=(\d+)", self.answer or "")
        self.inflater = zlib.decompressobj(wbits=-(int(bits.group(1)) if bits else 15))

    def fill(self):
        data = self.sock.recv(65536)
        if not data:
            raise EOFError("server closed the connection")
        self.buf += data

    def take(self, n):
        while len(self.buf) < n:
            self.fill()
        out, self.buf = self.buf[:n], self.buf[n:]
        return out

    def send(self, opcode, payload=b"", fin=True, rsv=0, masked=True):
        n = len(payload)
        b0 = (0x80 if fin else 0) | rsv | opcode
        mbit = 0x80 if masked else 0
        if n < 126:
            head = bytes([b0, mbit | n])
        elif n < 65536:
            head = bytes([b0, mbit | 126]) + struct.pack("!H", n)
        else:
            head = bytes([b0, mbit | 127]) + struct.pack("!Q", n)
        if masked:
            mask = os.urandom(4)
            key = (mask * (n // 4 + 1))[:n]
            payload = (int.from_bytes(payload, "big") ^ int.from_bytes(key, "big")).to_bytes(
                n, "big") if n else b""
            head += mask
        self.sock.sendall(head + payload)

    def send_compressed(self, opcode, data, wbits=15):
        self.send(opcode, deflate(data, wbits), rsv=RSV1)

    def recv(self):
        """(fin, rsv, opcode, payload) of the next frame."""
        b0, b1 = self.take(2)
        check(not b1 & 0x80, "server frame is masked")
        n = b1 & 0x7F
        if n == 126:
            (n,) = struct.unpack("!H", self.take(2))
        elif n == 127:
            (n,) = struct.unpack("!Q", self.take(8))
        return bool(b0 & 0x80), b0 & 0x70, b0 & 0x0F, self.take(n)

    def recv_message(self):
        """(opcode, rsv1 of the first frame, frames, wire payload) of the next message."""
        frames = []
        while True:
            frame = self.recv()
            frames.append(frame)
            if frame[0]:
                break
        return frames[0][2], bool(frames[0][1] & RSV1), frames, b"".join(f[3] for f in frames)

    def echo(self, opcode, data, compress=True, wbits=15):
        """Sends data, returns the inflated echo (checks opcode and RSV1)."""
        if compress:
            self.send_compressed(opcode, data, wbits)
        else:
            self.send(opcode, data)
        op, rsv1, _, wire = self.recv_message()
        check(op == opcode, f"echo opcode {op}, want {opcode}")
        if self.answer:
            check(rsv1, "echo without RSV1 on a permessage-deflate connection")
            return self.inflater.decompress(wire + TAIL)
        check(not rsv1, "echo with RSV1 without permessage-deflate")
        return wire

    def close_code(self):
        """Reads frames until a Close (its code, or 1005 for none) or EOF (None)."""
        try:
            while True:
                _, _, op, payload = self.recv()
                if op == OP_CLOSE:
                    return struct.unpack("!H", payload[:2])[0] if payload else 1005
        except (EOFError, ConnectionResetError, socket.timeout):
            return None

    def close(self):
        self.sock.close()


def expect_close(port, code, offer, *frames):
    c = Raw(port, offer)
    for f in frames:
        if isinstance(f, tuple):
            c.send(*f[:2], **f[2] if len(f) > 2 else {})
        else:
            f(c)
    got = c.close_code()
    c.close()
    check(got == code, f"close code {got}, want {code}")


# --- checks with the websockets client ---


def ws_offer(**kw):
    return [ClientPerMessageDeflateFactory(**kw)]


async def ws_echo_suite(port, extensions=None, want_answer=None):
    kw = {"max_size": None, "ping_interval": None, "open_timeout": TIMEOUT,
          "close_timeout": TIMEOUT}
    if extensions is not None:
        kw["extensions"] = extensions
    async with websockets.connect(f"ws://127.0.0.1:{port}/", **kw) as ws:
        headers = ws.response.headers if hasattr(ws, "response") else ws.response_headers
        answer = headers.get("Sec-WebSocket-Extensions")
        check(answer == want_answer, f"answer {answer!r}, want {want_answer!r}")
        rnd = random.Random(7)
        noise = bytes(rnd.getrandbits(8) for _ in range(3000))
        messages = [
            "Hello, deflate", b"\x00\x01\xfe\xff" * 64, "", b"",
            "héllo wörld ✓ 🎉" * 100,
            "compressible line again and again. " * 30000,  # ~1 MiB text
            bytes(range(256)) * 4096,  # 1 MiB binary
            noise * 350,  # ~1 MiB with repeats 3000 octets apart
            bytes(rnd.getrandbits(8) for _ in range(70000)),  # incompressible
        ]
        messages += ['{"event": "tick", "sequence": %d, "payload": "same words"}' % i
                     for i in range(20)]
        for m in messages:
            await ws.send(m)
            echo = await asyncio.wait_for(ws.recv(), TIMEOUT)
            check(echo == m, f"echo of a {len(m)}-octet {type(m).__name__} differs")
        for parts in (["fragmented ", "message ", "in three parts"],
                      [b"\x01" * 70000, b"\x02" * 70000, b""]):
            await ws.send(parts)
            echo = await asyncio.wait_for(ws.recv(), TIMEOUT)
            check(echo == parts[0][:0].join(parts), "echo of a fragmented message differs")
        for payload in (b"", b"ping payload", b"\xff" * 125):
            pong = await ws.ping(payload)
            await asyncio.wait_for(pong, TIMEOUT)
        await ws.close(1000)
    check(ws.close_code == 1000, f"close code {ws.close_code}, want 1000")


async def ws_many(port, n):
    async def one(i):
        async with websockets.connect(f"ws://127.0.0.1:{port}/", open_timeout=TIMEOUT) as ws:
            for j in range(5):
                m = f"client {i} message {j} " * 50
                await ws.send(m)
                check(await asyncio.wait_for(ws.recv(), TIMEOUT) == m, "concurrent echo")
    await asyncio.gather(*(one(i) for i in range(n)))


def test_websockets_client():
    cases = [
        ((), None, "permessage-deflate"),
        ((), ws_offer(server_no_context_takeover=True, client_no_context_takeover=True,
                      server_max_window_bits=10, client_max_window_bits=12),
         "permessage-deflate; server_no_context_takeover; client_no_context_takeover; "
         "server_max_window_bits=10; client_max_window_bits=12"),
        ((), ws_offer(server_max_window_bits=8), "permessage-deflate; server_max_window_bits=8"),
        ((), ws_offer(server_max_window_bits=9, client_max_window_bits=9),
         "permessage-deflate; server_max_window_bits=9; client_max_window_bits=9"),
        (("--fragment", "100", "--server-no-context-takeover", "--client-max-window-bits",
          "9"), None,
         "permessage-deflate; server_no_context_takeover; client_max_window_bits=9"),
        (("--no-deflate",), None, None),
    ]
    for args, extensions, answer in cases:
        with Server(*args) as s:
            asyncio.run(ws_echo_suite(s.port, extensions, answer))
    with Server() as s:
        asyncio.run(ws_many(s.port, 20))


# --- checks with the raw client ---


def test_handshake_refusals():
    with Server() as s:
        def status(**kw):
            c = Raw(s.port, **kw)
            c.close()
            return c.status, c.headers

        base = [f"Host: 127.0.0.1:{s.port}", "Upgrade: websocket", "Connection: Upgrade",
                "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==", "Sec-WebSocket-Version: 13"]
        st, h = status(headers=base)
        check(st == 101, f"default request: {st}")
        check(h["sec-websocket-accept"] == ["s3pPLMBiTxaQ9kYGzzhZRbK+xOo="], "accept value")
        for version in ([], ["Sec-WebSocket-Version: 14"]):
            st, h = status(headers=base[:4] + version)
            check(st == 426 and h.get("sec-websocket-version") == ["13"],
                  f"version {version}: {st} {h}")
        bad = {
            "no Host": base[1:],
            "two Hosts": base + [base[0]],
            "no Upgrade": [base[0]] + base[2:],
            "Connection: keep-alive": base[:2] + ["Connection: keep-alive"] + base[3:],
            "short key": base[:3] + ["Sec-WebSocket-Key: AAAAAAAAAAAAAAAAAAAAAA=="[:20]]
            + base[4:],
            "17-octet key": base[:3] + ["Sec-WebSocket-Key: " + base64.b64encode(
                b"x" * 17).decode()[:24]] + base[4:],
            "space before colon": ["Host : x"] + base[1:],
        }
        for what, headers in bad.items():
            st, _ = status(headers=headers)
            check(st == 400, f"{what}: {st}, want 400")
        st, _ = status(request="POST / HTTP/1.1\r\n" + "\r\n".join(base) + "\r\n\r\n")
        check(st == 405, f"POST: {st}")
        st, _ = status(request="GET / HTTP/1.1\r\nX-Big: " + "a" * 70000 + "\r\n\r\n")
        check(st == 431, f"64 KiB header line: {st}")
        st, _ = status(request="GET / HTTP/1.1\n" + "\n".join(base) + "\n\n")
        check(st == 101, f"bare LF line endings: {st}")


NEGOTIATION = [
    ("permessage-deflate", "permessage-deflate"),
    ("permessage-deflate; client_max_window_bits", "permessage-deflate"),
    ("permessage-deflate; client_max_window_bits=10",
     "permessage-deflate; client_max_window_bits=10"),
    ('permessage-deflate; server_max_window_bits="10"',
     "permessage-deflate; server_max_window_bits=10"),
    ("permessage-deflate ; server_no_context_takeover ; client_no_context_takeover",
     "permessage-deflate; server_no_context_takeover; client_no_context_takeover"),
    ("permessage-deflate; x_unknown=1", None),
    ("permessage-deflate; server_no_context_takeover; server_no_context_takeover", None),
    ("permessage-deflate; server_no_context_takeover=1", None),
    ("permessage-deflate; client_no_context_takeover=x", None),
    ("permessage-deflate; server_max_window_bits", None),
    ("permessage-deflate; server_max_window_bits=7", None),
    ("permessage-deflate; server_max_window_bits=16", None),
    ("permessage-deflate; server_max_window_bits=08", None),
    ("permessage-deflate; client_max_window_bits=1x", None),
    ('permessage-deflate; server_max_window_bits="1 0"', None),
    ("permessage-deflate; server_max_window_bits=10; x=1, permessage-deflate; "
     "server_max_window_bits=11", "permessage-deflate; server_max_window_bits=11"),
    (['x-foo; a="b,c", permessage-deflate; client_max_window_bits=16',
      "permessage-deflate; server_max_window_bits=12"],
     "permessage-deflate; server_max_window_bits=12"),
    ("x-webkit-deflate-frame", None),
    ("permessage-deflate; a=\"unterminated", None),
    ("permessage-deflate;; server_no_context_takeover", None),
]


def test_negotiation():
    with Server() as s:
        for offer, want in NEGOTIATION:
            c = Raw(s.port, offer)
            c.close()
            check(c.status == 101, f"offer {offer!r}: status {c.status}")
            check(c.answer == want, f"offer {offer!r}: answer {c.answer!r}, want {want!r}")
    with Server("--no-deflate") as s:
        c = Raw(s.port, "permessage-deflate")
        c.close()
        check(c.answer is None, f"--no-deflate answered {c.answer!r}")
    with Server("--client-max-window-bits", "10") as s:
        for offer, want in [("permessage-deflate; client_max_window_bits",
                             "permessage-deflate; client_max_window_bits=10"),
                            ("permessage-deflate; client_max_window_bits=12",
                             "permessage-deflate; client_max_window_bits=10"),
                            ("permessage-deflate; client_max_window_bits=9",
                             "permessage-deflate; client_max_window_bits=9"),
                            ("permessage-deflate", "permessage-deflate")]:
            c = Raw(s.port, offer)
            c.close()
            check(c.answer == want, f"offer {offer!r}: answer {c.answer!r}, want {want!r}")


def bomb(size):
    c = zlib.compressobj(9, zlib.DEFLATED, -15)
    out = [c.compress(b"\0" * (1 << 20)) for _ in range(size >> 20)]
    return b"".join(out) + c.flush(zlib.Z_SYNC_FLUSH)[:-4]


def repeats(distance, total):
    """Random octets that repeat every `distance` octets: back-references that far."""
    block = random.Random(distance).randbytes(distance)
    return (block * (total // distance + 1))[:total]


PMD = "permessage-deflate"


def send_past_window(c):
    block = random.Random(5).randbytes(1000)
    z = zlib.compressobj(6, zlib.DEFLATED, -15)
    for _ in range(2):
        c.send(OP_BINARY, (z.compress(block) + z.flush(zlib.Z_SYNC_FLUSH))[:-4], rsv=RSV1)


def test_failures():
    bad_utf8 = "ok".encode() + b"\xed\xa0\x80"  # a surrogate
    with Server("--max-message-size", str(1 << 20)) as s:
        p = s.port
        expect_close(p, 1002, PMD, (OP_TEXT, b"unmasked", {"masked": False}))
        expect_close(p, 1002, PMD, (OP_PING, b"x", {"rsv": RSV1}))
        expect_close(p, 1002, PMD, (OP_CLOSE, b"\x03\xe8", {"rsv": RSV1}))
        expect_close(p, 1002, PMD, (OP_TEXT, deflate(b"ab")[:1], {"rsv": RSV1, "fin": False}),
                     (OP_CONT, deflate(b"ab")[1:], {"rsv": RSV1}))
        expect_close(p, 1002, None, (OP_TEXT, deflate(b"plain"), {"rsv": RSV1}))
        expect_close(p, 1002, PMD, (OP_TEXT, b"x", {"rsv": RSV2}))
        expect_close(p, 1002, PMD, (3, b"x"))
        expect_close(p, 1002, PMD, (OP_PING, b"x", {"fin": False}))
        expect_close(p, 1002, PMD, (OP_PING, b"x" * 126))
        expect_close(p, 1002, PMD, (OP_CONT, b"x"))
        expect_close(p, 1002, PMD, (OP_TEXT, b"a", {"fin": False}), (OP_TEXT, b"b"))
        expect_close(p, 1007, PMD, (OP_BINARY, b"\xff\xff\xff\xff", {"rsv": RSV1}))
        expect_close(p, 1007, PMD, lambda c: c.send_compressed(OP_TEXT, bad_utf8))
        expect_close(p, 1007, None, (OP_TEXT, bad_utf8))
        expect_close(p, 1009, PMD, (OP_BINARY, bomb(8 << 20), {"rsv": RSV1}))
        expect_close(p, 1009, PMD, (OP_BINARY, b"\0" * ((1 << 20) + 1)))
        # the client's window: 9 bits agreed, and the second message refers 1000 octets
        # back into the first (zlib rejects a distance past the history it holds, so the
        # reference has to reach back beyond the current inflate call)
        expect_close(p, 1007, PMD + "; client_max_window_bits=9", send_past_window)
        expect_close(p, 1002, PMD, (OP_CLOSE, b"\x03"))
        for code in (0, 999, 1004, 1005, 1006, 1015, 1016, 2999, 5000):
            expect_close(p, 1002, PMD, (OP_CLOSE, struct.pack("!H", code)))
        expect_close(p, 1007, PMD, (OP_CLOSE, b"\x03\xe8\xff"))
        for code in (1000, 1001, 1003, 1011, 3000, 4999):
            expect_close(p, code, PMD, (OP_CLOSE, struct.pack("!H", code) + b"bye"))
        expect_close(p, 1005, PMD, (OP_CLOSE, b""))
        # a message of exactly the limit passes
        c = Raw(p, PMD)
        check(c.echo(OP_BINARY, b"\0" * (1 << 20)) == b"\0" * (1 << 20), "1 MiB echo")
        c.close()


def test_rfc7692_examples():
    with Server() as s:
        c = Raw(s.port, PMD)
        # 7.2.3.1 "Hello", 7.2.3.2 the same again with the shared window
        c.send(OP_TEXT, bytes.fromhex("f248cdc9c90700"), rsv=RSV1)
        c.send(OP_TEXT, bytes.fromhex("f200110000"), rsv=RSV1)
        # 7.2.3.1 in two fragments, 7.2.3.3 no compression, 7.2.3.4 BFINAL, 7.2.3.5 two
        # blocks, 7.2.3.6 an empty message
        c.send(OP_TEXT, bytes.fromhex("f248cd"), rsv=RSV1, fin=False)
        c.send(OP_CONT, bytes.fromhex("c9c90700"))
        c.send(OP_TEXT, bytes.fromhex("000500faff48656c6c6f00"), rsv=RSV1)
        c.send(OP_TEXT, bytes.fromhex("f348cdc9c9070000"), rsv=RSV1)
        c.send(OP_TEXT, bytes.fromhex("f24805000000ffffcac9c90700"), rsv=RSV1)
        c.send(OP_TEXT, b"\x00", rsv=RSV1)
        c.send(OP_TEXT, b"uncompressed")  # RSV1 clear: a plain message
        want = [b"Hello"] * 6 + [b"", b"uncompressed"]
        for w in want:
            op, rsv1, _, wire = c.recv_message()
            got = c.inflater.decompress(wire + TAIL)
            check(op == OP_TEXT and rsv1 and got == w, f"RFC 7692 example: {got!r}, want {w!r}")
        # a BFINAL stream, then a message that refers to it (the window is kept)
        z = zlib.compressobj(6, zlib.DEFLATED, -15)
        first = z.compress(b"window kept across BFINAL ") + z.flush(zlib.Z_FINISH)
        z2 = zlib.compressobj(6, zlib.DEFLATED, -15, zdict=b"window kept across BFINAL ")
        second = z2.compress(b"window kept across BFINAL ") + z2.flush(zlib.Z_SYNC_FLUSH)
        c.send(OP_TEXT, first + b"\x00", rsv=RSV1)
        c.send(OP_TEXT, second[:-4], rsv=RSV1)
        c.send(OP_TEXT, first, rsv=RSV1)  # BFINAL without the octet 00 after it
        c.send(OP_TEXT, second[:-4], rsv=RSV1)
        for _ in range(4):
            got = c.inflater.decompress(c.recv_message()[3] + TAIL)
            check(got == b"window kept across BFINAL ", f"after BFINAL: {got!r}")
        c.send(OP_PING, b"are you there")
        fin, rsv, op, payload = c.recv()
        check((op, rsv, payload) == (OP_PONG, 0, b"are you there"), "pong")
        c.send(OP_CLOSE, struct.pack("!H", 1000))
        check(c.close_code() == 1000, "close")
        c.close()


def compressed_sizes(port, offer, message, count=2):
    c = Raw(port, offer)
    sizes = []
    for _ in range(count):
        c.send(OP_BINARY, message)
        op, rsv1, _, wire = c.recv_message()
        check(c.inflater.decompress(wire + TAIL) == message, "echo differs")
        sizes.append(len(wire))
    c.close()
    return sizes


def test_windows_and_context():
    message = random.Random(1).randbytes(2000)
    with Server() as s:
        a, b = compressed_sizes(s.port, PMD, message)
        check(b < a / 10, f"context takeover: echoes of {a} and {b} octets")
        a, b = compressed_sizes(s.port, PMD + "; server_no_context_takeover", message)
        check(a == b and a > 1900, f"no context takeover: echoes of {a} and {b} octets")
        for bits in (8, 9, 10, 12, 15):
            # repeats just inside what zlib reaches with this window (2^bits - 262)
            distance = 200 if bits == 8 else (1 << bits) - 300
            data = repeats(distance, max(1 << 16, 4 * distance))
            c = Raw(s.port, PMD + f"; server_max_window_bits={bits}")
            c.send(OP_BINARY, data)
            wire = c.recv_message()[3]
            check(inflate_exact(wire, bits) == data, f"window {bits}: echo differs")
            check(bits == 8 or len(wire) < len(data) / 2, f"window {bits}: {len(wire)} octets")
            c.close()
    with Server("--fragment", "64") as s:
        c = Raw(s.port, PMD)
        c.send(OP_TEXT, random.Random(3).randbytes(500).hex().encode())
        _, _, frames, _ = c.recv_message()
        check(len(frames) > 2 and frames[0][1] == RSV1
              and all(f[1] == 0 and f[2] == OP_CONT for f in frames[1:])
              and all(len(f[3]) == 64 for f in frames[:-1]), "--fragment 64 frames")
        c.close()


# --- defects ---


def defect_keep_context(port, broken):
    message = random.Random(1).randbytes(2000)
    c = Raw(port, PMD + "; server_no_context_takeover")
    check("server_no_context_takeover" in c.answer, "answer")
    sizes = []
    for _ in range(2):
        c.send(OP_BINARY, message)
        wire = c.recv_message()[3]
        sizes.append(len(wire))
        try:  # every echo must stand alone
            fresh = zlib.decompressobj(wbits=-15).decompress(wire + TAIL) == message
        except zlib.error:
            fresh = False
    c.close()
    check((sizes[1] < 100 and not fresh) if broken else (sizes[1] > 1900 and fresh),
          f"echo sizes {sizes}, second one inflates alone: {fresh}")


def defect_rsv1_continuation(port, broken):
    c = Raw(port, PMD)
    c.send(OP_TEXT, b"hello " * 100)
    _, _, frames, _ = c.recv_message()
    c.close()
    rsv1_on_cont = any(f[1] & RSV1 for f in frames[1:])
    check(rsv1_on_cont == broken and (len(frames) >= 2) == broken,
          f"{len(frames)} frames, RSV1 on a continuation: {rsv1_on_cont}")


def defect_compressed_pong(port, broken):
    c = Raw(port, PMD)
    ping = b"ping ping ping ping ping ping"
    c.send(OP_PING, ping)
    _, rsv, op, payload = c.recv()
    c.close()
    check(op == OP_PONG, "no pong")
    if broken:
        check(rsv == RSV1 and payload != ping
              and zlib.decompressobj(wbits=-15).decompress(payload + TAIL) == ping,
              f"pong rsv {rsv:#x} payload {payload!r}")
    else:
        check(rsv == 0 and payload == ping, f"pong rsv {rsv:#x} payload {payload!r}")


def defect_window_lie(port, broken):
    c = Raw(port, PMD + "; server_max_window_bits=10")
    check("server_max_window_bits=10" in c.answer, "answer")
    data = repeats(4000, 40000)  # repeats 4000 octets apart, beyond a 1 KiB window
    c.send(OP_BINARY, data)
    wire = c.recv_message()[3]
    c.close()
    check(zlib.decompressobj(wbits=-15).decompress(wire + TAIL) == data, "echo differs")
    try:
        fits = inflate_exact(wire, 10) == data
    except ValueError:
        fits = False
    check(fits != broken, f"echo inflates with the agreed 10-bit window: {fits}")


def answer_check(offer, broken_answer, good_answer):
    def run(port, broken):
        c = Raw(port, offer)
        c.close()
        want = broken_answer if broken else good_answer
        check(c.status == 101 and c.answer == want, f"answer {c.answer!r}, want {want!r}")
    return run


def close_or_echo(port, broken, send, want_echo, code, offer=PMD):
    c = Raw(port, offer)
    send(c)
    if broken:
        op, _, _, wire = c.recv_message()
        check(op != OP_CLOSE, "closed")
        check(c.inflater.decompress(wire + TAIL) == want_echo, "echo differs")
    else:
        got = c.close_code()
        check(got == code, f"close {got}, want {code}")
    c.close()


def defect_no_utf8_check(port, broken):
    bad = b"\xce\xba\xe1\xbd\xb9\xcf\x83\xce\xbc\xce\xb5\xed\xa0\x80edited"
    close_or_echo(port, broken, lambda c: c.send_compressed(OP_TEXT, bad), bad, 1007)


def defect_no_size_limit(port, broken):
    close_or_echo(port, broken, lambda c: c.send(OP_BINARY, bomb(4 << 20), rsv=RSV1),
                  b"\0" * (4 << 20), 1009)


def defect_rsv1_uncompressed(port, broken):
    c = Raw(port, PMD)
    c.send(OP_TEXT, b"plain words plain words")
    op, rsv1, _, wire = c.recv_message()
    c.close()
    check(rsv1, "RSV1 missing")
    check((wire == b"plain words plain words") == broken, f"echo payload {wire!r}")


def defect_accept_rsv1_control(port, broken):
    c = Raw(port, PMD)
    c.send(OP_PING, b"rsv1 ping", rsv=RSV1)
    if broken:
        _, rsv, op, payload = c.recv()
        check((op, payload) == (OP_PONG, b"rsv1 ping"), f"answer opcode {op}")
    else:
        check(c.close_code() == 1002, "no 1002")
    c.close()


DEFECTS = {
    "keep-context": defect_keep_context,
    "rsv1-continuation": defect_rsv1_continuation,
    "compressed-pong": defect_compressed_pong,
    "window-lie": defect_window_lie,
    "unoffered-param": answer_check(PMD, PMD + "; client_max_window_bits=15", PMD),
    "unknown-param-accept": answer_check(PMD + "; x_wsspec=1; server_no_context_takeover",
                                         PMD + "; server_no_context_takeover; x_wsspec=1",
                                         None),
    "no-utf8-check": defect_no_utf8_check,
    "no-size-limit": defect_no_size_limit,
    "rsv1-uncompressed": defect_rsv1_uncompressed,
    "accept-rsv1-control": defect_accept_rsv1_control,
}


def test_defects():
    for name, run in DEFECTS.items():
        for broken in (False, True):
            args = ["--max-message-size", str(1 << 20)] + (["--defect", name] if broken else [])
            with Server(*args) as s:
                try:
                    run(s.port, broken)
                except AssertionError as e:
                    raise AssertionError(f"{name} ({'on' if broken else 'off'}): {e}") from None
        # the defects that concern compression leave a plain connection alone
        with Server("--defect", name) as s:
            c = Raw(s.port)
            check(c.answer is None, f"{name}: answer {c.answer!r} to no offer")
            check(c.echo(OP_TEXT, b"plain", compress=False) == b"plain", f"{name}: echo")
            c.send(OP_PING, b"p")
            check(c.recv() == (True, 0, OP_PONG, b"p"), f"{name}: plain pong")
            c.close()
    with Server(*sum((["--defect", n] for n in DEFECTS), [])) as s:
        c = Raw(s.port, PMD)
        check(c.status == 101, "all defects at once")
        c.close()


TESTS = [test_websockets_client, test_handshake_refusals, test_negotiation, test_failures,
         test_rfc7692_examples, test_windows_and_context, test_defects]


def main():
    signal.signal(signal.SIGALRM, on_alarm)
    signal.alarm(600)
    for test in TESTS:
        try:
            test()
            print(f"ok   {test.__name__}", flush=True)
        except Timeout:
            print(f"FAIL {test.__name__}: the run took over 600 s", flush=True)
            return 1
        except Exception as e:  # report every test, then fail
            failures.append(test.__name__)
            print(f"FAIL {test.__name__}: {type(e).__name__}: {e}", flush=True)
    if failures:
        print(f"deflate_echo_server_selftest: {len(failures)} failed: {', '.join(failures)}")
        return 1
    print("deflate_echo_server_selftest: ok")
    return 0


if __name__ == "__main__":
    sys.exit(main())
