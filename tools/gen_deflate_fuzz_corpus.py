#!/usr/bin/env python3
"""Seed corpora for the permessage-deflate fuzz targets (RFC 7692).

fuzz/connection_deflate_fuzzer.cpp:
Writes corpus/connection_deflate/<name>: [config][chunk plan][frames], where the frames are
what a peer with the configured agreement sends (masked when the peer is a client): the RFC
7692 7.2.3 examples, messages compressed by zlib with and without context takeover, at every
window size, fragmented compressed messages with a Ping in between, BFINAL blocks, empty
messages, uncompressed messages, and the errors the codec must catch (RSV1 on continuation
and control frames, corrupt and truncated data, a back-reference beyond the window, context
kept after agreeing not to, a small bomb against the 4096-byte limit).

fuzz/deflate_diff_fuzzer.cpp:
Writes corpus/deflate_diff/<name>: [config][message]..., each message a 2-byte header (bit 15
text, bits 0-14 payload length) and a compressed payload: the RFC 7692 7.2.3 examples,
zlib's output at every window size with and without context takeover and at every size
limit, messages ending with a final block (Z_FINISH) and followed by more, flushes that do
not end with the empty stored block (Z_FULL_FLUSH left unstripped, Z_PARTIAL_FLUSH,
Z_BLOCK, a block boundary with bits after it), empty payloads, corrupt and truncated data, a distance beyond the agreed window,
bombs against the limits, and text that is not UTF-8 before and after the limit.

Standard library only; deterministic. Usage:
    python3 tools/gen_deflate_fuzz_corpus.py [--out DIR]     (default: corpus/)
"""
import argparse
import hashlib
import os
import random
import struct
import zlib

MASK = bytes.fromhex("37fa213d")
WINDOWS = [8, 9, 12, 15]
TEXT, BINARY, CONT, PING = 1, 2, 0, 9
RSV1 = 0x40


def frame(opcode, payload, fin=True, rsv=0, masked=True):
    b0 = (0x80 if fin else 0) | rsv | opcode
    n = len(payload)
    mask_bit = 0x80 if masked else 0
    if n < 126:
        head = bytes([b0, mask_bit | n])
    elif n < 65536:
        head = bytes([b0, mask_bit | 126]) + struct.pack(">H", n)
    else:
        head = bytes([b0, mask_bit | 127]) + struct.pack(">Q", n)
    if not masked:
        return head + payload
    return head + MASK + bytes(c ^ MASK[i % 4] for i, c in enumerate(payload))


def config(our_role_client, snct=False, cnct=False, smwb=15, cmwb=15, small_limit=False):
    return bytes([(1 if our_role_client else 0) | (2 if snct else 0) | (4 if cnct else 0)
                  | (WINDOWS.index(smwb) << 3) | (WINDOWS.index(cmwb) << 5)
                  | (0x80 if small_limit else 0)])


class Compressor:
    """The peer's compressor: raw DEFLATE, sync flush, tail removed (RFC 7692 7.2.1)."""

    def __init__(self, bits=15, reset=False):
        # zlib cannot deflate with 8 bits: literals only at 9 keeps within a 256-byte window.
        self.bits = max(bits, 9)
        self.strategy = zlib.Z_HUFFMAN_ONLY if bits == 8 else zlib.Z_DEFAULT_STRATEGY
        self.reset = reset
        self.z = self.new()

    def new(self):
        return zlib.compressobj(6, zlib.DEFLATED, -self.bits, 8, self.strategy)

    def message(self, data):
        out = self.z.compress(data) + self.z.flush(zlib.Z_SYNC_FLUSH)
        if self.reset:
            self.z = self.new()
        assert out.endswith(b"\x00\x00\xff\xff") or out == b""
        return out[:-4] if out else b"\x00"


def seeds():
    rnd = random.Random(7692)
    hello = bytes.fromhex("f248cdc9c90700")
    words = b"alpha beta gamma websocket deflate \xc3\xa9t\xc3\xa9 \xe2\x82\xac "
    text = b"".join(rnd.choice(words.split(b" ")) + b" " for _ in range(120))
    out = {}
    for client in (False, True):
        masked = not client  # the peer is a client when we are the server
        who = "client" if client else "server"
        f = lambda *a, **k: frame(*a, masked=masked, **k)
        out[f"rfc_examples_{who}"] = config(client) + b"\x00" + (
            f(TEXT, hello, rsv=RSV1) + f(TEXT, bytes.fromhex("f200110000"), rsv=RSV1)
            + f(TEXT, bytes.fromhex("f248cd"), fin=False, rsv=RSV1)
            + f(CONT, bytes.fromhex("c9c90700"))
            + f(TEXT, bytes.fromhex("000500faff48656c6c6f00"), rsv=RSV1)
            + f(TEXT, bytes.fromhex("f348cdc9c9070000"), rsv=RSV1)
            + f(TEXT, bytes.fromhex("f248050000 00ffffcac9c90700".replace(" ", "")), rsv=RSV1))
        for smwb, cmwb in ((8, 8), (9, 9), (12, 12), (15, 15), (9, 15), (15, 8)):
            if True:
                peer_bits = cmwb if not client else smwb
                for takeover in (False, True):
                    c = Compressor(peer_bits, reset=not takeover)
                    cfg = config(client, snct=not takeover, cnct=not takeover, smwb=smwb,
                                 cmwb=cmwb)
                    stream = b""
                    for msg in (b"Hello", b"Hello", text[:500], b"", text[100:900]):
                        stream += f(TEXT, c.message(msg), rsv=RSV1)
                    body = c.message(bytes(rnd.getrandbits(8) for _ in range(300)) * 2)
                    stream += f(BINARY, body[:10], fin=False, rsv=RSV1)
                    stream += f(PING, b"ping")
                    stream += f(CONT, body[10:20], fin=False) + f(CONT, body[20:])
                    stream += f(TEXT, b"plain, uncompressed")
                    name = f"messages_{who}_s{smwb}_c{cmwb}_{'takeover' if takeover else 'reset'}"
                    out[name] = cfg + bytes([0x35]) + stream
        cfg = config(client)
        out[f"empty_messages_{who}"] = cfg + b"\x00" + (
            f(TEXT, b"", rsv=RSV1) + f(TEXT, b"\x00", rsv=RSV1) + f(BINARY, b"\x02\x00", rsv=RSV1))
        out[f"rsv1_continuation_{who}"] = cfg + b"\x00" + (
            f(TEXT, hello[:3], fin=False, rsv=RSV1) + f(CONT, hello[3:], rsv=RSV1))
        out[f"rsv1_ping_{who}"] = cfg + b"\x00" + f(PING, b"x", rsv=RSV1)
        out[f"corrupt_{who}"] = cfg + b"\x00" + f(BINARY, b"\x06\x00", rsv=RSV1)
        out[f"truncated_{who}"] = cfg + b"\x00" + f(BINARY, bytes.fromhex("000a00f5ff4865"),
                                                     rsv=RSV1)
        out[f"invalid_utf8_{who}"] = cfg + b"\x00" + f(TEXT, Compressor().message(b"ab\xff"),
                                                        rsv=RSV1)
        far = bytes(rnd.getrandbits(8) for _ in range(200))
        far_msg = far + bytes(rnd.getrandbits(8) for _ in range(800)) + far
        out[f"window_violation_{who}"] = config(client, smwb=9, cmwb=9) + b"\x00" + f(
            BINARY, Compressor(15).message(far_msg), rsv=RSV1)
        keep = Compressor(15)
        out[f"context_kept_{who}"] = config(client, snct=True, cnct=True) + b"\x00" + (
            f(TEXT, keep.message(b"Hello"), rsv=RSV1) + f(TEXT, keep.message(b"Hello"), rsv=RSV1))
        out[f"bomb_{who}"] = config(client, small_limit=True) + b"\x07" + f(
            BINARY, Compressor(15).message(b"\x00" * 200000), rsv=RSV1)
    return out


DIFF_LIMITS = [256, 4096, 65536, 1 << 20]


def diff_config(bits=15, no_takeover=False, limit=1 << 20):
    return bytes([(bits - 8) | (8 if no_takeover else 0) | (DIFF_LIMITS.index(limit) << 4)])


def diff_message(payload, text=False):
    assert len(payload) < 0x8000
    return struct.pack(">H", (0x8000 if text else 0) | len(payload)) + payload


def flushed(data, bits=15, mode=zlib.Z_SYNC_FLUSH, strip=True):
    """One message compressed alone with `mode` (tail removed after a sync flush)."""
    z = zlib.compressobj(6, zlib.DEFLATED, -max(bits, 9), 8,
                         zlib.Z_HUFFMAN_ONLY if bits == 8 else zlib.Z_DEFAULT_STRATEGY)
    out = z.compress(data) + z.flush(mode)
    if strip and out.endswith(b"\x00\x00\xff\xff"):
        out = out[:-4]
    return out


def diff_seeds():
    rnd = random.Random(7692 * 2)
    words = b"alpha beta gamma websocket deflate \xc3\xa9t\xc3\xa9 \xe2\x82\xac ".split(b" ")
    text = b"".join(rnd.choice(words) + b" " for _ in range(400))
    noise = bytes(rnd.getrandbits(8) for _ in range(700))
    out = {}
    m = diff_message
    hello = bytes.fromhex("f248cdc9c90700")
    out["rfc_examples"] = diff_config() + (
        m(hello, True) + m(bytes.fromhex("f200110000"), True)
        + m(bytes.fromhex("000500faff48656c6c6f00"), True)
        + m(bytes.fromhex("f348cdc9c9070000"), True)
        + m(bytes.fromhex("f248050000 00ffffcac9c90700".replace(" ", "")), True))
    for bits in range(8, 16):
        for no_takeover in (False, True):
            c = Compressor(bits, reset=no_takeover)
            body = b""
            for msg in (b"Hello", b"Hello", text[:600], text[300:2000], noise, noise[:300]):
                body += m(c.message(msg), msg is not noise)
            name = f"messages_w{bits}_{'reset' if no_takeover else 'takeover'}"
            out[name] = diff_config(bits, no_takeover) + body
    for limit in DIFF_LIMITS:
        c = Compressor(15)
        out[f"limit_{limit}"] = diff_config(15, False, limit) + (
            m(c.message(text[:limit]), True) + m(c.message(b"x" * (limit + 1)))
            + m(c.message(b"after")))
        out[f"bomb_{limit}"] = diff_config(15, True, limit) + m(
            Compressor(15).message(b"\x00" * (4 * limit)))
        bad = text[: limit - 2] + b"\xff" + text[:200]
        out[f"invalid_utf8_at_limit_{limit}"] = diff_config(12, False, limit) + m(
            Compressor(12).message(bad), True)
    c = Compressor(15)
    out["final_block_then_more"] = diff_config() + (
        m(flushed(b"Hello", mode=zlib.Z_FINISH), True) + m(c.message(b"Hello"), True)
        + m(flushed(text[:500], mode=zlib.Z_FINISH) + b"\x00", True)
        + m(flushed(b"two", mode=zlib.Z_FINISH) + flushed(b"runs"), True))
    out["final_block_no_takeover"] = diff_config(10, True) + (
        m(flushed(text[:900], 10, zlib.Z_FINISH), True) + m(flushed(b"next", 10), True))
    for name, mode, strip in (("flush_tail_kept", zlib.Z_FULL_FLUSH, False),
                              ("partial_flush", zlib.Z_PARTIAL_FLUSH, True),
                              ("block_flush", zlib.Z_BLOCK, True)):
        out[name] = diff_config() + (
            m(flushed(text[:300], mode=mode, strip=strip), True) + m(flushed(b"after"), True))
    # A fixed block "\xc3\xa9\xc3\xa9" (46 bits): two bits after its end-of-block code, which
    # the tail's first bit completes into the next block header.
    for bits in (0, 1, 2, 3):
        out[f"bits_after_boundary_{bits}"] = diff_config() + (
            m(bytes.fromhex("3abcf2f04a") + bytes([bits << 6]), True) + m(hello, True))
    for no_takeover in (False, True):
        c = Compressor(15, reset=no_takeover)
        out[f"empty_payloads_{'reset' if no_takeover else 'takeover'}"] = diff_config(
            15, no_takeover) + (m(b"", True) + m(c.message(b"Hello"), True) + m(b"\x00")
                                + m(c.message(b"Hello"), True) + m(b"") + m(b""))
    out["corrupt"] = diff_config() + (
        m(flushed(b"fine"), True) + m(b"\x06\x00") + m(b"\xff\xff\xff"))
    good = flushed(text[:1000])
    out["truncated"] = diff_config() + m(good[: len(good) // 2], True) + m(flushed(b"x"))
    out["stored_length_mismatch"] = diff_config() + m(bytes.fromhex("000500fbff48656c6c6f"))
    far = bytes(rnd.getrandbits(8) for _ in range(200))
    far_msg = far + bytes(rnd.getrandbits(8) for _ in range(800)) + far
    for bits in (8, 9, 12):
        out[f"window_violation_w{bits}"] = diff_config(bits) + (
            m(Compressor(bits).message(b"fits in the window")) + m(flushed(far_msg, 15)))
    keep = Compressor(15)
    out["context_kept_after_no_takeover"] = diff_config(15, True) + (
        m(keep.message(b"Hello"), True) + m(keep.message(b"Hello"), True))
    cut = "\u20ac".encode() * 100
    out["text_cut_inside_code_point"] = diff_config() + (
        m(flushed(cut[:-1]), True) + m(flushed(cut), True))
    return out


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", default=os.path.join(os.path.dirname(__file__), "..", "corpus"))
    args = parser.parse_args()
    target_dir = os.path.join(args.out, "connection_deflate")
    os.makedirs(target_dir, exist_ok=True)
    for name, data in sorted(seeds().items()):
        with open(os.path.join(target_dir, name), "wb") as fh:
            fh.write(data)
    print(f"{len(seeds())} seeds in {target_dir}")
    diff_dir = os.path.join(args.out, "deflate_diff")
    os.makedirs(diff_dir, exist_ok=True)
    for name, data in sorted(diff_seeds().items()):
        with open(os.path.join(diff_dir, name), "wb") as fh:
            fh.write(data)
    print(f"{len(diff_seeds())} seeds in {diff_dir}")


if __name__ == "__main__":
    main()
