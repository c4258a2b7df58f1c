#!/usr/bin/env python3
"""A WebSocket peer that answers the opening handshake and then sends frames forever, for
wsspec's flood tests (tests/integration/test_flood_peers.sh, tools/bench.sh floods).

    python3 flood_peer.py server KIND [--port N]
        Listens on 127.0.0.1 and prints "listening on 127.0.0.1:PORT" (flushed); every
        connection gets a valid 101 and then the flood, one thread each, until killed.
    python3 flood_peer.py client KIND URL --cases N [--agent NAME]
        For a fuzzingserver (wsspec test-client): runs /runCase?case=1..N, each with a
        valid request and then the flood until the server closes the connection, then
        /updateReports.

KIND:
  text64k  unfragmented 64 KiB text frames ("a" * 65536)
  empty    empty text frames (81 00, masked as a client), as fast as possible
  ping     125-byte Pings; never reads the Pongs
  trickle  a 125-byte Ping every 2 ms: data keeps arriving, but too slowly to cross the
           flood budget within a case timeout (the case must still end at its deadline)

The peer never reads what wsspec sends after the handshake (so Pongs pile up on its side),
and stops only when the connection breaks. Standard library only.
"""

import argparse
import base64
import hashlib
import os
import socket
import sys
import threading
import time
import urllib.parse

GUID = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11"  # RFC 6455 1.3
FIN = 0x80
OP_TEXT, OP_PING = 0x1, 0x9
MASK_BIT = 0x80
LEN_16BIT = 126
# Frames are sent in batches of about this many bytes, so Python keeps up with the network.
BATCH = 1 << 20
KINDS = ("text64k", "empty", "ping", "trickle")
TRICKLE_INTERVAL_S = 0.002


def frame(opcode, payload, masked):
    """One final frame; masked with the all-zero key (a valid key: 5.3 only asks for it to
    be unpredictable, which a flood does not care about) so the payload stays as is."""
    n = len(payload)
    head = bytes([FIN | opcode])
    mask = MASK_BIT if masked else 0
    if n < LEN_16BIT:
        head += bytes([mask | n])
    elif n < 1 << 16:
        head += bytes([mask | LEN_16BIT]) + n.to_bytes(2, "big")
    else:
        head += bytes([mask | 127]) + n.to_bytes(8, "big")
    if masked:
        head += b"\0\0\0\0"
    return head + payload


def flood_batch(kind, masked):
    if kind == "text64k":
        one = frame(OP_TEXT, b"a" * 65536, masked)
    elif kind == "empty":
        one = frame(OP_TEXT, b"", masked)
    else:
        one = frame(OP_PING, b"p" * 125, masked)
        if kind == "trickle":
            return one
    return one * max(1, BATCH // len(one))


def interval_of(kind):
    return TRICKLE_INTERVAL_S if kind == "trickle" else 0.0


def read_head(conn):
    data = b""
    while b"\r\n\r\n" not in data:
        chunk = conn.recv(4096)
        if not chunk:
            return None
        data += chunk
        if len(data) > 64 * 1024:
            return None
    return data


def flood(conn, batch, interval=0.0):
    try:
        while True:
            conn.sendall(batch)
            if interval:
                time.sleep(interval)
    except OSError:
        pass  # wsspec closed the connection: what the test waits for


def serve(conn, kind):
    try:
        request = read_head(conn)
        if request is None:
            return
        key = ""
        for line in request.split(b"\r\n")[1:]:
            name, _, value = line.partition(b":")
            if name.strip().lower() == b"sec-websocket-key":
                key = value.strip().decode("latin-1")
        accept = base64.b64encode(hashlib.sha1((key + GUID).encode()).digest()).decode()
        conn.sendall(("HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\n"
                      "Connection: Upgrade\r\nSec-WebSocket-Accept: " + accept + "\r\n\r\n")
                     .encode())
        flood(conn, flood_batch(kind, masked=False), interval_of(kind))
    except OSError:
        pass
    finally:
        conn.close()


def run_server(kind, port):
    listener = socket.socket()
    listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    listener.bind(("127.0.0.1", port))
    listener.listen(16)
    print(f"listening on 127.0.0.1:{listener.getsockname()[1]}", flush=True)
    while True:
        conn, _ = listener.accept()
        threading.Thread(target=serve, args=(conn, kind), daemon=True).start()


def connect(url, target):
    parts = urllib.parse.urlsplit(url)
    conn = socket.create_connection((parts.hostname, parts.port or 80), timeout=30)
    key = base64.b64encode(os.urandom(16)).decode()
    host = f"{parts.hostname}:{parts.port}" if parts.port else parts.hostname
    conn.sendall((f"GET {target} HTTP/1.1\r\nHost: {host}\r\nUpgrade: websocket\r\n"
                  "Connection: Upgrade\r\nSec-WebSocket-Key: " + key + "\r\n"
                  "Sec-WebSocket-Version: 13\r\n\r\n").encode())
    head = read_head(conn)
    if head is None or not head.startswith(b"HTTP/1.1 101"):
        raise SystemExit(f"flood_peer: {target}: no 101 ({head[:40] if head else None!r})")
    return conn


def run_client(kind, url, cases, agent):
    batch = flood_batch(kind, masked=True)
    base = urllib.parse.urlsplit(url).path.rstrip("/")
    for n in range(1, cases + 1):
        conn = connect(url, f"{base}/runCase?case={n}&agent={agent}")
        flood(conn, batch, interval_of(kind))
        conn.close()
        print(f"case {n}: connection closed by the server", flush=True)
    conn = connect(url, f"{base}/updateReports?agent={agent}")
    conn.close()


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("role", choices=("server", "client"))
    parser.add_argument("kind", choices=KINDS)
    parser.add_argument("url", nargs="?")
    parser.add_argument("--port", type=int, default=0)
    parser.add_argument("--cases", type=int, default=1)
    parser.add_argument("--agent", default="flood")
    args = parser.parse_args()
    if args.role == "server":
        run_server(args.kind, args.port)
    else:
        if not args.url:
            parser.error("client needs the fuzzingserver URL")
        run_client(args.kind, args.url, args.cases, args.agent)
    return 0


if __name__ == "__main__":
    sys.exit(main())
