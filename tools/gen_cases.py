#!/usr/bin/env python3
"""Writes the wsspec case catalog into cases/, one JSON file per group.

The Autobahn|Testsuite server catalog (categories 1-7, 9 and 10, with Autobahn's ids) is
reproduced case for case: the same frames, chops, fragment sizes and close payloads, and
the same verdict structure (OK / NON-STRICT alternatives, closedByWrongEndpointIsFatal,
WRONG CODE made fatal, informational cases). Waits are shortened and expressed as
`await` steps so a conforming peer runs through the catalog quickly. The hs.* category
(opening handshake, RFC 6455 section 4) is wsspec's own.

Run from anywhere: `python3 tools/gen_cases.py`. Standard library only. The output is
deterministic; commit it, so what runs is always a file you can read. Files this script
wrote earlier and no longer produces are removed (only files marked "generated_by").
"""

import base64
import json
import pathlib
import sys

ROOT = pathlib.Path(__file__).resolve().parent.parent
CASES_DIR = ROOT / "cases"
GENERATED_BY = "tools/gen_cases.py"

BOTH = ["server", "client"]
SERVER_ONLY = ["server"]
CLIENT_ONLY = ["client"]

# RFC 6455 7.4.1 status codes used by the expectations.
CLOSE_NORMAL = 1000
CLOSE_PROTOCOL_ERROR = 1002
CLOSE_INVALID_PAYLOAD = 1007

# How long we wait for an answer the peer should send at once (Autobahn: killAfter(1)).
ANSWER_MS = 1000
# Autobahn's killAfter(10) for the 64 KiB messages of 1.1.6-1.1.8 and 10.1.1.
BIG_ANSWER_MS = 10000
# Spacing of the fail-fast UTF-8 cases 6.4.* (Autobahn: 1 s).
FAIL_FAST_PAUSE_MS = 500
# Spacing of 5.19/5.20 (Autobahn: 1 s).
INTERLEAVE_PAUSE_MS = 250
# Autobahn's "sync" sends flush every frame separately; a short pause between frames
# makes each one its own TCP segment.
SYNC_PAUSE_MS = 5

# ---------------------------------------------------------------------------------------
# Building blocks of the JSON format (see cases/README.md)
# ---------------------------------------------------------------------------------------


def hexp(data: bytes):
    return {"hex": data.hex()}


def textp(s: str):
    return s


def pattern(unit: str, length: int):
    return {"pattern": unit, "length": length}


def pattern_hex(unit: bytes, length: int):
    return {"pattern_hex": unit.hex(), "length": length}


def close_body(code, reason=None, reason_hex=None):
    body = {"close_code": code}
    if reason is not None:
        body["reason"] = reason
    if reason_hex is not None:
        body["reason_hex"] = reason_hex.hex()
    return body


def frame(opcode, payload=None, fin=True, rsv=0, chop=None, pauses=None):
    f = {"opcode": opcode}
    if not fin:
        f["fin"] = False
    if rsv:
        f["rsv"] = rsv
    if payload is not None:
        f["payload"] = payload
    if chop:
        f["chop"] = chop
    if pauses:
        f["pauses"] = pauses
    return {"frame": f}


def message(opcode, payload, fragment_size=None, chop=None):
    m = {"opcode": opcode, "payload": payload}
    if fragment_size:
        m["fragment_size"] = fragment_size
    if chop:
        m["chop"] = chop
    return {"message": m}


def sleep(ms, mark=None):
    s = {"ms": ms}
    if mark:
        s["mark"] = mark
    return {"sleep": s}


def await_events(events, timeout_ms=ANSWER_MS):
    return {"await": {"events": events, "timeout_ms": timeout_ms}}


def await_more(more, timeout_ms=None):
    a = {"more": more}
    if timeout_ms:
        a["timeout_ms"] = timeout_ms
    return {"await": a}


def close(code=CLOSE_NORMAL, reason=None):
    c = {"code": code}
    if reason is not None:
        c["reason"] = reason
    return {"close": c}


def await_close(timeout_ms=ANSWER_MS):
    return {"await_close": {"timeout_ms": timeout_ms}}


def repeat(times, steps):
    return {"repeat": {"times": times, "steps": steps}}


def ev_message(payload, binary=False, repeat_count=None):
    e = {"type": "message", "binary": binary, "payload": payload}
    if repeat_count:
        e["repeat"] = repeat_count
    return e


def ev_ping(payload):
    return {"type": "ping", "payload": payload}


def ev_pong(payload):
    return {"type": "pong", "payload": payload}


def ev_mark(name):
    return {"type": "mark", "name": name}


def expect(verdict, events=None, note=None, handshake=None):
    e = {"verdict": verdict}
    if handshake is not None:
        e["handshake"] = handshake
    if events is not None:
        e["events"] = events
    if note:
        e["note"] = note
    return e


def close_exp(closed_by_me, codes, require_clean, wrong_endpoint_is_fatal=False,
              wrong_code_is_fatal=False, not_applicable=False):
    c = {"closed_by_me": closed_by_me, "codes": codes, "require_clean": require_clean}
    if wrong_endpoint_is_fatal:
        c["wrong_endpoint_is_fatal"] = True
    if wrong_code_is_fatal:
        c["wrong_code_is_fatal"] = True
    if not_applicable:
        c["not_applicable"] = True
    return c


NOT_APPLICABLE = {"closed_by_me": False, "codes": [], "require_clean": False,
                  "not_applicable": True}
CLEAN_NORMAL_CLOSE = close_exp(True, [CLOSE_NORMAL], True)


def case(cid, description, rfc, requirement, steps, expects, expect_close, roles=BOTH,
         **extra):
    assert "\n" not in description, cid
    c = {
        "id": cid,
        "description": description,
        "rfc": rfc,
        "requirement": requirement,
        "roles": roles,
    }
    for key in ("timeout_ms", "handshake", "handshake_response", "offer_protocols",
                "offer_extensions"):
        if key in extra:
            c[key] = extra.pop(key)
    c["steps"] = steps
    c["expect"] = expects
    c["expect_close"] = expect_close
    for key in ("informational", "measure_throughput"):
        if key in extra:
            c[key] = extra.pop(key)
    assert not extra, (cid, extra)
    return c


def echo_case(cid, description, rfc, requirement, send, events, answer_ms=ANSWER_MS,
              note=None, **extra):
    """We send, wait for the peer's answers, then close normally (Autobahn's
    finishWhenDone: the fuzzer closes with 1000 once the expected events arrived)."""
    steps = list(send) + [await_events(len(events), answer_ms), close()]
    return case(cid, description, rfc, requirement, steps,
                [expect("OK", events, note or "every expected answer arrived, in order")],
                CLEAN_NORMAL_CLOSE, **extra)


def fail_case(cid, description, rfc, requirement, send, codes=(CLOSE_PROTOCOL_ERROR,),
              ok_events=(), non_strict_events=None, wrong_endpoint_is_fatal=False,
              ok_note=None, non_strict_note=None):
    """We send something the peer must answer by failing the connection."""
    expects = [expect("OK", list(ok_events),
                      ok_note or "the peer failed the connection and sent nothing else")]
    if non_strict_events is not None:
        expects.append(expect("NON-STRICT", list(non_strict_events), non_strict_note))
    return case(cid, description, rfc, requirement, list(send) + [await_close()], expects,
                close_exp(False, list(codes), False,
                          wrong_endpoint_is_fatal=wrong_endpoint_is_fatal))


# ---------------------------------------------------------------------------------------
# Requirements, paraphrased from RFC 6455 (section numbers in the "rfc" lists)
# ---------------------------------------------------------------------------------------

REQ_LENGTH = ("The payload length is sent in 7 bits (0-125), in a 16-bit extended length "
              "(126-65535) or in a 64-bit extended length (more); a receiver must accept "
              "each form, and an echo must carry the same payload.")
REQ_PING = ("On receipt of a Ping an endpoint MUST send a Pong in response, unless it already "
            "received a Close; the Pong MUST carry the same application data as the Ping.")
REQ_PONG_UNSOLICITED = ("A Pong MAY be sent unsolicited and works as a unidirectional "
                        "heartbeat; no response to an unsolicited Pong is expected.")
REQ_CONTROL_LENGTH = ("All control frames MUST have a payload length of 125 bytes or less and "
                      "MUST NOT be fragmented; a receiver fails the connection otherwise.")
REQ_PING_ALL = ("Each Ping gets a Pong. (If several Pings are outstanding an endpoint MAY "
                "answer only the most recent one, so answering all ten is stricter than the "
                "RFC; Autobahn checks it anyway.)")
REQ_RSV = ("RSV1, RSV2 and RSV3 MUST be 0 unless a negotiated extension defines them; on a "
           "non-zero value the receiving endpoint MUST Fail the WebSocket Connection.")
REQ_OPCODE = ("Opcodes 0x3-0x7 and 0xB-0xF are reserved; if an unknown opcode is received, "
              "the receiving endpoint MUST Fail the WebSocket Connection.")
REQ_FRAG_CONTROL = "Control frames themselves MUST NOT be fragmented."
REQ_FRAG_MESSAGE = ("A fragmented message is a first frame with FIN clear and a non-zero "
                    "opcode, zero or more continuation frames (opcode 0) with FIN clear, and a "
                    "final continuation frame with FIN set; the receiver reassembles it.")
REQ_FRAG_INTERLEAVE = ("Control frames MAY be injected in the middle of a fragmented message, "
                       "and an endpoint MUST be capable of handling them there.")
REQ_FRAG_NOTHING = ("A continuation frame is only valid inside a fragmented message, and the "
                    "frames after the first one of a message must have opcode 0; a frame that "
                    "breaks these rules is a protocol error (Fail the WebSocket Connection, "
                    "1002).")
REQ_UTF8_VALID = ("Text payload data is UTF-8 (RFC 3629); a receiver must accept every valid "
                  "sequence, including non-characters and specials, across any fragmentation.")
REQ_UTF8_INVALID = ("When an endpoint is to interpret a byte stream as UTF-8 but finds that it "
                    "is not valid UTF-8, the endpoint MUST Fail the WebSocket Connection "
                    "(close code 1007).")
REQ_UTF8_FAIL_FAST = (REQ_UTF8_INVALID + " A validator that checks incrementally fails as "
                      "soon as the invalid octets arrive, before the message is complete.")
REQ_CLOSE_REPLY = ("If an endpoint receives a Close frame and did not previously send one, it "
                   "MUST send a Close frame in response (typically echoing the status code), "
                   "then close the connection; after a Close no more data frames are "
                   "processed or sent.")
REQ_CLOSE_BODY = ("A Close body, if present, starts with a 2-byte status code, optionally "
                  "followed by a UTF-8 reason; control frames carry at most 125 bytes.")
REQ_CLOSE_CODES_VALID = ("Codes 1000-1003, 1007-1011, 3000-3999 and 4000-4999 may be sent in a "
                         "Close frame; the peer replies with a Close (1000 or the echoed code).")
REQ_CLOSE_CODES_INVALID = ("Codes below 1000, 1004-1006, 1015 and unassigned codes in "
                           "1016-2999 MUST NOT be sent in a Close frame; receiving one is a "
                           "protocol error.")
REQ_CLOSE_CODES_UNDEFINED = ("Status codes above 4999 are outside every range RFC 6455 "
                             "defines; what the receiver does is not specified.")
REQ_LARGE = ("Payloads up to 2^63 bytes are allowed in one frame or across fragments; an "
             "implementation with size limits must protect itself, otherwise it echoes the "
             "message. These cases measure how fast it does so.")
REQ_AUTOFRAG = ("The receiver reassembles a message from any number of fragments, whatever "
                "fragment size the sender chose.")

RFC_FRAMING = "RFC 6455 5.2"
RFC_FRAG = "RFC 6455 5.4"
RFC_CONTROL = "RFC 6455 5.5"
RFC_CLOSE = "RFC 6455 5.5.1"
RFC_PING = "RFC 6455 5.5.2"
RFC_PONG = "RFC 6455 5.5.3"
RFC_DATA = "RFC 6455 5.6"
RFC_FAIL = "RFC 6455 7.1.7"
RFC_CLOSING = "RFC 6455 7.1.2"
RFC_CODES = "RFC 6455 7.4.1"
RFC_CODE_RANGES = "RFC 6455 7.4.2"
RFC_UTF8 = "RFC 6455 8.1"
RFC_LIMITS = "RFC 6455 10.4"

SMALL_TEXT = "Hello, world!"
SMALL_BINARY = bytes([0x00, 0xFF, 0xFE, 0xFD, 0xFC, 0xFB, 0x00, 0xFF])

# ---------------------------------------------------------------------------------------
# 1. Framing: text and binary messages of sizes around the length-encoding boundaries
# ---------------------------------------------------------------------------------------


def group_1():
    sizes = [0, 125, 126, 127, 128, 65535, 65536, 65536]
    groups = []
    for sub, opcode, unit, binary, title in ((1, "text", "*", False, "Text messages"),
                                             (2, "binary", None, True, "Binary messages")):
        cases = []
        for n, size in enumerate(sizes, start=1):
            chopped = n == 8
            payload = pattern(unit, size) if unit else pattern_hex(b"\xfe", size)
            how = ", written to TCP in chops of 997 octets" if chopped else ""
            desc = f"Send a {opcode} message with a {size}-octet payload{how}; expect the echo."
            cases.append(echo_case(
                f"1.{sub}.{n}", desc, [RFC_FRAMING, RFC_DATA], REQ_LENGTH,
                [frame(opcode, payload, chop=997 if chopped else None)],
                [ev_message(payload, binary)],
                answer_ms=BIG_ANSWER_MS if size >= 65535 else ANSWER_MS))
        groups.append(("1." + str(sub), title, cases))
    return groups


# ---------------------------------------------------------------------------------------
# 2. Pings and pongs
# ---------------------------------------------------------------------------------------


def group_2():
    c = []
    for n, (payload, what) in enumerate((
            (None, "an empty payload"),
            (textp("Hello, world!"), "a short text payload"),
            (hexp(SMALL_BINARY), "a short binary (non-UTF-8) payload"),
            (pattern_hex(b"\xfe", 125), "a 125-octet binary payload (the maximum)")), start=1):
        expected = payload if payload is not None else ""
        c.append(echo_case(f"2.{n}", f"Send a Ping with {what}; expect a Pong with the same "
                           "payload.", [RFC_PING, RFC_PONG], REQ_PING,
                           [frame("ping", payload)], [ev_pong(expected)]))
    c.append(fail_case("2.5", "Send a Ping with a 126-octet payload; the peer must fail the "
                       "connection (control frames carry at most 125 octets).",
                       [RFC_CONTROL, RFC_FAIL], REQ_CONTROL_LENGTH,
                       [frame("ping", pattern_hex(b"\xfe", 126))]))
    c.append(echo_case("2.6", "Send a Ping with a 125-octet payload one octet per TCP write; "
                       "expect a Pong with the same payload.", [RFC_PING, RFC_PONG], REQ_PING,
                       [frame("ping", pattern_hex(b"\xfe", 125), chop=1)],
                       [ev_pong(pattern_hex(b"\xfe", 125))], answer_ms=2000))
    c.append(case("2.7", "Send an unsolicited Pong without payload, then close; expect no "
                  "answer to the Pong.", [RFC_PONG], REQ_PONG_UNSOLICITED,
                  [frame("pong"), close()],
                  [expect("OK", [], "nothing was sent in reply to the unsolicited Pong")],
                  CLEAN_NORMAL_CLOSE))
    c.append(case("2.8", "Send an unsolicited Pong with a payload, then close; expect no "
                  "answer to the Pong.", [RFC_PONG], REQ_PONG_UNSOLICITED,
                  [frame("pong", textp("unsolicited pong payload")), close()],
                  [expect("OK", [], "nothing was sent in reply to the unsolicited Pong")],
                  CLEAN_NORMAL_CLOSE))
    c.append(echo_case("2.9", "Send an unsolicited Pong, then a Ping; expect exactly one Pong, "
                       "answering the Ping.", [RFC_PING, RFC_PONG],
                       REQ_PONG_UNSOLICITED + " " + REQ_PING,
                       [frame("pong", textp("unsolicited pong payload")),
                        frame("ping", textp("ping payload"))],
                       [ev_pong(textp("ping payload"))]))
    for cid, chop, how in (("2.10", None, ""), ("2.11", 1, ", one octet per TCP write")):
        payloads = [f"payload-{i}" for i in range(10)]
        c.append(echo_case(cid, f"Send 10 Pings with distinct payloads{how}; expect 10 Pongs "
                           "in the same order.", [RFC_PING, RFC_PONG], REQ_PING_ALL,
                           [frame("ping", p, chop=chop) for p in payloads],
                           [ev_pong(p) for p in payloads], answer_ms=3000))
    return [("2", "Pings and pongs", c)]


# ---------------------------------------------------------------------------------------
# 3. Reserved bits
# ---------------------------------------------------------------------------------------

ECHO_BEFORE_FAIL_NOTE = ("the peer failed the connection before echoing the valid message "
                         "that preceded the bad frame (Autobahn accepts this as NON-STRICT)")
ECHO_THEN_FAIL_NOTE = ("the valid message was echoed, then the connection was failed at the "
                       "bad frame, and the Ping after it was not answered")


def sync_frames(frames):
    """Frames each flushed on its own, like Autobahn's sync=True."""
    out = []
    for i, f in enumerate(frames):
        if i:
            out.append(sleep(SYNC_PAUSE_MS))
        out.append(f)
    return out


def group_3():
    c = [fail_case("3.1", "Send a small text message with RSV = 1; the peer must fail the "
                   "connection.", [RFC_FRAMING, RFC_FAIL], REQ_RSV,
                   [frame("text", SMALL_TEXT, rsv=1)])]
    variants = (("3.2", 2, None, False, ""),
                ("3.3", 3, None, True, " Each frame is flushed on its own."),
                ("3.4", 4, 1, False, " Everything is written one octet at a time."))
    for cid, rsv, chop, sync, how in variants:
        frames = [frame("text", SMALL_TEXT, chop=chop),
                  frame("text", SMALL_TEXT, rsv=rsv, chop=chop),
                  frame("ping", chop=chop)]
        c.append(fail_case(
            cid, f"Send a small text message, then the same with RSV = {rsv}, then a Ping; "
            f"expect the echo of the first only.{how}", [RFC_FRAMING, RFC_FAIL], REQ_RSV,
            sync_frames(frames) if sync else frames,
            ok_events=[ev_message(SMALL_TEXT)], non_strict_events=[],
            ok_note=ECHO_THEN_FAIL_NOTE, non_strict_note=ECHO_BEFORE_FAIL_NOTE))
    c.append(fail_case("3.5", "Send a small binary message with RSV = 5; the peer must fail "
                       "the connection.", [RFC_FRAMING, RFC_FAIL], REQ_RSV,
                       [frame("binary", hexp(SMALL_BINARY), rsv=5)]))
    # Autobahn's 3.6 is described as a Ping but sends a binary frame (opcode 2); wsspec sends
    # the same octets so results compare one to one.
    c.append(fail_case("3.6", "Send a binary frame with RSV = 6 (Autobahn describes this case "
                       "as a Ping but sends opcode 2); the peer must fail the connection.",
                       [RFC_FRAMING, RFC_FAIL], REQ_RSV,
                       [frame("binary", SMALL_TEXT, rsv=6)]))
    c.append(fail_case("3.7", "Send a Close with RSV = 7; the peer must fail the connection.",
                       [RFC_FRAMING, RFC_FAIL], REQ_RSV, [frame("close", rsv=7)]))
    return [("3", "Reserved bits", c)]


# ---------------------------------------------------------------------------------------
# 4. Reserved opcodes
# ---------------------------------------------------------------------------------------


def group_4():
    groups = []
    for sub, kind, ops in ((1, "non-control", (3, 4, 5, 6, 7)),
                           (2, "control", (11, 12, 13, 14, 15))):
        c = []
        for n, op in enumerate(ops, start=1):
            cid = f"4.{sub}.{n}"
            if n == 1:
                c.append(fail_case(cid, f"Send a frame with reserved {kind} opcode {op}; the "
                                   "peer must fail the connection.", [RFC_FRAMING, RFC_FAIL],
                                   REQ_OPCODE, [frame(op)]))
            elif n == 2:
                c.append(fail_case(cid, f"Send a frame with reserved {kind} opcode {op} and a "
                                   "payload; the peer must fail the connection.",
                                   [RFC_FRAMING, RFC_FAIL], REQ_OPCODE,
                                   [frame(op, textp("reserved opcode payload"))]))
            else:
                chop = 1 if n == 5 else None
                bad_payload = None if n == 3 else SMALL_TEXT
                how = " Everything is written one octet at a time." if chop else ""
                with_payload = "" if n == 3 else " with a payload"
                c.append(fail_case(
                    cid, f"Send a small text message, then a frame with reserved {kind} "
                    f"opcode {op}{with_payload}, then a Ping; expect the echo of the first "
                    f"only.{how}", [RFC_FRAMING, RFC_FAIL], REQ_OPCODE,
                    [frame("text", SMALL_TEXT, chop=chop), frame(op, bad_payload, chop=chop),
                     frame("ping", chop=chop)],
                    ok_events=[ev_message(SMALL_TEXT)], non_strict_events=[],
                    ok_note=ECHO_THEN_FAIL_NOTE, non_strict_note=ECHO_BEFORE_FAIL_NOTE))
        groups.append((f"4.{sub}", f"Reserved {kind} opcodes", c))
    return groups


# ---------------------------------------------------------------------------------------
# 5. Fragmentation
# ---------------------------------------------------------------------------------------


def group_5():
    c = []
    for n, op in ((1, "ping"), (2, "pong")):
        c.append(fail_case(f"5.{n}", f"Send a {op.capitalize()} fragmented into 2 frames; the "
                           "peer must fail the connection.", [RFC_FRAG, RFC_CONTROL, RFC_FAIL],
                           REQ_FRAG_CONTROL,
                           [frame(op, textp("fragment1"), fin=False),
                            frame("continuation", textp("fragment2"))]))
    how = {None: "", "sync": " Each frame is flushed on its own.",
           1: " Everything is written one octet at a time."}

    def chopped(frames, mode):
        if mode == "sync":
            return sync_frames(frames)
        if mode == 1:
            return [{"frame": dict(f["frame"], chop=1)} for f in frames]
        return frames

    for n, mode in ((3, None), (4, "sync"), (5, 1)):
        frames = [frame("text", textp("fragment1"), fin=False),
                  frame("continuation", textp("fragment2"))]
        c.append(echo_case(f"5.{n}", "Send a text message in 2 fragments; expect the "
                           f"reassembled echo.{how[mode]}", [RFC_FRAG], REQ_FRAG_MESSAGE,
                           chopped(frames, mode), [ev_message(textp("fragment1fragment2"))]))
    for n, mode in ((6, None), (7, "sync"), (8, 1)):
        frames = [frame("text", textp("fragment1"), fin=False),
                  frame("ping", textp("ping payload")),
                  frame("continuation", textp("fragment2"))]
        c.append(echo_case(f"5.{n}", "Send a text message in 2 fragments with a Ping between "
                           f"them; expect the Pong, then the echo.{how[mode]}", [RFC_FRAG],
                           REQ_FRAG_INTERLEAVE, chopped(frames, mode),
                           [ev_pong(textp("ping payload")),
                            ev_message(textp("fragment1fragment2"))]))
    for n, fin, mode in ((9, True, None), (10, True, "sync"), (11, True, 1),
                         (12, False, None), (13, False, "sync"), (14, False, 1)):
        frames = [frame("continuation", textp("non-continuation payload"), fin=fin),
                  frame("text", SMALL_TEXT)]
        c.append(fail_case(f"5.{n}", f"Send a continuation frame with FIN = {str(fin).lower()} "
                           "when no message is in progress, then a text message; the peer must "
                           f"fail the connection.{how[mode]}", [RFC_FRAG, RFC_FAIL],
                           REQ_FRAG_NOTHING, chopped(frames, mode)))
    c.append(fail_case("5.15", "Send a text message in 2 fragments, then a continuation frame "
                       "with FIN = false that continues nothing, then a text frame; expect the "
                       "echo of the first message only.", [RFC_FRAG, RFC_FAIL], REQ_FRAG_NOTHING,
                       [frame("text", textp("fragment1"), fin=False),
                        frame("continuation", textp("fragment2")),
                        frame("continuation", textp("fragment3"), fin=False),
                        frame("text", textp("fragment4"))],
                       ok_events=[ev_message(textp("fragment1fragment2"))],
                       non_strict_events=[], ok_note=ECHO_THEN_FAIL_NOTE,
                       non_strict_note=ECHO_BEFORE_FAIL_NOTE))
    for n, fin in ((16, False), (17, True)):
        once = [frame("continuation", textp("fragment1"), fin=fin),
                frame("text", textp("fragment2"), fin=False),
                frame("continuation", textp("fragment3"))]
        c.append(fail_case(f"5.{n}", "Twice: a continuation frame with FIN = "
                           f"{str(fin).lower()} that continues nothing, then a text message in "
                           "2 fragments; the peer must fail the connection.",
                           [RFC_FRAG, RFC_FAIL], REQ_FRAG_NOTHING, once + once))
    c.append(fail_case("5.18", "Send a text message in 2 fragments whose second frame also has "
                       "the text opcode; the peer must fail the connection.",
                       [RFC_FRAG, RFC_FAIL], REQ_FRAG_NOTHING,
                       [frame("text", textp("fragment1"), fin=False),
                        frame("text", textp("fragment2"))]))
    for n, mode in ((19, None), (20, "sync")):
        part1 = [frame("text", textp("fragment1"), fin=False),
                 frame("continuation", textp("fragment2"), fin=False),
                 frame("ping", textp("pongme 1!"))]
        part2 = [frame("continuation", textp("fragment3"), fin=False),
                 frame("continuation", textp("fragment4"), fin=False),
                 frame("ping", textp("pongme 2!")),
                 frame("continuation", textp("fragment5"))]
        if mode == "sync":
            part1, part2 = sync_frames(part1), sync_frames(part2)
        c.append(echo_case(
            f"5.{n}", "Send a text message in 5 fragments with a Ping after the 2nd and the "
            f"4th, pausing {INTERLEAVE_PAUSE_MS} ms after the first Ping; expect both Pongs, "
            f"then the echo.{how[mode]}", [RFC_FRAG, RFC_PING], REQ_FRAG_INTERLEAVE,
            part1 + [sleep(INTERLEAVE_PAUSE_MS)] + part2,
            [ev_pong(textp("pongme 1!")), ev_pong(textp("pongme 2!")),
             ev_message(textp("fragment1fragment2fragment3fragment4fragment5"))]))
    return [("5", "Fragmentation", c)]


# ---------------------------------------------------------------------------------------
# 6. UTF-8 handling
# ---------------------------------------------------------------------------------------

KOSME = bytes.fromhex("cebae1bdb9cf83cebcceb5")  # "kosme" in Greek, 11 octets


def is_utf8(data: bytes) -> bool:
    try:
        data.decode("utf-8", errors="strict")
        return True
    except UnicodeDecodeError:
        return False


def valid_text_case(cid, description, steps_send, payload):
    return echo_case(cid, description, [RFC_DATA, RFC_UTF8], REQ_UTF8_VALID, steps_send,
                     [ev_message(payload)])


def invalid_text_case(cid, description, steps_send):
    return fail_case(cid, description, [RFC_UTF8, RFC_FAIL, RFC_CODES], REQ_UTF8_INVALID,
                     steps_send, codes=[CLOSE_INVALID_PAYLOAD], wrong_endpoint_is_fatal=True,
                     ok_note="the peer failed the connection without echoing the invalid text")


def group_6_1_to_6_4():
    groups = []
    c = [valid_text_case("6.1.1", "Send an empty text message; expect an empty echo.",
                         [frame("text", "")], ""),
         valid_text_case("6.1.2", "Send a text message as 3 empty fragments; expect an empty "
                         "echo.", [frame("text", "", fin=False),
                                   frame("continuation", "", fin=False),
                                   frame("continuation", "")], ""),
         valid_text_case("6.1.3", "Send a text message as 3 fragments, only the middle one "
                         "non-empty; expect the middle payload as echo.",
                         [frame("text", "", fin=False),
                          frame("continuation", textp("middle frame payload"), fin=False),
                          frame("continuation", "")], textp("middle frame payload"))]
    groups.append(("6.1", "Valid UTF-8 with zero-length payloads and fragments", c,
                   "utf8-empty-fragments"))

    greeting = "Hello-\u00b5@\u00df\u00f6\u00e4\u00fc\u00e0\u00e1-UTF-8!!"
    first, second = "Hello-\u00b5@\u00df\u00f6\u00e4", "\u00fc\u00e0\u00e1-UTF-8!!"
    c = [valid_text_case("6.2.1", "Send valid UTF-8 text with multi-octet code points in one "
                         "frame; expect the echo.", [message("text", greeting)], greeting),
         valid_text_case("6.2.2", "Send valid UTF-8 text in 2 fragments split on a code point "
                         "boundary; expect the echo.", [frame("text", first, fin=False),
                                                        frame("continuation", second)],
                         greeting),
         valid_text_case("6.2.3", "Send valid UTF-8 text in 1-octet fragments, so most "
                         "fragments end inside a code point; expect the echo.",
                         [message("text", greeting, fragment_size=1)], greeting),
         valid_text_case("6.2.4", "Send the Greek word kosme in 1-octet fragments, so "
                         "fragments end inside code points; expect the echo.",
                         [message("text", hexp(KOSME), fragment_size=1)], hexp(KOSME))]
    groups.append(("6.2", "Valid UTF-8, unfragmented and fragmented", c, "utf8-valid-fragmented"))

    bad = KOSME + bytes.fromhex("eda080") + b"edited"  # a UTF-16 surrogate in the middle
    c = [invalid_text_case("6.3.1", "Send a text message that is invalid UTF-8 (a surrogate "
                           "after 11 valid octets) in one frame; the peer must fail the "
                           "connection.", [message("text", hexp(bad))]),
         invalid_text_case("6.3.2", "Send the same invalid UTF-8 text in 1-octet fragments; "
                           "the peer must fail the connection.",
                           [message("text", hexp(bad), fragment_size=1)])]
    groups.append(("6.3", "Invalid UTF-8, differently fragmented", c,
                   "utf8-invalid-fragmented"))

    # 6.4: the octets F4 90 80 80 would encode U+110000, beyond the Unicode range; a
    # validator that checks as data arrives can fail at the first of the later parts.
    p1, p2, p3 = KOSME, bytes.fromhex("f4908080"), b"edited"
    whole = p1 + p2 + p3
    ok_note = ("the peer failed the connection as soon as the octets that make the text "
               "invalid arrived (fail fast): the first pause ended with the connection open, "
               "the second did not")
    ns_note = ("the peer failed the connection only after the whole message arrived, not "
               "when the invalid octets did")

    def fail_fast(cid, description, steps):
        return case(cid, description, [RFC_UTF8, RFC_FAIL, RFC_CODES], REQ_UTF8_FAIL_FAST,
                    steps + [await_close()],
                    [expect("OK", [ev_mark("A")], ok_note),
                     expect("NON-STRICT", [ev_mark("A"), ev_mark("B")], ns_note)],
                    close_exp(False, [CLOSE_INVALID_PAYLOAD], False,
                              wrong_endpoint_is_fatal=True))

    def by_frames(a, b, d):
        return [frame("text", hexp(a), fin=False), sleep(FAIL_FAST_PAUSE_MS, "A"),
                frame("continuation", hexp(b), fin=False), sleep(FAIL_FAST_PAUSE_MS, "B"),
                frame("continuation", hexp(d))]

    def by_chops(a_len, b_len):
        return [frame("text", hexp(whole), pauses=[
            {"after": a_len, "ms": FAIL_FAST_PAUSE_MS, "mark": "A"},
            {"after": a_len + b_len, "ms": FAIL_FAST_PAUSE_MS, "mark": "B"}])]

    pause = f"{FAIL_FAST_PAUSE_MS} ms"
    c = [fail_fast("6.4.1", f"Send text in 3 frames, pausing {pause} after each of the first "
                   "two: valid octets, then F4 90 80 80 (beyond U+10FFFF), then the rest; the "
                   "peer should fail the connection at the 2nd frame.", by_frames(p1, p2, p3)),
         fail_fast("6.4.2", "As 6.4.1, but the 2nd frame holds only the single octet that "
                   "makes the text invalid.", by_frames(whole[:12], whole[12:13], whole[13:])),
         fail_fast("6.4.3", f"As 6.4.1, but one frame written in 3 pieces with {pause} "
                   "pauses; the peer should fail the connection at the 2nd piece.",
                   by_chops(len(p1), len(p2))),
         fail_fast("6.4.4", "As 6.4.2, but one frame written in 3 pieces; the 2nd piece is the "
                   "single octet that makes the text invalid.", by_chops(12, 1))]
    groups.append(("6.4", "Fail fast on invalid UTF-8", c, "utf8-fail-fast"))
    return groups


def kuhn_sequences():
    """The test sequences Autobahn derives from Markus Kuhn's UTF-8-test.txt, in Autobahn's
    order (6.5 ... 6.23); each entry is (title, file slug, [(valid, octets), ...])."""
    seqs = []
    seqs.append(("Some valid UTF-8 sequences", "valid-sequences", [
        (True, b"hello\x24world"), (True, b"hello\xc2\xa2world"),
        (True, b"hello\xe2\x82\xacworld"), (True, b"hello\xf0\xa4\xad\xa2world"),
        (True, KOSME)]))
    # Every prefix of kosme: valid exactly when it ends on a code point boundary.
    seqs.append(("All prefixes of a valid UTF-8 string with multi-octet code points",
                 "prefixes", [(is_utf8(KOSME[:i]), KOSME[:i])
                              for i in range(1, len(KOSME) + 1)]))
    seqs.append(("First possible sequence of each length", "first-possible", [
        (True, b"\x00"), (True, b"\xc2\x80"), (True, b"\xe0\xa0\x80"),
        (True, b"\xf0\x90\x80\x80")]))
    seqs.append(("First possible sequence of length 5 and 6 (beyond Unicode)",
                 "first-possible-5-6", [
                     (False, b"\xf8\x88\x80\x80\x80"), (False, b"\xfc\x84\x80\x80\x80\x80")]))
    seqs.append(("Last possible sequence of each length", "last-possible", [
        (True, b"\x7f"), (True, b"\xdf\xbf"), (True, b"\xef\xbf\xbf"),
        (True, b"\xf4\x8f\xbf\xbf")]))
    seqs.append(("Last possible sequence of length 4, 5 and 6 (beyond Unicode)",
                 "last-possible-4-5-6", [
                     (False, b"\xf7\xbf\xbf\xbf"), (False, b"\xfb\xbf\xbf\xbf\xbf"),
                     (False, b"\xfd\xbf\xbf\xbf\xbf\xbf")]))
    seqs.append(("Other boundary conditions", "boundaries", [
        (True, b"\xed\x9f\xbf"), (True, b"\xee\x80\x80"), (True, b"\xef\xbf\xbd"),
        (True, b"\xf4\x8f\xbf\xbf"), (False, b"\xf4\x90\x80\x80")]))
    seqs.append(("Unexpected continuation octets", "unexpected-continuation", [
        (False, b"\x80"), (False, b"\xbf"), (False, b"\x80\xbf"), (False, b"\x80\xbf\x80"),
        (False, b"\x80\xbf\x80\xbf"), (False, b"\x80\xbf\x80\xbf\x80"),
        (False, b"\x80\xbf\x80\xbf\x80\xbf"),
        (False, bytes(range(0x80, 0xbf)))]))  # 0x80..0xbe, as Autobahn builds it
    lonely = []
    for lo, hi in ((0xc0, 0xdf), (0xe0, 0xef), (0xf0, 0xf7), (0xf8, 0xfb), (0xfc, 0xfd)):
        lonely.append((False, b"".join(bytes([i, 0x20]) for i in range(lo, hi))))
    seqs.append(("Lonely start octets, each followed by a space", "lonely-start", lonely))
    truncated = [b"\xc0", b"\xe0\x80", b"\xf0\x80\x80", b"\xf8\x80\x80\x80",
                 b"\xfc\x80\x80\x80\x80", b"\xdf", b"\xef\xbf", b"\xf7\xbf\xbf",
                 b"\xfb\xbf\xbf\xbf", b"\xfd\xbf\xbf\xbf\xbf"]
    seqs.append(("Sequences with the last continuation octet missing", "last-octet-missing",
                 [(False, t) for t in truncated]))
    seqs.append(("Concatenation of incomplete sequences", "incomplete-concatenated",
                 [(False, b"".join(truncated))]))
    seqs.append(("Impossible octets", "impossible-octets", [
        (False, b"\xfe"), (False, b"\xff"), (False, b"\xfe\xfe\xff\xff")]))
    seqs.append(("Overlong encodings of an ASCII character", "overlong-ascii", [
        (False, b"\xc0\xaf"), (False, b"\xe0\x80\xaf"), (False, b"\xf0\x80\x80\xaf"),
        (False, b"\xf8\x80\x80\x80\xaf"), (False, b"\xfc\x80\x80\x80\x80\xaf")]))
    seqs.append(("Maximum overlong sequences", "overlong-maximum", [
        (False, b"\xc1\xbf"), (False, b"\xe0\x9f\xbf"), (False, b"\xf0\x8f\xbf\xbf"),
        (False, b"\xf8\x87\xbf\xbf\xbf"), (False, b"\xfc\x83\xbf\xbf\xbf\xbf")]))
    seqs.append(("Overlong encodings of NUL", "overlong-nul", [
        (False, b"\xc0\x80"), (False, b"\xe0\x80\x80"), (False, b"\xf0\x80\x80\x80"),
        (False, b"\xf8\x80\x80\x80\x80"), (False, b"\xfc\x80\x80\x80\x80\x80")]))
    seqs.append(("Single UTF-16 surrogates", "single-surrogates", [
        (False, bytes.fromhex(h)) for h in
        ("eda080", "edadbf", "edae80", "edafbf", "edb080", "edbe80", "edbfbf")]))
    seqs.append(("Paired UTF-16 surrogates", "paired-surrogates", [
        (False, bytes.fromhex(h)) for h in
        ("eda080edb080", "eda080edbfbf", "edadbfedb080", "edadbfedbfbf",
         "edae80edb080", "edae80edbfbf", "edafbfedb080", "edafbfedbfbf")]))
    nonchars = [(True, b"\xef\xbf\xbe"), (True, b"\xef\xbf\xbf")]
    for z1 in (0xf0, 0xf1, 0xf2, 0xf3, 0xf4):
        for z2 in (0x8f, 0x9f, 0xaf, 0xbf):
            if z1 == 0xf4 and z2 != 0x8f:
                continue  # beyond U+10FFFF
            for z3 in (0xbe, 0xbf):
                seq = bytes([z1, z2, 0xbf, z3])
                if seq not in (b"\xf0\x8f\xbf\xbe", b"\xf0\x8f\xbf\xbf"):  # overlong
                    nonchars.append((True, seq))
    seqs.append(("Non-character code points (valid UTF-8)", "noncharacters", nonchars))
    seqs.append(("Unicode specials, e.g. the replacement character", "specials", [
        (True, bytes.fromhex(h)) for h in
        ("efbfb9", "efbfba", "efbfbb", "efbfbc", "efbfbd", "efbfbe", "efbfbf")]))
    return seqs


def group_6_kuhn():
    groups = []
    for sub, (title, slug, seqs) in enumerate(kuhn_sequences(), start=5):
        c = []
        for n, (valid, octets) in enumerate(seqs, start=1):
            assert valid == is_utf8(octets), (sub, n, octets)
            cid = f"6.{sub}.{n}"
            shown = octets.hex()
            if valid:
                c.append(valid_text_case(cid, f"Send valid UTF-8 text 0x{shown} in one frame; "
                                         "expect the echo.", [message("text", hexp(octets))],
                                         hexp(octets)))
            else:
                c.append(invalid_text_case(cid, f"Send invalid UTF-8 text 0x{shown} in one "
                                           "frame; the peer must fail the connection.",
                                           [message("text", hexp(octets))]))
        groups.append((f"6.{sub}", "UTF-8: " + title, c, "utf8-" + slug))
    return groups


# ---------------------------------------------------------------------------------------
# 7. Closing handshake
# ---------------------------------------------------------------------------------------

CLOSE_CODE_NOTE = ("a WRONG CODE close verdict also fails the behavior here, as in Autobahn")


def closing_case(cid, description, rfc, requirement, steps, codes, require_clean,
                 events=(), note=None, wrong_code_is_fatal=True):
    return case(cid, description, rfc, requirement, steps,
                [expect("OK", list(events), note or "nothing was sent after our Close")],
                close_exp(True, codes, require_clean, wrong_code_is_fatal=wrong_code_is_fatal))


def group_7():
    groups = []
    hello = textp("Hello World!")
    c = [closing_case("7.1.1", "Send a text message, wait for the echo, then close normally; "
                      "expect a clean close with 1000.", [RFC_CLOSE, RFC_CLOSING],
                      REQ_CLOSE_REPLY,
                      [frame("text", hello), await_events(1), close()], [CLOSE_NORMAL], True,
                      events=[ev_message(hello)], note="the message was echoed before the "
                      "close; " + CLOSE_CODE_NOTE),
         closing_case("7.1.2", "Send a Close (1000), then a second, empty Close; the second "
                      "must be ignored.", [RFC_CLOSE], REQ_CLOSE_REPLY,
                      [frame("close", close_body(CLOSE_NORMAL)), frame("close"), await_close()],
                      [CLOSE_NORMAL], True),
         closing_case("7.1.3", "Send a Close (1000), then a Ping; the Ping must not be "
                      "answered.", [RFC_CLOSE, RFC_PING], REQ_CLOSE_REPLY + " " + REQ_PING,
                      [frame("close", close_body(CLOSE_NORMAL)), frame("ping"), await_close()],
                      [CLOSE_NORMAL], True),
         closing_case("7.1.4", "Send a Close (1000), then a text message; the message must be "
                      "ignored.", [RFC_CLOSE], REQ_CLOSE_REPLY,
                      [frame("close", close_body(CLOSE_NORMAL)), frame("text", hello),
                       await_close()], [CLOSE_NORMAL], True),
         # RFC 6455 only says the reply "typically" echoes the code; python-websockets replies
         # 1002 because the close interrupted a fragmented message. Both are accepted.
         closing_case("7.1.5", "Send the first fragment of a text message, a Close (1000), "
                      "then the last fragment; expect a clean close and no echo.",
                      [RFC_CLOSE, RFC_FRAG], REQ_CLOSE_REPLY + " Control frames (a Close "
                      "too) may appear between fragments; RFC 6455 does not fix the code of "
                      "the reply, so 1000 (echoed) and 1002 (message left incomplete) are "
                      "both accepted.",
                      [frame("text", textp("fragment1"), fin=False),
                       frame("close", close_body(CLOSE_NORMAL)),
                       frame("continuation", textp("fragment2")), await_close()],
                      [CLOSE_NORMAL, CLOSE_PROTOCOL_ERROR], True,
                      note="no message was delivered; the reply code may be 1000 or 1002"),
         case("7.1.6", "Send a 256 KiB text message, a small text message, a Close (1000) and "
              "a Ping back to back; the result depends on when the peer processes the Close "
              "(informational).", [RFC_CLOSE, RFC_CLOSING], REQ_CLOSE_REPLY,
              [frame("text", pattern("BAsd7&jh23", 256 * 1024)), frame("text", hello),
               frame("close", close_body(CLOSE_NORMAL)), frame("ping"), await_close()],
              [expect("OK", [ev_message(pattern("BAsd7&jh23", 256 * 1024)), ev_message(hello)],
                      "both messages were echoed before the Close was processed"),
               expect("NON-STRICT", None, "the Close was processed before (all of) the "
                      "echoes were written; allowed, since the order depends on the "
                      "implementation")],
              close_exp(True, [CLOSE_NORMAL], True), informational=True)]
    groups.append(("7.1", "Basic close behavior", c))

    c = [closing_case("7.3.1", "Send a Close with an empty body; expect a clean close.",
                      [RFC_CLOSE], REQ_CLOSE_BODY, [close(None)], [CLOSE_NORMAL], True),
         closing_case("7.3.2", "Send a Close with a 1-octet body (too short for a code); the "
                      "peer must fail the connection (1002) or drop TCP.",
                      [RFC_CLOSE, RFC_FAIL], REQ_CLOSE_BODY,
                      [frame("close", textp("a")), await_close()], [CLOSE_PROTOCOL_ERROR],
                      False),
         closing_case("7.3.3", "Send a Close with code 1000 and no reason; expect a clean "
                      "close.", [RFC_CLOSE], REQ_CLOSE_BODY, [close()], [CLOSE_NORMAL], True),
         closing_case("7.3.4", "Send a Close with code 1000 and a short reason; expect a clean "
                      "close.", [RFC_CLOSE], REQ_CLOSE_BODY, [close(reason="Hello World!")],
                      [CLOSE_NORMAL], True),
         closing_case("7.3.5", "Send a Close with code 1000 and a 123-octet reason (a 125-octet "
                      "body, the maximum); expect a clean close.", [RFC_CLOSE, RFC_CONTROL],
                      REQ_CLOSE_BODY, [close(reason="*" * 123)], [CLOSE_NORMAL], True),
         closing_case("7.3.6", "Send a Close with code 1000 and a 124-octet reason (a 126-octet "
                      "body, too long for a control frame); the peer must fail the connection "
                      "(1002) or drop TCP.", [RFC_CLOSE, RFC_CONTROL, RFC_FAIL], REQ_CLOSE_BODY,
                      [frame("close", close_body(CLOSE_NORMAL, "*" * 124)), await_close()],
                      [CLOSE_PROTOCOL_ERROR], False)]
    groups.append(("7.3", "Close frame payload length", c))

    bad_reason = KOSME + bytes.fromhex("eda080") + b"edited"
    c = [closing_case("7.5.1", "Send a Close with code 1000 and a reason that is invalid "
                      "UTF-8; the peer must fail the connection (1002 or 1007) or drop TCP.",
                      [RFC_CLOSE, RFC_UTF8, RFC_FAIL], REQ_CLOSE_BODY + " " + REQ_UTF8_INVALID,
                      [frame("close", close_body(CLOSE_NORMAL, reason_hex=bad_reason)),
                       await_close()], [CLOSE_PROTOCOL_ERROR, CLOSE_INVALID_PAYLOAD], False)]
    groups.append(("7.5", "Close frame payload value", c))

    c = []
    for n, code in enumerate((1000, 1001, 1002, 1003, 1007, 1008, 1009, 1010, 1011, 3000,
                              3999, 4000, 4999), start=1):
        c.append(closing_case(f"7.7.{n}", f"Send a Close with valid code {code}; expect a "
                              "clean close with 1000 or the echoed code.",
                              [RFC_CLOSE, RFC_CODES, RFC_CODE_RANGES], REQ_CLOSE_CODES_VALID,
                              [close(code)], sorted({CLOSE_NORMAL, code}), True,
                              note="clean close; " + CLOSE_CODE_NOTE))
    groups.append(("7.7", "Valid close codes", c))

    c = []
    for n, code in enumerate((0, 999, 1004, 1005, 1006, 1016, 1100, 2000, 2999), start=1):
        c.append(closing_case(f"7.9.{n}", f"Send a Close with invalid code {code}; the peer "
                              "must fail the connection (1002) or drop TCP.",
                              [RFC_CLOSE, RFC_CODES, RFC_CODE_RANGES, RFC_FAIL],
                              REQ_CLOSE_CODES_INVALID,
                              [frame("close", close_body(code)), await_close()],
                              [CLOSE_PROTOCOL_ERROR], False,
                              note="the invalid code was rejected; " + CLOSE_CODE_NOTE))
    groups.append(("7.9", "Invalid close codes", c))

    c = []
    for n, code in enumerate((5000, 65535), start=1):
        c.append(case(f"7.13.{n}", f"Send a Close with code {code}, outside every defined "
                      "range; any reaction is reported (informational).",
                      [RFC_CODES, RFC_CODE_RANGES], REQ_CLOSE_CODES_UNDEFINED,
                      [frame("close", close_body(code)), await_close()],
                      [expect("INFORMATIONAL", None, "RFC 6455 does not define what happens")],
                      close_exp(True, [CLOSE_NORMAL, code, CLOSE_PROTOCOL_ERROR], False),
                      informational=True))
    groups.append(("7.13", "Close codes outside the defined ranges", c))
    return groups


# ---------------------------------------------------------------------------------------
# 9. Limits and performance
# ---------------------------------------------------------------------------------------

KIB = 1024
MIB = 1024 * 1024
TEXT_UNIT = "BAsd7&jh23"
BINARY_UNIT = bytes([0x00, 0xFE, 0x23, 0xFA, 0xF0])


def perf_case(cid, description, send, event, wait_s):
    wait_ms = wait_s * 1000
    return case(cid, description, [RFC_FRAMING, RFC_FRAG, RFC_LIMITS], REQ_LARGE,
                list(send) + [await_events(1, wait_ms), close()],
                [expect("OK", [event], "the echo arrived complete within the time limit")],
                CLEAN_NORMAL_CLOSE, timeout_ms=wait_ms + 10000, measure_throughput=True)


def size_name(n):
    return f"{n // MIB} MiB" if n >= MIB else f"{n // KIB} KiB"


def group_9():
    groups = []
    sizes = ((64 * KIB, 10, 10), (256 * KIB, 10, 10), (1 * MIB, 100, 10),
             (4 * MIB, 100, 10), (8 * MIB, 100, 100), (16 * MIB, 100, 100))
    for sub, binary in ((1, False), (2, True)):
        c = []
        for n, (size, wait_text, wait_binary) in enumerate(sizes, start=1):
            p = pattern_hex(BINARY_UNIT, size) if binary else pattern(TEXT_UNIT, size)
            kind = "binary" if binary else "text"
            c.append(perf_case(f"9.{sub}.{n}", f"Send a {size_name(size)} {kind} message in one "
                               "frame; expect the echo.", [frame(kind, p)],
                               ev_message(p, binary), wait_binary if binary else wait_text))
        groups.append((f"9.{sub}", f"{'Binary' if binary else 'Text'} messages of increasing "
                       "size", c))
    frags = (64, 256, 1 * KIB, 4 * KIB, 16 * KIB, 64 * KIB, 256 * KIB, 1 * MIB, 4 * MIB)
    for sub, binary in ((3, False), (4, True)):
        c = []
        for n, frag in enumerate(frags, start=1):
            if binary and n == 1:
                p = pattern_hex(b"\xfe", 4 * MIB)
            else:
                p = pattern("*", 4 * MIB)
            kind = "binary" if binary else "text"
            frag_name = f"{frag} octets" if frag < KIB else size_name(frag)
            c.append(perf_case(f"9.{sub}.{n}", f"Send a 4 MiB {kind} message in fragments of "
                               f"{frag_name}; expect the echo.",
                               [message(kind, p, fragment_size=frag)], ev_message(p, binary),
                               100))
        groups.append((f"9.{sub}", f"Fragmented {'binary' if binary else 'text'} messages of "
                       "increasing fragment size", c))
    chops = (64, 128, 256, 512, 1024, 2048)
    for sub, binary in ((5, False), (6, True)):
        c = []
        for n, chop in enumerate(chops, start=1):
            p = pattern_hex(BINARY_UNIT, MIB) if binary else pattern(TEXT_UNIT, MIB)
            kind = "binary" if binary else "text"
            c.append(perf_case(f"9.{sub}.{n}", f"Send a 1 MiB {kind} message in one frame, "
                               f"written to TCP in chops of {chop} octets; expect the echo.",
                               [frame(kind, p, chop=chop)], ev_message(p, binary), 1000))
        groups.append((f"9.{sub}", f"{'Binary' if binary else 'Text'} messages of increasing "
                       "chop size", c))
    rtts = ((0, 60), (16, 60), (64, 60), (256, 120), (1024, 240), (4096, 480))
    count = 1000
    for sub, binary in ((7, False), (8, True)):
        c = []
        for n, (size, wait_s) in enumerate(rtts, start=1):
            p = pattern_hex(b"\xfe", size) if binary else pattern("*", size)
            kind = "binary" if binary else "text"
            wait_ms = wait_s * 1000
            c.append(case(
                f"9.{sub}.{n}", f"Send {count} {kind} messages of {size} octets one at a time, "
                "each after the previous echo, to measure round-trip time.",
                [RFC_DATA, RFC_LIMITS], "Every message is echoed; measures latency.",
                [repeat(count, [frame(kind, p), await_more(1)]), close()],
                [expect("OK", [ev_message(p, binary, repeat_count=count)],
                        f"all {count} echoes arrived within {wait_s} s")],
                CLEAN_NORMAL_CLOSE, timeout_ms=wait_ms, measure_throughput=True))
        groups.append((f"9.{sub}", f"{'Binary' if binary else 'Text'} message round-trip time",
                       c))
    return groups


# ---------------------------------------------------------------------------------------
# 10. Auto-fragmentation
# ---------------------------------------------------------------------------------------


def group_10():
    p = pattern("*", 65536)
    return [("10.1", "Auto-fragmentation", [
        echo_case("10.1.1", "Send a 65536-octet text message in fragments of 1300 octets; "
                  "expect the reassembled echo.", [RFC_FRAG], REQ_AUTOFRAG,
                  [message("text", p, fragment_size=1300)], [ev_message(p)],
                  answer_ms=BIG_ANSWER_MS)])]


# ---------------------------------------------------------------------------------------
# hs. Opening handshake (wsspec's own; the peer under test is a server)
# ---------------------------------------------------------------------------------------

RFC_HS_CLIENT = "RFC 6455 4.1"
RFC_HS_READ = "RFC 6455 4.2.1"
RFC_HS_SEND = "RFC 6455 4.2.2"
RFC_HS_VERSION = "RFC 6455 4.4"
RFC_KEY_HEADER = "RFC 6455 11.3.1"
RFC_VERSION_HEADER = "RFC 6455 11.3.5"

REQ_HS_VALID = ("A valid client handshake is an HTTP/1.1 GET with Host, Upgrade: websocket, "
                "Connection containing Upgrade, a Sec-WebSocket-Key of 16 base64 octets and "
                "Sec-WebSocket-Version: 13; the server answers 101 with Upgrade, Connection "
                "and the matching Sec-WebSocket-Accept.")
REQ_HS_REFUSE = ("If the client's handshake does not match the required form, the server MUST "
                 "stop processing it and return an HTTP error response (such as 400 Bad "
                 "Request).")
REQ_HS_VERSION = ("If the requested version is not one the server understands, it MUST abort "
                  "the handshake and answer with an error (such as 426 Upgrade Required) and "
                  "a Sec-WebSocket-Version header listing the versions it supports.")

HANDSHAKE_ECHO = "wsspec handshake check"


def hs_accepted(extra=None):
    h = {"status": [101], "accept_key_valid": True}
    if extra:
        h.update(extra)
    return h


def hs_accept_case(cid, description, rfc, requirement, handshake=None, refusal=None,
                   timeout_ms=None, **extra):
    """The server must accept; the connection must then carry a message both ways.
    `refusal`, if given, is (verdict, note) for a 4xx answer."""
    expects = [expect("OK", [ev_message(HANDSHAKE_ECHO)],
                      "the server accepted the request and the connection works",
                      hs_accepted())]
    if refusal:
        expects.append(expect(refusal[0], None, refusal[1], {"status_class": [4]}))
    kw = dict(extra)
    if handshake is not None:
        kw["handshake"] = handshake
    if timeout_ms:
        kw["timeout_ms"] = timeout_ms
    close_expectation = NOT_APPLICABLE if refusal else CLEAN_NORMAL_CLOSE
    return case(cid, description, rfc, requirement,
                [frame("text", HANDSHAKE_ECHO), await_events(1), close()], expects,
                close_expectation, roles=SERVER_ONLY, **kw)


def hs_refuse_case(cid, description, rfc, requirement, handshake, ok=None, extra_ok=None):
    """The server must not upgrade; a 4xx answer is the expected refusal."""
    expects = [expect("OK", None, "the server refused the request with a client error",
                      ok or {"status_class": [4]})]
    if extra_ok:
        expects.extend(extra_ok)
    expects.append(expect("NON-STRICT", None, "the server did not upgrade but closed the "
                          "connection without an HTTP error response",
                          {"no_response": True}))
    expects.append(expect("NON-STRICT", None, "the server did not upgrade, but answered with "
                          "a status that is not a client error", {"status_class": [2, 3, 5]}))
    return case(cid, description, rfc, requirement, [close()], expects, NOT_APPLICABLE,
                roles=SERVER_ONLY, handshake=handshake, timeout_ms=3000)


def hs_either_case(cid, description, rfc, requirement, handshake, accepted, refused, extra=(),
                   timeout_ms=3000, **kw):
    """Both outcomes are allowed; (verdict, note) for each."""
    expects = [expect(accepted[0], None, accepted[1], hs_accepted()),
               expect(refused[0], None, refused[1], {"status_class": [4]})]
    expects.extend(extra)
    return case(cid, description, rfc, requirement, [close()], expects, NOT_APPLICABLE,
                roles=SERVER_ONLY, handshake=handshake, timeout_ms=timeout_ms, **kw)


def replace_header(name, value):
    return {"remove_headers": [name], "add_headers": [[name, value]]}


def b64(n_octets):
    return base64.b64encode(bytes(range(1, n_octets + 1))).decode("ascii")


def group_hs():
    groups = []

    # hs.1 request line --------------------------------------------------------------
    c = [hs_accept_case("hs.1.1", "Send the default version 13 handshake; expect 101 with a "
                        "correct Sec-WebSocket-Accept, then an echo.",
                        [RFC_HS_CLIENT, RFC_HS_READ, RFC_HS_SEND], REQ_HS_VALID)]
    # The baseline also checks the response headers RFC 6455 4.2.2 requires.
    c[0]["expect"][0]["handshake"]["header_has_token"] = {"upgrade": ["websocket"],
                                                          "connection": ["upgrade"]}
    for n, method in ((2, "POST"), (3, "HEAD")):
        c.append(hs_refuse_case(f"hs.1.{n}", f"Send the handshake with method {method}; the "
                                "server must not upgrade.", [RFC_HS_CLIENT, RFC_HS_READ],
                                "The handshake MUST be a GET request. " + REQ_HS_REFUSE,
                                {"method": method}))
    c.append(hs_refuse_case("hs.1.4", "Send the handshake with method \"get\" in lower case; "
                            "methods are case-sensitive, so the server must not upgrade.",
                            [RFC_HS_CLIENT, RFC_HS_READ, "RFC 9110 9.1"],
                            "The handshake MUST be a GET request, and the method token is "
                            "case-sensitive. " + REQ_HS_REFUSE, {"method": "get"}))
    c.append(hs_refuse_case("hs.1.5", "Send the handshake as HTTP/1.0; the server must not "
                            "upgrade (505 is accepted as well as 4xx).",
                            [RFC_HS_CLIENT, RFC_HS_READ],
                            "The HTTP version of the handshake MUST be at least 1.1. "
                            + REQ_HS_REFUSE, {"http_version": "HTTP/1.0"},
                            ok={"status_class": [4], "status": [505]}))
    c.append(hs_accept_case("hs.1.6", "Send the handshake with an absolute-form target "
                            "(http://host/path); expect 101.",
                            [RFC_HS_CLIENT, RFC_HS_READ, "RFC 9112 3.2.2"],
                            "The request target is the resource name or an absolute http URI "
                            "naming the same host and resource; an HTTP/1.1 server MUST accept "
                            "the absolute form.", {"target": "http://{host}{path}"},
                            refusal=("NON-STRICT", "refused the absolute form, which HTTP/1.1 "
                                     "servers must accept; rarely sent by real clients")))
    c.append(hs_accept_case("hs.1.7", "Send the handshake with a query string appended to the "
                            "target; expect 101.", [RFC_HS_READ, "RFC 6455 3"],
                            "The resource name includes the query; a server may serve or "
                            "refuse a resource, but a query alone is no reason to fail.",
                            {"target": "{path}?wsspec=1&check=query%20string"},
                            refusal=("INFORMATIONAL", "the server refused this resource "
                                     "(allowed by 4.2.2, e.g. 404), maybe because it routes "
                                     "on the query")))
    groups.append(("hs.1", "Handshake: request line", c))

    # hs.2 Host --------------------------------------------------------------------------
    req_host = ("The handshake MUST contain a Host header field. A server MUST answer 400 to "
                "an HTTP/1.1 request without Host, with more than one Host, or with an "
                "invalid Host value. " + REQ_HS_REFUSE)
    rfc_host = [RFC_HS_CLIENT, RFC_HS_READ, "RFC 9112 3.2"]
    c = [hs_refuse_case("hs.2.1", "Send the handshake without a Host header; the server must "
                        "refuse it.", rfc_host, req_host, {"remove_headers": ["Host"]}),
         hs_refuse_case("hs.2.2", "Send the handshake with two Host headers; the server must "
                        "refuse it.", rfc_host, req_host,
                        {"add_headers": [["Host", "other.invalid"]]}),
         hs_refuse_case("hs.2.3", "Send the handshake with a malformed Host value (containing "
                        "spaces); the server must refuse it.", rfc_host, req_host,
                        replace_header("Host", "bad host name"))]
    groups.append(("hs.2", "Handshake: Host header", c))

    # hs.3 Upgrade -------------------------------------------------------------------------
    req_upgrade = ("The handshake MUST contain an Upgrade header field whose value is "
                   "\"websocket\", compared ASCII case-insensitively.")
    c = [hs_refuse_case("hs.3.1", "Send the handshake without an Upgrade header; the server "
                        "must not upgrade.", [RFC_HS_CLIENT, RFC_HS_READ],
                        req_upgrade + " " + REQ_HS_REFUSE, {"remove_headers": ["Upgrade"]}),
         hs_refuse_case("hs.3.2", "Send the handshake with Upgrade: h2c; the server must not "
                        "upgrade to WebSocket.", [RFC_HS_CLIENT, RFC_HS_READ],
                        req_upgrade + " " + REQ_HS_REFUSE, replace_header("Upgrade", "h2c")),
         hs_accept_case("hs.3.3", "Send Upgrade: WebSocket (mixed case); expect 101.",
                        [RFC_HS_CLIENT, RFC_HS_READ], req_upgrade,
                        replace_header("Upgrade", "WebSocket")),
         hs_accept_case("hs.3.4", "Send Upgrade: WEBSOCKET (upper case); expect 101.",
                        [RFC_HS_CLIENT, RFC_HS_READ], req_upgrade,
                        replace_header("Upgrade", "WEBSOCKET")),
         hs_either_case("hs.3.5", "Send the Upgrade header twice, both websocket; the server "
                        "may accept or refuse (informational).",
                        [RFC_HS_READ, "RFC 9110 5.3"],
                        req_upgrade + " Repeated list fields combine into one list "
                        "(\"websocket, websocket\"), so whether the value still names "
                        "websocket is open to interpretation.",
                        {"add_headers": [["Upgrade", "websocket"]]},
                        ("INFORMATIONAL", "accepted the repeated Upgrade header"),
                        ("INFORMATIONAL", "refused the repeated Upgrade header"))]
    groups.append(("hs.3", "Handshake: Upgrade header", c))

    # hs.4 Connection ------------------------------------------------------------------------
    req_conn = ("The handshake MUST contain a Connection header field that includes the token "
                "\"Upgrade\", compared ASCII case-insensitively; other tokens may be present.")
    c = [hs_refuse_case("hs.4.1", "Send the handshake without a Connection header; the server "
                        "must not upgrade.", [RFC_HS_CLIENT, RFC_HS_READ],
                        req_conn + " " + REQ_HS_REFUSE, {"remove_headers": ["Connection"]}),
         hs_refuse_case("hs.4.2", "Send Connection: keep-alive (no Upgrade token); the server "
                        "must not upgrade.", [RFC_HS_CLIENT, RFC_HS_READ],
                        req_conn + " " + REQ_HS_REFUSE,
                        replace_header("Connection", "keep-alive")),
         hs_accept_case("hs.4.3", "Send Connection: keep-alive, Upgrade (as Firefox does); "
                        "expect 101.", [RFC_HS_CLIENT, RFC_HS_READ], req_conn,
                        replace_header("Connection", "keep-alive, Upgrade")),
         hs_accept_case("hs.4.4", "Send Connection: upgrade (lower case); expect 101.",
                        [RFC_HS_CLIENT, RFC_HS_READ], req_conn,
                        replace_header("Connection", "upgrade")),
         hs_accept_case("hs.4.5", "Send the Connection tokens on two header lines (keep-alive, "
                        "then Upgrade); expect 101.", [RFC_HS_READ, "RFC 9110 5.3"],
                        req_conn + " Field lines with the same name combine into one list.",
                        {"remove_headers": ["Connection"],
                         "add_headers": [["Connection", "keep-alive"],
                                         ["Connection", "Upgrade"]]},
                        refusal=("NON-STRICT", "refused a request whose combined Connection "
                                 "list contains Upgrade (it looked at one line only)")),
         hs_refuse_case("hs.4.6", "Send Connection: Upgraded (a different token); the server "
                        "must not upgrade.", [RFC_HS_CLIENT, RFC_HS_READ],
                        req_conn + " " + REQ_HS_REFUSE,
                        replace_header("Connection", "Upgraded"))]
    groups.append(("hs.4", "Handshake: Connection header", c))

    # hs.5 Sec-WebSocket-Key --------------------------------------------------------------
    req_key = ("The handshake MUST contain exactly one Sec-WebSocket-Key header whose value, "
               "base64-decoded, is 16 octets long. " + REQ_HS_REFUSE)
    rfc_key = [RFC_HS_CLIENT, RFC_HS_READ, RFC_KEY_HEADER]
    c = [hs_refuse_case("hs.5.1", "Send the handshake without Sec-WebSocket-Key; the server "
                        "must refuse it.", rfc_key, req_key,
                        {"remove_headers": ["Sec-WebSocket-Key"]}),
         hs_refuse_case("hs.5.2", "Send a Sec-WebSocket-Key that is not base64; the server "
                        "must refuse it.", rfc_key, req_key,
                        replace_header("Sec-WebSocket-Key", "this is not base64!!")),
         hs_refuse_case("hs.5.3", "Send a Sec-WebSocket-Key that decodes to 15 octets; the "
                        "server must refuse it.", rfc_key, req_key,
                        replace_header("Sec-WebSocket-Key", b64(15))),
         hs_refuse_case("hs.5.4", "Send a Sec-WebSocket-Key that decodes to 17 octets (24 "
                        "characters, like a valid key); the server must refuse it.", rfc_key,
                        req_key, replace_header("Sec-WebSocket-Key", b64(17))),
         hs_refuse_case("hs.5.5", "Send two Sec-WebSocket-Key headers with different valid "
                        "keys; the server must refuse it.", rfc_key, req_key,
                        {"add_headers": [["Sec-WebSocket-Key", b64(16)]]}),
         hs_refuse_case("hs.5.6", "Send an empty Sec-WebSocket-Key; the server must refuse "
                        "it.", rfc_key, req_key, replace_header("Sec-WebSocket-Key", ""))]
    assert len(b64(17)) == 24 and len(b64(15)) == 20
    groups.append(("hs.5", "Handshake: Sec-WebSocket-Key header", c))

    # hs.6 Sec-WebSocket-Version ---------------------------------------------------------
    rfc_ver = [RFC_HS_CLIENT, RFC_HS_READ, RFC_HS_VERSION]
    version_refusal = {"status": [426], "header_has_token": {"sec-websocket-version": ["13"]}}
    other_4xx = expect("NON-STRICT", None, "refused with a client error, but not 426 with the "
                       "list of supported versions", {"status_class": [4]})

    def version_case(cid, description, handshake, draft_accept_note=None):
        expects = [expect("OK", None, "refused with 426 and the supported versions",
                          version_refusal),
                   expect("OK", None, "refused with a client error that lists the supported "
                          "versions", {"status_class": [4],
                                       "header_has_token": {"sec-websocket-version": ["13"]}}),
                   other_4xx,
                   expect("NON-STRICT", None, "did not upgrade, but closed the connection "
                          "without an HTTP error response", {"no_response": True})]
        if draft_accept_note:
            # RFC 6455 4.2.2 refuses only "a version [not] understood by the server": a
            # server that implements the draft may accept it (as hs.6.5 does for 8).
            expects.insert(0, expect("INFORMATIONAL", None, draft_accept_note, hs_accepted()))
        return case(cid, description, rfc_ver, REQ_HS_VERSION, [close()], expects,
                    NOT_APPLICABLE, roles=SERVER_ONLY, handshake=handshake, timeout_ms=3000)

    c = [hs_refuse_case("hs.6.1", "Send the handshake without Sec-WebSocket-Version; the "
                        "server must refuse it.", rfc_ver,
                        "The handshake MUST contain Sec-WebSocket-Version: 13. "
                        + REQ_HS_REFUSE, {"remove_headers": ["Sec-WebSocket-Version"]}),
         version_case("hs.6.2", "Ask for version 7 (draft hybi-07, whose handshake is RFC "
                      "6455's); expect 426 with Sec-WebSocket-Version listing 13, or an upgrade "
                      "from a server that implements that draft (informational).",
                      replace_header("Sec-WebSocket-Version", "7"),
                      draft_accept_note="accepted version 7 with a correct accept key: allowed "
                      "for a server that implements draft hybi-07"),
         version_case("hs.6.3", "Ask for version 14 (unknown); expect 426 with "
                      "Sec-WebSocket-Version listing 13.",
                      replace_header("Sec-WebSocket-Version", "14")),
         hs_refuse_case("hs.6.4", "Send Sec-WebSocket-Version: 13 twice; the server must not "
                        "upgrade.", rfc_ver + [RFC_VERSION_HEADER],
                        "Sec-WebSocket-Version MUST NOT appear more than once in a request. "
                        + REQ_HS_REFUSE, {"add_headers": [["Sec-WebSocket-Version", "13"]]}),
         case("hs.6.5", "Send a hybi-10 (version 8) handshake with Sec-WebSocket-Origin; the "
              "server may accept it or refuse it with 426 (informational).", rfc_ver,
              REQ_HS_VERSION + " Version 8 predates RFC 6455; supporting it is optional.",
              [close()],
              [expect("INFORMATIONAL", None, "accepted version 8 with a correct accept key",
                      hs_accepted()),
               expect("INFORMATIONAL", None, "refused version 8 and listed version 13",
                      {"status_class": [4],
                       "header_has_token": {"sec-websocket-version": ["13"]}}),
               expect("NON-STRICT", None, "refused version 8 without listing the supported "
                      "versions", {"status_class": [4]})],
              NOT_APPLICABLE, roles=SERVER_ONLY, handshake={"ws_version": 8},
              timeout_ms=3000),
         version_case("hs.6.6", "Send a non-numeric Sec-WebSocket-Version; expect 426 with "
                      "Sec-WebSocket-Version listing 13.",
                      replace_header("Sec-WebSocket-Version", "thirteen"))]
    groups.append(("hs.6", "Handshake: Sec-WebSocket-Version header", c))

    # hs.7 HTTP syntax -------------------------------------------------------------------------
    odd_case = {"headers": [["hOST", "{host}"], ["uPGRADE", "websocket"],
                            ["cONNECTION", "Upgrade"], ["sec-websocket-key", "{key}"],
                            ["SEC-WEBSOCKET-VERSION", "13"]]}
    spaced = {"headers": [["Host", "  {host}"], ["Upgrade", "\twebsocket  "],
                          ["Connection", "   Upgrade\t"], ["Sec-WebSocket-Key", "  {key}   "],
                          ["Sec-WebSocket-Version", " 13 "]]}
    many = {"add_headers": [[f"X-Wsspec-Filler-{i:02d}", f"value {i}"] for i in range(1, 33)]}
    lf_only = ("GET {path} HTTP/1.1\nHost: {host}\nUpgrade: websocket\nConnection: Upgrade\n"
               "Sec-WebSocket-Key: {key}\nSec-WebSocket-Version: 13\n\n")
    c = [hs_accept_case("hs.7.1", "Send header names in odd letter case (hOST, "
                        "sec-websocket-key, ...); expect 101.", [RFC_HS_READ, "RFC 9110 5.1"],
                        "Header field names are case-insensitive.", odd_case),
         hs_accept_case("hs.7.2", "Send header values with extra spaces and tabs around them "
                        "(the key too); expect 101 with the accept key of the trimmed key.",
                        [RFC_HS_READ, RFC_HS_SEND, "RFC 9112 5.1"],
                        "Optional whitespace around a field value is not part of the value; "
                        "the accept key is computed from the key without it.", spaced),
         hs_refuse_case("hs.7.3", "Send a header with whitespace between its name and the colon "
                        "(\"Host :\"); the server must answer 400.", [RFC_HS_READ, "RFC 9112 5.1"],
                        "A server MUST reject a request with whitespace between a header field "
                        "name and the colon with 400 (Bad Request).",
                        {"remove_headers": ["Host"], "add_headers": [["Host ", "{host}"]]}),
         hs_either_case("hs.7.4", "Send the request with bare LF line endings; a server may "
                        "accept them (informational).", [RFC_HS_READ, "RFC 9112 2.2"],
                        "The line terminator is CRLF, but a recipient MAY recognize a single LF "
                        "as a line terminator.", {"raw": lf_only},
                        ("INFORMATIONAL", "accepted bare LF line endings"),
                        ("INFORMATIONAL", "refused bare LF line endings"),
                        extra=[expect("INFORMATIONAL", None, "sent no response (it may still "
                                      "be waiting for CRLF CRLF)", {"no_response": True})]),
         hs_either_case("hs.7.5", "Send an extra header whose value is folded onto a second line "
                        "(obsolete line folding); 101 and 400 are both allowed.",
                        [RFC_HS_READ, "RFC 9112 5.2"],
                        "A server receiving obs-fold MUST either reject the message with 400 or "
                        "replace each obs-fold with spaces before interpreting the value.",
                        {"add_headers": [["X-Wsspec-Folded", "first part\r\n second part"]]},
                        ("OK", "replaced the folding with spaces and accepted"),
                        ("OK", "rejected the folded header")),
         hs_either_case("hs.7.6", "Send a 64 KiB header line; the server may refuse it with a "
                        "4xx (431), accept it, or drop the connection, but must keep running "
                        "(hs.7.7 checks that).", [RFC_HS_READ, "RFC 9110 5.4", "RFC 6585 5"],
                        "A server that receives a header field or set of fields larger than it "
                        "wishes to process MUST respond with an appropriate 4xx status code "
                        "(431 Request Header Fields Too Large).",
                        {"add_headers": [["X-Wsspec-Padding", {"pattern": "a",
                                                               "length": 64 * KIB}]]},
                        ("OK", "the server was willing to process a header this large and "
                         "accepted the request"),
                        ("OK", "refused the oversized header with a client error, as HTTP "
                         "requires"),
                        extra=[expect("NON-STRICT", None, "closed the connection without an "
                                      "HTTP response; HTTP asks for a 4xx (431) answer. A "
                                      "crash also looks like this: hs.7.7, run next, fails if "
                                      "the server is gone", {"no_response": True})]),
         hs_accept_case("hs.7.7", "Right after hs.7.6, send the default handshake; the server "
                        "must still accept connections (no crash on the oversized header).",
                        [RFC_HS_READ, "RFC 9110 5.4"], "Oversized input must be refused, not "
                        "bring the server down; a following valid handshake succeeds."),
         hs_accept_case("hs.7.8", "Send the handshake with 32 extra header fields; expect 101.",
                        [RFC_HS_READ, "RFC 9110 5.4"], "Unknown header fields are ignored; 32 "
                        "small fields are far below any reasonable limit.", many,
                        refusal=("NON-STRICT", "refused 32 small header fields with a client "
                                 "error; allowed as a limit, but unusually low"))]
    groups.append(("hs.7", "Handshake: HTTP syntax", c))

    # hs.8 delivery ----------------------------------------------------------------------------
    # A masked text frame "Hello" (RFC 6455 5.7's example), sent in the same write as the
    # request, before the 101 is read.
    masked_hello = "8185" + "37fa213d" + "7f9f4d5158"
    c = [hs_accept_case("hs.8.1", "Send the whole request one octet per TCP write; expect "
                        "101.", [RFC_HS_READ], "The server reads the handshake however TCP "
                        "segments it.", {"chop": 1, "chop_delay_ms": 1}, timeout_ms=10000),
         hs_accept_case("hs.8.2", "Send the request in 40-octet pieces 50 ms apart; expect "
                        "101.", [RFC_HS_READ], "The server reads the handshake however TCP "
                        "segments it and however slowly it arrives (within reason).",
                        {"chop": 40, "chop_delay_ms": 50}, timeout_ms=10000),
         case("hs.8.3", "Send a masked text frame in the same write as the request; expect 101, "
              "then the echo of that frame.", [RFC_HS_CLIENT, RFC_HS_SEND, RFC_DATA],
              "A client MUST wait for the server's response before sending more data; this "
              "case breaks that rule on purpose, because TCP may still deliver a frame in the "
              "same segment as the request: bytes after the request belong to the WebSocket "
              "connection, and a robust server neither loses them nor rejects the request.",
              [await_events(1), close()],
              [expect("OK", [ev_message("Hello")], "the pipelined frame was echoed after the "
                      "101", hs_accepted()),
               expect("NON-STRICT", [], "upgraded but silently lost the early frame; the client "
                      "broke RFC 6455 4.1's wait rule, so this is tolerated, but it shows bytes "
                      "read with the request are discarded", hs_accepted())],
              CLEAN_NORMAL_CLOSE, roles=SERVER_ONLY,
              handshake={"pipelined_hex": masked_hello})]
    groups.append(("hs.8", "Handshake: delivery", c))

    # hs.9 negotiation ----------------------------------------------------------------------
    proto = "sec-websocket-protocol"
    req_proto = ("The server selects one of the subprotocols the client offered, or none; if it "
                 "selects none it MUST NOT send Sec-WebSocket-Protocol, and it never selects a "
                 "protocol that was not offered.")
    proto_expects = [expect("OK", None, "selected one of the offered subprotocols",
                            hs_accepted({"header_in": {proto: ["chat", "superchat"]}})),
                     expect("OK", None, "selected no subprotocol",
                            hs_accepted({"header_absent": [proto]}))]
    c = [case("hs.9.1", "Offer subprotocols chat and superchat; the server may select one of "
              "them or none, never another.", [RFC_HS_CLIENT, RFC_HS_SEND], req_proto,
              [close()], proto_expects, CLEAN_NORMAL_CLOSE, roles=SERVER_ONLY,
              offer_protocols=["chat", "superchat"]),
         case("hs.9.2", "Offer no subprotocol; the response must not contain "
              "Sec-WebSocket-Protocol.", [RFC_HS_CLIENT, RFC_HS_SEND], req_proto, [close()],
              [expect("OK", None, "no subprotocol header in the response",
                      hs_accepted({"header_absent": [proto]}))],
              CLEAN_NORMAL_CLOSE, roles=SERVER_ONLY),
         case("hs.9.3", "Offer chat and superchat on two separate header lines; the server may "
              "select one of them or none.", [RFC_HS_SEND, "RFC 9110 5.3"],
              req_proto + " Offers may be split over several header lines.",
              [close()], proto_expects, CLEAN_NORMAL_CLOSE, roles=SERVER_ONLY,
              handshake={"add_headers": [["Sec-WebSocket-Protocol", "chat"],
                                         ["Sec-WebSocket-Protocol", "superchat"]]}),
         case("hs.9.4", "Offer only an unknown extension (x-wsspec-unknown); the response must "
              "not accept it.", [RFC_HS_CLIENT, RFC_HS_SEND, "RFC 6455 9.1"],
              "The server may only accept extensions that the client offered and that it "
              "supports; no server supports x-wsspec-unknown, so the response must not list "
              "it (a client fails the connection on an extension it did not ask for).",
              [close()], [expect("OK", None, "no extension in the response",
                                 hs_accepted({"header_absent": ["sec-websocket-extensions"]}))],
              CLEAN_NORMAL_CLOSE, roles=SERVER_ONLY, offer_extensions=["x-wsspec-unknown"]),
         hs_either_case("hs.9.5", "Send an Origin header as a browser would; the server may "
                        "accept or refuse the origin with 403 (informational).",
                        [RFC_HS_READ, RFC_HS_SEND, "RFC 6455 10.2"],
                        "A server may check Origin and, if it does not accept the origin, "
                        "answer 403 Forbidden.", {"add_headers": [["Origin", "{origin}"]]},
                        ("OK", "accepted the origin"),
                        ("INFORMATIONAL", "refused the origin (allowed; a server may restrict "
                         "origins)"))]
    groups.append(("hs.9", "Handshake: subprotocols, extensions and origin", c))
    return groups


# ---------------------------------------------------------------------------------------
# sf. Server framing (wsspec's own; the peer under test is a server). Autobahn never sends
# an unmasked client frame, so a server that skips RFC 6455 5.1's check passes all of it.
# ---------------------------------------------------------------------------------------

REQ_SERVER_MASK = ("A client MUST mask all frames that it sends to the server. The server MUST "
                   "close the connection upon receiving a frame that is not masked; it MAY send "
                   "a Close frame with status code 1002 (protocol error).")
REQ_MASK_KEY = ("The masking key is a 32-bit value the client picks for each frame; every "
                "value is valid, all zeros included (unmasking with it changes nothing).")


def unmasked(opcode, payload=None, fin=True):
    f = frame(opcode, payload, fin=fin)
    f["frame"]["mask"] = False
    return f


def group_sf():
    rfc = ["RFC 6455 5.1", "RFC 6455 5.3", RFC_FAIL]
    c = [fail_case("sf.1.1", "Send an unmasked text message; the server must fail the "
                   "connection without echoing it.", rfc, REQ_SERVER_MASK,
                   [unmasked("text", SMALL_TEXT)]),
         fail_case("sf.1.2", "Send an unmasked Ping; the server must fail the connection "
                   "without answering it.", rfc, REQ_SERVER_MASK,
                   [unmasked("ping", textp("unmasked ping"))]),
         fail_case("sf.1.3", "Send a masked text message, then an unmasked one, then a Ping; "
                   "expect the echo of the first only.", rfc, REQ_SERVER_MASK,
                   [frame("text", SMALL_TEXT), unmasked("text", SMALL_TEXT), frame("ping")],
                   ok_events=[ev_message(SMALL_TEXT)], non_strict_events=[],
                   ok_note=ECHO_THEN_FAIL_NOTE, non_strict_note=ECHO_BEFORE_FAIL_NOTE),
         fail_case("sf.1.4", "Send a text message in 2 fragments, the first masked and the "
                   "second unmasked; the server must fail the connection without echoing.",
                   rfc + [RFC_FRAG], REQ_SERVER_MASK,
                   [frame("text", textp("fragment1"), fin=False),
                    unmasked("continuation", textp("fragment2"))]),
         echo_case("sf.1.5", "Send a text message masked with the all-zero key; expect the "
                   "echo.", ["RFC 6455 5.3"], REQ_MASK_KEY,
                   [{"frame": {"opcode": "text", "mask": True, "mask_key": "00000000",
                               "payload": SMALL_TEXT}}],
                   [ev_message(SMALL_TEXT)], roles=SERVER_ONLY)]
    for x in c:
        x["roles"] = SERVER_ONLY
    return [("sf.1", "Server framing: unmasked client frames", c, "unmasked-client-frames")]


# ---------------------------------------------------------------------------------------
# u8. UTF-8 at the end of a fragmented message (wsspec's own). Autobahn ends its fragmented
# invalid-text cases (6.3.2, 6.6.*) on a fragment that carries the last octet; a receiver
# that checks "the message ends on a code point boundary" only while consuming payload
# octets misses a text message whose final fragment is empty. Boost.Beast 1.74 is such a
# receiver (found by fuzz/frame_diff_fuzzer.cpp).
# ---------------------------------------------------------------------------------------

def group_u8():
    truncated_kosme = KOSME[:-1]  # ends with CE, the first octet of a 2-octet code point
    c = [invalid_text_case("u8.1.1", "Send a text message as 2 fragments: the single octet "
                           "CE (the start of a 2-octet code point), then an empty final "
                           "fragment; the peer must fail the connection with 1007.",
                           [frame("text", hexp(b"\xce"), fin=False),
                            frame("continuation", "")]),
         invalid_text_case("u8.1.2", "Send the Greek word kosme without its last octet in "
                           "1-octet fragments, then an empty final fragment; the peer must "
                           "fail the connection with 1007.",
                           [frame("text" if i == 0 else "continuation",
                                  hexp(truncated_kosme[i:i + 1]), fin=False)
                            for i in range(len(truncated_kosme))]
                           + [frame("continuation", "")]),
         invalid_text_case("u8.1.3", "Send a text message as 3 fragments: F0 9F 98 (3 octets "
                           "of a 4-octet code point), an empty fragment, and an empty final "
                           "fragment; the peer must fail the connection with 1007.",
                           [frame("text", hexp(bytes.fromhex("f09f98")), fin=False),
                            frame("continuation", "", fin=False),
                            frame("continuation", "")]),
         invalid_text_case("u8.1.4", "Send a text message as 2 fragments: E2 82 (2 octets "
                           "of a 3-octet code point) with a Ping between them, then an empty "
                           "final fragment; the peer must fail the connection with 1007 "
                           "(a Pong before that is allowed).",
                           [frame("text", hexp(bytes.fromhex("e282")), fin=False),
                            frame("ping", textp("between fragments")),
                            frame("continuation", "")]),
         valid_text_case("u8.1.5", "Send the code point U+1F600 as 4 one-octet fragments "
                         "followed by an empty final fragment; expect the 4 octets as echo "
                         "(the control for u8.1.1-u8.1.4: an empty final fragment is valid).",
                         [frame("text" if i == 0 else "continuation",
                                hexp(bytes.fromhex("f09f9880")[i:i + 1]), fin=False)
                          for i in range(4)] + [frame("continuation", "")],
                         hexp(bytes.fromhex("f09f9880")))]
    # u8.1.4: a peer may answer the Ping before the final fragment arrives.
    c[3]["expect"].append(expect("OK", [ev_pong(textp("between fragments"))],
                                 "the peer answered the Ping, then failed the connection "
                                 "without echoing the invalid text"))
    return [("u8.1", "UTF-8: text that ends inside a code point before an empty final "
             "fragment", c, "utf8-empty-final-fragment")]


# ---------------------------------------------------------------------------------------
# hsc. Client opening handshake (wsspec's own; the peer under test is a client, wsspec
# answers its request with a response a case describes)
# ---------------------------------------------------------------------------------------

REQ_HSC_FAIL = ("The client MUST validate the server's response: if the status code is not "
                "101, if Upgrade is not websocket, if Connection lacks the Upgrade token, if "
                "Sec-WebSocket-Accept is missing or not the base64 SHA-1 of the key plus the "
                "GUID, or if the response selects an extension or subprotocol the client did not "
                "ask for, the client MUST Fail the WebSocket Connection (send no data, close "
                "TCP).")
REQ_HSC_VALID = ("Header names and the Upgrade and Connection tokens are case-insensitive, and "
                 "Connection is a comma-separated list; a client must accept a valid 101 in "
                 "any of these forms, however it is split across TCP segments.")
HSC_ECHO = "wsspec client handshake check"
# A bad response is refused at once by a conforming client; these bound the wait for one
# that does not refuse (it would echo the message we send right after the response).
HSC_TIMEOUT_MS = 3000
HSC_EXPECT_REFUSED = expect("OK", [], "the client did not proceed after the bad response: it "
                            "sent no message, ping or pong")


def hsc_fail_case(cid, description, rfc, requirement, response, extra_expects=()):
    """wsspec answers with `response`, then sends a text message as if the connection were
    open. A client that failed the connection never echoes it."""
    steps = [frame("text", HSC_ECHO), await_events(1), await_close()]
    return case(cid, description, rfc, requirement, steps,
                [HSC_EXPECT_REFUSED] + list(extra_expects), NOT_APPLICABLE, roles=CLIENT_ONLY,
                timeout_ms=HSC_TIMEOUT_MS, handshake_response=response)


def hsc_accept_case(cid, description, rfc, requirement, response):
    """A valid 101 in an unusual form: the client must proceed and echo."""
    steps = [frame("text", HSC_ECHO), await_events(1), close()]
    return case(cid, description, rfc, requirement, steps,
                [expect("OK", [ev_message(HSC_ECHO)], "the client accepted the valid response "
                        "and the connection works")],
                CLEAN_NORMAL_CLOSE, roles=CLIENT_ONLY, timeout_ms=HSC_TIMEOUT_MS,
                handshake_response=response)


def group_hsc():
    groups = []
    c = [hsc_fail_case("hsc.1.1", "Answer the handshake with 200 OK (upgrade headers and a "
                       "valid accept key otherwise); the client must fail the connection.",
                       [RFC_HS_CLIENT], REQ_HSC_FAIL, {"status": 200, "reason": "OK"}),
         hsc_fail_case("hsc.1.2", "Answer the handshake with 400 Bad Request; the client must "
                       "fail the connection.", [RFC_HS_CLIENT], REQ_HSC_FAIL,
                       {"status": 400, "headers": [["Content-Length", "0"]]}),
         hsc_fail_case("hsc.1.3", "Answer the handshake with 426 Upgrade Required and "
                       "Sec-WebSocket-Version: 13; the client must fail the connection.",
                       [RFC_HS_CLIENT, RFC_HS_VERSION], REQ_HSC_FAIL,
                       {"status": 426, "headers": [["Sec-WebSocket-Version", "13"],
                                                   ["Content-Length", "0"]]})]
    groups.append(("hsc.1", "Client handshake: status line", c, "status-line"))

    accept = "Sec-WebSocket-Accept"
    c = [hsc_fail_case("hsc.2.1", "Answer 101 with the Sec-WebSocket-Accept of a different "
                       "key; the client must fail the connection.", [RFC_HS_CLIENT],
                       REQ_HSC_FAIL, {"accept": "wrong"}),
         hsc_fail_case("hsc.2.2", "Answer 101 without Sec-WebSocket-Accept; the client must "
                       "fail the connection.", [RFC_HS_CLIENT], REQ_HSC_FAIL,
                       {"remove_headers": [accept]}),
         hsc_fail_case("hsc.2.3", "Answer 101 with the client's own key as "
                       "Sec-WebSocket-Accept; the client must fail the connection.",
                       [RFC_HS_CLIENT], REQ_HSC_FAIL, replace_header(accept, "{key}")),
         hsc_fail_case("hsc.2.4", "Answer 101 with two Sec-WebSocket-Accept headers (both "
                       "correct); the combined value is not the accept key, so the client must "
                       "fail the connection.", [RFC_HS_CLIENT, "RFC 9110 5.3"], REQ_HSC_FAIL,
                       {"add_headers": [[accept, "{accept}"]]})]
    groups.append(("hsc.2", "Client handshake: Sec-WebSocket-Accept", c,
                   "sec-websocket-accept"))

    c = [hsc_fail_case("hsc.3.1", "Answer 101 without an Upgrade header; the client must fail "
                       "the connection.", [RFC_HS_CLIENT], REQ_HSC_FAIL,
                       {"remove_headers": ["Upgrade"]}),
         hsc_fail_case("hsc.3.2", "Answer 101 with Upgrade: h2c; the client must fail the "
                       "connection.", [RFC_HS_CLIENT], REQ_HSC_FAIL,
                       replace_header("Upgrade", "h2c")),
         hsc_fail_case("hsc.3.3", "Answer 101 without a Connection header; the client must fail "
                       "the connection.", [RFC_HS_CLIENT], REQ_HSC_FAIL,
                       {"remove_headers": ["Connection"]}),
         hsc_fail_case("hsc.3.4", "Answer 101 with Connection: keep-alive (no Upgrade token); "
                       "the client must fail the connection.", [RFC_HS_CLIENT], REQ_HSC_FAIL,
                       replace_header("Connection", "keep-alive"))]
    groups.append(("hsc.3", "Client handshake: Upgrade and Connection", c,
                   "upgrade-and-connection"))

    c = [hsc_fail_case("hsc.4.1", "Answer 101 selecting subprotocol wsspec.unoffered (the "
                       "drivers offer none, or others); the client must fail the connection.",
                       [RFC_HS_CLIENT], REQ_HSC_FAIL,
                       {"add_headers": [["Sec-WebSocket-Protocol", "wsspec.unoffered"]]}),
         hsc_fail_case("hsc.4.2", "Answer 101 accepting extension x-wsspec-unknown, which the "
                       "client did not offer; the client must fail the connection.",
                       [RFC_HS_CLIENT, "RFC 6455 9.1"], REQ_HSC_FAIL,
                       {"add_headers": [["Sec-WebSocket-Extensions", "x-wsspec-unknown"]]})]
    groups.append(("hsc.4", "Client handshake: subprotocols and extensions", c,
                   "subprotocols-and-extensions"))

    c = [hsc_fail_case("hsc.5.1", "Answer 101 with an extra 256 KiB header line; the client "
                       "should refuse a response head that large rather than buffer it.",
                       [RFC_HS_CLIENT, "RFC 6455 10.4", "RFC 9110 5.4"],
                       "A client bounds what it buffers from the server (RFC 6455 10.4: "
                       "implementations must protect themselves against exceeding limits; RFC "
                       "9110 5.4 lets a recipient refuse fields larger than it wishes to "
                       "process). A client that buffers it all and proceeds is not wrong by "
                       "the letter of RFC 6455, but has no limit.",
                       {"add_headers": [["X-Wsspec-Padding", pattern("a", 256 * 1024)]]},
                       [expect("NON-STRICT", [ev_message(HSC_ECHO)], "the client accepted a "
                               "256 KiB response header (no limit on the response head)")])]
    groups.append(("hsc.5", "Client handshake: HTTP syntax", c, "http-syntax"))

    c = [hsc_accept_case("hsc.6.1", "Answer 101 with header names and tokens in odd letter "
                         "case (uPGRADE: WebSocket, CONNECTION: UPGRADE); the client must "
                         "accept.", [RFC_HS_CLIENT, "RFC 9110 5.1"], REQ_HSC_VALID,
                         {"headers": [["uPGRADE", "WebSocket"], ["CONNECTION", "UPGRADE"],
                                      ["sec-websocket-accept", "{accept}"]]}),
         hsc_accept_case("hsc.6.2", "Answer 101 with Connection: keep-alive, Upgrade; the client "
                         "must accept.", [RFC_HS_CLIENT, "RFC 9110 7.6.1"], REQ_HSC_VALID,
                         replace_header("Connection", "keep-alive, Upgrade")),
         hsc_accept_case("hsc.6.3", "Answer with a valid 101 plus Server and Date headers, "
                         "written in 7-octet pieces 5 ms apart; the client must accept.",
                         [RFC_HS_CLIENT, "RFC 9112 2.2"], REQ_HSC_VALID,
                         {"add_headers": [["Server", "wsspec"],
                                          ["Date", "Mon, 01 Jan 2024 00:00:00 GMT"]],
                          "chop": 7, "chop_delay_ms": 5})]
    groups.append(("hsc.6", "Client handshake: valid variants", c, "valid-variants"))
    return groups


# ---------------------------------------------------------------------------------------
# cf. Client framing (wsspec's own; the peer under test is a client)
# ---------------------------------------------------------------------------------------

REQ_CLIENT_MASK = ("A server MUST NOT mask any frames that it sends to the client. A client "
                   "MUST close a connection if it detects a masked frame (it may use status "
                   "code 1002).")


def group_cf():
    def masked_case(cid, description, opcode, payload):
        send = {"frame": {"opcode": opcode, "mask": True, "payload": payload}}
        return case(cid, description, ["RFC 6455 5.1", RFC_FAIL], REQ_CLIENT_MASK,
                    [send, await_close()],
                    [expect("OK", [], "the client failed the connection without answering")],
                    close_exp(False, [CLOSE_PROTOCOL_ERROR], False), roles=CLIENT_ONLY)

    c = [masked_case("cf.1.1", "Send a masked text message; the client must fail the "
                     "connection.", "text", SMALL_TEXT),
         masked_case("cf.1.2", "Send a masked ping; the client must fail the connection "
                     "without answering it.", "ping", SMALL_TEXT)]
    return [("cf.1", "Client framing: masked server frames", c, "masked-server-frames")]


# ---------------------------------------------------------------------------------------
# Output
# ---------------------------------------------------------------------------------------


def slugify(title):
    out = []
    for ch in title.lower():
        out.append(ch if ch.isalnum() else "-")
    slug = "".join(out)
    while "--" in slug:
        slug = slug.replace("--", "-")
    return slug.strip("-")


def all_groups():
    groups = []
    groups += group_1()
    groups += group_2()
    groups += group_3()
    groups += group_4()
    groups += group_5()
    groups += group_6_1_to_6_4()
    groups += group_6_kuhn()
    groups += group_7()
    groups += group_9()
    groups += group_10()
    groups += group_hs()
    groups += group_sf()
    groups += group_u8()
    groups += group_hsc()
    groups += group_cf()
    return groups


def main():
    CASES_DIR.mkdir(exist_ok=True)
    written = set()
    ids = set()
    for g in all_groups():
        group, title, cases = g[0], g[1], g[2]
        slug = g[3] if len(g) > 3 else slugify(title.replace("Handshake: ", ""))
        for c in cases:
            assert c["id"] not in ids, c["id"]
            assert c["id"].startswith(group + "."), c["id"]
            ids.add(c["id"])
        doc = {"generated_by": GENERATED_BY, "group": group, "title": title, "cases": cases}
        name = f"{group}-{slug}.json"
        text = json.dumps(doc, indent=2, ensure_ascii=False) + "\n"
        path = CASES_DIR / name
        if not path.exists() or path.read_text(encoding="utf-8") != text:
            path.write_text(text, encoding="utf-8")
        written.add(name)
    for old in sorted(CASES_DIR.glob("*.json")):
        if old.name in written:
            continue
        try:
            stale = json.loads(old.read_text(encoding="utf-8")).get("generated_by")
        except (ValueError, AttributeError):
            stale = None
        if stale == GENERATED_BY:
            old.unlink()
    print(f"gen_cases: {len(ids)} cases in {len(written)} files under {CASES_DIR}",
          file=sys.stderr)


if __name__ == "__main__":
    main()
