#!/usr/bin/env python3
"""A deliberately broken WebSocket "server" for wsspec's hostile-peer tests.

    python3 hostile_server.py MODE [--port N]

Prints "listening on 127.0.0.1:PORT" (flushed) once it accepts connections, then serves
every connection the same way, one thread each, until it is killed. Standard library only.

MODE:
  silent        accept TCP, read and discard, never answer
  garbage       answer the request with random bytes that are not HTTP, then keep quiet
  midframe      valid 101, then half of a binary frame, then close TCP
  len-2^63-1    valid 101, then a frame header with the largest legal 64-bit length
                (2^63 - 1) and a few payload bytes, then keep quiet
  len-2^63      valid 101, then a frame header whose 64-bit length has the most
                significant bit set (RFC 6455 5.2 forbids it), then keep quiet
  endless-frame valid 101, then one binary frame of length 2^62 whose payload never ends
  endless-fragments
                valid 101, then a text message of 32 KiB fragments that never ends
"""

import base64
import hashlib
import os
import struct
import sys

import threaded_listener  # the accept loop the hostile peers share (this directory)


GUID = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11"  # RFC 6455 1.3
OP_CONTINUATION, OP_TEXT, OP_BINARY = 0x0, 0x1, 0x2
FIN = 0x80
LEN_64BIT = 127
CHUNK = 64 * 1024
FRAGMENT = 32 * 1024  # fits the 16-bit extended length


def read_request(conn):
    data = b""
    while b"\r\n\r\n" not in data:
        chunk = conn.recv(4096)
        if not chunk:
            return None
        data += chunk
        if len(data) > 64 * 1024:
            return None
    return data


def upgrade(conn):
    request = read_request(conn)
    if request is None:
        return False
    key = ""
    for line in request.split(b"\r\n")[1:]:
        name, _, value = line.partition(b":")
        if name.strip().lower() == b"sec-websocket-key":
            key = value.strip().decode("latin-1")
    accept = base64.b64encode(hashlib.sha1((key + GUID).encode()).digest()).decode()
    conn.sendall(("HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\n"
                  "Connection: Upgrade\r\nSec-WebSocket-Accept: " + accept + "\r\n\r\n")
                 .encode())
    return True


def header64(first_byte, length):
    return bytes([first_byte, LEN_64BIT]) + struct.pack("!Q", length)


def drain(conn):
    """Read until the client goes away; never answer."""
    while conn.recv(65536):
        pass


def serve(conn, mode):
    try:
        if mode == "silent":
            drain(conn)
        elif mode == "garbage":
            read_request(conn)
            conn.sendall(os.urandom(4096))
            drain(conn)
        elif mode == "midframe":
            if upgrade(conn):
                payload = b"x" * 100
                frame = bytes([FIN | OP_BINARY, len(payload)]) + payload
                conn.sendall(frame[:len(frame) // 2])
        elif mode in ("len-2^63-1", "len-2^63"):
            if upgrade(conn):
                length = (1 << 63) - 1 if mode == "len-2^63-1" else 1 << 63
                conn.sendall(header64(FIN | OP_BINARY, length) + b"\0" * 16)
                drain(conn)
        elif mode == "endless-frame":
            if upgrade(conn):
                conn.sendall(header64(FIN | OP_BINARY, 1 << 62))
                block = b"\xab" * CHUNK
                while True:
                    conn.sendall(block)
        elif mode == "endless-fragments":
            if upgrade(conn):
                block = b"a" * FRAGMENT
                conn.sendall(bytes([OP_TEXT, 126]) + struct.pack("!H", FRAGMENT) + block)
                frame = bytes([OP_CONTINUATION, 126]) + struct.pack("!H", FRAGMENT) + block
                while True:
                    conn.sendall(frame)
    except OSError:
        pass  # the client gave up on us: that is the point
    finally:
        conn.close()


MODES = ("silent", "garbage", "midframe", "len-2^63-1", "len-2^63", "endless-frame",
         "endless-fragments")


if __name__ == "__main__":
    sys.exit(threaded_listener.main(MODES, serve))
