#!/usr/bin/python3
"""A WebSocket echo server with permessage-deflate (RFC 6455, RFC 7692) written on the
standard library alone, so that every frame bit is under its control. It is a second
implementation, independent of wsspec's codec, that wsspec's compression cases must pass
against, and with --defect it breaks one RFC 7692 rule at a time, so that tests can check
that the cases catch each defect.

    /usr/bin/python3 deflate_echo_server.py --port 0 [--defect NAME]... [options]

Prints "listening on 127.0.0.1:PORT" (flushed) once bound, serves any number of
connections concurrently and exits cleanly on SIGTERM or SIGINT.

Behaviour without a defect:
  * Opening handshake (RFC 6455 4.2): GET, HTTP/1.1, one Host, Upgrade: websocket,
    Connection: upgrade, one Sec-WebSocket-Key (base64 of 16 octets), else 400 (405 for
    another method, 431 for a request head over 16 KiB); Sec-WebSocket-Version other
    than 13 or missing: 426 with Sec-WebSocket-Version: 13. No subprotocol is selected.
  * permessage-deflate (RFC 7692 5, 7): every Sec-WebSocket-Extensions header is parsed
    (RFC 6455 9.1; values are tokens or quoted-strings); a malformed header declines all
    extensions. The first acceptable permessage-deflate offer is accepted; an offer is
    declined when it has an unknown or duplicated parameter, a value on
    server_no_context_takeover or client_no_context_takeover, server_max_window_bits
    without a value, or a window that is not a decimal 8..15 without leading zeros. The
    answer repeats server_no_context_takeover (always with --server-no-context-takeover),
    client_no_context_takeover, server_max_window_bits=N when they were offered, and
    client_max_window_bits=N when it was offered with a value (or the smaller of it and
    --client-max-window-bits); a valueless client_max_window_bits is answered only with
    --client-max-window-bits. The echoes are compressed with the agreed server window;
    zlib cannot deflate with a 256-octet window, so for 8 the compressor runs at 9 bits
    with Z_HUFFMAN_ONLY, which emits no back-references at all and so fits any window.
  * Frames: client frames must be masked; RSV1 only on the first frame of a data message
    and only when permessage-deflate was agreed; RSV2, RSV3, reserved opcodes, fragmented
    or oversized (>125) control frames and continuation errors fail the connection with
    1002. Compressed messages are inflated (the 4 octets 00 00 ff ff appended, raw
    DEFLATE with the agreed client window, a fresh window per message when
    client_no_context_takeover was agreed; a DEFLATE block with BFINAL set starts a new
    stream that keeps the window) with the message limit applied while inflating (1009;
    the compressed octets of a message are bounded too, at twice the limit plus 1 MiB),
    bad DEFLATE data fails with 1007, text must be UTF-8 (1007, checked as it arrives).
    zlib rejects a distance only past the history it holds, and within one inflate call
    that includes what the call produced: a client that overshoots its agreed window is
    caught (1007) when the reference reaches back past the current call, such as into
    the previous message, not always. A Close is checked (code, UTF-8 reason: 1002 /
    1007) and its code echoed; a Ping gets a Pong with its payload; an idle connection
    (--idle-timeout) is closed with 1001.
  * Echo: every data message goes back with its opcode, compressed in one frame when
    permessage-deflate was agreed (RSV1, Z_SYNC_FLUSH, the trailing 00 00 ff ff removed,
    a fresh compressor per message when server_no_context_takeover was agreed), or in
    frames of --fragment N octets of (compressed) payload, RSV1 on the first only.

Defects (--defect NAME, repeatable; each changes exactly one thing, and the frame and
message defects act only on connections where permessage-deflate was agreed):
  keep-context          agrees to server_no_context_takeover but keeps the compressor's
                        LZ77 window across messages: RFC 7692 7.1.1.1 (the server MUST
                        NOT use the window of a previous message once it agreed).
  rsv1-continuation     sends every compressed echo in at least 2 frames with RSV1 on the
                        continuation frames too: RFC 7692 6.1 (the Per-Message Compressed
                        bit is set on the first frame only) and RFC 6455 5.2 (a reserved
                        bit with no meaning agreed: fail the connection).
  compressed-pong       answers a Ping with a Pong whose payload is deflated and has RSV1
                        set: RFC 7692 6.1 (an endpoint MUST NOT set the Per-Message
                        Compressed bit on control frames; permessage-deflate applies to
                        data messages only). A Pong over 125 octets is sent as is.
  window-lie            answers server_max_window_bits=N as offered but compresses with
                        a 32 KiB window (15 bits), so data that repeats at a distance over
                        2^N yields back-references the client cannot follow: RFC 7692
                        7.1.2.1 (the server MUST NOT use a window larger than it agreed).
                        A zlib inflater sees it only when the reference reaches past the
                        history it holds: inflating one octet per call makes that exact.
  unoffered-param       answers client_max_window_bits=15 even to an offer without
                        client_max_window_bits: RFC 7692 7.1.2.2 (the server MUST NOT
                        answer it unless the client offered it).
  unknown-param-accept  accepts offers that carry unknown parameters and repeats them in
                        its answer: RFC 7692 7 (an offer with an unknown parameter MUST
                        be declined) and 7.1 (the answer holds no other parameter).
  no-utf8-check         echoes inflated text messages without checking their UTF-8:
                        RFC 6455 8.1 (text that is not UTF-8: fail with 1007), applied
                        after decompression (RFC 7692 6).
  no-size-limit         inflates without the --max-message-size limit (no 1009; an
                        internal cap of 256 MiB drops the TCP connection to stay safe):
                        RFC 6455 7.4.1 / 10.4 (1009, protection against a message that
                        inflates far beyond its wire size, RFC 7692 8.1). No catalog case
                        fails on it: pmd.3.23's 128 MiB echo is an allowed answer.
  rsv1-uncompressed     sets RSV1 on echoes but sends their payload uncompressed: RFC 7692
                        6.1 and 6.2 (RSV1 means the payload is DEFLATE data; the client
                        inflates garbage or fails).
  accept-rsv1-control   accepts RSV1 on control frames (answers such a Ping, honours such a
                        Close) instead of failing: RFC 7692 6.1 and RFC 6455 5.2 (RSV1 on a
                        control frame has no agreed meaning: fail the connection, 1002).
"""

import argparse
import asyncio
import base64
import codecs
import hashlib
import re
import signal
import struct
import sys
import zlib

GUID = b"258EAFA5-E914-47DA-95CA-C5AB0DC85B11"  # RFC 6455 1.3
TAIL = b"\x00\x00\xff\xff"  # RFC 7692 7.2.1 / 7.2.2
HEADER_LIMIT = 16 * 1024  # the whole request head
STREAM_LIMIT = 64 * 1024  # one header line; also what the stream buffers ahead
MAX_HEADERS = 100
CHUNK = 64 * 1024  # largest payload read
CLOSE_WAIT = 3.0  # seconds to wait for the client's FIN after ours
INTERNAL_CAP = 256 * 1024 * 1024  # what no-size-limit still refuses to hold
BIG_MESSAGE = 1 << 20  # compress messages at least this big in a worker thread

OP_CONT, OP_TEXT, OP_BINARY, OP_CLOSE, OP_PING, OP_PONG = 0x0, 0x1, 0x2, 0x8, 0x9, 0xA
FIN, RSV1, RSV2, RSV3 = 0x80, 0x40, 0x20, 0x10

DEFECTS = (
    "keep-context",
    "rsv1-continuation",
    "compressed-pong",
    "window-lie",
    "unoffered-param",
    "unknown-param-accept",
    "no-utf8-check",
    "no-size-limit",
    "rsv1-uncompressed",
    "accept-rsv1-control",
)

TCHAR = r"!#$%&'*+\-.^_`|~0-9A-Za-z"  # RFC 7230 3.2.6
TOKEN = re.compile("[" + TCHAR + "]+")
REQUEST_LINE = re.compile(r"([" + TCHAR + r"]+) (\S+) HTTP/(\d)\.(\d)")
WINDOW_BITS = re.compile(r"(?:[89]|1[0-5])")  # 8..15, no leading zeros
BAD_VALUE_CHARS = re.compile(r"[\x00-\x08\x0a-\x1f\x7f]")
HOST_VALUE = re.compile(r"[^\s\x00-\x1f\x7f/?#@]+")

STATUS_TEXT = {
    400: "Bad Request",
    405: "Method Not Allowed",
    426: "Upgrade Required",
    431: "Request Header Fields Too Large",
    505: "HTTP Version Not Supported",
}


class HandshakeError(Exception):
    def __init__(self, status, why, extra=()):
        super().__init__(why)
        self.status = status
        self.extra = list(extra)


class Fail(Exception):
    """Fail the WebSocket connection (RFC 6455 7.1.7) with this close code."""

    def __init__(self, code, why):
        super().__init__(why)
        self.code = code


class Drop(Exception):
    """Close TCP without a Close frame."""


# --- Sec-WebSocket-Extensions (RFC 6455 9.1) and permessage-deflate (RFC 7692 7) ---


def parse_extensions(value):
    """[(name, [(param, value or None), ...]), ...]; ValueError when malformed."""
    out = []
    i, n = 0, len(value)

    def skip_ows():
        nonlocal i
        while i < n and value[i] in " \t":
            i += 1

    def token():
        nonlocal i
        m = TOKEN.match(value, i)
        if not m:
            raise ValueError(f"token expected at {i}")
        i = m.end()
        return m.group()

    def quoted():
        nonlocal i
        i += 1  # opening quote
        chars = []
        while True:
            if i >= n:
                raise ValueError("unterminated quoted-string")
            c = value[i]
            if c == '"':
                i += 1
                break
            if c == "\\":
                if i + 1 >= n:
                    raise ValueError("unterminated quoted-pair")
                c = value[i + 1]
                i += 1
            chars.append(c)
            i += 1
        # RFC 6455 9.1 wants a token once unquoted; that is left to the parameter checks
        # (permessage-deflate's values are numbers), so other extensions cannot spoil it
        return "".join(chars)

    skip_ows()
    while i < n:
        if value[i] == ",":  # empty list element (RFC 7230 7)
            i += 1
            skip_ows()
            continue
        name = token()
        params = []
        skip_ows()
        while i < n and value[i] == ";":
            i += 1
            skip_ows()
            pname = token()
            pvalue = None
            skip_ows()
            if i < n and value[i] == "=":
                i += 1
                skip_ows()
                pvalue = quoted() if i < n and value[i] == '"' else token()
                skip_ows()
            params.append((pname, pvalue))
        out.append((name, params))
        if i < n:
            if value[i] != ",":
                raise ValueError(f"',' expected at {i}")
            i += 1
            skip_ows()
    return out


def format_param(name, value):
    if value is None:
        return name
    if TOKEN.fullmatch(value):
        return f"{name}={value}"
    return name + '="' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'


class Agreement:
    """What permessage-deflate parameters the handshake settled."""

    def __init__(self):
        self.server_no_context_takeover = False
        self.client_no_context_takeover = False
        self.server_window = 15
        self.client_window = 15


def accept_offer(params, opts):
    """(answer, Agreement) for one permessage-deflate offer, or None to decline it."""
    known = ("server_no_context_takeover", "client_no_context_takeover",
             "server_max_window_bits", "client_max_window_bits")
    seen = {}
    unknown = []
    for name, value in params:
        if name in seen:
            return None  # RFC 7692 7: a parameter appears at most once
        seen[name] = value
        if name in ("server_no_context_takeover", "client_no_context_takeover"):
            if value is not None:
                return None
        elif name == "server_max_window_bits":
            if value is None or not WINDOW_BITS.fullmatch(value):
                return None
        elif name == "client_max_window_bits":
            if value is not None and not WINDOW_BITS.fullmatch(value):
                return None
        elif name not in known:
            if "unknown-param-accept" not in opts.defect:
                return None
            unknown.append((name, value))

    agreed = Agreement()
    answer = ["permessage-deflate"]
    if "server_no_context_takeover" in seen or opts.server_no_context_takeover:
        agreed.server_no_context_takeover = True
        answer.append("server_no_context_takeover")
    if "client_no_context_takeover" in seen:
        agreed.client_no_context_takeover = True
        answer.append("client_no_context_takeover")
    if "server_max_window_bits" in seen:
        agreed.server_window = int(seen["server_max_window_bits"])
        answer.append(f"server_max_window_bits={agreed.server_window}")
    if "client_max_window_bits" in seen:
        offered = seen["client_max_window_bits"]
        bits = None
        if offered is not None:
            bits = int(offered)
            if opts.client_max_window_bits:
                bits = min(bits, opts.client_max_window_bits)
        elif opts.client_max_window_bits:
            bits = opts.client_max_window_bits
        if bits is not None:
            agreed.client_window = bits
            answer.append(f"client_max_window_bits={bits}")
    elif "unoffered-param" in opts.defect:
        answer.append("client_max_window_bits=15")
    answer.extend(format_param(name, value) for name, value in unknown)
    return "; ".join(answer), agreed


def negotiate(header_values, opts):
    """(answer header value, Agreement), or (None, None) when nothing was accepted."""
    if opts.no_deflate:
        return None, None
    try:
        offers = [e for v in header_values for e in parse_extensions(v)]
    except ValueError:
        return None, None
    for name, params in offers:
        if name == "permessage-deflate":
            accepted = accept_offer(params, opts)
            if accepted:
                return accepted
    return None, None


# --- opening handshake (RFC 6455 4.2) ---


async def read_head(reader, idle):
    """The request head as a list of str lines (latin-1), without the empty last line."""
    lines = []
    total = 0
    while True:
        try:
            raw = await asyncio.wait_for(reader.readuntil(b"\n"), idle)
        except asyncio.LimitOverrunError:
            raise HandshakeError(431, "header line too long") from None
        except asyncio.IncompleteReadError:
            raise Drop("connection closed during the handshake") from None
        total += len(raw)
        if total > HEADER_LIMIT:
            raise HandshakeError(431, "request head too long")
        line = raw[:-1]
        if line.endswith(b"\r"):
            line = line[:-1]
        if not line:
            if not lines:
                continue  # RFC 7230 3.5: ignore empty lines before the request line
            return lines
        lines.append(line.decode("latin-1"))
        if len(lines) > MAX_HEADERS + 1:
            raise HandshakeError(431, "too many header fields")


def check_request(lines):
    """(headers: {lowercase name: [values]}) of a valid upgrade request."""
    m = REQUEST_LINE.fullmatch(lines[0])
    if not m:
        raise HandshakeError(400, "malformed request line")
    method, target, major, minor = m.groups()
    if major != "1":
        raise HandshakeError(505, "HTTP/1.1 required")
    if minor == "0":
        raise HandshakeError(400, "HTTP/1.1 or later required")
    if not (target.startswith("/") or re.match(r"(?i)(https?|wss?)://", target)):
        raise HandshakeError(400, "bad request target")
    headers = {}
    for line in lines[1:]:
        if line[:1] in (" ", "\t"):
            raise HandshakeError(400, "obsolete line folding")
        name, colon, value = line.partition(":")
        if not colon or not TOKEN.fullmatch(name):
            raise HandshakeError(400, "malformed header field")
        value = value.strip(" \t")
        if BAD_VALUE_CHARS.search(value):
            raise HandshakeError(400, "control character in a header value")
        headers.setdefault(name.lower(), []).append(value)
    if method != "GET":
        raise HandshakeError(405, "GET required", [("Allow", "GET")])

    def tokens(name):
        return {t.strip(" \t").lower() for v in headers.get(name, []) for t in v.split(",")}

    host = headers.get("host", [])
    if len(host) != 1 or not HOST_VALUE.fullmatch(host[0]):
        raise HandshakeError(400, "exactly one valid Host required")
    if "websocket" not in tokens("upgrade"):
        raise HandshakeError(400, "Upgrade: websocket required")
    if "upgrade" not in tokens("connection"):
        raise HandshakeError(400, "Connection: upgrade required")
    version = headers.get("sec-websocket-version", [])
    if len(version) > 1:
        raise HandshakeError(400, "more than one Sec-WebSocket-Version",
                             [("Sec-WebSocket-Version", "13")])
    if version != ["13"]:
        raise HandshakeError(426, "version 13 required",
                             [("Sec-WebSocket-Version", "13"), ("Upgrade", "websocket"),
                              ("Connection", "Upgrade, close")])
    key = headers.get("sec-websocket-key", [])
    if len(key) != 1 or not valid_key(key[0]):
        raise HandshakeError(400, "exactly one valid Sec-WebSocket-Key required")
    return headers


def valid_key(key):
    if len(key) != 24:
        return False
    try:
        return len(base64.b64decode(key, validate=True)) == 16
    except ValueError:
        return False


def accept_value(key):
    return base64.b64encode(hashlib.sha1(key.encode("latin-1") + GUID).digest()).decode()


def http_response(status, why, extra, head_only):
    body = b"" if head_only else (why + "\n").encode()
    lines = [f"HTTP/1.1 {status} {STATUS_TEXT[status]}", "Content-Type: text/plain",
             f"Content-Length: {len(why) + 1}"]
    names = {n.lower() for n, _ in extra}
    if "connection" not in names:
        lines.append("Connection: close")
    lines += [f"{n}: {v}" for n, v in extra]
    return ("\r\n".join(lines) + "\r\n\r\n").encode() + body


# --- frames ---


def unmask(data, key):
    """data XOR key, where key is the 4-octet mask repeated to at least len(data)."""
    n = len(data)
    if n == 0:
        return data
    return (int.from_bytes(data, "big") ^ int.from_bytes(key[:n], "big")).to_bytes(n, "big")


def frame_header(first_byte, length):
    if length < 126:
        return bytes([first_byte, length])
    if length < 65536:
        return bytes([first_byte, 126]) + struct.pack("!H", length)
    return bytes([first_byte, 127]) + struct.pack("!Q", length)


def valid_close_code(code):
    # RFC 6455 7.4.1 and the IANA registry (1012-1014), 3000-4999 for registration/private
    return code in (1000, 1001, 1002, 1003) or 1007 <= code <= 1014 or 3000 <= code <= 4999


class Connection:
    def __init__(self, reader, writer, opts, agreed):
        self.reader = reader
        self.writer = writer
        self.opts = opts
        self.agreed = agreed  # Agreement or None
        self.defects = set(opts.defect) if agreed else set()
        self.compressor = None
        self.inflater = None
        self.window = bytearray()  # last inflated octets, the client's LZ77 window
        self.stream_ended = False  # the last inflated octets ended with a BFINAL block
        # message in progress
        self.opcode = None
        self.compressed = False
        self.message = bytearray()
        self.wire_size = 0
        self.utf8 = None

    # reading

    async def read(self, n):
        try:
            return await asyncio.wait_for(self.reader.readexactly(n), self.opts.idle_timeout)
        except asyncio.IncompleteReadError:
            raise Drop("connection closed by the client") from None
        except asyncio.TimeoutError:
            raise Fail(1001, "idle timeout") from None

    async def read_some(self, n):
        """1 to n octets, as soon as some are there (a payload is checked as it comes)."""
        try:
            data = await asyncio.wait_for(self.reader.read(n), self.opts.idle_timeout)
        except asyncio.TimeoutError:
            raise Fail(1001, "idle timeout") from None
        if not data:
            raise Drop("connection closed by the client")
        return data

    # inflating (RFC 7692 7.2.2)

    def inflate_limit(self):
        return INTERNAL_CAP if "no-size-limit" in self.defects else self.opts.max_message_size

    def new_inflater(self):
        bits = self.agreed.client_window
        if self.window:
            return zlib.decompressobj(wbits=-bits, zdict=bytes(self.window[-(1 << bits):]))
        return zlib.decompressobj(wbits=-bits)

    def inflate(self, data):
        limit = self.inflate_limit()
        keep = 1 << self.agreed.client_window
        while data:
            room = limit - len(self.message) + 1
            try:
                out = self.inflater.decompress(data, room)
            except zlib.error as e:
                raise Fail(1007, f"bad DEFLATE data: {e}") from None
            self.message += out
            if len(self.message) > limit:
                if "no-size-limit" in self.defects:
                    raise Drop("internal inflate cap reached")
                raise Fail(1009, "message too big once inflated")
            self.window += out[-keep:]
            if len(self.window) > 2 * keep:
                del self.window[:-keep]
            self.check_utf8(out, inflated=True)
            self.stream_ended = self.inflater.eof
            if self.stream_ended:
                # A block with BFINAL set ended the stream (RFC 7692 7.2.3.4): what follows
                # is a new stream, which may still refer to the window.
                data = self.inflater.unused_data
                self.inflater = self.new_inflater()
            else:
                data = self.inflater.unconsumed_tail

    def check_utf8(self, data, inflated=False, final=False):
        if self.utf8 is None or (inflated and "no-utf8-check" in self.defects):
            return
        try:
            self.utf8.decode(data, final)
        except UnicodeDecodeError:
            raise Fail(1007, "text message is not UTF-8") from None

    # writing

    async def send_frames(self, frames):
        for first_byte, payload in frames:
            self.writer.write(frame_header(first_byte, len(payload)))
            if payload:
                self.writer.write(payload)
        try:
            await asyncio.wait_for(self.writer.drain(), self.opts.idle_timeout)
        except asyncio.TimeoutError:
            raise Drop("client does not read") from None

    def new_compressor(self):
        bits = self.agreed.server_window
        if "window-lie" in self.defects:
            bits = 15
        if bits == 8:
            # zlib refuses a raw 8-bit window; without back-references any window fits
            return zlib.compressobj(zlib.Z_DEFAULT_COMPRESSION, zlib.DEFLATED, -9, 8,
                                    zlib.Z_HUFFMAN_ONLY)
        return zlib.compressobj(zlib.Z_DEFAULT_COMPRESSION, zlib.DEFLATED, -bits)

    def compress(self, data):
        reset = self.agreed.server_no_context_takeover and "keep-context" not in self.defects
        if self.compressor is None or reset:
            self.compressor = self.new_compressor()
        out = self.compressor.compress(data) + self.compressor.flush(zlib.Z_SYNC_FLUSH)
        assert out.endswith(TAIL)
        return out[:-4]  # RFC 7692 7.2.1; an empty message leaves the single octet 00

    async def echo(self, opcode, data):
        rsv1 = 0
        payload = data
        if self.agreed:
            rsv1 = RSV1
            if "rsv1-uncompressed" not in self.defects:
                if len(data) >= BIG_MESSAGE:
                    payload = await asyncio.to_thread(self.compress, data)
                else:
                    payload = self.compress(data)
        size = self.opts.fragment or len(payload) or 1
        pieces = [payload[i:i + size] for i in range(0, len(payload), size)] or [b""]
        if "rsv1-continuation" in self.defects and len(pieces) < 2:
            half = (len(payload) + 1) // 2
            pieces = [payload[:half], payload[half:]]
        frames = []
        for i, piece in enumerate(pieces):
            first_byte = opcode | rsv1 if i == 0 else OP_CONT
            if i > 0 and "rsv1-continuation" in self.defects:
                first_byte |= rsv1
            if i == len(pieces) - 1:
                first_byte |= FIN
            frames.append((first_byte, piece))
        await self.send_frames(frames)

    async def send_close(self, code, reason=""):
        payload = struct.pack("!H", code) + reason.encode()[:123] if code else b""
        await self.send_frames([(FIN | OP_CLOSE, payload)])

    # the frame loop (RFC 6455 5)

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
            rsv1 = b0 & RSV1
            if b0 & (RSV2 | RSV3):
                raise Fail(1002, "RSV2 or RSV3 set")
            if opcode not in (OP_CONT, OP_TEXT, OP_BINARY, OP_CLOSE, OP_PING, OP_PONG):
                raise Fail(1002, f"reserved opcode {opcode}")
            key = await self.read(4) * (CHUNK // 4 + 1)

            if opcode & 0x8:
                if rsv1 and "accept-rsv1-control" not in self.defects:
                    raise Fail(1002, "RSV1 on a control frame")
                if not fin:
                    raise Fail(1002, "fragmented control frame")
                if length > 125:
                    raise Fail(1002, "control frame over 125 octets")
                payload = unmask(await self.read(length), key)
                if opcode == OP_CLOSE:
                    await self.on_close(payload)
                    return
                if opcode == OP_PING:
                    await self.pong(payload)
                continue

            if opcode == OP_CONT:
                if self.opcode is None:
                    raise Fail(1002, "continuation frame without a message")
                if rsv1:
                    raise Fail(1002, "RSV1 on a continuation frame")
            else:
                if self.opcode is not None:
                    raise Fail(1002, "new data frame inside a fragmented message")
                if rsv1 and not self.agreed:
                    raise Fail(1002, "RSV1 set without permessage-deflate")
                self.start_message(opcode, bool(rsv1))

            limit = self.inflate_limit()
            if self.compressed:
                # bounds the time spent on DEFLATE data that inflates to little or nothing
                if self.wire_size + length > 2 * limit + (1 << 20):
                    raise Fail(1009, "compressed message too big")
            elif self.wire_size + length > self.opts.max_message_size:
                raise Fail(1009, "message too big")
            self.wire_size += length
            done = 0
            while done < length:
                chunk = await self.read_some(min(length - done, CHUNK))
                chunk = unmask(chunk, key[done % 4:])
                done += len(chunk)
                if self.compressed:
                    self.inflate(chunk)
                else:
                    self.message += chunk
                    self.check_utf8(chunk)
            if fin:
                await self.end_message()

    def start_message(self, opcode, compressed):
        self.opcode = opcode
        self.compressed = compressed
        self.message = bytearray()
        self.wire_size = 0
        self.utf8 = codecs.getincrementaldecoder("utf-8")() if opcode == OP_TEXT else None
        if compressed:
            if self.inflater is None or self.agreed.client_no_context_takeover:
                self.window = bytearray()
                self.inflater = self.new_inflater()
                self.stream_ended = False

    async def end_message(self):
        if self.compressed and not self.stream_ended:
            # After a BFINAL block RFC 7692 7.2.1 has the sender add an empty stored block
            # (the octet 00 remains of it); without that octet, the tail would be read as
            # the start of the next message's data, so it is left out.
            self.inflate(TAIL)
        self.check_utf8(b"", inflated=self.compressed, final=True)
        opcode, data = self.opcode, self.message
        self.opcode = None
        self.message = bytearray()
        self.utf8 = None
        await self.echo(opcode, data)

    async def pong(self, payload):
        rsv1 = 0
        if "compressed-pong" in self.defects:
            c = zlib.compressobj(zlib.Z_DEFAULT_COMPRESSION, zlib.DEFLATED, -15)
            payload = (c.compress(payload) + c.flush(zlib.Z_SYNC_FLUSH))[:-4]
            rsv1 = RSV1
        await self.send_frames([(FIN | rsv1 | OP_PONG, payload)])

    async def on_close(self, payload):
        if len(payload) == 0:
            await self.send_close(None)
            return
        if len(payload) == 1:
            raise Fail(1002, "close payload of 1 octet")
        (code,) = struct.unpack("!H", payload[:2])
        if not valid_close_code(code):
            raise Fail(1002, f"invalid close code {code}")
        try:
            payload[2:].decode("utf-8")
        except UnicodeDecodeError:
            raise Fail(1007, "close reason is not UTF-8") from None
        await self.send_close(code)


# --- connections and the server ---


async def finish(writer, reader):
    """Send FIN, then read and discard until the client closes (bounded), then close."""
    try:
        await asyncio.wait_for(writer.drain(), CLOSE_WAIT)
        if writer.can_write_eof():
            writer.write_eof()
        loop = asyncio.get_running_loop()
        deadline = loop.time() + CLOSE_WAIT
        while True:
            left = deadline - loop.time()
            if left <= 0 or not await asyncio.wait_for(reader.read(CHUNK), left):
                break
    except (OSError, asyncio.TimeoutError):
        pass
    finally:
        if writer.transport.get_write_buffer_size():
            writer.transport.abort()
        else:
            writer.close()


class Server:
    def __init__(self, opts):
        self.opts = opts
        self.tasks = set()
        self.count = 0

    def log(self, text):
        if self.opts.verbose:
            print(text, file=sys.stderr, flush=True)

    async def handle(self, reader, writer):
        task = asyncio.current_task()
        self.tasks.add(task)
        self.count += 1
        number = self.count
        try:
            await self.serve(reader, writer, number)
        except (Drop, OSError, asyncio.TimeoutError) as e:
            self.log(f"#{number}: dropped: {e}")
            writer.transport.abort()
        except asyncio.CancelledError:
            writer.transport.abort()
        except Exception as e:  # a bug here: say so, keep serving the other connections
            print(f"#{number}: internal error: {type(e).__name__}: {e}", file=sys.stderr,
                  flush=True)
            writer.transport.abort()
        finally:
            self.tasks.discard(task)

    async def serve(self, reader, writer, number):
        opts = self.opts
        head_only = False
        try:
            lines = await read_head(reader, opts.idle_timeout)
            head_only = lines[0].startswith("HEAD ")
            headers = check_request(lines)
        except HandshakeError as e:
            self.log(f"#{number}: {e.status} {e}")
            writer.write(http_response(e.status, str(e), e.extra, head_only))
            await finish(writer, reader)
            return
        answer, agreed = negotiate(headers.get("sec-websocket-extensions", []), opts)
        self.log(f"#{number}: offer {headers.get('sec-websocket-extensions', [])} "
                 f"answer {answer!r}")
        response = ["HTTP/1.1 101 Switching Protocols", "Upgrade: websocket",
                    "Connection: Upgrade",
                    "Sec-WebSocket-Accept: " + accept_value(headers["sec-websocket-key"][0])]
        if answer:
            response.append("Sec-WebSocket-Extensions: " + answer)
        writer.write(("\r\n".join(response) + "\r\n\r\n").encode())

        conn = Connection(reader, writer, opts, agreed)
        try:
            await conn.run()
            self.log(f"#{number}: closed by the client")
        except Fail as e:
            self.log(f"#{number}: failing with {e.code}: {e}")
            try:
                await conn.send_close(e.code, str(e))
            except Drop:
                writer.transport.abort()
                return
        await finish(writer, reader)


async def main(opts):
    server = Server(opts)
    tcp = await asyncio.start_server(server.handle, "127.0.0.1", opts.port,
                                     limit=STREAM_LIMIT)
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


def window_bits(text):
    if not WINDOW_BITS.fullmatch(text):
        raise argparse.ArgumentTypeError("a window size from 8 to 15")
    return int(text)


def parse_args(argv=None):
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0],
                                formatter_class=argparse.RawDescriptionHelpFormatter,
                                epilog="\n".join(__doc__.splitlines()[1:]))
    p.add_argument("--port", type=int, default=0, help="TCP port on 127.0.0.1 (0: any free)")
    p.add_argument("--defect", action="append", default=[], choices=DEFECTS,
                   help="inject this defect (repeatable)")
    p.add_argument("--no-deflate", action="store_true", help="decline every extension")
    p.add_argument("--server-no-context-takeover", action="store_true",
                   help="always answer server_no_context_takeover")
    p.add_argument("--client-max-window-bits", type=window_bits, metavar="N",
                   help="answer client_max_window_bits=N to a valueless offer (and at most N)")
    p.add_argument("--fragment", type=int, default=0, metavar="N",
                   help="send echoes in frames of N octets of (compressed) payload")
    p.add_argument("--max-message-size", type=int, default=64 << 20, metavar="BYTES",
                   help="largest message, after inflation (default 64 MiB); over it: 1009")
    p.add_argument("--idle-timeout", type=float, default=60.0, metavar="SECONDS",
                   help="longest wait for the client's next bytes (default 60)")
    p.add_argument("-v", "--verbose", action="store_true",
                   help="log handshakes and closes to stderr")
    opts = p.parse_args(argv)
    if opts.fragment < 0 or opts.max_message_size < 1:
        p.error("--fragment and --max-message-size must be positive")
    return opts


if __name__ == "__main__":
    sys.exit(asyncio.run(main(parse_args())))
