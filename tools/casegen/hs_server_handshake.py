"""hs.*: the opening handshake of a server under test (wsspec's own; RFC 6455 section 4
and the HTTP rules it builds on)."""

import base64

from .blocks import (CLEAN_NORMAL_CLOSE, KIB, NOT_APPLICABLE, SERVER_ONLY, await_events,
                     case, close, ev_message, expect, frame, replace_header)
from .requirements import (RFC_DATA, RFC_HS_CLIENT, RFC_HS_READ, RFC_HS_SEND,
                           RFC_HS_VERSION, RFC_KEY_HEADER, RFC_VERSION_HEADER)


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


# hs.7.2: is refusing a request only for the optional whitespace around its values FAILED
# or NON-STRICT? RFC 6455 4.2.2 lets a server decline a connection ("If the server chooses to
# accept the incoming connection ..."), and 4.2.1 demands an error response only for a
# request that does not match the handshake. But RFC 9110 5.5 is a MUST on the parsing
# itself: "a field parsing implementation MUST exclude such whitespace prior to evaluating
# the field value". The request differs from the default one, which the server accepts, only
# in that whitespace; so a refusal (node ws: 426, aiohttp: 400 -- both claiming the request
# is not a valid version 13 upgrade) shows the whitespace was evaluated. FAILED, on that MUST.
OWS_REQUIREMENT = ("Optional whitespace around a field value is not part of the value; the "
                   "accept key is computed from the key without it. RFC 9110 5.5: \"a field "
                   "parsing implementation MUST exclude such whitespace prior to evaluating the "
                   "field value\". The request differs from the default handshake only in that "
                   "whitespace, so a refusal breaks this MUST; the freedom to decline a "
                   "connection (RFC 6455 4.2.2) does not cover claiming a valid request is "
                   "malformed.")


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
                        [RFC_HS_READ, RFC_HS_SEND, "RFC 9112 5.1", "RFC 9110 5.5"],
                        OWS_REQUIREMENT, spaced),
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
