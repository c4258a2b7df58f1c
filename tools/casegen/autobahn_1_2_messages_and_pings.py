"""Autobahn groups 1 (text and binary messages around the length-encoding boundaries)
and 2 (pings and pongs)."""

from .blocks import (ANSWER_MS, BIG_ANSWER_MS, CLEAN_NORMAL_CLOSE, SMALL_BINARY,
                     await_events, case, close, echo_case, ev_message, ev_pong, expect,
                     fail_case, frame, hexp, pattern, pattern_hex, textp)
from .requirements import (REQ_CONTROL_LENGTH, REQ_LENGTH, REQ_PING, REQ_PING_ALL,
                           REQ_PONG_UNSOLICITED, RFC_CONTROL, RFC_DATA, RFC_FAIL,
                           RFC_FRAMING, RFC_PING, RFC_PONG)


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


# RFC 6455 5.5.3, quoted in the reasons of the cases that check it.
LATEST_PONG_NOTE = ("not every Ping was answered, but the Pongs answer Pings in order and the "
                    "last Ping is answered: RFC 6455 5.5.3 allows it (\"If an endpoint receives "
                    "a Ping frame and has not yet sent Pong frame(s) in response to previous "
                    "Ping frame(s), the endpoint MAY elect to send a Pong frame for only the "
                    "most recently processed Ping frame.\"); Autobahn expects a Pong for each")


def unsolicited_pong_expectations(payload):
    """2.7/2.8: the peer must not answer our unsolicited Pong. A Pong from the peer that
    carries our payload looks like an answer; one that carries another is a heartbeat of its
    own, which RFC 6455 5.5.3 allows at any time."""
    return [expect("OK", [], "nothing was sent in reply to the unsolicited Pong",
                   count_unsolicited_pongs=True),
            expect("NON-STRICT", [ev_pong(payload)], "the peer sent a Pong with the payload "
                   "of ours, which looks like an answer; RFC 6455 5.5.3 says \"A response to "
                   "an unsolicited Pong frame is not expected\" but forbids none (a Pong MAY "
                   "be sent unsolicited)", count_unsolicited_pongs=True),
            expect("OK", [], "nothing was sent in reply to the unsolicited Pong; the peer's "
                   "own unsolicited Pongs (heartbeats, RFC 6455 5.5.3) do not count")]


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
    for cid, payload, what in (("2.7", None, "without payload"),
                               ("2.8", textp("unsolicited pong payload"), "with a payload")):
        c.append(case(cid, f"Send an unsolicited Pong {what}, then close; expect no answer to "
                      "the Pong.", [RFC_PONG], REQ_PONG_UNSOLICITED,
                      [frame("pong", payload), close()],
                      unsolicited_pong_expectations(payload if payload is not None else ""),
                      CLEAN_NORMAL_CLOSE))
    c.append(echo_case("2.9", "Send an unsolicited Pong, then a Ping; expect exactly one Pong, "
                       "answering the Ping.", [RFC_PING, RFC_PONG],
                       REQ_PONG_UNSOLICITED + " " + REQ_PING,
                       [frame("pong", textp("unsolicited pong payload")),
                        frame("ping", textp("ping payload"))],
                       [ev_pong(textp("ping payload"))]))
    for cid, chop, how in (("2.10", None, ""), ("2.11", 1, ", one octet per TCP write")):
        payloads = [f"payload-{i}" for i in range(10)]
        pongs = [ev_pong(p) for p in payloads]
        c.append(case(cid, f"Send 10 Pings with distinct payloads{how}; expect 10 Pongs in the "
                      "same order.", [RFC_PING, RFC_PONG], REQ_PING_ALL,
                      # A peer that answers only the most recent Ping sends fewer Pongs; the
                      # await then runs to its limit.
                      [frame("ping", p, chop=chop) for p in payloads]
                      + [await_events(len(pongs), 3000), close()],
                      [expect("OK", pongs, "every Ping was answered, in order"),
                       expect("NON-STRICT", pongs, LATEST_PONG_NOTE,
                              match="subsequence_with_last")],
                      CLEAN_NORMAL_CLOSE))
    return [("2", "Pings and pongs", c)]
