"""h2.*: WebSockets over HTTP/2 (RFC 8441): the extended CONNECT, the HTTP/2 rules for its
request (RFC 9113 8), flow control, how a stream ends, multiplexing. Server role only (wsspec
speaks HTTP/2 as the client); over HTTP/1.1 targets these cases are skipped."""

from .blocks import (CLEAN_NORMAL_CLOSE, CLOSE_INTERNAL_ERROR, CLOSE_NORMAL,
                     CLOSE_PROTOCOL_ERROR, NOT_APPLICABLE,
                     SERVER_ONLY, await_close, await_events, case, close, close_exp,
                     ev_message, expect, frame, message, pattern)
from .requirements import RFC_HS_READ, RFC_HS_VERSION

RFC_8441_SETTING = "RFC 8441 3"
RFC_8441_CONNECT = "RFC 8441 4"
RFC_8441_WS = "RFC 8441 5"
RFC_9113_MALFORMED = "RFC 9113 8.1.1"
RFC_9113_FIELD_NAMES = "RFC 9113 8.2.1"
RFC_9113_CONNECTION_FIELDS = "RFC 9113 8.2.2"
RFC_9113_PSEUDO = "RFC 9113 8.3"
RFC_9113_REQUEST_PSEUDO = "RFC 9113 8.3.1"
RFC_9113_CONNECT = "RFC 9113 8.5"
RFC_9113_FLOW = "RFC 9113 6.9.1"
RFC_9113_STREAMS = "RFC 9113 5"
RFC_9113_RST = "RFC 9113 6.4"

# What a server does with a malformed request (RFC 9113 8.1.1).
REQ_MALFORMED = ("Malformed requests or responses that are detected MUST be treated as a stream "
                 "error (Section 5.4.2) of type PROTOCOL_ERROR. [...] For malformed requests, a "
                 "server MAY send an HTTP response prior to closing or resetting the stream.")
REQ_WEBSOCKET = ("The :protocol pseudo-header field MUST be included in the CONNECT request, "
                 "and it MUST have a value of \"websocket\" to initiate a WebSocket connection "
                 "on an HTTP/2 stream.")
REQ_SCHEME_PATH = ("On requests that contain the :protocol pseudo-header field, the :scheme and "
                   ":path pseudo-header fields of the target URI (see Section 5) MUST also be "
                   "included.")
REQ_CONNECTION_FIELDS = ("An endpoint MUST NOT generate an HTTP/2 message containing "
                         "connection-specific header fields. This includes the Connection "
                         "header field and those listed as having connection-specific "
                         "semantics in Section 7.6.1 of [HTTP] (that is, Proxy-Connection, "
                         "Keep-Alive, Transfer-Encoding, and Upgrade). Any message containing "
                         "connection-specific header fields MUST be treated as malformed "
                         "(Section 8.1.1).")
REQ_PSEUDO = ("Pseudo-header fields defined for responses MUST NOT appear in requests. [...] "
              "Endpoints MUST treat a request or response that contains undefined or invalid "
              "pseudo-header fields as malformed. All pseudo-header fields MUST appear in a "
              "field block before all regular field lines. [...] The same pseudo-header field "
              "name MUST NOT appear more than once in a field block. A field block for an HTTP "
              "request or response that contains a repeated pseudo-header field name MUST be "
              "treated as malformed.")
REQ_FLOW = ("A sender MUST NOT send a flow-controlled frame with a length that exceeds the "
            "space available in either of the flow-control windows advertised by the "
            "receiver.")

H2_ECHO = "wsspec h2 check"
NO_ANSWER_NOTE = ("the server closed the connection without a response, RST_STREAM or GOAWAY "
                  "(RFC 9113 5.4.1: it SHOULD send GOAWAY first)")
CLOSE_GOING_AWAY = 1001
ALL_OTHER_ERRORS = ["NO_ERROR", "INTERNAL_ERROR", "FLOW_CONTROL_ERROR", "SETTINGS_TIMEOUT",
                    "STREAM_CLOSED", "FRAME_SIZE_ERROR", "REFUSED_STREAM", "CANCEL",
                    "COMPRESSION_ERROR", "CONNECT_ERROR", "ENHANCE_YOUR_CALM",
                    "INADEQUATE_SECURITY", "HTTP_1_1_REQUIRED"]
# Bounded: a refused request is answered at once; an accepted one echoes within ANSWER_MS.
H2_CASE_MS = 3000


def accepted(extra=None):
    h = {"status": [200]}
    if extra:
        h.update(extra)
    return h


def echo_steps():
    return [frame("text", H2_ECHO), await_events(1), close()]


def h2_accept_case(cid, description, rfc, requirement, h2=None, refusal=None, extra=(),
                   **kw):
    """The server must answer 200 and the WebSocket must then carry a message both ways.
    `refusal`, if given, is (verdict, note) for a 4xx answer or a stream error."""
    expects = [expect("OK", [ev_message(H2_ECHO)],
                      "the server answered 200 and the WebSocket on the stream echoed",
                      accepted())]
    expects.extend(extra)
    if refusal:
        expects.append(expect(refusal[0], None, refusal[1], {"status_class": [4, 5]}))
        expects.append(expect(refusal[0], None, refusal[1],
                              {"stream_error": ["PROTOCOL_ERROR"] + ALL_OTHER_ERRORS}))
    kw["h2"] = h2 if h2 is not None else {}
    return case(cid, description, rfc, requirement, echo_steps(), expects,
                NOT_APPLICABLE if refusal else CLEAN_NORMAL_CLOSE, roles=SERVER_ONLY,
                timeout_ms=H2_CASE_MS, **kw)


def h2_refuse_case(cid, description, rfc, requirement, h2, ok_status=None, **kw):
    """A request the server must not accept: a stream error PROTOCOL_ERROR (or GOAWAY with
    it, RFC 9113 5.4.1) or an HTTP error response is the expected answer; 200 is FAILED."""
    expects = [
        expect("OK", None, "the server treated the request as malformed: PROTOCOL_ERROR "
               "(RFC 9113 8.1.1)", {"stream_error": ["PROTOCOL_ERROR"]}),
        expect("OK", None, "the server refused the request with an HTTP error response "
               "(RFC 9113 8.1.1: a server MAY send an HTTP response prior to closing or "
               "resetting the stream)", ok_status or {"status_class": [4]}),
        expect("NON-STRICT", None, "the server refused the request, but with an error code "
               "other than PROTOCOL_ERROR", {"stream_error": ALL_OTHER_ERRORS}),
        expect("NON-STRICT", None, "the server refused the request with a status that is "
               "not a client error", {"status_class": [3, 4, 5]}),
        expect("NON-STRICT", None, NO_ANSWER_NOTE, {"no_response": True}),
    ]
    return case(cid, description, rfc, requirement, [close()], expects, NOT_APPLICABLE,
                roles=SERVER_ONLY, timeout_ms=H2_CASE_MS, h2=h2, **kw)


def with_fields(*fields):
    """An extended CONNECT with exactly these fields ({scheme}, {authority}, {path} filled
    in by wsspec), in this order."""
    return {"fields": [list(f) for f in fields]}


METHOD = (":method", "CONNECT")
PROTOCOL = (":protocol", "websocket")
SCHEME = (":scheme", "{scheme}")
PATH = (":path", "{path}")
AUTHORITY = (":authority", "{authority}")
VERSION = ("sec-websocket-version", "13")


def group_h2_1():
    c = []
    c.append(h2_accept_case(
        "h2.1.1", "Wait for the server's SETTINGS_ENABLE_CONNECT_PROTOCOL = 1, send the "
        "extended CONNECT; expect 200, then an echo and a clean close.",
        [RFC_8441_SETTING, RFC_8441_CONNECT, RFC_8441_WS],
        "Upon receipt of SETTINGS_ENABLE_CONNECT_PROTOCOL with a value of 1, a client MAY use "
        "the Extended CONNECT as defined in this document when creating new streams. "
        + REQ_WEBSOCKET))
    c.append(case(
        "h2.1.2", "Send the extended CONNECT right after the connection preface, before the "
        "server's SETTINGS arrived; accepting (the server did advertise the setting in its "
        "preface) and refusing are both OK.",
        [RFC_8441_SETTING, RFC_9113_MALFORMED],
        "If a client were to use the provisions of the extended CONNECT method defined in "
        "this document without first receiving a SETTINGS_ENABLE_CONNECT_PROTOCOL parameter, "
        "a non-supporting peer would detect a malformed request and generate a stream error. "
        "A supporting server has sent the parameter in its own preface, so it may serve the "
        "request or refuse it.",
        echo_steps(),
        [expect("OK", [ev_message(H2_ECHO)], "the server served the early request",
                accepted()),
         expect("OK", None, "the server refused the request sent before its SETTINGS "
                "arrived", {"stream_error": ["PROTOCOL_ERROR"] + ALL_OTHER_ERRORS}),
         expect("OK", None, "the server refused the request sent before its SETTINGS "
                "arrived", {"status_class": [4, 5]}),
         expect("NON-STRICT", None, NO_ANSWER_NOTE, {"no_response": True})],
        NOT_APPLICABLE, roles=SERVER_ONLY, timeout_ms=H2_CASE_MS,
        h2={"before_settings": True}))
    c.append(h2_accept_case(
        "h2.1.3", "Offer the subprotocols chat and superchat in sec-websocket-protocol; "
        "expect 200 selecting one of them or none, then an echo.",
        [RFC_8441_WS, "RFC 6455 4.2.2"],
        "The Origin, Sec-WebSocket-Version, Sec-WebSocket-Protocol, and "
        "Sec-WebSocket-Extensions header fields are used in the CONNECT request and response "
        "header fields as defined in [RFC6455]: a selected subprotocol MUST be one the client "
        "offered.",
        offer_protocols=["chat", "superchat"],
        extra=[expect("OK", [ev_message(H2_ECHO)], "the server selected no subprotocol",
                      accepted({"header_absent": ["sec-websocket-protocol"]}))]))
    # The first alternative must check the selected subprotocol.
    c[-1]["expect"][0]["handshake"]["header_in"] = {"sec-websocket-protocol":
                                                    ["chat", "superchat"]}
    c.append(case(
        "h2.1.4", "Offer permessage-deflate and send a compressed message; expect its echo, "
        "compressed with RSV1 set if the extension was agreed, plain otherwise.",
        [RFC_8441_WS, "RFC 7692 6"],
        "The Sec-WebSocket-Extensions header field is used as defined in RFC 6455; once "
        "permessage-deflate is agreed, a compressed message MUST carry RSV1 on its first "
        "frame (RFC 7692 6), over an HTTP/2 stream as over TCP.",
        [message("text", "Hello, compressed HTTP/2 stream! " * 4, compress=True),
         await_events(1), close()],
        [expect("OK", [ev_message("Hello, compressed HTTP/2 stream! " * 4)],
                "permessage-deflate was agreed and the echo inflated to the message",
                accepted({"deflate": "agreed"})),
         expect("OK", [ev_message("Hello, compressed HTTP/2 stream! " * 4)],
                "the server declined permessage-deflate and echoed the plain message",
                accepted({"deflate": "declined"}))],
        CLEAN_NORMAL_CLOSE, roles=SERVER_ONLY, timeout_ms=H2_CASE_MS,
        offer_extensions=["permessage-deflate"], h2={}))
    c.append(h2_refuse_case(
        "h2.1.5", "Send :method GET with :protocol websocket (the other fields of the "
        "extended CONNECT); the server must not open a WebSocket.",
        [RFC_8441_CONNECT, RFC_9113_PSEUDO, RFC_9113_MALFORMED],
        "A new pseudo-header field :protocol MAY be included on request HEADERS indicating "
        "the desired protocol to be spoken on the tunnel created by CONNECT. Endpoints MUST "
        "treat a request or response that contains undefined or invalid pseudo-header fields "
        "as malformed. " + REQ_MALFORMED,
        with_fields((":method", "GET"), PROTOCOL, SCHEME, PATH, AUTHORITY, VERSION)))
    c.append(h2_refuse_case(
        "h2.1.6", "Send :method connect in lower case with :protocol websocket; methods are "
        "case-sensitive, so this is no extended CONNECT.",
        [RFC_8441_CONNECT, "RFC 9110 9.1", RFC_9113_MALFORMED],
        "The method token is case-sensitive (RFC 9110 9.1); :protocol belongs to CONNECT "
        "only, and a request with an invalid pseudo-header field is malformed. "
        + REQ_MALFORMED,
        with_fields((":method", "connect"), PROTOCOL, SCHEME, PATH, AUTHORITY, VERSION)))
    return ("h2.1", "HTTP/2: the extended CONNECT", c, "http2-extended-connect")


def group_h2_2():
    c = []
    c.append(h2_refuse_case(
        "h2.2.1", "Send CONNECT with :scheme, :path and :authority but no :protocol; a "
        "CONNECT without :protocol must omit :scheme and :path, so it is malformed.",
        [RFC_9113_CONNECT, RFC_8441_WS, RFC_9113_MALFORMED],
        "The :scheme and :path pseudo-header fields MUST be omitted [in a CONNECT request]. "
        "A CONNECT request that does not conform to these restrictions is malformed. "
        + REQ_WEBSOCKET,
        with_fields(METHOD, SCHEME, PATH, AUTHORITY, VERSION)))
    c.append(h2_refuse_case(
        "h2.2.2", "Send :protocol websocket twice; a repeated pseudo-header field makes the "
        "request malformed.",
        [RFC_9113_PSEUDO, RFC_8441_CONNECT, RFC_9113_MALFORMED],
        REQ_PSEUDO + " The :protocol pseudo-header field is single valued (RFC 8441 4).",
        with_fields(METHOD, PROTOCOL, PROTOCOL, SCHEME, PATH, AUTHORITY, VERSION)))
    c.append(h2_refuse_case(
        "h2.2.3", "Send :protocol twice, websocket and h2c; a repeated pseudo-header field "
        "makes the request malformed.",
        [RFC_9113_PSEUDO, RFC_8441_CONNECT, RFC_9113_MALFORMED],
        REQ_PSEUDO + " The :protocol pseudo-header field is single valued (RFC 8441 4).",
        with_fields(METHOD, PROTOCOL, (":protocol", "h2c"), SCHEME, PATH, AUTHORITY,
                    VERSION)))
    c.append(case(
        "h2.2.4", "Send :protocol wsspec-unknown; expect 400 or 501 (RFC 8441 leaves the "
        "status open), never a tunnel.",
        [RFC_8441_CONNECT, RFC_8441_WS, "RFC 9110 15.6.2"],
        REQ_WEBSOCKET + " Upon receiving a CONNECT request bearing the :protocol pseudo-header "
        "field, the server establishes a tunnel to another service of the protocol type "
        "indicated by the pseudo-header field: a server that knows no such protocol refuses "
        "(RFC 8441 does not name the status: 400 and 501 are both taken).",
        [close()],
        [expect("OK", None, "the server refused the unknown protocol with 400 or 501",
                {"status": [400, 501]}),
         expect("NON-STRICT", None, "the server refused the unknown protocol, with another "
                "error status", {"status_class": [3, 4, 5]}),
         expect("NON-STRICT", None, "the server reset the stream instead of answering",
                {"stream_error": ["PROTOCOL_ERROR"] + ALL_OTHER_ERRORS}),
         expect("NON-STRICT", None, "the server closed the connection without an answer",
                {"no_response": True})],
        NOT_APPLICABLE, roles=SERVER_ONLY, timeout_ms=H2_CASE_MS,
        h2=with_fields(METHOD, (":protocol", "wsspec-unknown"), SCHEME, PATH, AUTHORITY,
                       VERSION)))
    c.append(h2_accept_case(
        "h2.2.5", "Send :protocol WebSocket (other letter case); protocol names compare "
        "case-insensitively, so expect 200 and an echo.",
        [RFC_8441_CONNECT, "RFC 9110 7.8"],
        "Although protocol names are registered with a preferred case, recipients SHOULD use "
        "case-insensitive comparison when matching each protocol-name to supported "
        "protocols (RFC 9110 7.8); :protocol takes its values from the same registry.",
        h2=with_fields(METHOD, (":protocol", "WebSocket"), SCHEME, PATH, AUTHORITY, VERSION),
        refusal=("NON-STRICT", "the server compared the protocol name case-sensitively "
                 "(RFC 9110 7.8: it SHOULD NOT)")))
    c.append(h2_refuse_case(
        "h2.2.6", "Send an empty :protocol; no WebSocket may be opened.",
        [RFC_8441_CONNECT, RFC_8441_WS, RFC_9113_MALFORMED],
        REQ_WEBSOCKET + " An empty value names no protocol of the registry.",
        with_fields(METHOD, (":protocol", ""), SCHEME, PATH, AUTHORITY, VERSION),
        ok_status={"status_class": [4, 5]}))
    c.append(h2_refuse_case(
        "h2.2.7", "Send :protocol after a regular field (sec-websocket-version); pseudo-header "
        "fields must come first, so the request is malformed.",
        [RFC_9113_PSEUDO, RFC_9113_MALFORMED],
        REQ_PSEUDO,
        with_fields(METHOD, SCHEME, PATH, AUTHORITY, VERSION, PROTOCOL)))
    return ("h2.2", "HTTP/2: the :protocol pseudo-header field", c, "http2-protocol-field")


def group_h2_3():
    c = []
    c.append(h2_refuse_case(
        "h2.3.1", "Send the extended CONNECT without :scheme; the request is malformed.",
        [RFC_8441_CONNECT, RFC_9113_MALFORMED], REQ_SCHEME_PATH + " " + REQ_MALFORMED,
        {"remove_fields": [":scheme"]}))
    c.append(h2_refuse_case(
        "h2.3.2", "Send the extended CONNECT without :path; the request is malformed.",
        [RFC_8441_CONNECT, RFC_9113_MALFORMED], REQ_SCHEME_PATH + " " + REQ_MALFORMED,
        {"remove_fields": [":path"]}))
    c.append(case(
        "h2.3.3", "Send the extended CONNECT without :authority; serving it and refusing it "
        "are both OK.",
        [RFC_8441_CONNECT, RFC_9113_REQUEST_PSEUDO],
        "On requests bearing the :protocol pseudo-header field, the :authority pseudo-header "
        "field is interpreted according to Section 8.1.2.3 of [RFC7540] (RFC 9113 8.3.1: "
        "clients that generate HTTP/2 requests directly MUST use the :authority "
        "pseudo-header field to convey authority information, unless there is no authority "
        "information to convey); nothing says how a server treats its absence.",
        echo_steps(),
        [expect("OK", [ev_message(H2_ECHO)], "the server served the request", accepted()),
         expect("OK", None, "the server refused the request without :authority",
                {"stream_error": ["PROTOCOL_ERROR"] + ALL_OTHER_ERRORS}),
         expect("OK", None, "the server refused the request without :authority",
                {"status_class": [4, 5]}),
         expect("NON-STRICT", None, NO_ANSWER_NOTE, {"no_response": True})],
        NOT_APPLICABLE, roles=SERVER_ONLY, timeout_ms=H2_CASE_MS,
        h2={"remove_fields": [":authority"]}))
    c.append(h2_refuse_case(
        "h2.3.4", "Send the extended CONNECT with an empty :path; the request is malformed.",
        [RFC_9113_REQUEST_PSEUDO, RFC_9113_MALFORMED],
        "[:path] MUST NOT be empty for \"http\" or \"https\" URIs; \"http\" or \"https\" URIs "
        "that do not contain a path component MUST include a value of '/'. " + REQ_MALFORMED,
        with_fields(METHOD, PROTOCOL, SCHEME, (":path", ""), AUTHORITY, VERSION)))
    c.append(h2_refuse_case(
        "h2.3.5", "Send :path twice; a repeated pseudo-header field makes the request "
        "malformed.",
        [RFC_9113_PSEUDO, RFC_9113_MALFORMED], REQ_PSEUDO,
        with_fields(METHOD, PROTOCOL, SCHEME, PATH, PATH, AUTHORITY, VERSION)))
    c.append(h2_refuse_case(
        "h2.3.6", "Send an undefined pseudo-header field :wsspec; the request is malformed.",
        [RFC_9113_PSEUDO, RFC_9113_MALFORMED], REQ_PSEUDO,
        with_fields(METHOD, PROTOCOL, SCHEME, PATH, AUTHORITY, (":wsspec", "1"), VERSION)))
    c.append(h2_refuse_case(
        "h2.3.7", "Send the response pseudo-header field :status in the request; the request "
        "is malformed.",
        [RFC_9113_PSEUDO, RFC_9113_MALFORMED], REQ_PSEUDO,
        with_fields(METHOD, PROTOCOL, SCHEME, PATH, AUTHORITY, (":status", "200"), VERSION)))
    return ("h2.3", "HTTP/2: :scheme, :path, :authority and other pseudo-header fields", c,
            "http2-pseudo-header-fields")


def group_h2_4():
    c = []
    for n, (name, value) in enumerate((("connection", "Upgrade"), ("upgrade", "websocket"),
                                       ("keep-alive", "timeout=5"),
                                       ("transfer-encoding", "chunked"),
                                       ("proxy-connection", "keep-alive")), start=1):
        c.append(h2_refuse_case(
            f"h2.4.{n}", f"Send the extended CONNECT with a {name}: {value} field; "
            "connection-specific fields make an HTTP/2 message malformed.",
            [RFC_9113_CONNECTION_FIELDS, RFC_9113_MALFORMED, RFC_8441_WS],
            REQ_CONNECTION_FIELDS + " " + REQ_MALFORMED, {"add_fields": [[name, value]]}))
    c.append(h2_accept_case(
        "h2.4.6", "Send the extended CONNECT with te: trailers, the one TE value HTTP/2 "
        "allows; expect 200 and an echo.",
        [RFC_9113_CONNECTION_FIELDS],
        "The only exception to this is the TE header field, which MAY be present in an "
        "HTTP/2 request; when it is, it MUST NOT contain any value other than \"trailers\".",
        h2={"add_fields": [["te", "trailers"]]},
        refusal=("NON-STRICT", "the server refused a request with te: trailers, which "
                 "HTTP/2 allows")))
    c.append(h2_refuse_case(
        "h2.4.7", "Send the extended CONNECT with te: gzip; the request is malformed.",
        [RFC_9113_CONNECTION_FIELDS, RFC_9113_MALFORMED],
        "[TE] MAY be present in an HTTP/2 request; when it is, it MUST NOT contain any value "
        "other than \"trailers\". " + REQ_MALFORMED, {"add_fields": [["te", "gzip"]]}))
    c.append(h2_accept_case(
        "h2.4.8", "Send the extended CONNECT with a sec-websocket-key field; it has no "
        "meaning over HTTP/2, so expect 200 and an echo.",
        [RFC_8441_WS],
        "Implementations using this extended CONNECT to bootstrap WebSockets do not do the "
        "processing of the Sec-WebSocket-Key and Sec-WebSocket-Accept header fields of "
        "[RFC6455] as that functionality has been superseded by the :protocol pseudo-header "
        "field.",
        h2={"add_fields": [["sec-websocket-key", "dGhlIHNhbXBsZSBub25jZQ=="]]},
        refusal=("NON-STRICT", "the server refused a request because of a field RFC 8441 "
                 "says it does not process")))
    c.append(h2_refuse_case(
        "h2.4.9", "Send Sec-WebSocket-Version with upper-case letters in its name; the "
        "request is malformed.",
        [RFC_9113_FIELD_NAMES, RFC_9113_MALFORMED],
        "A field name MUST NOT contain characters in the ranges 0x00-0x20, 0x41-0x5a, or "
        "0x7f-0xff (all ranges inclusive). [...] A request or response that contains a field "
        "that violates any of these conditions MUST be treated as malformed. "
        + REQ_MALFORMED,
        with_fields(METHOD, PROTOCOL, SCHEME, PATH, AUTHORITY, ("Sec-WebSocket-Version",
                                                                  "13"))))
    c.append(case(
        "h2.4.10", "Send the extended CONNECT without sec-websocket-version; the server must "
        "refuse with an HTTP error.",
        [RFC_8441_WS, RFC_HS_READ],
        "Sec-WebSocket-Version [is] used in the CONNECT request [...] as defined in "
        "[RFC6455] (RFC 8441 5); if the client's handshake lacks it, the server MUST stop "
        "processing the client's handshake and return an HTTP response with an appropriate "
        "error code (such as 400 Bad Request) (RFC 6455 4.2.1).",
        [close()],
        [expect("OK", None, "the server refused with a client error", {"status_class": [4]}),
         expect("NON-STRICT", None, "the server refused, but by resetting the stream "
                "instead of an HTTP error response",
                {"stream_error": ["PROTOCOL_ERROR"] + ALL_OTHER_ERRORS}),
         expect("NON-STRICT", None, "the server refused with a status that is not a client "
                "error", {"status_class": [3, 5]}),
         expect("NON-STRICT", None, "the server closed the connection without a response",
                {"no_response": True})],
        NOT_APPLICABLE, roles=SERVER_ONLY, timeout_ms=H2_CASE_MS,
        h2={"remove_fields": ["sec-websocket-version"]}))
    c.append(case(
        "h2.4.11", "Send sec-websocket-version: 8; expect an HTTP error listing version 13 in "
        "sec-websocket-version.",
        [RFC_8441_WS, RFC_HS_VERSION],
        "If this version does not match a version understood by the server, the server MUST "
        "abort the WebSocket handshake described in this section and instead send an "
        "appropriate HTTP error code (such as 426 Upgrade Required) and a "
        "|Sec-WebSocket-Version| header field indicating the version(s) the server is "
        "capable of understanding (RFC 6455 4.4, used by RFC 8441 5; 426 names the Upgrade "
        "mechanism HTTP/2 does not have, so any 4xx is taken).",
        [close()],
        [expect("OK", None, "the server refused and listed the versions it speaks",
                {"status_class": [4], "header_has_token": {"sec-websocket-version": ["13"]}}),
         expect("NON-STRICT", None, "the server refused, but did not list the versions it "
                "speaks", {"status_class": [4]}),
         expect("NON-STRICT", None, "the server refused by resetting the stream",
                {"stream_error": ["PROTOCOL_ERROR"] + ALL_OTHER_ERRORS}),
         expect("NON-STRICT", None, "the server refused with a status that is not a client "
                "error", {"status_class": [3, 5]}),
         expect("NON-STRICT", None, "the server closed the connection without a response",
                {"no_response": True})],
        NOT_APPLICABLE, roles=SERVER_ONLY, timeout_ms=H2_CASE_MS,
        h2={"remove_fields": ["sec-websocket-version"],
            "add_fields": [["sec-websocket-version", "8"]]}))
    return ("h2.4", "HTTP/2: connection-specific and WebSocket header fields", c,
            "http2-header-fields")


def group_h2_5():
    c = []
    for n, (window, size) in enumerate(((16, 100), (1, 20), (64, 4096)), start=1):
        payload = pattern("*", size)
        c.append(case(
            f"h2.5.{n}", f"Advertise SETTINGS_INITIAL_WINDOW_SIZE {window}, send a text "
            f"message of {size} octets; expect its echo in DATA frames that fit the window.",
            [RFC_9113_FLOW, RFC_8441_WS],
            REQ_FLOW + " (An echo larger than the window waits for our WINDOW_UPDATE frames.)",
            [frame("text", payload), await_events(1), close()],
            [expect("OK", [ev_message(payload)], "the echo arrived within the flow-control "
                    "windows", accepted())],
            CLEAN_NORMAL_CLOSE, roles=SERVER_ONLY, timeout_ms=H2_CASE_MS,
            h2={"initial_window_size": window}))
    return ("h2.5", "HTTP/2: flow-control windows smaller than a frame", c,
            "http2-flow-control")


def group_h2_6():
    c = []
    c.append(case(
        "h2.6.1", "Close the WebSocket with Close 1000; expect the Close reply, then the "
        "server's END_STREAM (the orderly TCP close of RFC 6455 over HTTP/2).",
        [RFC_8441_WS, "RFC 6455 7.1.1"],
        "Orderly TCP-level closures are represented as END_STREAM flags (RFC 8441 5). After "
        "both sending and receiving a Close message, an endpoint considers the WebSocket "
        "connection closed and MUST close the underlying TCP connection (RFC 6455 7.1.1).",
        echo_steps(),
        [expect("OK", [ev_message(H2_ECHO)], "the Close was answered and the server ended "
                "the stream", accepted())],
        CLEAN_NORMAL_CLOSE, roles=SERVER_ONLY, timeout_ms=H2_CASE_MS, h2={}))
    c.append(case(
        "h2.6.2", "End our half of the stream (END_STREAM) without a Close frame; the server "
        "must end its half too (END_STREAM or RST_STREAM), as after a TCP close.",
        [RFC_8441_WS, "RFC 6455 7.1.5"],
        "Orderly TCP-level closures are represented as END_STREAM flags (RFC 8441 5): the "
        "WebSocket is then closed (RFC 6455 7.1.4: the WebSocket Connection is Closed when "
        "the underlying TCP connection is closed, with code 1006), and the server MUST close "
        "its side of it (RFC 6455 7.1.1).",
        [frame("text", H2_ECHO), await_events(1), {"h2_stream": {"end": True}},
         await_close(1000)],
        [expect("OK", [ev_message(H2_ECHO)], "the server ended its half of the stream")],
        close_exp(False, [CLOSE_NORMAL, CLOSE_GOING_AWAY, CLOSE_PROTOCOL_ERROR,
                          CLOSE_INTERNAL_ERROR], False),
        roles=SERVER_ONLY, timeout_ms=H2_CASE_MS, h2={}))
    c.append(case(
        "h2.6.3", "Send the first fragment of a text message, then reset the stream "
        "(RST_STREAM CANCEL); a new WebSocket stream on the same connection should still "
        "echo.",
        [RFC_8441_WS, RFC_9113_RST, "RFC 9113 5.4.2"],
        "RST exceptions are represented with the RST_STREAM frame with the CANCEL error code "
        "(RFC 8441 5); RST_STREAM allows for immediate termination of a stream (RFC 9113 "
        "6.4), one stream: a connection that still carries other WebSockets goes on.",
        [frame("text", "first fragment of a message", fin=False),
         {"h2_stream": {"reset": "CANCEL"}}],
        [expect("OK", [], "the stream was reset mid-message and the connection went on "
                "serving a new WebSocket stream", accepted())],
        NOT_APPLICABLE, roles=SERVER_ONLY, timeout_ms=H2_CASE_MS, h2={}))
    c.append(case(
        "h2.6.4", "Reset the stream (RST_STREAM CANCEL) right after the 200; a new WebSocket "
        "stream on the same connection should still echo.",
        [RFC_8441_WS, RFC_9113_RST],
        "RST exceptions are represented with the RST_STREAM frame with the CANCEL error code "
        "(RFC 8441 5); RST_STREAM allows for immediate termination of a stream (RFC 9113 "
        "6.4), one stream: a connection that still carries other WebSockets goes on.",
        [{"h2_stream": {"reset": "CANCEL"}}],
        [expect("OK", [], "the stream was reset and the connection went on serving a new "
                "WebSocket stream", accepted())],
        NOT_APPLICABLE, roles=SERVER_ONLY, timeout_ms=H2_CASE_MS, h2={}))
    c.append(case(
        "h2.6.5", "Send a text frame with RSV2 set; the server must fail the WebSocket (Close "
        "1002) and then end the stream.",
        [RFC_8441_WS, "RFC 6455 5.2", "RFC 6455 7.1.7"],
        "MUST be 0 unless an extension is negotiated that defines meanings for non-zero "
        "values. If a nonzero value is received and none of the negotiated extensions "
        "defines the meaning of such a nonzero value, the receiving endpoint MUST _Fail the "
        "WebSocket Connection_ (RFC 6455 5.2); over HTTP/2 the stream stands for the TCP "
        "connection it then closes (RFC 8441 5).",
        [frame("text", H2_ECHO, rsv=2), await_close(1000)],
        [expect("OK", [], "the server failed the WebSocket and ended the stream",
                accepted())],
        close_exp(False, [CLOSE_PROTOCOL_ERROR], False), roles=SERVER_ONLY,
        timeout_ms=H2_CASE_MS, h2={}))
    return ("h2.6", "HTTP/2: closing the WebSocket, END_STREAM and RST_STREAM", c,
            "http2-stream-ends")


def group_h2_7():
    c = []
    for n, extra in enumerate((2, 8), start=1):
        c.append(case(
            f"h2.7.{n}", f"Open {extra} more WebSocket streams on the connection of the case's "
            "own, each echoing its own message at the same time; then echo on the first.",
            [RFC_9113_STREAMS, RFC_8441_WS],
            "A single HTTP/2 connection can contain multiple concurrently open streams, with "
            "either endpoint interleaving frames from multiple streams (RFC 9113 5); each "
            "stream carries its own WebSocket (RFC 8441 5), so each echo comes back on its "
            "own stream.",
            echo_steps(),
            [expect("OK", [ev_message(H2_ECHO)], "every stream echoed its own message",
                    accepted())],
            CLEAN_NORMAL_CLOSE, roles=SERVER_ONLY, timeout_ms=H2_CASE_MS,
            h2={"extra_streams": extra}))
    return ("h2.7", "HTTP/2: several WebSockets on one connection", c, "http2-multiplexing")


def group_h2():
    return [group_h2_1(), group_h2_2(), group_h2_3(), group_h2_4(), group_h2_5(),
            group_h2_6(), group_h2_7()]
