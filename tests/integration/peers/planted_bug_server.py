#!/usr/bin/python3
"""A WebSocket echo server (RFC 6455) with planted bugs, for measuring what `wsspec
fuzz-server` finds. Without bugs it is a correct, strict echo server: the handshake and
frame rules of deflate_echo_server.py (which it imports), no extensions. Each bug needs a
combination of inputs that the fixed catalog does not send, so that
`wsspec test-server URL --exclude '9.*,12.*,13.*'` passes with every bug on, and only a
fuzzer that combines mutations finds them.

    /usr/bin/python3 planted_bug_server.py --port N [--bug NAME]... [--no-bugs]

Prints "listening on 127.0.0.1:PORT" (flushed) once bound; exits cleanly on SIGTERM or
SIGINT. Every bug is on unless --bug names a subset (or --no-bugs turns them all off).

Bugs (what triggers each, and what it does):
  fragment-crash      a binary message with an empty non-final continuation frame after
                      a non-empty fragment: a fake AddressSanitizer heap-buffer-overflow
                      report on stderr, then abort() (a crash).
  close-reason-crash  a Close with a code from 3000 to 3999 (RFC 6455 7.4.2, registered
                      for libraries) and a reason of 64 to 100 octets: a fake
                      stack-buffer-overflow report, then abort().
  handshake-crash     an opening handshake with one header field name sent twice in
                      different letter case ("Upgrade" and "UPGRADE"): a fake
                      heap-use-after-free report, then abort().
  ping-hang           a Ping received after the second (or a later) fragment of a binary
                      message: that connection stops processing frames (no Pong, no echo,
                      no Close reply) until the client goes away; the process keeps serving
                      other connections.
  echo-corruption     a message of more than 65536 octets that arrived in 2 or more
                      fragments: the echo has its octet at offset 65536 XORed with 0x20.
  pong-leak           an unsolicited Pong received while a fragmented message is in
                      progress: 1 MiB (--leak-kib) is kept forever, so the process grows.
"""

import argparse
import asyncio
import codecs
import os
import signal
import struct
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from deflate_echo_server import (  # noqa: E402  (the shared RFC 6455 handshake and framing)
    CHUNK, FIN, OP_BINARY, OP_CLOSE, OP_CONT, OP_PING, OP_PONG, OP_TEXT, RSV1, RSV2, RSV3,
    STREAM_LIMIT, Drop, Fail, HandshakeError, accept_value, check_request, finish,
    frame_header, http_response, read_head, unmask, valid_close_code)

BUGS = ("fragment-crash", "close-reason-crash", "handshake-crash", "ping-hang",
        "echo-corruption", "pong-leak")

MAX_MESSAGE = 64 << 20  # as `wsspec serve`: larger messages are failed with 1009
CORRUPT_OFFSET = 65536  # echo-corruption: the octet flipped, messages must be longer
CORRUPT_MASK = 0x20
REASON_BUG_RANGE = range(64, 101)  # close-reason-crash: reason lengths
CODE_BUG_RANGE = range(3000, 4000)  # close-reason-crash: close codes

leaked = []  # pong-leak: what is never given back


def crash(kind, frames):
    """What a sanitizer-built server prints before it dies, then the death itself."""
    pid = os.getpid()
    lines = [f"==={pid}==ERROR: AddressSanitizer: {kind} on address 0x602000000{pid % 1000:03d}",
             "READ of size 1 at 0x602000000010 thread T0"]
    for i, frame in enumerate(frames):
        lines.append(f"    #{i} 0x5555555{i:05x} in {frame} planted_bug_server.py")
    lines.append(f"SUMMARY: AddressSanitizer: {kind} planted_bug_server.py in {frames[0]}")
    lines.append(f"==={pid}==ABORTING")
    sys.stderr.write("\n".join(lines) + "\n")
    sys.stderr.flush()
    os.abort()


def check_header_names(lines, bugs):
    """handshake-crash: a name seen twice in different letter case."""
    if "handshake-crash" not in bugs:
        return
    seen = {}
    for line in lines[1:]:
        name = line.partition(":")[0]
        other = seen.setdefault(name.lower(), name)
        if other != name:
            crash("heap-use-after-free", ["merge_header_field", "parse_request_head",
                                          "accept_connection"])


class Connection:
    def __init__(self, reader, writer, opts):
        self.reader = reader
        self.writer = writer
        self.opts = opts
        self.bugs = opts.bugs
        self.opcode = None  # message in progress
        self.message = bytearray()
        self.fragments = 0
        self.saw_content = False  # a non-empty fragment came before
        self.utf8 = None

    async def read(self, n):
        try:
            return await asyncio.wait_for(self.reader.readexactly(n), self.opts.idle_timeout)
        except asyncio.IncompleteReadError:
            raise Drop("connection closed by the client") from None
        except asyncio.TimeoutError:
            raise Fail(1001, "idle timeout") from None

    async def send_frames(self, frames):
        for first_byte, payload in frames:
            self.writer.write(frame_header(first_byte, len(payload)) + payload)
        try:
            await asyncio.wait_for(self.writer.drain(), self.opts.idle_timeout)
        except asyncio.TimeoutError:
            raise Drop("client does not read") from None

    async def send_close(self, code, reason=""):
        payload = struct.pack("!H", code) + reason.encode()[:123] if code else b""
        await self.send_frames([(FIN | OP_CLOSE, payload)])

    async def hang(self):
        """ping-hang: stop answering; notice only that the client went away."""
        while await self.reader.read(CHUNK):
            pass
        raise Drop("hung connection closed by the client")

    def check_utf8(self, data, final=False):
        if self.utf8 is None:
            return
        try:
            self.utf8.decode(data, final)
        except UnicodeDecodeError:
            raise Fail(1007, "text message is not UTF-8") from None

    async def run(self):
        while True:
            b0, b1 = await self.read(2)
            length = b1 & 0x7F
            if length == 126:
                (length,) = struct.unpack("!H", await self.read(2))
            elif length == 127:
                (length,) = struct.unpack("!Q", await self.read(8))
                if length >> 63:
                    raise Fail(1002, "64-bit length with the most significant bit set")
            if not b1 & 0x80:
                raise Fail(1002, "unmasked client frame")
            opcode = b0 & 0x0F
            fin = b0 & FIN
            if b0 & (RSV1 | RSV2 | RSV3):
                raise Fail(1002, "reserved bit set, no extension agreed")
            if opcode not in (OP_CONT, OP_TEXT, OP_BINARY, OP_CLOSE, OP_PING, OP_PONG):
                raise Fail(1002, f"reserved opcode {opcode}")
            key = await self.read(4) * (CHUNK // 4 + 1)

            if opcode & 0x8:
                if not fin:
                    raise Fail(1002, "fragmented control frame")
                if length > 125:
                    raise Fail(1002, "control frame over 125 octets")
                payload = unmask(await self.read(length), key)
                if opcode == OP_CLOSE:
                    await self.on_close(payload)
                    return
                if opcode == OP_PING:
                    if ("ping-hang" in self.bugs and self.opcode == OP_BINARY
                            and self.fragments >= 2):
                        await self.hang()
                    await self.send_frames([(FIN | OP_PONG, payload)])
                elif opcode == OP_PONG and self.opcode is not None and "pong-leak" in self.bugs:
                    leaked.append(bytearray(b"\x5a") * (self.opts.leak_kib * 1024))
                continue

            if opcode == OP_CONT:
                if self.opcode is None:
                    raise Fail(1002, "continuation frame without a message")
                if ("fragment-crash" in self.bugs and self.opcode == OP_BINARY and length == 0
                        and not fin and self.saw_content):
                    crash("heap-buffer-overflow", ["reassemble_fragment", "Connection.run",
                                                   "serve_connection"])
            else:
                if self.opcode is not None:
                    raise Fail(1002, "new data frame inside a fragmented message")
                self.opcode = opcode
                self.message = bytearray()
                self.fragments = 0
                self.saw_content = False
                self.utf8 = codecs.getincrementaldecoder("utf-8")() if opcode == OP_TEXT else None
            if len(self.message) + length > MAX_MESSAGE:
                raise Fail(1009, "message too big")
            self.fragments += 1
            self.saw_content = self.saw_content or length > 0
            done = 0
            while done < length:
                chunk = await self.read_some(min(length - done, CHUNK))
                chunk = unmask(chunk, key[done % 4:])
                done += len(chunk)
                self.message += chunk
                self.check_utf8(chunk)
            if fin:
                self.check_utf8(b"", final=True)
                data = self.message
                if ("echo-corruption" in self.bugs and self.fragments >= 2
                        and len(data) > CORRUPT_OFFSET):
                    data[CORRUPT_OFFSET] ^= CORRUPT_MASK
                opcode, self.opcode, self.message, self.utf8 = self.opcode, None, bytearray(), None
                await self.send_frames([(FIN | opcode, bytes(data))])

    async def read_some(self, n):
        try:
            data = await asyncio.wait_for(self.reader.read(n), self.opts.idle_timeout)
        except asyncio.TimeoutError:
            raise Fail(1001, "idle timeout") from None
        if not data:
            raise Drop("connection closed by the client")
        return data

    async def on_close(self, payload):
        if len(payload) == 0:
            await self.send_close(None)
            return
        if len(payload) == 1:
            raise Fail(1002, "close payload of 1 octet")
        (code,) = struct.unpack("!H", payload[:2])
        if not valid_close_code(code):
            raise Fail(1002, f"invalid close code {code}")
        reason = payload[2:]
        try:
            reason.decode("utf-8")
        except UnicodeDecodeError:
            raise Fail(1007, "close reason is not UTF-8") from None
        if ("close-reason-crash" in self.bugs and code in CODE_BUG_RANGE
                and len(reason) in REASON_BUG_RANGE):
            crash("stack-buffer-overflow", ["format_close_reason", "Connection.on_close",
                                            "serve_connection"])
        await self.send_close(code)


class Server:
    def __init__(self, opts):
        self.opts = opts
        self.tasks = set()

    async def handle(self, reader, writer):
        task = asyncio.current_task()
        self.tasks.add(task)
        try:
            await self.serve(reader, writer)
        except (Drop, OSError, asyncio.TimeoutError):
            writer.transport.abort()
        except asyncio.CancelledError:
            writer.transport.abort()
        finally:
            self.tasks.discard(task)

    async def serve(self, reader, writer):
        opts = self.opts
        head_only = False
        try:
            lines = await read_head(reader, opts.idle_timeout)
            head_only = lines[0].startswith("HEAD ")
            check_header_names(lines, opts.bugs)
            headers = check_request(lines)
        except HandshakeError as e:
            writer.write(http_response(e.status, str(e), e.extra, head_only))
            await finish(writer, reader)
            return
        response = ["HTTP/1.1 101 Switching Protocols", "Upgrade: websocket",
                    "Connection: Upgrade",
                    "Sec-WebSocket-Accept: " + accept_value(headers["sec-websocket-key"][0])]
        writer.write(("\r\n".join(response) + "\r\n\r\n").encode())
        conn = Connection(reader, writer, opts)
        try:
            await conn.run()
        except Fail as e:
            try:
                await conn.send_close(e.code, str(e))
            except Drop:
                writer.transport.abort()
                return
        await finish(writer, reader)


async def main(opts):
    server = Server(opts)
    tcp = await asyncio.start_server(server.handle, "127.0.0.1", opts.port, limit=STREAM_LIMIT,
                                     backlog=512)
    host, port = tcp.sockets[0].getsockname()[:2]
    print(f"listening on {host}:{port}", flush=True)
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(sig, stop.set)
    await stop.wait()
    tcp.close()
    for task in list(server.tasks):
        task.cancel()
    await asyncio.gather(*server.tasks, return_exceptions=True)
    return 0


def parse_args(argv=None):
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0],
                                formatter_class=argparse.RawDescriptionHelpFormatter,
                                epilog="\n".join(__doc__.splitlines()[1:]))
    p.add_argument("--port", type=int, default=0, help="TCP port on 127.0.0.1 (0: any free)")
    p.add_argument("--bug", action="append", default=[], choices=BUGS,
                   help="plant only this bug (repeatable; default: all of them)")
    p.add_argument("--no-bugs", action="store_true", help="a correct echo server")
    p.add_argument("--leak-kib", type=int, default=1024, metavar="KIB",
                   help="pong-leak: KiB kept per trigger (default 1024)")
    p.add_argument("--idle-timeout", type=float, default=60.0, metavar="SECONDS",
                   help="longest wait for the client's next bytes (default 60)")
    opts = p.parse_args(argv)
    if opts.no_bugs and opts.bug:
        p.error("--no-bugs and --bug exclude each other")
    opts.bugs = set() if opts.no_bugs else set(opts.bug or BUGS)
    return opts


if __name__ == "__main__":
    sys.exit(asyncio.run(main(parse_args())))
