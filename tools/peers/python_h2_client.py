#!/usr/bin/python3
"""Autobahn-style fuzzingserver client driver for WebSockets over HTTP/2 (RFC 8441).

Two third-party sans-IO libraries do the protocol work: python-h2 (Debian python3-h2)
the HTTP/2 connection (framing, HPACK, flow control, the RFC 9113 checks), and wsproto's
frame protocol (Debian python3-wsproto, wsproto.frame_protocol) the WebSocket frames on
the stream. This file only moves bytes between them and a socket, the way an application
built on the two would:

  1. the server's SETTINGS must carry SETTINGS_ENABLE_CONNECT_PROTOCOL = 1 (RFC 8441 3)
  2. extended CONNECT: :method CONNECT, :protocol websocket, :scheme, :path, :authority,
     sec-websocket-version: 13 (RFC 8441 4, 5); 200 opens the WebSocket
  3. echo every message until the server closes (Close, END_STREAM or RST_STREAM)

with the driver loop of driver_loop.py (getCaseCount, runCase 1..N, updateReports). One
HTTP/2 connection per WebSocket. h2c://HOST:PORT (prior knowledge) or h2://HOST:PORT (TLS,
ALPN "h2"; the certificate is not verified unless --ca is given).

    /usr/bin/python3 tools/peers/python_h2_client.py --url h2c://127.0.0.1:9001 \
        --agent python-h2

Exits 0 when the loop ran to the end (whatever the cases did), 1 if getCaseCount or
updateReports could not be reached.
"""

import socket
import ssl
import sys
import time
import urllib.parse

import h2.config
import h2.connection
import h2.events
import h2.exceptions
import h2.settings
from wsproto.frame_protocol import CloseReason, FrameProtocol, Opcode, ParseFailed

import driver_loop

READ_SIZE = 65536
CASE_TIMEOUT = 60.0  # silence this long ends a connection (the server ends every case itself)


class Failed(Exception):
    """The WebSocket could not be opened, or the stream broke."""


def add_arguments(p):
    p.add_argument("--ca", help="CA file to verify an h2:// server's certificate")
    p.add_argument("--timeout", type=float, default=CASE_TIMEOUT)


class H2WebSocket:
    """One HTTP/2 connection carrying one WebSocket."""

    def __init__(self, url, args):
        parts = urllib.parse.urlsplit(url)
        if parts.scheme not in ("h2c", "h2"):
            raise Failed(f"not an h2c:// or h2:// URL: {url}")
        self.tls = parts.scheme == "h2"
        self.authority = parts.netloc
        self.path = parts.path + ("?" + parts.query if parts.query else "")
        self.timeout = args.timeout
        sock = socket.create_connection((parts.hostname, parts.port), timeout=self.timeout)
        if self.tls:
            ctx = ssl.create_default_context(cafile=args.ca)
            if not args.ca:
                ctx.check_hostname = False
                ctx.verify_mode = ssl.CERT_NONE
            ctx.set_alpn_protocols(["h2"])  # RFC 9113 3.2
            sock = ctx.wrap_socket(sock, server_hostname=parts.hostname)
            if sock.selected_alpn_protocol() != "h2":
                raise Failed("the server did not agree to h2 by ALPN")
        self.sock = sock
        self.h2 = h2.connection.H2Connection(
            h2.config.H2Configuration(client_side=True, header_encoding="utf-8"))
        self.h2.initiate_connection()
        self.ws = FrameProtocol(client=True, extensions=[])
        self.stream = None
        self.status = None
        self.settings_seen = False
        self.stream_ended = False
        self.reset = None
        self.pending = b""  # WebSocket bytes waiting for flow-control window
        self.messages = []
        self.message = None  # the message being received
        self.closing = False
        self.flush()

    def flush(self):
        data = self.h2.data_to_send()
        if data:
            self.sock.sendall(data)

    def read(self):
        """Feeds one read to h2 and handles its events; False when the socket closed."""
        try:
            data = self.sock.recv(READ_SIZE)
        except (socket.timeout, ssl.SSLError, OSError) as exc:
            raise Failed(f"read: {exc}") from exc
        if not data:
            return False
        try:
            events = self.h2.receive_data(data)
        except h2.exceptions.ProtocolError as exc:
            self.flush()  # h2's GOAWAY
            raise Failed(f"HTTP/2 protocol error: {exc}") from exc
        for event in events:
            self.handle(event)
        self.send_pending()
        self.flush()
        return True

    def handle(self, event):
        if isinstance(event, h2.events.RemoteSettingsChanged):
            self.settings_seen = True
        elif isinstance(event, h2.events.ResponseReceived) and event.stream_id == self.stream:
            self.status = int(dict(event.headers)[":status"])
        elif isinstance(event, h2.events.DataReceived) and event.stream_id == self.stream:
            self.h2.acknowledge_received_data(event.flow_controlled_length, event.stream_id)
            self.on_websocket_bytes(event.data)
        elif isinstance(event, h2.events.StreamEnded) and event.stream_id == self.stream:
            self.stream_ended = True
        elif isinstance(event, h2.events.StreamReset) and event.stream_id == self.stream:
            self.reset = event.error_code
        elif isinstance(event, h2.events.ConnectionTerminated):
            self.stream_ended = True

    def open(self):
        deadline = time.monotonic() + self.timeout
        while not self.settings_seen:
            if time.monotonic() > deadline or not self.read():
                raise Failed("no SETTINGS from the server")
        # RFC 8441 3: no :protocol unless the server enabled extended CONNECT.
        if self.h2.remote_settings.get(h2.settings.SettingCodes.ENABLE_CONNECT_PROTOCOL) != 1:
            raise Failed("the server did not send SETTINGS_ENABLE_CONNECT_PROTOCOL = 1")
        self.stream = self.h2.get_next_available_stream_id()
        self.h2.send_headers(self.stream, [
            (":method", "CONNECT"), (":protocol", "websocket"),
            (":scheme", "https" if self.tls else "http"), (":path", self.path),
            (":authority", self.authority), ("sec-websocket-version", "13")])
        self.flush()
        while self.status is None:
            if self.reset is not None or self.stream_ended:
                raise Failed("the stream ended without a response")
            if time.monotonic() > deadline or not self.read():
                raise Failed("no response to the extended CONNECT")
        if self.status != 200:  # RFC 8441 5
            raise Failed(f"the extended CONNECT was answered with {self.status}")

    def send(self, data):
        self.pending += data
        self.send_pending()
        self.flush()

    def send_pending(self):
        if not self.pending or self.stream is None or self.stream_ended or self.reset:
            return
        try:
            window = self.h2.local_flow_control_window(self.stream)
        except h2.exceptions.StreamClosedError:
            self.pending = b""
            return
        size = min(window, len(self.pending))
        max_frame = self.h2.max_outbound_frame_size
        sent = 0
        while sent < size:
            chunk = self.pending[sent:min(size, sent + max_frame)]
            self.h2.send_data(self.stream, chunk)
            sent += len(chunk)
        self.pending = self.pending[sent:]

    def on_websocket_bytes(self, data):
        self.ws.receive_bytes(data)
        try:
            for frame in self.ws.received_frames():
                self.on_frame(frame)
        except ParseFailed as exc:
            # RFC 6455 7.1.7: fail the connection with the code the broken rule names.
            self.send(self.ws.close(exc.code, str(exc)[:100]))
            self.close_stream()

    def on_frame(self, frame):
        if frame.opcode in (Opcode.TEXT, Opcode.BINARY, Opcode.CONTINUATION):
            # wsproto's message decoder yields each frame's piece under the message's opcode;
            # the message is whole at message_finished.
            self.message = frame.payload if self.message is None else self.message + frame.payload
            if frame.message_finished:
                message, self.message = self.message, None
                if len(self.messages) < 4:
                    self.messages.append(message)
                self.send(self.ws.send_data(message, fin=True))
        elif frame.opcode is Opcode.PING:
            self.send(self.ws.pong(frame.payload))
        elif frame.opcode is Opcode.CLOSE:
            code, _reason = frame.payload
            self.send(self.ws.close(None if code == CloseReason.NO_STATUS_RCVD else code))
            self.close_stream()

    def close_stream(self):
        # RFC 8441 5: after the Close, END_STREAM is the orderly close of the stream.
        if self.stream_ended or self.reset is not None or self.pending:
            self.closing = True
            return
        try:
            self.h2.end_stream(self.stream)
        except h2.exceptions.StreamClosedError:
            pass
        self.flush()
        self.stream_ended = True

    def run(self):
        while not self.stream_ended and self.reset is None:
            if self.closing and not self.pending:
                self.close_stream()
                break
            if not self.read():
                break
        self.shutdown()

    def shutdown(self):
        try:
            self.h2.close_connection()
            self.flush()
        except (h2.exceptions.ProtocolError, OSError):
            pass
        self.sock.close()


def connect_and_echo(url, args):
    ws = H2WebSocket(url, args)
    try:
        ws.open()
    except Exception:
        ws.shutdown()
        raise
    ws.run()
    return ws.messages


def main(argv):
    args = driver_loop.parse_args(argv, __doc__, "python-h2", add_arguments)

    async def get_case_count(url):
        messages = connect_and_echo(url, args)
        return int(messages[0].decode() if isinstance(messages[0], bytes) else messages[0])

    async def run_case(url):
        connect_and_echo(url, args)

    async def update_reports(url):
        connect_and_echo(url, args)

    import asyncio
    return asyncio.run(driver_loop.drive(args, get_case_count, run_case, update_reports,
                                         (Failed, OSError, IndexError)))


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
