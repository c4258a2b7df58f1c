"""Building blocks of the permessage-deflate cases (pmd.*, pmdc.*): hand-made DEFLATE data,
deterministic payloads, the RFC 7692 texts the cases quote, and case shapes.

Hand-made compressed messages are written bit by bit (RFC 1951 3.2: fixed Huffman blocks,
stored blocks) so that a case can hold exactly the block, code or distance it is about. Each
one stands alone: it never refers to bytes of an earlier message, so it is valid whatever
the peer's window holds (cases/README.md, Compression)."""

import zlib

from .blocks import (CLOSE_INTERNAL_ERROR, CLOSE_INVALID_PAYLOAD, CLOSE_PROTOCOL_ERROR,
                     await_close, await_events, case, close_exp, ev_message, expect, frame,
                     hexp, message)

# ---- RFC 1951: a DEFLATE bit writer ------------------------------------------------------

LENGTH_BASE = [3, 4, 5, 6, 7, 8, 9, 10, 11, 13, 15, 17, 19, 23, 27, 31, 35, 43, 51, 59, 67,
               83, 99, 115, 131, 163, 195, 227, 258]
LENGTH_EXTRA = [0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 2, 2, 2, 2, 3, 3, 3, 3, 4, 4, 4, 4, 5,
                5, 5, 5, 0]
DIST_BASE = [1, 2, 3, 4, 5, 7, 9, 13, 17, 25, 33, 49, 65, 97, 129, 193, 257, 385, 513, 769,
             1025, 1537, 2049, 3073, 4097, 6145, 8193, 12289, 16385, 24577]
DIST_EXTRA = [0, 0, 0, 0, 1, 1, 2, 2, 3, 3, 4, 4, 5, 5, 6, 6, 7, 7, 8, 8, 9, 9, 10, 10, 11,
              11, 12, 12, 13, 13]
END_OF_BLOCK = 256


class BitWriter:
    """RFC 1951 3.1.1: data elements are packed starting with the least significant bit;
    Huffman codes are packed starting with their most significant bit."""

    def __init__(self):
        self.out = bytearray()
        self.acc = 0
        self.n = 0

    def bits(self, value, count):
        self.acc |= value << self.n
        self.n += count
        while self.n >= 8:
            self.out.append(self.acc & 0xFF)
            self.acc >>= 8
            self.n -= 8

    def code(self, code, length):
        rev = 0
        for i in range(length):
            rev |= ((code >> i) & 1) << (length - 1 - i)
        self.bits(rev, length)

    def align(self):
        if self.n:
            self.out.append(self.acc & 0xFF)
        self.acc = 0
        self.n = 0

    def data(self):
        assert self.n == 0
        return bytes(self.out)

    # RFC 1951 3.2.6: the fixed literal/length code.
    def fixed_symbol(self, sym):
        if sym < 144:
            self.code(0x30 + sym, 8)
        elif sym < 256:
            self.code(0x190 + sym - 144, 9)
        elif sym < 280:
            self.code(sym - 256, 7)
        else:
            self.code(0xC0 + sym - 280, 8)

    def fixed_match(self, length, distance):
        i = max(k for k in range(len(LENGTH_BASE)) if LENGTH_BASE[k] <= length)
        self.fixed_symbol(257 + i)
        self.bits(length - LENGTH_BASE[i], LENGTH_EXTRA[i])
        j = max(k for k in range(len(DIST_BASE)) if DIST_BASE[k] <= distance)
        self.code(j, 5)
        self.bits(distance - DIST_BASE[j], DIST_EXTRA[j])

    def fixed_block(self, items, final=False):
        """items: bytes (literals) or (length, distance) matches."""
        self.bits(1 if final else 0, 1)
        self.bits(1, 2)  # BTYPE 01: fixed Huffman codes
        for item in items:
            if isinstance(item, (bytes, bytearray)):
                for b in item:
                    self.fixed_symbol(b)
            else:
                self.fixed_match(*item)
        self.fixed_symbol(END_OF_BLOCK)

    def sync_flush_end(self):
        """RFC 7692 7.2.1: end the message with an empty stored block (BFINAL 0, BTYPE 00,
        padding) and remove its last 4 octets, 0x00 0x00 0xff 0xff."""
        self.bits(0, 3)
        self.align()


def fixed_message(items):
    """A whole compressed message: one fixed Huffman block, ended as 7.2.1 ends it."""
    w = BitWriter()
    w.fixed_block(items)
    w.sync_flush_end()
    return w.data()


# ---- hand-made compressed payloads -------------------------------------------------------

HELLO = "Hello"
# RFC 7692 7.2.3.1: "Hello" in one compressed DEFLATE block.
RFC_HELLO = bytes.fromhex("f248cdc9c90700")
assert fixed_message([b"Hello"]) == RFC_HELLO
# 7.2.3.3: "Hello" in a DEFLATE block with no compression.
RFC_HELLO_STORED = bytes.fromhex("000500faff48656c6c6f00")
# 7.2.3.4: "Hello" in a block with BFINAL set to 1, then the octet 0x00 that lets it
# decompress like the others.
RFC_HELLO_BFINAL = bytes.fromhex("f348cdc9c9070000")
# What zlib's Z_FINISH writes for "Hello": the final block alone, without that 0x00.
ZLIB_FINISH_HELLO = bytes.fromhex("f348cdc9c90700")
# 7.2.3.5: "He" and "llo" in two DEFLATE blocks of one message.
RFC_HELLO_TWO_BLOCKS = bytes.fromhex("f24805000000ffffcac9c90700")
# "Hello" ending with the whole empty stored block, 0x00 0x00 0xff 0xff not removed.
HELLO_TAIL_KEPT = RFC_HELLO + bytes.fromhex("0000ffff")
# An empty message compressed (zlib's sync flush of no input leaves 00 00 00 ff ff; 7.2.1
# removes the last 4 octets): one octet 0x00.
EMPTY_COMPRESSED = bytes.fromhex("00")


def _invalid_literal_code():
    """A fixed block with "H", then literal/length code 286, which RFC 1951 3.2.6 says
    "will never actually occur in the compressed data"."""
    w = BitWriter()
    w.bits(0, 1)
    w.bits(1, 2)
    w.fixed_symbol(ord("H"))
    w.fixed_symbol(286)
    w.fixed_symbol(END_OF_BLOCK)
    w.sync_flush_end()
    return w.data()


def _invalid_distance_code():
    """A fixed block with "H" then a match whose distance code is 30 (3.2.6: distance
    codes 30-31 "will never actually occur")."""
    w = BitWriter()
    w.bits(0, 1)
    w.bits(1, 2)
    w.fixed_symbol(ord("H"))
    w.fixed_symbol(257)
    w.code(30, 5)
    w.fixed_symbol(END_OF_BLOCK)
    w.sync_flush_end()
    return w.data()


CORRUPT = {
    # BTYPE 11 is reserved (error), RFC 1951 3.2.3.
    "block_type": (bytes.fromhex("0648656c6c6f"), "a block with BTYPE 11, which RFC 1951 "
                   "3.2.3 reserves (error)"),
    "literal_code": (_invalid_literal_code(), "a fixed Huffman block using literal/length "
                     "code 286, which never occurs in valid data (RFC 1951 3.2.6)"),
    "distance_code": (_invalid_distance_code(), "a fixed Huffman block using distance code "
                      "30, which never occurs in valid data (RFC 1951 3.2.6)"),
    # LEN 5, NLEN 5 instead of its complement 0xfffa.
    "stored_length": (bytes.fromhex("000500050048656c6c6f"), "a stored block whose NLEN is "
                      "not the one's complement of LEN (RFC 1951 3.2.4)"),
    # HLIT 31: 288 literal/length codes, more than the 286 RFC 1951 3.2.7 allows.
    "dynamic_header": (bytes.fromhex("04ffffffffffffffff"), "a dynamic Huffman block header "
                       "announcing 288 literal/length codes (RFC 1951 3.2.7 allows 257-286)"),
    # A match of length 3 at distance 1 before any byte was produced.
    "distance_before_start": (fixed_message([(3, 1)]), "a back-reference (length 3, distance "
                              "1) before any byte was output, in the first message of the "
                              "connection (RFC 1951 3.2: a distance never refers past the "
                              "beginning of the output stream)"),
}


def inflate(message):
    """RFC 7692 7.2.2 with zlib: the generator's check of its own hand-made data."""
    d = zlib.decompressobj(-15)
    return d.decompress(message + bytes.fromhex("0000ffff"))


def _check_hand_made():
    for valid in (RFC_HELLO, RFC_HELLO_STORED, RFC_HELLO_BFINAL, ZLIB_FINISH_HELLO,
                  RFC_HELLO_TWO_BLOCKS, HELLO_TAIL_KEPT):
        assert inflate(valid) == b"Hello", valid.hex()
    assert inflate(EMPTY_COMPRESSED) == b"" and inflate(b"") == b""
    for key, (data, _) in CORRUPT.items():
        try:
            inflate(data)
        except zlib.error:
            continue
        raise AssertionError(f"hand-made corrupt data {key} inflates: {data.hex()}")


_check_hand_made()


def split(data, at):
    return data[:at], data[at:]


# ---- deterministic payloads ----------------------------------------------------------------

WORDS = ("the quick brown fox jumps over lazy dog permessage deflate window context "
         "takeover sliding block huffman literal distance length message frame octet "
         "server client offer response agreed").split()


def _xorshift(seed):
    x = seed & 0xFFFFFFFF or 1
    while True:
        x ^= (x << 13) & 0xFFFFFFFF
        x ^= x >> 17
        x ^= (x << 5) & 0xFFFFFFFF
        yield x


def pseudo_text(length, seed):
    """`length` octets of ASCII words chosen by a fixed-seed generator: text that compresses
    a little by itself and has no long repeats, so a second copy of it compresses only by
    back-references into the first."""
    rng = _xorshift(seed)
    out = []
    n = 0
    while n < length:
        w = WORDS[next(rng) % len(WORDS)] + str(next(rng) % 1000) + " "
        out.append(w)
        n += len(w)
    return "".join(out)[:length]


def repeated_block(block_len, seed, copies=2):
    """A block of pseudo-random words written `copies` times: a compressor finds each copy
    `block_len` octets back, so the distances in the echo show the window it used."""
    return pseudo_text(block_len, seed) * copies


# UTF-8 that is valid only after inflation is judged: Autobahn 6.3.1's payload, kosme
# followed by a lone surrogate (ED A0 80).
INVALID_UTF8 = bytes.fromhex("cebae1bdb9cf83cebcceb5eda080656469746564")
KOSME = "κόσμε"

# ---- RFC 7692 texts ------------------------------------------------------------------------

Q_RSV1 = ("RFC 7692 6: \"An endpoint MUST NOT set the \"Per-Message Compressed\" bit of control "
          "frames and non-first fragments of a data message. An endpoint receiving such a "
          "frame MUST _Fail the WebSocket Connection_.\"")
Q_DECLINE = ("RFC 7692 7: \"A server MUST decline an extension negotiation offer for this "
             "extension if any of the following conditions are met: The negotiation offer "
             "contains an extension parameter not defined for use in an offer. The negotiation "
             "offer contains an extension parameter with an invalid value. The negotiation "
             "offer contains multiple extension parameters with the same name. The server "
             "doesn't support the offered configuration.\"")
Q_CLIENT_FAIL = ("RFC 7692 7: \"A client MUST _Fail the WebSocket Connection_ if the peer "
                 "server accepted an extension negotiation offer for this extension with an "
                 "extension negotiation response meeting any of the following conditions\": a "
                 "parameter not defined for use in a response, a parameter with an invalid "
                 "value, multiple parameters with the same name, or a configuration the client "
                 "does not support.")
Q_CMWB_ABSENT = ("RFC 7692 7.1.2.2: \"If a received extension negotiation offer doesn't have "
                 "the \"client_max_window_bits\" extension parameter, the corresponding "
                 "extension negotiation response to the offer MUST NOT include the "
                 "\"client_max_window_bits\" extension parameter.\"")
Q_CMWB_OFFER = ("RFC 7692 7.1.2.2: \"If a received extension negotiation offer has the "
                "\"client_max_window_bits\" extension parameter, the server MAY include the "
                "\"client_max_window_bits\" extension parameter in the corresponding extension "
                "negotiation response to the offer. If the \"client_max_window_bits\" extension "
                "parameter in a received extension negotiation offer has a value, the server "
                "may either ignore this value or use this value to avoid allocating an "
                "unnecessarily big LZ77 sliding window by including the "
                "\"client_max_window_bits\" extension parameter in the corresponding extension "
                "negotiation response to the offer with a value equal to or smaller than the "
                "received value.\"")
Q_WINDOW_VALUE = ("RFC 7692 7.1.2.1: the parameter \"has a decimal integer value without "
                  "leading zeroes between 8 to 15, inclusive, indicating the base-2 logarithm "
                  "of the LZ77 sliding window size, and MUST conform to the ABNF below. "
                  "server-max-window-bits = 1*DIGIT\" (7.1.2.2 says the same of "
                  "client_max_window_bits, which may also have no value).")
Q_SMWB_ACCEPT = ("RFC 7692 7.1.2.1: \"A server accepts an extension negotiation offer with this "
                 "parameter by including the \"server_max_window_bits\" extension parameter in "
                 "the extension negotiation response to send back to the client with the same "
                 "or smaller value as the offer.\" \"A server declines an extension negotiation "
                 "offer with this parameter if the server doesn't support it.\"")
Q_SMWB_UNASKED = ("RFC 7692 7.1.2.1: \"A server MAY include the \"server_max_window_bits\" "
                  "extension parameter in an extension negotiation response even if the "
                  "extension negotiation offer being accepted by the response didn't include "
                  "the \"server_max_window_bits\" extension parameter.\"")
Q_SNCT_ACCEPT = ("RFC 7692 7.1.1.1: \"A server accepts an extension negotiation offer that "
                 "includes the \"server_no_context_takeover\" extension parameter by including "
                 "the \"server_no_context_takeover\" extension parameter in the corresponding "
                 "extension negotiation response to send back to the client.\"")
Q_SNCT_UNASKED = ("RFC 7692 7.1.1.1: \"A server MAY include the \"server_no_context_takeover\" "
                  "extension parameter in an extension negotiation response even if the "
                  "extension negotiation offer being accepted by the extension negotiation "
                  "response didn't include the \"server_no_context_takeover\" extension "
                  "parameter.\"")
Q_CNCT_RESPONSE = ("RFC 7692 7.1.1.2: \"A server MAY include the \"client_no_context_takeover\" "
                   "extension parameter in an extension negotiation response.\" \"By including "
                   "the \"client_no_context_takeover\" extension parameter in an extension "
                   "negotiation response, a server prevents the peer client from using context "
                   "takeover.\"")
Q_CONTEXT = ("RFC 7692 7.2.1: \"If the \"agreed parameters\" contain the "
             "\"server_no_context_takeover\" extension parameter, the server MUST start "
             "compressing each new message with an empty LZ77 sliding window. Otherwise, the "
             "server MAY take over the LZ77 sliding window used to build the last compressed "
             "message.\" The same holds for the client with client_no_context_takeover.")
Q_PREFERENCE = ("RFC 7692 5: \"The order of elements is important as it specifies the client's "
                "preference. An element preceding another element has higher preference. It is "
                "recommended that a server accepts PMCEs with higher preference if the server "
                "supports them.\" An offer the server must decline (RFC 7692 7) does not stop "
                "it from accepting a later one.")
Q_QUOTED = ("RFC 6455 9.1: extension-param = token [ \"=\" (token | quoted-string) ]; \"When "
            "using the quoted-string syntax variant, the value after quoted-string unescaping "
            "MUST conform to the 'token' ABNF.\"")
Q_BFINAL = ("RFC 7692 7.2.3.4: \"On platforms on which the flush method using an empty DEFLATE "
            "block with no compression is not available, implementors can choose to flush data "
            "using DEFLATE blocks with \"BFINAL\" set to 1.\"")

# ---- case shapes ---------------------------------------------------------------------------

# A frame no extension here defines: RSV2 stays reserved under permessage-deflate (RFC 6455
# 5.2), so a peer still on the connection MUST fail it with 1002.
RESERVED_BIT_PROBE = frame("text", "wsspec: RSV2 is reserved", rsv=2)
PROBE_NOTE = ("then failed the connection at the RSV2 frame sent after it")

# Close codes for DEFLATE data that does not decode. RFC 7692 names none. RFC 6455 7.4.1:
# 1007 is "data within a message that was not consistent with the type of the message",
# 1002 "a protocol error"; 7.1.7 asks only for "an appropriate status code". Both describe
# it, and 1011 (the endpoint "encountered an unexpected condition", what a decoder error
# often surfaces as) is accepted too: the RFC leaves the code open.
CORRUPT_CODES = [CLOSE_INVALID_PAYLOAD, CLOSE_PROTOCOL_ERROR, CLOSE_INTERNAL_ERROR]
CORRUPT_CODES_NOTE = ("RFC 7692 names no close code for DEFLATE data that does not decode; "
                      "RFC 6455 7.4.1's 1007 (\"data within a message that was not consistent "
                      "with the type of the message\") fits best, 1002 (protocol error) and "
                      "1011 (unexpected condition) are accepted as well, since RFC 6455 7.1.7 "
                      "asks only for \"an appropriate status code\".")


def id_counter(group):
    """Numbers the cases of a group in the order they are made: pmd.1.1, pmd.1.2, ..."""
    n = 0

    def next_id():
        nonlocal n
        n += 1
        return f"{group}.{n}"

    return next_id


def three_compressed(text):
    """The same text sent three times, compressed, each echo awaited before the next goes
    out (context takeover from message to message): (steps, expected events)."""
    steps = [message("text", text, compress=True), await_events(1),
             message("text", text, compress=True), await_events(2),
             message("text", text, compress=True)]
    return steps, [ev_message(text)] * 3


def deflate_fail_case(cid, description, rfc, requirement, send, codes, roles, deflate,
                      wrong_endpoint_is_fatal=False, ok_note=None, timeout_ms=None, **extra):
    """The peer must fail the connection (Autobahn's usual shape): no events, the peer closes,
    with one of `codes` if it sends one."""
    kw = dict(extra)
    if timeout_ms:
        kw["timeout_ms"] = timeout_ms
    return case(cid, description, rfc, requirement, list(send) + [await_close()],
                [expect("OK", [], ok_note or "the peer failed the connection and sent "
                        "nothing else")],
                close_exp(False, list(codes), False,
                          wrong_endpoint_is_fatal=wrong_endpoint_is_fatal),
                roles=roles, permessage_deflate=deflate, **kw)


def echo_or_fail_case(cid, description, rfc, requirement, send, events, echo, fail, codes,
                      roles, deflate, answer_ms, timeout_ms=None, fail_events=(), **extra):
    """Both taking the message (its echo) and failing the connection at it are allowed,
    each with its verdict: (verdict, note). One close expectation judges both paths: after
    the echo wsspec sends an RSV2 frame, which the peer MUST fail with 1002, so either way
    the peer ends the connection. `fail_events`: what the peer sent before failing."""
    steps = list(send) + [await_events(len(events), answer_ms), RESERVED_BIT_PROBE,
                          await_close()]
    kw = dict(extra)
    if timeout_ms:
        kw["timeout_ms"] = timeout_ms
    return case(cid, description, rfc, requirement, steps,
                [expect(echo[0], list(events), echo[1] + "; " + PROBE_NOTE),
                 expect(fail[0], list(fail_events), fail[1])],
                close_exp(False, sorted(set(codes) | {CLOSE_PROTOCOL_ERROR}), False),
                roles=roles, permessage_deflate=deflate, **kw)


def hex_frame(opcode, data, fin=True, rsv=4):
    return frame(opcode, hexp(data), fin=fin, rsv=rsv)
