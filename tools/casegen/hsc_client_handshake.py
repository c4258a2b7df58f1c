"""hsc.*: the opening handshake of a client under test (wsspec's own): wsspec answers the
client's request with the response a case describes."""

from .blocks import (CLEAN_NORMAL_CLOSE, CLIENT_ONLY, NOT_APPLICABLE, await_close,
                     await_events, case, close, ev_message, expect, frame, pattern,
                     replace_header)
from .requirements import RFC_HS_CLIENT, RFC_HS_VERSION


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
# A bad response is refused at once by a conforming client (it closes TCP, which ends every
# wait); these bound the wait for one that does not refuse: it echoes the message we send
# right after the response. The wait for that echo is long because "no echo" is what
# passes: a slow client that took the bad response (a Python driver on a loaded machine)
# must not pass for want of time.
HSC_TIMEOUT_MS = 3000
HSC_REFUSAL_TIMEOUT_MS = 6000
HSC_ECHO_WAIT_MS = 4000
HSC_EXPECT_REFUSED = expect("OK", [], "the client did not proceed after the bad response: it "
                            "sent no message, ping or pong")


def hsc_fail_case(cid, description, rfc, requirement, response, extra_expects=()):
    """wsspec answers with `response`, then sends a text message as if the connection were
    open. A client that failed the connection never echoes it."""
    steps = [frame("text", HSC_ECHO), await_events(1, timeout_ms=HSC_ECHO_WAIT_MS),
             await_close()]
    return case(cid, description, rfc, requirement, steps,
                [HSC_EXPECT_REFUSED] + list(extra_expects), NOT_APPLICABLE, roles=CLIENT_ONLY,
                timeout_ms=HSC_REFUSAL_TIMEOUT_MS, handshake_response=response)


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
