"""Autobahn groups 3 (reserved bits) and 4 (reserved opcodes)."""

from .blocks import (ECHO_BEFORE_FAIL_NOTE, ECHO_THEN_FAIL_NOTE, SMALL_BINARY, SMALL_TEXT,
                     ev_message, fail_case, frame, hexp, sync_frames, textp)
from .requirements import REQ_OPCODE, REQ_RSV, RFC_FAIL, RFC_FRAMING


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
