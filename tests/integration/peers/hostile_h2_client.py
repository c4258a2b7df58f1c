#!/usr/bin/python3
"""Hostile HTTP/2 clients for `wsspec test-client --http2` (RFC 8441 over h2c). Used by
tests/integration/test_client_h2_hardening.sh.

    /usr/bin/python3 hostile_h2_client.py MODE PORT [ARGS...]

Each run opens one connection to 127.0.0.1:PORT, misbehaves in one way, waits a bounded
time for wsspec to deal with it, and prints one line:

    MODE: key=value ...   (then a free-text note)

with the keys the test checks:
  status=N       the :status answering our (first) extended CONNECT, "-" if none
  close=N        the close code of the first Close frame wsspec sent on the stream, "-"
  stream=X       how our stream ended: END_STREAM, RST_STREAM_<code>, or open
  connection=X   closed (TCP close), reset (TCP RST), GOAWAY_<code> (then closed), or open
  t=S            seconds from connecting until the connection ended (or we gave up)
plus a few keys of its own per mode. Exits 0 when it ran (whatever wsspec did), 2 when it
could not connect.

python-h2 (Debian python3-h2, hence /usr/bin/python3) does the HTTP/2 layer; the WebSocket
frames on the stream are built by hand with struct, since most of them are ones a library
refuses to send.

MODE:
  garbage          64 KiB of random bytes instead of the connection preface
  http1            an HTTP/1.1 Upgrade request instead of the connection preface
  silent           the preface and SETTINGS, then no request at all
  length-max       /runCase?case=1&agent=hostile-length, then a binary frame header that
                   announces 2^63 - 1 payload bytes (the largest legal length), and 1 KiB
  length-msb       the same with the 64-bit length's most significant bit set (RFC 6455 5.2)
  flood SECONDS    /runCase?case=1&agent=hostile-flood, then 64 KiB masked binary frames as
                   fast as the server's window allows for SECONDS s; what wsspec sends on the
                   stream is never read (our window for it stays shut)
  bad-utf8         /runCase?case=1&agent=hostile-utf8: wsspec's text message is echoed as a
                   text frame of 0xFF 0xFE (not UTF-8, RFC 6455 8.1)
  many-streams N   N extended CONNECTs for /getCaseCount at once on one connection; each one
                   answered gets its closing handshake; adds answered=, reset=, refused=,
                   counts= (the messages, sorted unique), most_open= (the most streams
                   answered 200 whose exchange was not over yet, at any one time)
  early-data N KIB HOLD
                   N extended CONNECTs for /runCase?case=1&agent=hostile-early at once, each
                   followed at once by a KIB KiB binary frame (before any answer), then
                   HOLD s without reading WebSocket data; adds sent_mib=, answered=, reset=
  huge-headers KIB an extended CONNECT whose header block is KIB KiB (HEADERS followed by
                   CONTINUATION frames; python-h2 splits it at the 16 KiB frame size)
  stop             /stopServer, a well-behaved request (ends a --keep-running server)
"""

import os
import select
import socket
import struct
import sys
import time

import h2.config
import h2.connection
import h2.errors
import h2.events
import h2.exceptions

HOST = "127.0.0.1"
READ_SIZE = 65536
# Every wait is bounded: a wsspec that never answers shows up as "open" in the line.
CONNECT_TIMEOUT = 5.0
ANSWER_TIMEOUT = 5.0   # for the 200, a Close, the end of a stream
CLOSE_TIMEOUT = 6.0    # for wsspec to close a connection it should not keep
GARBAGE_BYTES = 64 * 1024
FLOOD_FRAME = 64 * 1024

# RFC 6455 5.2
OP_TEXT, OP_BINARY, OP_CLOSE = 0x1, 0x2, 0x8
FIN, MASK_BIT = 0x80, 0x80
LEN_16BIT, LEN_64BIT = 126, 127

# RFC 9113 4.1, 6.8: enough of the framing to name a GOAWAY without python-h2.
FRAME_HEADER = 9
TYPE_GOAWAY = 0x7


def ws_frame(opcode, payload):
    """A final, masked client frame (RFC 6455 5.2, 5.3)."""
    key = os.urandom(4)
    return ws_header(opcode, length=len(payload), key=key) + mask(payload, key)


def ws_header(opcode, length, key):
    """A final frame's header with the shortest length encoding; `length` may be any
    64-bit value, also ones RFC 6455 5.2 forbids."""
    first = FIN | opcode
    if length < LEN_16BIT:
        head = struct.pack("!BB", first, MASK_BIT | length)
    elif length < 1 << 16:
        head = struct.pack("!BBH", first, MASK_BIT | LEN_16BIT, length)
    else:
        head = struct.pack("!BBQ", first, MASK_BIT | LEN_64BIT, length)
    return head + key


def mask(payload, key):
    # XOR as one big integer: fast enough for the 1 MiB frames here, no numpy needed.
    repeated = (key * (len(payload) // 4 + 1))[:len(payload)]
    return (int.from_bytes(payload, "big") ^ int.from_bytes(repeated, "big")).to_bytes(
        len(payload), "big") if payload else b""


def ws_frames(buffer):
    """Splits wsspec's (unmasked, server) frames off `buffer`: ([(opcode, payload)], rest)."""
    frames = []
    while len(buffer) >= 2:
        first, second = buffer[0], buffer[1]
        length, at = second & 0x7F, 2
        if length == LEN_16BIT:
            if len(buffer) < 4:
                break
            length, at = struct.unpack("!H", buffer[2:4])[0], 4
        elif length == LEN_64BIT:
            if len(buffer) < 10:
                break
            length, at = struct.unpack("!Q", buffer[2:10])[0], 10
        if second & MASK_BIT:
            at += 4  # a masked server frame is wsspec's business; skip the key
        if len(buffer) < at + length:
            break
        frames.append((first & 0x0F, buffer[at:at + length]))
        buffer = buffer[at + length:]
    return frames, buffer


def error_name(code):
    try:
        return h2.errors.ErrorCodes(code).name
    except ValueError:
        return str(code)


class Connection:
    """One h2c connection (prior knowledge) and what wsspec did on it."""

    def __init__(self, port, ack_data=True):
        self.started = time.monotonic()
        self.sock = socket.create_connection((HOST, port), timeout=CONNECT_TIMEOUT)
        self.h2 = h2.connection.H2Connection(
            h2.config.H2Configuration(client_side=True, header_encoding="utf-8"))
        # False: DATA is never acknowledged, so wsspec's window on our streams stays shut.
        self.ack_data = ack_data
        self.ended_at = None
        self.connection = "open"
        self.status = {}      # stream -> :status
        self.stream_end = {}  # stream -> "END_STREAM" / "RST_STREAM_<code>"
        self.ws_in = {}       # stream -> wsspec's WebSocket bytes not parsed yet
        self.messages = {}    # stream -> [(opcode, payload)]

    # -- I/O --

    def start(self):
        self.h2.initiate_connection()
        self.flush()

    def send_raw(self, data):
        try:
            self.sock.sendall(data)
        except socket.timeout:
            return False  # wsspec stopped reading; what it does next is what we look at
        except OSError:
            self.lost("reset")
            return False
        return True

    def flush(self):
        if self.ended_at is not None:
            return False
        data = self.h2.data_to_send()
        return self.send_raw(data) if data else True

    def lost(self, how):
        """The socket ended `how` ("closed", "reset"); after a GOAWAY: GOAWAY_X(closed)."""
        if self.ended_at is not None:
            return
        self.ended_at = time.monotonic()
        self.connection = how if self.connection == "open" else f"{self.connection}({how})"

    def poll(self, wait):
        """Reads what arrives within `wait` s and handles it; False once the socket closed."""
        if self.ended_at is not None:
            return False
        readable, _, _ = select.select([self.sock], [], [], max(wait, 0))
        if not readable:
            return True
        try:
            data = self.sock.recv(READ_SIZE)
        except OSError:
            self.lost("reset")
            return False
        if not data:
            self.lost("closed")
            return False
        try:
            events = self.h2.receive_data(data)
        except h2.exceptions.ProtocolError:
            # python-h2 took offence (it says GOAWAY itself); the test is about wsspec's side.
            self.flush()
            return True
        for event in events:
            self.handle(event)
        self.flush()  # SETTINGS ACK, PING ACK, WINDOW_UPDATE
        return True

    def wait_for(self, done, timeout):
        """Polls until done() or the socket closes or `timeout` s pass; returns done()."""
        deadline = time.monotonic() + timeout
        while not done() and time.monotonic() < deadline:
            if not self.poll(min(0.1, deadline - time.monotonic())):
                break
        return done()

    def wait_closed(self, timeout):
        return self.wait_for(lambda: self.ended_at is not None, timeout)

    def handle(self, event):
        sid = getattr(event, "stream_id", None)
        if isinstance(event, h2.events.ResponseReceived):
            self.status[sid] = int(dict(event.headers)[":status"])
        elif isinstance(event, h2.events.DataReceived):
            if self.ack_data:
                self.h2.acknowledge_received_data(event.flow_controlled_length, sid)
            frames, self.ws_in[sid] = ws_frames(self.ws_in.get(sid, b"") + event.data)
            self.messages.setdefault(sid, []).extend(frames)
        elif isinstance(event, h2.events.StreamEnded):
            self.stream_end.setdefault(sid, "END_STREAM")
        elif isinstance(event, h2.events.StreamReset):
            self.stream_end.setdefault(sid, "RST_STREAM_" + error_name(event.error_code))
        elif isinstance(event, h2.events.ConnectionTerminated):
            self.connection = "GOAWAY_" + error_name(event.error_code)

    # -- streams --

    def open_websocket(self, path, extra_headers=()):
        """Sends an extended CONNECT (RFC 8441 4, 5); the stream id."""
        sid = self.h2.get_next_available_stream_id()
        self.h2.send_headers(sid, [
            (":method", "CONNECT"), (":protocol", "websocket"), (":scheme", "http"),
            (":path", path), (":authority", f"{HOST}:{self.sock.getpeername()[1]}"),
            ("sec-websocket-version", "13"), *extra_headers])
        self.flush()
        return sid

    def handshake(self, path):
        """Waits for the server's SETTINGS, opens `path`, waits for the answer; the stream."""
        self.start()
        sid = self.open_websocket(path)
        self.wait_for(lambda: sid in self.status or sid in self.stream_end, ANSWER_TIMEOUT)
        return sid

    def send_ws(self, sid, data):
        """Sends WebSocket bytes as far as the windows allow; the count sent."""
        try:
            room = min(len(data), self.h2.local_flow_control_window(sid))
            for at in range(0, room, self.h2.max_outbound_frame_size):
                self.h2.send_data(sid, data[at:min(room, at + self.h2.max_outbound_frame_size)])
        except (h2.exceptions.StreamClosedError, h2.exceptions.ProtocolError):
            return 0
        return room if self.flush() else 0

    def end_stream(self, sid):
        try:
            self.h2.end_stream(sid)
        except (h2.exceptions.StreamClosedError, h2.exceptions.ProtocolError):
            return
        self.flush()

    def close_code(self, sid):
        for opcode, payload in self.messages.get(sid, []):
            if opcode == OP_CLOSE:
                return struct.unpack("!H", payload[:2])[0] if len(payload) >= 2 else 1005
        return None

    # -- the line --

    def report(self, mode, sid=None, extra="", note=""):
        """Prints the line (about stream `sid`, if given) and closes the socket."""
        t = (self.ended_at or time.monotonic()) - self.started
        fields = [f"{mode}:"]
        if sid is not None:
            code = self.close_code(sid)
            fields += [f"status={self.status.get(sid, '-')}",
                       f"close={'-' if code is None else code}",
                       f"stream={self.stream_end.get(sid, 'open')}"]
        fields += [f"connection={self.connection}", f"t={t:.2f}"]
        if extra:
            fields.append(extra)
        print(" ".join(fields) + (f"  ({note})" if note else ""), flush=True)
        self.sock.close()


# -- the modes --

def not_a_preface(port, mode, data):
    """Sends `data` where the connection preface belongs; wsspec should hang up."""
    started = time.monotonic()
    sock = socket.create_connection((HOST, port), timeout=CONNECT_TIMEOUT)
    received, how = b"", "open"
    try:
        sock.sendall(data)
    except OSError:
        how = "reset"  # wsspec hung up while we were still sending
    deadline = started + CLOSE_TIMEOUT
    while how == "open" and time.monotonic() < deadline:
        sock.settimeout(max(0.01, deadline - time.monotonic()))
        try:
            chunk = sock.recv(READ_SIZE)
        except socket.timeout:
            break
        except OSError:
            how = "reset"
            break
        if not chunk:
            how = "closed"
        received += chunk
    ended = time.monotonic() - started
    goaway = goaway_code(received)
    if goaway is not None and how != "open":
        how = f"GOAWAY_{error_name(goaway)}({how})"
    sock.close()
    print(f"{mode}: connection={how} t={ended:.2f}  (sent {len(data)} bytes)", flush=True)


def goaway_code(data):
    """The error code of the first GOAWAY among the HTTP/2 frames in `data` (RFC 9113 6.8)."""
    while len(data) >= FRAME_HEADER:
        length = int.from_bytes(data[:3], "big")
        frame_type = data[3]
        payload = data[FRAME_HEADER:FRAME_HEADER + length]
        if frame_type == TYPE_GOAWAY and len(payload) >= 8:
            return struct.unpack("!I", payload[4:8])[0]
        data = data[FRAME_HEADER + length:]
    return None


def garbage(port):
    not_a_preface(port, "garbage", os.urandom(GARBAGE_BYTES))


def http1(port):
    request = (f"GET /runCase?case=1&agent=hostile-http1 HTTP/1.1\r\nHost: {HOST}:{port}\r\n"
               "Upgrade: websocket\r\nConnection: Upgrade\r\n"
               "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n")
    not_a_preface(port, "http1", request.encode())


def silent(port):
    c = Connection(port)
    c.start()
    c.wait_closed(CLOSE_TIMEOUT)
    c.report("silent", note="preface and SETTINGS, then nothing")


def huge_length(port, mode, length):
    """A frame header announcing `length` payload bytes, then a little of the payload."""
    c = Connection(port)
    sid = c.handshake("/runCase?case=1&agent=hostile-length")
    key = os.urandom(4)
    c.send_ws(sid, ws_header(OP_BINARY, length, key) + mask(b"\0" * 1024, key))
    c.wait_for(lambda: sid in c.stream_end, ANSWER_TIMEOUT)
    c.end_stream(sid)
    c.report(mode, sid, note=f"announced {length:#x} payload bytes")


def flood(port, seconds):
    c = Connection(port, ack_data=False)
    sid = c.handshake("/runCase?case=1&agent=hostile-flood")
    frame = ws_frame(OP_BINARY, os.urandom(FLOOD_FRAME))
    sent, pending = 0, b""
    stop = time.monotonic() + seconds
    c.sock.settimeout(1.0)  # a send wsspec does not take in 1 s counts as refused, not a hang
    while time.monotonic() < stop and c.ended_at is None:
        pending = pending or frame
        n = c.send_ws(sid, pending)
        sent += n
        pending = pending[n:]
        c.poll(0 if n else 0.05)  # WINDOW_UPDATE, and whether wsspec hung up
    c.wait_closed(max(0.0, stop - time.monotonic()))
    c.report("flood", sid, f"sent_mib={sent / (1 << 20):.1f}",
             "wsspec's WebSocket data never read")


def bad_utf8(port):
    c = Connection(port)
    sid = c.handshake("/runCase?case=1&agent=hostile-utf8")
    # Case 1.1.1 sends one (empty) text message and expects it back.
    c.wait_for(lambda: c.messages.get(sid) or sid in c.stream_end, ANSWER_TIMEOUT)
    c.send_ws(sid, ws_frame(OP_TEXT, b"\xff\xfe"))
    c.wait_for(lambda: c.close_code(sid) is not None and sid in c.stream_end, ANSWER_TIMEOUT)
    c.end_stream(sid)
    c.report("bad-utf8", sid, note="echoed the text message as 0xFF 0xFE")


def many_streams(port, count):
    c = Connection(port)
    c.start()
    sids = [c.open_websocket("/getCaseCount") for _ in range(count)]
    answered, most_open = set(), 0

    def step():
        # Completes the closing handshake of each stream wsspec has answered and closed. A
        # stream's case is over once we answered its Close; wsspec answers the next stream
        # only after that if it serves them one at a time, so `most_open` stays 1.
        nonlocal most_open
        open_now = [s for s in sids if c.status.get(s) == 200 and s not in answered]
        most_open = max(most_open, len(open_now))
        for s in open_now:
            if c.close_code(s) is not None:
                answered.add(s)
                c.send_ws(s, ws_frame(OP_CLOSE, struct.pack("!H", 1000)))
                c.end_stream(s)
        return all(s in c.stream_end for s in sids)

    c.wait_for(step, 4 * ANSWER_TIMEOUT)
    counts = sorted({p.decode("utf-8", "replace") for s in sids
                     for op, p in c.messages.get(s, []) if op == OP_TEXT})
    resets = sum(1 for s in sids if c.stream_end.get(s, "").startswith("RST_STREAM"))
    refused = sum(1 for s in sids if c.status.get(s, 200) != 200)
    c.report("many-streams",
             extra=f"answered={len(answered)} reset={resets} refused={refused} "
                   f"counts={','.join(counts) or '-'} most_open={most_open}",
             note=f"{count} extended CONNECTs at once")


def early_data(port, count, kib, hold):
    """`count` runCase streams at once, each with `kib` KiB of WebSocket data sent before
    its answer (wsspec keeps what a waiting stream sent for when its turn comes)."""
    c = Connection(port, ack_data=False)
    c.start()
    # wsspec's SETTINGS open each stream's window to 1 MiB: the frames go out at once.
    c.wait_for(lambda: c.h2.remote_settings.initial_window_size > 65535, ANSWER_TIMEOUT)
    sids = [c.open_websocket("/runCase?case=1&agent=hostile-early") for _ in range(count)]
    data = ws_frame(OP_BINARY, os.urandom(kib * 1024 - 14))
    left = {s: data for s in sids}
    deadline = time.monotonic() + 4 * ANSWER_TIMEOUT
    while left and c.ended_at is None and time.monotonic() < deadline:
        for s in list(left):
            n = c.send_ws(s, left[s])
            left[s] = left[s][n:]
            if not left[s] or s in c.stream_end:
                del left[s]
        c.poll(0.01)
    sent = sum(len(data) - len(left.get(s, b"")) for s in sids)
    c.wait_closed(hold)  # meanwhile the test reads wsspec's memory use
    resets = sum(1 for s in sids if c.stream_end.get(s, "").startswith("RST_STREAM"))
    c.report("early-data",
             extra=f"sent_mib={sent / (1 << 20):.1f} answered={len(c.status)} reset={resets}",
             note=f"{count} runCase streams at once, {kib} KiB on each before its answer")


def huge_headers(port, kib):
    c = Connection(port)
    c.start()
    pad = [(f"x-pad-{i}", "p" * 1000) for i in range(kib)]
    sid = c.open_websocket("/runCase?case=1&agent=hostile-headers", pad)
    c.wait_for(lambda: sid in c.stream_end or c.connection != "open", ANSWER_TIMEOUT)
    c.wait_closed(1.0)  # a GOAWAY is followed by the close
    c.report("huge-headers", sid, note=f"a {kib} KiB header block")


def stop(port):
    c = Connection(port)
    sid = c.handshake("/stopServer")
    c.wait_for(lambda: c.close_code(sid) is not None, ANSWER_TIMEOUT)
    c.send_ws(sid, ws_frame(OP_CLOSE, struct.pack("!H", 1000)))
    c.end_stream(sid)
    c.wait_for(lambda: sid in c.stream_end, ANSWER_TIMEOUT)
    c.report("stop", sid)


def main(argv):
    mode, port = argv[1], int(argv[2])
    arg = argv[3] if len(argv) > 3 else None
    modes = {
        "garbage": lambda: garbage(port),
        "http1": lambda: http1(port),
        "silent": lambda: silent(port),
        "length-max": lambda: huge_length(port, "length-max", (1 << 63) - 1),
        "length-msb": lambda: huge_length(port, "length-msb", 1 << 63),
        "flood": lambda: flood(port, float(arg)),
        "bad-utf8": lambda: bad_utf8(port),
        "many-streams": lambda: many_streams(port, int(arg)),
        "huge-headers": lambda: huge_headers(port, int(arg)),
        "early-data": lambda: early_data(port, int(arg), int(argv[4]), float(argv[5])),
        "stop": lambda: stop(port),
    }
    if mode not in modes:
        raise SystemExit(f"unknown mode {mode}\n{__doc__}")
    try:
        modes[mode]()
    except (ConnectionRefusedError, socket.timeout) as exc:
        print(f"{mode}: could not connect: {exc}", flush=True)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
