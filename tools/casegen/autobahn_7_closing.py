"""Autobahn group 7: the closing handshake."""

from .blocks import (CLOSE_INVALID_PAYLOAD, CLOSE_NORMAL, CLOSE_PROTOCOL_ERROR, await_close,
                     await_events, case, close, close_body, close_exp, ev_message, expect,
                     frame, pattern, textp)
from .requirements import (REQ_CLOSE_BODY, REQ_CLOSE_CODES_INVALID,
                           REQ_CLOSE_CODES_UNDEFINED, REQ_CLOSE_CODES_VALID,
                           REQ_CLOSE_REPLY, REQ_PING, REQ_UTF8_INVALID, RFC_CLOSE,
                           RFC_CLOSING, RFC_CODES, RFC_CODE_RANGES, RFC_CONTROL, RFC_FAIL,
                           RFC_FRAG, RFC_PING, RFC_UTF8)
from .utf8_sequences import KOSME


# Why an empty Close is not a full answer to a malformed Close (expect_close.require_code).
REQ_FAIL_WITH_CODE = ("Failing the connection, the endpoint SHOULD send a Close frame with an "
                      "appropriate status code (RFC 6455 7.1.7): an empty Close in reply is "
                      "lenient (NON-STRICT), not conforming.")

CLOSE_CODE_NOTE = ("a WRONG CODE close verdict also fails the behavior here, as in Autobahn")


def closing_case(cid, description, rfc, requirement, steps, codes, require_clean,
                 events=(), note=None, wrong_code_is_fatal=True, malformed=False):
    """`malformed`: our Close is malformed, so the peer must fail the connection; an empty
    Close in reply is NON-STRICT (expect_close.require_code, RFC 6455 7.1.7)."""
    if malformed:
        requirement += " " + REQ_FAIL_WITH_CODE
    return case(cid, description, rfc, requirement, steps,
                [expect("OK", list(events), note or "nothing was sent after our Close")],
                close_exp(True, codes, require_clean, wrong_code_is_fatal=wrong_code_is_fatal,
                          require_code=malformed))


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
                      False, malformed=True),
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
                      [CLOSE_PROTOCOL_ERROR], False, malformed=True)]
    groups.append(("7.3", "Close frame payload length", c))

    bad_reason = KOSME + bytes.fromhex("eda080") + b"edited"
    c = [closing_case("7.5.1", "Send a Close with code 1000 and a reason that is invalid "
                      "UTF-8; the peer must fail the connection (1002 or 1007) or drop TCP.",
                      [RFC_CLOSE, RFC_UTF8, RFC_FAIL], REQ_CLOSE_BODY + " " + REQ_UTF8_INVALID,
                      [frame("close", close_body(CLOSE_NORMAL, reason_hex=bad_reason)),
                       await_close()], [CLOSE_PROTOCOL_ERROR, CLOSE_INVALID_PAYLOAD], False, malformed=True)]
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
                              note="the invalid code was rejected; " + CLOSE_CODE_NOTE,
                              malformed=True))
    groups.append(("7.9", "Invalid close codes", c))

    c = []
    for n, code in enumerate((5000, 65535), start=1):
        c.append(case(f"7.13.{n}", f"Send a Close with code {code}, outside every defined "
                      "range; any reaction is reported (informational).",
                      [RFC_CODES, RFC_CODE_RANGES], REQ_CLOSE_CODES_UNDEFINED,
                      [frame("close", close_body(code)), await_close()],
                      [expect("INFORMATIONAL", None, "RFC 6455 does not define what happens")],
                      # Echoing the code is one of the reactions the case asks about, though
                      # wsspec then has to refuse that Close.
                      close_exp(True, [CLOSE_NORMAL, code, CLOSE_PROTOCOL_ERROR], False,
                                tolerated_violations=["invalid_close_code"]),
                      informational=True))
    groups.append(("7.13", "Close codes outside the defined ranges", c))
    return groups
