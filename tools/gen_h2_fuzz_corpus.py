#!/usr/bin/env python3
"""Seed corpus for the h2_session fuzz target (fuzz/h2_session_fuzzer.cpp).

Writes corpus/h2_session/<name>: the [config][chunk plan] bytes the target reads first, then
what an RFC 8441 peer sends: a client's preface, SETTINGS, an extended CONNECT and DATA
carrying WebSocket frames (server role), or a server's SETTINGS with
SETTINGS_ENABLE_CONNECT_PROTOCOL, a 200 and DATA (client role). Header blocks use HPACK
literals without indexing or Huffman coding (RFC 7541 6.2.2), so the seeds stay readable in
a hex dump and the dictionary's tokens line up with them.

Standard library only; deterministic. Usage:
    python3 tools/gen_h2_fuzz_corpus.py [--out DIR]     (default: corpus/)
"""
import argparse
import os
import struct

PREFACE = b"PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n"   # RFC 9113 3.4
DATA, HEADERS, RST_STREAM, SETTINGS, PING, GOAWAY, WINDOW_UPDATE = 0, 1, 3, 4, 6, 7, 8
END_STREAM, ACK, END_HEADERS = 0x1, 0x1, 0x4
ENABLE_CONNECT_PROTOCOL = 0x8                    # RFC 8441 3
INITIAL_WINDOW_SIZE = 0x4
CANCEL = 0x8

# Config byte (see the fuzz target): bit 0 client role, bit 1 reset on END_STREAM,
# bits 2-3 stream window (0: 65535, 1: 16, 2: 1, 3: 16384), bits 4-7 the server's status.
SERVER, CLIENT, RESET_ON_END = 0x00, 0x01, 0x02
WINDOW_16, WINDOW_1 = 0x04, 0x08
WHOLE, SMALL_READS = 0x00, 0x03                  # chunk plans: one read; reads of 1..8 bytes


def frame(kind, flags, stream, payload=b""):
    return struct.pack(">I", len(payload))[1:] + bytes([kind, flags]) + \
        struct.pack(">I", stream) + payload


def settings(*pairs):
    return frame(SETTINGS, 0, 0, b"".join(struct.pack(">HI", k, v) for k, v in pairs))


def hpack(fields):
    out = b""
    for name, value in fields:
        n, v = name.encode(), value.encode()
        assert len(n) < 127 and len(v) < 127
        out += b"\x00" + bytes([len(n)]) + n + bytes([len(v)]) + v
    return out


def ws_frame(opcode, payload, masked):
    """RFC 6455 5.2, payloads under 126 bytes; an all-zero mask keeps the text visible."""
    head = bytes([0x80 | opcode, (0x80 if masked else 0) | len(payload)])
    return head + (b"\x00\x00\x00\x00" if masked else b"") + payload


CONNECT = [(":method", "CONNECT"), (":protocol", "websocket"), (":scheme", "http"),
           (":path", "/"), (":authority", "127.0.0.1"), ("sec-websocket-version", "13")]


def client_side(fields, *after):
    return PREFACE + settings() + frame(SETTINGS, ACK, 0) + \
        frame(HEADERS, END_HEADERS, 1, hpack(fields)) + b"".join(after)


def server_side(status, *after):
    return settings((ENABLE_CONNECT_PROTOCOL, 1)) + frame(SETTINGS, ACK, 0) + \
        frame(HEADERS, END_HEADERS, 1, hpack([(":status", status)])) + b"".join(after)


def seeds():
    text = ws_frame(1, b"Hello", True)
    close = ws_frame(8, b"\x03\xe8", True)
    yield "server_echo", bytes([SERVER, WHOLE]) + client_side(
        CONNECT, frame(DATA, 0, 1, text + close), frame(DATA, END_STREAM, 1))
    yield "server_window_1_small_reads", bytes([SERVER | WINDOW_1, SMALL_READS]) + client_side(
        CONNECT, frame(DATA, 0, 1, text), frame(WINDOW_UPDATE, 0, 1, struct.pack(">I", 100)),
        frame(PING, 0, 0, b"12345678"), frame(DATA, END_STREAM, 1, close))
    yield "server_unknown_protocol", bytes([SERVER, WHOLE]) + client_side(
        [(k, "chat" if k == ":protocol" else v) for k, v in CONNECT])
    yield "server_two_streams_reset", bytes([SERVER | RESET_ON_END | WINDOW_16, WHOLE]) + \
        client_side(CONNECT, frame(DATA, 0, 1, text),
                    frame(HEADERS, END_HEADERS, 3, hpack(CONNECT)),
                    frame(DATA, END_STREAM, 3, text), frame(RST_STREAM, 0, 1,
                                                            struct.pack(">I", CANCEL)))
    yield "client_echo", bytes([CLIENT, WHOLE]) + server_side(
        "200", frame(DATA, 0, 1, ws_frame(1, b"hi", False)),
        frame(DATA, END_STREAM, 1, ws_frame(8, b"\x03\xe8", False)))
    yield "client_refused_goaway", bytes([CLIENT | WINDOW_1, SMALL_READS]) + server_side(
        "501", frame(GOAWAY, 0, 0, struct.pack(">II", 1, 0)))


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", default="corpus")
    args = parser.parse_args()
    out = os.path.join(args.out, "h2_session")
    os.makedirs(out, exist_ok=True)
    for name, data in seeds():
        with open(os.path.join(out, name), "wb") as f:
            f.write(data)


if __name__ == "__main__":
    main()
