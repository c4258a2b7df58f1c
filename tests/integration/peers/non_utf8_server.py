#!/usr/bin/env python3
"""A WebSocket echo server whose peer-visible strings are not UTF-8: the handshake answer
carries `Server: evil\\xff\\xc3\\x28srv`, and it answers a Close with code 1000 and the
reason b"bad\\xff". It echoes text and binary messages (reassembling fragments), answers
Pings, and handles one connection at a time. Prints "listening on 127.0.0.1:PORT".
With --no-server-header it sends no Server header (and a plain close reason), as many
servers do. Used by tests/integration/test_report_hardening.sh and test_report_merge.sh."""
import base64
import hashlib
import socket
import struct
import sys

GUID = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11"  # RFC 6455 1.3
SERVER = b"evil\xff\xc3\x28srv"
CLOSE_REASON = b"bad\xff"
NO_SERVER_HEADER = "--no-server-header" in sys.argv[1:]
SERVER_LINE = b"" if NO_SERVER_HEADER else b"Server: " + SERVER + b"\r\n"
if NO_SERVER_HEADER:
    CLOSE_REASON = b"bye"


def recv_exact(conn, n):
    data = b""
    while len(data) < n:
        chunk = conn.recv(n - len(data))
        if not chunk:
            raise ConnectionError("closed")
        data += chunk
    return data


def read_frame(conn):
    b0, b1 = recv_exact(conn, 2)
    length = b1 & 0x7F
    if length == 126:
        length = struct.unpack("!H", recv_exact(conn, 2))[0]
    elif length == 127:
        length = struct.unpack("!Q", recv_exact(conn, 8))[0]
    mask = recv_exact(conn, 4) if b1 & 0x80 else b"\0\0\0\0"
    payload = bytearray(recv_exact(conn, length))
    for i in range(len(payload)):
        payload[i] ^= mask[i % 4]
    return b0 & 0x80, b0 & 0x0F, bytes(payload)


def frame(opcode, payload):
    n = len(payload)
    if n < 126:
        head = bytes([0x80 | opcode, n])
    elif n < 65536:
        head = bytes([0x80 | opcode, 126]) + struct.pack("!H", n)
    else:
        head = bytes([0x80 | opcode, 127]) + struct.pack("!Q", n)
    return head + payload


def serve(conn):
    request = b""
    while b"\r\n\r\n" not in request:
        chunk = conn.recv(4096)
        if not chunk:
            return
        request += chunk
    key = ""
    for line in request.split(b"\r\n")[1:]:
        name, _, value = line.partition(b":")
        if name.strip().lower() == b"sec-websocket-key":
            key = value.strip().decode("latin-1")
    accept = base64.b64encode(hashlib.sha1((key + GUID).encode()).digest())
    conn.sendall(b"HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\n"
                 b"Connection: Upgrade\r\n" + SERVER_LINE + b"Sec-WebSocket-Accept: " +
                 accept + b"\r\n\r\n")
    message, message_opcode = b"", 0
    while True:
        fin, opcode, payload = read_frame(conn)
        if opcode == 0x8:
            conn.sendall(frame(0x8, struct.pack("!H", 1000) + CLOSE_REASON))
            return
        if opcode == 0x9:
            conn.sendall(frame(0xA, payload))
            continue
        if opcode == 0xA:
            continue
        if opcode in (0x1, 0x2):
            message, message_opcode = payload, opcode
        else:
            message += payload
        if fin:
            conn.sendall(frame(message_opcode, message))


def main():
    listener = socket.socket()
    listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    listener.bind(("127.0.0.1", 0))
    listener.listen(16)
    print(f"listening on 127.0.0.1:{listener.getsockname()[1]}", flush=True)
    while True:
        conn, _ = listener.accept()
        conn.settimeout(30)
        try:
            serve(conn)
        except (ConnectionError, OSError, struct.error):
            pass
        finally:
            conn.close()


if __name__ == "__main__":
    sys.exit(main())
