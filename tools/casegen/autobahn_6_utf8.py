"""Autobahn group 6: UTF-8 handling."""

from .blocks import (CLOSE_INVALID_PAYLOAD, FAIL_FAST_PAUSE_MS, await_close, case,
                     close_exp, echo_case, ev_mark, ev_message, expect, fail_case, frame,
                     hexp, message, sleep, textp)
from .requirements import (REQ_UTF8_FAIL_FAST, REQ_UTF8_INVALID, REQ_UTF8_VALID, RFC_CODES,
                           RFC_DATA, RFC_FAIL, RFC_UTF8)
from .utf8_sequences import KOSME, is_utf8, kuhn_sequences


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
