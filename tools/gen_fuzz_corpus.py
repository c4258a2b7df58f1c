#!/usr/bin/env python3
"""Seed corpora for the fuzz targets (fuzz/), generated from the case catalog (cases/).

Writes corpus/<target>/<name> for every target: the frames, messages, raw bytes, closes and
opening handshakes the cases send, serialized the way wsspec puts them on the wire
(RFC 6455 5.2 framing, masked when a client sends), each prefixed with the configuration
bytes its target expects (see the comment at the top of each fuzz/<target>_fuzzer.cpp).
Payloads are capped at CAP bytes (a 16 MiB case seeds the same code paths as a 2 KiB one).

Standard library only; deterministic. Usage:
    python3 tools/gen_fuzz_corpus.py [--out DIR]     (default: corpus/)
tools/fuzz.sh --minimize then shrinks each corpus with libFuzzer's -merge=1.
"""
import argparse
import hashlib
import json
import os
import struct
import sys

CAP = 2048
KEY = "dGhlIHNhbXBsZSBub25jZQ=="       # RFC 6455 1.3 example
ACCEPT = "s3pPLMBiTxaQ9kYGzzhZRbK+xOo="
HOST = "server.example.com"
DEFAULT_MASK = bytes.fromhex("37fa213d")   # RFC 6455 5.7 example key
OPCODES = {"continuation": 0, "text": 1, "binary": 2, "close": 8, "ping": 9, "pong": 10}


def payload_bytes(p):
    """A case payload (cases/README.md "Payloads") as bytes, capped at CAP."""
    if p is None:
        return b""
    if isinstance(p, str):
        return p.encode()[:CAP]
    if "text" in p:
        return p["text"].encode()[:CAP]
    if "hex" in p:
        return bytes.fromhex(p["hex"])[:CAP]
    if "pattern" in p or "pattern_hex" in p:
        unit = p["pattern"].encode() if "pattern" in p else bytes.fromhex(p["pattern_hex"])
        n = min(p["length"], CAP)
        return (unit * (n // max(len(unit), 1) + 1))[:n] if unit else b""
    if "close_code" in p:
        body = b"" if p["close_code"] is None else struct.pack("!H", p["close_code"])
        if "reason_hex" in p:
            return body + bytes.fromhex(p["reason_hex"])
        return body + p.get("reason", "").encode()
    return b""


def frame(opcode, payload, masked, fin=True, rsv=0, key=DEFAULT_MASK, length=None, form=None):
    """One frame, RFC 6455 5.2: FIN/RSV/opcode, MASK/length, extended length, key, payload."""
    n = len(payload) if length is None else length
    out = bytearray([(0x80 if fin else 0) | (rsv & 7) << 4 | (opcode & 0xF)])
    mask_bit = 0x80 if masked else 0
    if form is None:
        form = 7 if n <= 125 else 16 if n <= 0xFFFF else 64
    if form == 7:
        out.append(mask_bit | (n & 0x7F))
    elif form == 16:
        out.append(mask_bit | 126)
        out += struct.pack("!H", n & 0xFFFF)
    else:
        out.append(mask_bit | 127)
        out += struct.pack("!Q", n)
    if masked:
        out += key
        payload = bytes(b ^ key[i % 4] for i, b in enumerate(payload))
    return bytes(out) + payload


def case_stream(case, masked):
    """The bytes a case writes after the handshake, with our side masking when `masked`."""
    out = bytearray()
    closes = []      # close bodies sent
    texts = []       # text payloads sent (for the UTF-8 corpus)

    def run(steps):
        for step in steps:
            (kind, s), = step.items()
            if kind == "frame":
                op = s["opcode"]
                op = OPCODES[op] if isinstance(op, str) else op
                body = payload_bytes(s.get("payload"))
                m = s.get("mask", masked)
                key = bytes.fromhex(s["mask_key"]) if "mask_key" in s else DEFAULT_MASK
                length = s.get("length")
                out.extend(frame(op, body, m, s.get("fin", True), s.get("rsv", 0), key,
                                 length if length is None or length <= CAP else None,
                                 s.get("length_form")))
                if op == 8:
                    closes.append(body)
                if op == 1:
                    texts.append(body)
            elif kind == "message":
                op = OPCODES[s["opcode"]]
                body = payload_bytes(s.get("payload"))
                size = s.get("fragment_size", 0) or len(body) or 1
                parts = [body[i:i + size] for i in range(0, len(body), size)] or [b""]
                for i, part in enumerate(parts):
                    out.extend(frame(op if i == 0 else 0, part, masked, i == len(parts) - 1))
                if op == 1:
                    texts.append(body)
            elif kind == "raw":
                out.extend(payload_bytes(s))
            elif kind == "close":
                code = s.get("code", 1000)
                body = b"" if code is None else struct.pack("!H", code) + s.get("reason", "").encode()
                out.extend(frame(8, body, masked))
                closes.append(body)
            elif kind == "repeat":
                run(s["steps"])   # once is enough for a seed
    run(case.get("steps", []))
    return bytes(out), closes, texts


def fill(s):
    return (s.replace("{host}", HOST).replace("{path}", "/chat").replace("{key}", KEY)
             .replace("{origin}", "http://" + HOST))


def header_value(v):
    return fill(v) if isinstance(v, str) else payload_bytes(v).decode("latin-1")


def handshake_request(h):
    """The opening handshake request a case sends (cases/README.md "Handshake requests")."""
    if h is None:
        h = {}
    if "raw" in h:
        return fill(h["raw"]).encode("latin-1", "replace")
    version = h.get("ws_version", 13)
    lines = ["%s %s %s" % (h.get("method", "GET"), fill(h.get("target", "{path}")),
                           h.get("http_version", "HTTP/1.1"))]
    defaults = [["Host", HOST], ["Upgrade", "websocket"], ["Connection", "Upgrade"],
                ["Sec-WebSocket-Key", KEY], ["Sec-WebSocket-Version", str(version)]]
    if version == 8:
        defaults.append(["Sec-WebSocket-Origin", "http://" + HOST])
    if h.get("headers"):
        headers = h["headers"]
    else:
        removed = {n.lower() for n in h.get("remove_headers", [])}
        headers = [d for d in defaults if d[0].lower() not in removed] + h.get("add_headers", [])
    for name, value in headers:
        lines.append("%s: %s" % (name, header_value(value)))
    return ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1", "replace")[:8192]


def responses():
    """101s and refusals a server might send, for the client-side handshake target."""
    ok = ["HTTP/1.1 101 Switching Protocols", "Upgrade: websocket", "Connection: Upgrade",
          "Sec-WebSocket-Accept: " + ACCEPT]
    variants = {
        "101": ok,
        "101-protocol": ok + ["Sec-WebSocket-Protocol: chat"],
        "101-two-protocols": ok + ["Sec-WebSocket-Protocol: chat, superchat"],
        "101-extension": ok + ["Sec-WebSocket-Extensions: permessage-deflate; client_max_window_bits=15"],
        "101-server": ok + ["Server: wsspec", "Date: Thu, 01 Jan 1970 00:00:00 GMT"],
        "101-wrong-accept": ok[:3] + ["Sec-WebSocket-Accept: AAAAAAAAAAAAAAAAAAAAAAAAAAA="],
        "101-no-upgrade": [ok[0], ok[2], ok[3]],
        "101-lowercase": [ok[0], "upgrade: WebSocket", "connection: keep-alive, Upgrade",
                          "sec-websocket-accept: " + ACCEPT],
        "400": ["HTTP/1.1 400 Bad Request", "Content-Length: 0", "Connection: close"],
        "426": ["HTTP/1.1 426 Upgrade Required", "Sec-WebSocket-Version: 13, 8",
                "Content-Length: 0"],
        "200": ["HTTP/1.0 200 OK", "Content-Type: text/html"],
    }
    for name, lines in variants.items():
        yield name, ("\r\n".join(lines) + "\r\n\r\n").encode()


def main():
    root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--out", default=os.path.join(root, "corpus"))
    args = ap.parse_args()

    seeds = {}   # target -> {content: name}

    def add(target, name, data):
        seeds.setdefault(target, {}).setdefault(bytes(data), name)

    case_files = sorted(f for f in os.listdir(os.path.join(root, "cases"))
                        if f.endswith(".json") and not f.endswith(".schema.json"))
    for fname in case_files:
        with open(os.path.join(root, "cases", fname), encoding="utf-8") as f:
            doc = json.load(f)
        for case in doc["cases"]:
            cid = case["id"]
            roles = case.get("roles", [])
            # The case file as a loader seed: the group with just this case.
            one = {"group": doc["group"], "title": doc["title"], "cases": [case]}
            text = json.dumps(one, ensure_ascii=False).encode()
            if len(text) <= 4096:
                add("case_loader", cid, text)
            if "handshake" in case:
                add("handshake_request", cid, handshake_request(case["handshake"]))
            for masked, role, target in ((True, "server", "connection_server"),
                                         (False, "client", "connection_client")):
                if role not in roles:
                    continue
                stream, closes, texts = case_stream(case, masked)
                if not stream:
                    continue
                add(target, cid, b"\x00\x00" + stream)
                add(target, cid + "-chopped", b"\x00\x13" + stream)  # reads of 1..8 bytes
                if masked:
                    add("frames", cid, stream)
                    add("frames_beast", cid, stream)
                    add("frame_diff", cid, stream)
                    add("frame_header", cid, b"\x00" + stream[:14])
                else:
                    add("frame_header", cid + "-client", b"\x01" + stream[:14])
                for i, body in enumerate(closes):
                    add("close_payload", "%s-%d" % (cid, i), body)
                for i, body in enumerate(texts):
                    add("utf8_diff", "%s-%d" % (cid, i), b"\x00" + body)
                    add("utf8_diff", "%s-%d-chopped" % (cid, i), b"\x12" + body)
    add("handshake_request", "default", handshake_request(None))
    add("handshake_request", "hybi10", handshake_request({"ws_version": 8}))
    for name, data in responses():
        for offer in (0, 1, 3):
            add("handshake_response", "%s-offer%d" % (name, offer), bytes([offer]) + data)

    for target, items in sorted(seeds.items()):
        d = os.path.join(args.out, target)
        os.makedirs(d, exist_ok=True)
        for old in os.listdir(d):
            os.remove(os.path.join(d, old))
        for data, name in items.items():
            # Content-addressed like libFuzzer's own corpus files, prefixed with the case id.
            digest = hashlib.sha1(data).hexdigest()[:12]
            with open(os.path.join(d, "%s-%s" % (name, digest)), "wb") as f:
                f.write(data)
        print("%-20s %4d seeds" % (target, len(items)))


if __name__ == "__main__":
    sys.exit(main())
