#!/usr/bin/python3
"""Hostile HTTP/2 servers for `wsspec test-server h2c://...` (WebSockets over HTTP/2 with
prior knowledge, RFC 8441). Used by tests/integration/test_hostile_h2_servers.sh; the
HTTP/1.1 counterpart is hostile_server.py.

    /usr/bin/python3 hostile_h2_server.py MODE [--port N]

Prints "listening on 127.0.0.1:PORT" (flushed) once it accepts connections, then serves
every connection the same way, one thread each, until it is killed. When a connection ends
(wsspec closed it, or LINGER_S passed) it prints one line:

    MODE: requests=N rst=X goaway=X sent_mib=M end=E t=S

  requests   HEADERS frames wsspec sent (its extended CONNECTs)
  rst        the error code of wsspec's first RST_STREAM (RFC 9113 7), "-" if none came
  goaway     the error code of wsspec's first GOAWAY, "-" if none came
  sent_mib   DATA payload we sent, in MiB
  end        closed (wsspec closed TCP), reset, stalled (wsspec took none of our bytes
             for STALL_S), or linger (we gave up after LINGER_S)
  t          seconds from accept to the end

python-h2 (Debian python3-h2, hence /usr/bin/python3) does the HTTP/2 layer as long as the
mode behaves; what python-h2 refuses to send (frames past the client's limits, frames on
streams nobody opened, PUSH_PROMISE to a client that disabled push, a header block larger
than any sane one) is written as raw frames with struct, after which python-h2 is dropped
and the connection is only watched. The WebSocket frames on the stream are built by hand.

MODE:
  garbage              64 KiB of random bytes where the server's SETTINGS belong
  http1                an HTTP/1.1 400 response to the connection preface (a server that
                       speaks only HTTP/1.1), the connection left open
  silent               accept TCP, read and discard, never send a byte
  no-connect-protocol  valid SETTINGS without SETTINGS_ENABLE_CONNECT_PROTOCOL (RFC 8441 3)
  connect-protocol-0   valid SETTINGS with SETTINGS_ENABLE_CONNECT_PROTOCOL = 0
  flood                200, then 64 KiB binary frames on the stream as fast as wsspec's
                       windows allow; what wsspec sends is never looked at and no other
                       stream is ever answered (the h2.7 cases open more)
  endless-frame        200, then a binary frame header announcing 2^63 - 1 payload bytes,
                       then payload for as long as the windows allow
  overrun              200, then OVERRUN_DATA of DATA regardless of wsspec's flow-control
                       windows (RFC 9113 6.9.1), never reading the socket
  data-before-headers  a WINDOW_UPDATE opening wsspec's send window on the connection to
                       2^31 - 1, then DATA on the stream (64 KiB binary frames) before its 200
                       HEADERS, as much as wsspec's own receive windows allow up to
                       EARLY_DATA, then the 200
  huge-headers         the 200's header block is HUGE_HEADER_BLOCK bytes: one HEADERS and
                       CONTINUATION frames of 16 KiB
  push-promise         200, then PUSH_PROMISE on the stream although wsspec's SETTINGS said
                       ENABLE_PUSH 0 (RFC 9113 8.4), and the pushed response
  foreign-streams      200, then DATA, RST_STREAM and WINDOW_UPDATE on streams wsspec never
                       opened, and HEADERS on a server stream never promised (RFC 9113 5.1)
  huge-settings        SETTINGS with HEADER_TABLE_SIZE 2^32 - 1, INITIAL_WINDOW_SIZE
                       2^31 - 1 and MAX_FRAME_SIZE 2^24 - 1 (all legal), 200, then DATA
                       frames of 2^24 - 1 bytes (past wsspec's own SETTINGS_MAX_FRAME_SIZE,
                       RFC 9113 4.2)
  ping-flood           200 and then PING frames without end in the same writes, never reading
                       wsspec's PING ACKs (RFC 9113 6.7; the "ping flood" of CVE-2019-9512)
  settings-flood       the same with SETTINGS frames, each to be acknowledged (RFC 9113
                       6.5.3; CVE-2019-9515)
  reset-after-200      200 and RST_STREAM INTERNAL_ERROR in one write; the connection stays
                       open
  goaway-after-200     200 and GOAWAY NO_ERROR with last-stream-id 0 in one write (RFC 9113
                       6.8: the stream was not processed); the connection stays open
  goaway-at-once       SETTINGS and GOAWAY NO_ERROR with last-stream-id 0 in one write,
                       before any request; the connection stays open
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
import h2.settings

import threaded_listener  # the accept loop the hostile peers share (this directory)


READ_SIZE = 65536
# Every connection ends by itself: wsspec's --timeout in the test is far shorter.
LINGER_S = 20.0
# A send wsspec does not take within this long: it stopped reading (which it may).
STALL_S = 3.0
GARBAGE_BYTES = 64 * 1024
WS_PAYLOAD = 64 * 1024
EARLY_DATA = 64 << 20
OVERRUN_DATA = 64 << 20
HUGE_DATA = 64 << 20
CONTROL_FLOOD = 64 << 20
CONTROL_BATCH = 10000  # frames per write
HUGE_HEADER_BLOCK = 8 << 20
HUGE_FIELD_VALUE = 8000  # under nghttp2's 64 KiB per field: only the block as a whole is huge

# RFC 9113 3.4, 4.1, 6: what is read and written raw.
PREFACE = b"PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n"
FRAME_HEADER = 9
TYPE_DATA, TYPE_HEADERS, TYPE_RST_STREAM, TYPE_SETTINGS = 0x0, 0x1, 0x3, 0x4
TYPE_PUSH_PROMISE, TYPE_PING, TYPE_GOAWAY, TYPE_WINDOW_UPDATE, TYPE_CONTINUATION = (
    0x5, 0x6, 0x7, 0x8, 0x9)
FLAG_END_HEADERS = 0x4
DEFAULT_MAX_FRAME = 16384  # wsspec announces no SETTINGS_MAX_FRAME_SIZE of its own
MAX_FRAME_SIZE = (1 << 24) - 1
MAX_WINDOW = (1 << 31) - 1
DEFAULT_WINDOW = 65535
# RFC 7541 appendix A: ":status: 200" is entry 8 of the static table.
HPACK_STATUS_200 = b"\x88"

# RFC 6455 5.2: unmasked server frames, always with the 64-bit length.
FIN, OP_BINARY = 0x80, 0x2
LEN_64BIT = 127
LARGEST_LENGTH = (1 << 63) - 1

SETTING = h2.settings.SettingCodes
WEBSOCKETS = {SETTING.ENABLE_CONNECT_PROTOCOL: 1}  # RFC 8441 3
ACCEPTED = [(":status", "200")]                    # RFC 8441 5


def raw_frame(frame_type, flags, stream, payload=b""):
    """An HTTP/2 frame as RFC 9113 4.1 lays it out, whatever its length."""
    return (struct.pack("!I", len(payload))[1:] + struct.pack("!BBI", frame_type, flags, stream)
            + payload)


def ws_header(length):
    """A final binary frame's header with the 64-bit length (any value)."""
    return struct.pack("!BBQ", FIN | OP_BINARY, LEN_64BIT, length)


def hpack_int(value, prefix_bits):
    """RFC 7541 5.1, with the first octet's other bits zero."""
    limit = (1 << prefix_bits) - 1
    if value < limit:
        return bytes([value])
    out, value = bytearray([limit]), value - limit
    while value >= 128:
        out.append(value % 128 + 128)
        value //= 128
    out.append(value)
    return bytes(out)


def hpack_literal(name, value):
    """RFC 7541 6.2.2: a literal field without indexing and without Huffman coding, so
    wsspec's dynamic table stays as python-h2's encoder believes it is."""
    return b"\x00" + hpack_int(len(name), 7) + name + hpack_int(len(value), 7) + value


def error_name(code):
    try:
        return h2.errors.ErrorCodes(code).name
    except ValueError:
        return str(code)


class Peer:
    """One accepted connection: python-h2 while the mode conforms, raw frames after."""

    def __init__(self, conn, mode):
        self.sock = conn
        self.mode = mode
        self.started = time.monotonic()
        self.h2 = None
        self.stream = None  # the extended CONNECT's stream
        self.requests = 0
        self.rst = None
        self.goaway = None
        self.sent = 0
        self.end = None
        self.rx = b""  # wsspec's bytes not yet split into frames
        self.preface_left = len(PREFACE)
        self.sock.settimeout(STALL_S)

    # -- I/O --

    def send(self, data):
        """False once the connection is over (`end` says how)."""
        if self.end:
            return False
        try:
            self.sock.sendall(data)
        except socket.timeout:
            self.end = "stalled"
        except OSError:
            self.end = "reset"
        return self.end is None

    def flush(self):
        return self.send(self.h2.data_to_send()) if self.h2 else self.end is None

    def raw(self):
        """What python-h2 has queued; from here on the connection is ours, frame by frame."""
        data, self.h2 = self.h2.data_to_send(), None
        return data

    def poll(self, wait):
        """Reads what arrives within `wait` s; python-h2's events while it is in charge."""
        if self.end:
            return []
        readable, _, _ = select.select([self.sock], [], [], max(wait, 0))
        if not readable:
            return []
        try:
            data = self.sock.recv(READ_SIZE)
        except OSError:
            self.end = "reset"
            return []
        if not data:
            self.end = "closed"
            return []
        self.scan(data)
        if not self.h2:
            return []
        try:
            events = self.h2.receive_data(data)
        except h2.exceptions.ProtocolError:
            self.h2 = None  # wsspec did something python-h2 objects to; we only watch now
            return []
        self.flush()  # SETTINGS ACK, PING ACK, WINDOW_UPDATE
        return events

    def scan(self, data):
        """Counts wsspec's HEADERS frames and notes its first RST_STREAM and GOAWAY, whoever
        is in charge of the connection."""
        self.rx += data
        if self.preface_left:
            skipped = min(self.preface_left, len(self.rx))
            self.rx, self.preface_left = self.rx[skipped:], self.preface_left - skipped
        while len(self.rx) >= FRAME_HEADER:
            length = int.from_bytes(self.rx[:3], "big")
            if len(self.rx) < FRAME_HEADER + length:
                break
            frame_type, payload = self.rx[3], self.rx[FRAME_HEADER:FRAME_HEADER + length]
            if frame_type == TYPE_HEADERS:
                self.requests += 1
            elif frame_type == TYPE_RST_STREAM and len(payload) >= 4 and self.rst is None:
                self.rst = struct.unpack("!I", payload[:4])[0]
            elif frame_type == TYPE_GOAWAY and len(payload) >= 8 and self.goaway is None:
                self.goaway = struct.unpack("!I", payload[4:8])[0]
            self.rx = self.rx[FRAME_HEADER + length:]

    def linger(self):
        """Reads (and answers, while python-h2 is in charge) until wsspec closes."""
        deadline = self.started + LINGER_S
        while not self.end and time.monotonic() < deadline:
            self.poll(deadline - time.monotonic())
        self.end = self.end or "linger"

    # -- HTTP/2 --

    def start(self, settings):
        """Queues our SETTINGS, with `settings` ({SettingCodes: value}), in python-h2."""
        self.h2 = h2.connection.H2Connection(
            h2.config.H2Configuration(client_side=False, header_encoding="utf-8"))
        self.h2.local_settings = h2.settings.Settings(client=False, initial_values=settings)
        self.h2.initiate_connection()

    def accept_request(self):
        """Sends what is queued and waits for the extended CONNECT; its stream, or None."""
        self.flush()
        deadline = self.started + LINGER_S
        while self.stream is None and self.h2 and not self.end and time.monotonic() < deadline:
            for event in self.poll(deadline - time.monotonic()):
                if isinstance(event, h2.events.RequestReceived) and self.stream is None:
                    self.stream = event.stream_id
        return self.stream

    def pump(self, source, limit):
        """Sends DATA from `source` (an endless bytes iterator) as far as wsspec's windows
        allow, reading its WINDOW_UPDATEs meanwhile, until `limit` bytes or the end."""
        pending = b""
        while self.h2 and not self.end and self.sent < limit:
            if time.monotonic() > self.started + LINGER_S:
                return
            try:
                room = min(self.h2.local_flow_control_window(self.stream), 4 * WS_PAYLOAD,
                           limit - self.sent)
            except (h2.exceptions.StreamClosedError, h2.exceptions.ProtocolError):
                return  # wsspec reset the stream
            if room == 0:
                self.poll(0.05)
                continue
            while len(pending) < room:
                pending += next(source)
            chunk, pending = pending[:room], pending[room:]
            step = self.h2.max_outbound_frame_size
            try:
                for at in range(0, len(chunk), step):
                    self.h2.send_data(self.stream, chunk[at:at + step])
            except (h2.exceptions.StreamClosedError, h2.exceptions.ProtocolError):
                return  # wsspec's GOAWAY or RST_STREAM: python-h2 sends no more
            if self.flush():
                self.sent += len(chunk)
            self.poll(0)

    def report(self):
        rst = "-" if self.rst is None else error_name(self.rst)
        goaway = "-" if self.goaway is None else error_name(self.goaway)
        t = time.monotonic() - self.started
        print(f"{self.mode}: requests={self.requests} rst={rst} goaway={goaway} "
              f"sent_mib={self.sent / (1 << 20):.1f} end={self.end} t={t:.2f}", flush=True)


# -- what goes on the stream --

def binary_frames():
    """64 KiB binary frames, without end."""
    frame = ws_header(WS_PAYLOAD) + os.urandom(WS_PAYLOAD)
    while True:
        yield frame


def endless_frame():
    """One frame header announcing 2^63 - 1 payload bytes, then payload without end."""
    yield ws_header(LARGEST_LENGTH)
    block = b"\0" * WS_PAYLOAD
    while True:
        yield block


def accepted(peer, settings=WEBSOCKETS):
    """SETTINGS, the extended CONNECT, and our 200 queued in python-h2 (the caller sends it
    together with what follows); False if wsspec sent no request."""
    peer.start(settings)
    if peer.accept_request() is None:
        return False
    peer.h2.send_headers(peer.stream, ACCEPTED)
    return True


# -- the modes --

def garbage(peer):
    peer.send(os.urandom(GARBAGE_BYTES))
    peer.linger()


def http1(peer):
    # What a server that speaks only HTTP/1.1 says to "PRI * HTTP/2.0" (RFC 9113 3.4).
    peer.send(b"HTTP/1.1 400 Bad Request\r\nContent-Type: text/plain\r\nContent-Length: 11\r\n"
              b"\r\nBad Request")
    peer.linger()


def silent(peer):
    peer.linger()


def no_connect_protocol(peer):
    peer.start({})
    peer.flush()
    peer.linger()


def connect_protocol_0(peer):
    peer.start({SETTING.ENABLE_CONNECT_PROTOCOL: 0})
    peer.flush()
    peer.linger()


def flood(peer):
    if accepted(peer) and peer.flush():
        peer.pump(binary_frames(), float("inf"))
    peer.linger()


def endless(peer):
    if accepted(peer) and peer.flush():
        peer.pump(endless_frame(), float("inf"))
    peer.linger()


def overrun(peer):
    """DATA past every window, never reading: wsspec's flow control is all that stops it."""
    if accepted(peer):
        frames = binary_frames()
        data = b"".join(next(frames) for _ in range(16))
        batch = b"".join(raw_frame(TYPE_DATA, 0, peer.stream, data[at:at + DEFAULT_MAX_FRAME])
                         for at in range(0, len(data), DEFAULT_MAX_FRAME))
        peer.send(peer.raw())
        while peer.sent < OVERRUN_DATA and peer.send(batch):
            peer.sent += len(data)
    peer.linger()


def data_before_headers(peer):
    peer.start(WEBSOCKETS)
    # Opens only wsspec's send window; how much DATA we may send is its receive windows' say.
    peer.h2.increment_flow_control_window(MAX_WINDOW - DEFAULT_WINDOW)
    if peer.accept_request() is not None:
        # python-h2 lets a server send DATA on an open stream before its HEADERS.
        peer.pump(binary_frames(), EARLY_DATA)
        try:
            if peer.h2:
                peer.h2.send_headers(peer.stream, ACCEPTED)
                peer.flush()
        except (h2.exceptions.StreamClosedError, h2.exceptions.ProtocolError):
            pass  # wsspec already ended the stream or the connection
    peer.linger()


def huge_headers(peer):
    peer.start(WEBSOCKETS)
    if peer.accept_request() is not None:
        field = hpack_literal(b"x-pad", b"p" * HUGE_FIELD_VALUE)
        block = HPACK_STATUS_200 + field * (HUGE_HEADER_BLOCK // len(field))
        chunks = [block[at:at + DEFAULT_MAX_FRAME]
                  for at in range(0, len(block), DEFAULT_MAX_FRAME)]
        frames = [raw_frame(TYPE_HEADERS, 0, peer.stream, chunks[0])]
        frames += [raw_frame(TYPE_CONTINUATION, 0, peer.stream, c) for c in chunks[1:-1]]
        frames.append(raw_frame(TYPE_CONTINUATION, FLAG_END_HEADERS, peer.stream, chunks[-1]))
        peer.send(peer.raw())
        for frame in frames:
            if not peer.send(frame):
                break
    peer.linger()


def push_promise(peer):
    if accepted(peer):
        promised = 2  # RFC 9113 5.1.1: the server's streams are even
        request = b"".join(hpack_literal(n, v) for n, v in (
            (b":method", b"GET"), (b":scheme", b"http"), (b":path", b"/pushed"),
            (b":authority", b"127.0.0.1")))
        peer.send(peer.raw()
                  + raw_frame(TYPE_PUSH_PROMISE, FLAG_END_HEADERS, peer.stream,
                              struct.pack("!I", promised) + request)
                  + raw_frame(TYPE_HEADERS, FLAG_END_HEADERS, promised, HPACK_STATUS_200)
                  + raw_frame(TYPE_DATA, 0, promised, b"pushed" * 1000))
    peer.linger()


def foreign_streams(peer):
    if accepted(peer):
        idle = peer.stream + 2  # the client's next stream ids, which it never opened
        unpromised = 4
        peer.send(peer.raw()
                  + raw_frame(TYPE_DATA, 0, idle, ws_header(4) + b"data")
                  + raw_frame(TYPE_RST_STREAM, 0, idle + 2,
                              struct.pack("!I", h2.errors.ErrorCodes.INTERNAL_ERROR))
                  + raw_frame(TYPE_WINDOW_UPDATE, 0, idle + 4, struct.pack("!I", 1000))
                  + raw_frame(TYPE_HEADERS, FLAG_END_HEADERS, unpromised, HPACK_STATUS_200))
    peer.linger()


def huge_settings(peer):
    settings = dict(WEBSOCKETS)
    settings[SETTING.HEADER_TABLE_SIZE] = (1 << 32) - 1
    settings[SETTING.INITIAL_WINDOW_SIZE] = MAX_WINDOW
    settings[SETTING.MAX_FRAME_SIZE] = MAX_FRAME_SIZE
    if accepted(peer, settings):
        # One WebSocket frame as large as can be, in DATA frames as large as our SETTINGS
        # would allow wsspec, which did not allow them to us.
        payload = ws_header(LARGEST_LENGTH) + b"\0" * (MAX_FRAME_SIZE - 10)
        frame = raw_frame(TYPE_DATA, 0, peer.stream, payload)
        peer.send(peer.raw())
        while peer.sent < HUGE_DATA and peer.send(frame):
            peer.sent += len(payload)
    peer.linger()


def control_flood(peer, frame):
    """Our 200 and then `frame` over and over, the first batch in the same write; what
    wsspec answers is never read, so its acknowledgements can only pile up on its side."""
    if accepted(peer):
        batch = frame * CONTROL_BATCH
        if peer.send(peer.raw() + batch):
            sent = len(batch)
            while sent < CONTROL_FLOOD and peer.send(batch):
                sent += len(batch)
    peer.linger()


def ping_flood(peer):
    control_flood(peer, raw_frame(TYPE_PING, 0, 0, b"hostile!"))


def settings_flood(peer):
    # SETTINGS_INITIAL_WINDOW_SIZE as it already is: each frame changes nothing but asks
    # for an ACK.
    control_flood(peer, raw_frame(TYPE_SETTINGS, 0, 0,
                                  struct.pack("!HI", SETTING.INITIAL_WINDOW_SIZE,
                                              DEFAULT_WINDOW)))


def reset_after_200(peer):
    if accepted(peer):
        peer.h2.reset_stream(peer.stream, h2.errors.ErrorCodes.INTERNAL_ERROR)
        peer.flush()
    peer.linger()


def goaway_after_200(peer):
    if accepted(peer):
        peer.h2.close_connection(h2.errors.ErrorCodes.NO_ERROR, last_stream_id=0)
        peer.flush()
    peer.linger()


def goaway_at_once(peer):
    peer.start(WEBSOCKETS)
    peer.h2.close_connection(h2.errors.ErrorCodes.NO_ERROR, last_stream_id=0)
    peer.flush()
    peer.linger()


MODES = {
    "garbage": garbage,
    "http1": http1,
    "silent": silent,
    "no-connect-protocol": no_connect_protocol,
    "connect-protocol-0": connect_protocol_0,
    "flood": flood,
    "endless-frame": endless,
    "overrun": overrun,
    "data-before-headers": data_before_headers,
    "huge-headers": huge_headers,
    "push-promise": push_promise,
    "foreign-streams": foreign_streams,
    "huge-settings": huge_settings,
    "ping-flood": ping_flood,
    "settings-flood": settings_flood,
    "reset-after-200": reset_after_200,
    "goaway-after-200": goaway_after_200,
    "goaway-at-once": goaway_at_once,
}


def serve(conn, mode):
    peer = Peer(conn, mode)
    try:
        MODES[mode](peer)
    except OSError:
        peer.end = peer.end or "reset"  # wsspec gave up on us: often the point
    finally:
        conn.close()
        peer.report()


if __name__ == "__main__":
    sys.exit(threaded_listener.main(MODES, serve))
