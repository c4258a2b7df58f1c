"""h2cl.*: WebSocket clients over HTTP/2 (RFC 8441), with wsspec as the HTTP/2 server
(`wsspec test-client --http2`): the answer's status, SETTINGS_ENABLE_CONNECT_PROTOCOL taken
back, header fields a response must not carry or that name what the client did not offer,
the stream ended or reset by the server, flow-control windows smaller than a frame. Client
role only; with an HTTP/1.1 listener these cases are skipped."""

from .blocks import (CLEAN_NORMAL_CLOSE, CLIENT_ONLY, CLOSE_INTERNAL_ERROR, CLOSE_NORMAL,
                     CLOSE_PROTOCOL_ERROR, NOT_APPLICABLE, await_close, await_events, case,
                     close, close_body, close_exp, ev_message, expect, frame, pattern)

RFC_8441_SETTING = "RFC 8441 3"
RFC_8441_WS = "RFC 8441 5"
RFC_9113_MALFORMED = "RFC 9113 8.1.1"
RFC_9113_CONNECTION_FIELDS = "RFC 9113 8.2.2"
RFC_9113_CONNECT = "RFC 9113 8.5"
RFC_9110_CONNECT = "RFC 9110 9.3.6"
RFC_9113_FLOW = "RFC 9113 6.9.1"
RFC_9113_WINDOW = "RFC 9113 6.9.2"
RFC_9113_RST = "RFC 9113 6.4"
RFC_6455_RESPONSE = "RFC 6455 4.1"

REQ_TUNNEL = ("Once this connection is successfully established, the proxy sends a HEADERS "
              "frame containing a 2xx series status code to the client, as defined in "
              "Section 9.3.6 of [HTTP] (RFC 9113 8.5). Any 2xx (Successful) response indicates "
              "that the sender (and all inbound proxies) will switch to tunnel mode "
              "immediately after the response header section (RFC 9110 9.3.6).")
REQ_SETTING = ("Upon receipt of SETTINGS_ENABLE_CONNECT_PROTOCOL with a value of 1, a client "
               "MAY use the Extended CONNECT as defined in this document when creating new "
               "streams. [...] A sender MUST NOT send a SETTINGS_ENABLE_CONNECT_PROTOCOL "
               "parameter with the value of 0 after previously sending a value of 1 "
               "(RFC 8441 3).")
REQ_CONNECTION_FIELDS = ("An endpoint MUST NOT generate an HTTP/2 message containing "
                         "connection-specific header fields. This includes the Connection "
                         "header field and those listed as having connection-specific "
                         "semantics in Section 7.6.1 of [HTTP] (that is, Proxy-Connection, "
                         "Keep-Alive, Transfer-Encoding, and Upgrade). Any message containing "
                         "connection-specific header fields MUST be treated as malformed "
                         "(RFC 9113 8.2.2). Malformed requests or responses that are detected "
                         "MUST be treated as a stream error (Section 5.4.2) of type "
                         "PROTOCOL_ERROR (RFC 9113 8.1.1).")
REQ_NO_ACCEPT = ("Implementations using this extended CONNECT to bootstrap WebSockets do not do "
                 "the processing of the Sec-WebSocket-Key and Sec-WebSocket-Accept header "
                 "fields of [RFC6455] as that functionality has been superseded by the "
                 ":protocol pseudo-header field (RFC 8441 5).")
REQ_OFFERED = ("The Origin, Sec-WebSocket-Version, Sec-WebSocket-Protocol, and "
               "Sec-WebSocket-Extensions header fields are used in the CONNECT request and "
               "response header fields as defined in [RFC6455] (RFC 8441 5). If the response "
               "includes a |Sec-WebSocket-Extensions| header field and this header field "
               "indicates the use of an extension that was not present in the client's "
               "handshake [...], the client MUST _Fail the WebSocket Connection_. If the "
               "response includes a |Sec-WebSocket-Protocol| header field and this header "
               "field indicates the use of a subprotocol that was not present in the client's "
               "handshake [...], the client MUST _Fail the WebSocket Connection_ "
               "(RFC 6455 4.1).")
REQ_STREAM_END = ("Orderly TCP-level closures are represented as END_STREAM flags. [...] "
                  "RST_STREAM is used to represent the abortive closure of a TCP connection "
                  "(RFC 8441 5). An endpoint MUST NOT continue to process a message whose "
                  "frames end before the final fragment (RFC 6455 7.1.7 / 5.4: the message is "
                  "incomplete).")
REQ_FLOW = ("A sender MUST NOT send a flow-controlled frame with a length that exceeds the "
            "space available in either of the flow-control windows advertised by the "
            "receiver (RFC 9113 6.9.1). When the value of SETTINGS_INITIAL_WINDOW_SIZE "
            "changes, a receiver MUST adjust the size of all stream flow-control windows that "
            "it maintains by the difference between the new value and the old value "
            "(RFC 9113 6.9.2).")

H2CL_ECHO = "wsspec h2 client check"
# Bounded: an accepted WebSocket echoes within the answer time; a refused one is seen at once.
H2CL_CASE_MS = 4000
REFUSE_WAIT_MS = 1500
# h2.6.2's: after an END_STREAM without a Close the client may close with any of these.
STREAM_END_CODES = [CLOSE_NORMAL, 1001, CLOSE_PROTOCOL_ERROR, CLOSE_INTERNAL_ERROR]


def echo_steps(payload=H2CL_ECHO):
    return [frame("text", payload), await_events(1), close()]


def refuse_steps():
    """Offer one message; a client that took the answer as an open WebSocket echoes it."""
    return [frame("text", H2CL_ECHO), await_events(1, REFUSE_WAIT_MS), await_close(500)]


def h2cl_echo_case(cid, description, rfc, requirement, response, extra=(), payload=H2CL_ECHO):
    """The client must take the answer and echo over the stream; `extra`: further allowed
    outcomes."""
    expects = [expect("OK", [ev_message(payload)],
                      "the client took the answer and echoed over the stream")]
    expects.extend(extra)
    return case(cid, description, rfc, requirement, echo_steps(payload), expects,
                NOT_APPLICABLE if extra else CLEAN_NORMAL_CLOSE, roles=CLIENT_ONLY,
                timeout_ms=H2CL_CASE_MS, h2_response=response)


def h2cl_refuse_case(cid, description, rfc, requirement, response, echo_verdict=None,
                     echo_note=None):
    """The client must not use the answer as an open WebSocket: no message comes back.
    Without `echo_verdict` an echo matches nothing and the case is FAILED."""
    expects = [expect("OK", [], "the client did not use the stream as a WebSocket")]
    if echo_verdict:
        expects.append(expect(echo_verdict, [ev_message(H2CL_ECHO)], echo_note))
    return case(cid, description, rfc, requirement, refuse_steps(), expects, NOT_APPLICABLE,
                roles=CLIENT_ONLY, timeout_ms=H2CL_CASE_MS, h2_response=response)


def group_h2cl_1():
    c = [
        h2cl_echo_case(
            "h2cl.1.1", "Answer the extended CONNECT with 200; expect the client to echo a "
            "message over the stream and close cleanly.",
            [RFC_8441_WS, RFC_9113_CONNECT], REQ_TUNNEL, {}),
        h2cl_echo_case(
            "h2cl.1.2", "Answer the extended CONNECT with 202, a 2xx other than 200; echoing "
            "(a 2xx opens the tunnel) and refusing (RFC 8441 names 200) are both OK.",
            [RFC_8441_WS, RFC_9113_CONNECT, RFC_9110_CONNECT], REQ_TUNNEL, {"status": 202},
            extra=[expect("OK", [], "the client did not open a WebSocket on a 2xx other than "
                          "200")]),
        h2cl_refuse_case(
            "h2cl.1.3", "Answer the extended CONNECT with 400 (the stream ends with the "
            "answer); the client must not use the stream as a WebSocket.",
            [RFC_8441_WS, RFC_6455_RESPONSE],
            "Only a 2xx response to CONNECT opens a tunnel (RFC 9113 8.5, RFC 9110 9.3.6); "
            "if the status code is not the one accepting the WebSocket, the client handles "
            "the response per HTTP procedures (RFC 6455 4.1, with 200 in place of 101 by "
            "RFC 8441 5). No MUST forbids data after it, so an echo is NON-STRICT.",
            {"status": 400}, echo_verdict="NON-STRICT",
            echo_note="the client sent WebSocket data after a 400"),
    ]
    return ("h2cl.1", "HTTP/2 client: the answer's status", c, "http2-client-status")


def group_h2cl_2():
    c = [
        h2cl_echo_case(
            "h2cl.2.1", "Answer 200, then send SETTINGS_ENABLE_CONNECT_PROTOCOL = 0 (which the "
            "server must not); carrying on with the open WebSocket is OK, ending the connection "
            "over the broken rule INFORMATIONAL.",
            [RFC_8441_SETTING], REQ_SETTING, {"withdraw_connect_protocol": True},
            extra=[expect("INFORMATIONAL", [], "the client dropped the WebSocket after the "
                          "setting was taken back")]),
    ]
    return ("h2cl.2", "HTTP/2 client: SETTINGS_ENABLE_CONNECT_PROTOCOL taken back", c,
            "http2-client-settings")


def group_h2cl_3():
    c = [
        h2cl_refuse_case(
            "h2cl.3.1", "Answer 200 with connection: upgrade; the response is malformed and the "
            "client must not use the stream.",
            [RFC_9113_CONNECTION_FIELDS, RFC_9113_MALFORMED], REQ_CONNECTION_FIELDS,
            {"add_fields": [["connection", "upgrade"]]}),
        h2cl_refuse_case(
            "h2cl.3.2", "Answer 200 with upgrade: websocket; the response is malformed and the "
            "client must not use the stream.",
            [RFC_9113_CONNECTION_FIELDS, RFC_9113_MALFORMED], REQ_CONNECTION_FIELDS,
            {"add_fields": [["upgrade", "websocket"]]}),
        h2cl_refuse_case(
            "h2cl.3.3", "Answer 200 with keep-alive: timeout=5; the response is malformed and "
            "the client must not use the stream.",
            [RFC_9113_CONNECTION_FIELDS, RFC_9113_MALFORMED], REQ_CONNECTION_FIELDS,
            {"add_fields": [["keep-alive", "timeout=5"]]}),
        h2cl_echo_case(
            "h2cl.3.4", "Answer 200 with a sec-websocket-accept field (meaningless over HTTP/2); "
            "the client should ignore it and echo.",
            [RFC_8441_WS], REQ_NO_ACCEPT,
            {"add_fields": [["sec-websocket-accept", "s3pPLMBiTxaQ9kYGzzhZRbK+xOo="]]},
            extra=[expect("NON-STRICT", [], "the client refused a 200 because of a "
                          "sec-websocket-accept field RFC 8441 5 says is not processed")]),
        h2cl_refuse_case(
            "h2cl.3.5", "Answer 200 selecting the extension x-wsspec-unoffered, which the "
            "client did not offer; the client must fail the WebSocket connection.",
            [RFC_8441_WS, RFC_6455_RESPONSE], REQ_OFFERED,
            {"add_fields": [["sec-websocket-extensions", "x-wsspec-unoffered"]]}),
        h2cl_refuse_case(
            "h2cl.3.6", "Answer 200 selecting the subprotocol x-wsspec-unoffered, which the "
            "client did not offer; the client must fail the WebSocket connection.",
            [RFC_8441_WS, RFC_6455_RESPONSE], REQ_OFFERED,
            {"add_fields": [["sec-websocket-protocol", "x-wsspec-unoffered"]]}),
    ]
    return ("h2cl.3", "HTTP/2 client: response header fields", c, "http2-client-fields")


def group_h2cl_4():
    c = [
        case("h2cl.4.1", "After an echo, end our half of the stream (END_STREAM) without a "
             "Close frame; the client must end its half too, as after a TCP close.",
             [RFC_8441_WS, "RFC 6455 7.1.5"], REQ_STREAM_END,
             [frame("text", H2CL_ECHO), await_events(1), {"h2_stream": {"end": True}},
              await_close(1000)],
             [expect("OK", [ev_message(H2CL_ECHO)], "the client ended its half of the stream")],
             close_exp(False, STREAM_END_CODES, False),
             roles=CLIENT_ONLY, timeout_ms=H2CL_CASE_MS, h2_response={}),
        case("h2cl.4.2", "Send the first fragment of a text message, then reset the stream "
             "(RST_STREAM CANCEL); the client must not deliver (echo) the cut message and "
             "should keep the connection.",
             [RFC_8441_WS, RFC_9113_RST, "RFC 9113 5.4.2"], REQ_STREAM_END,
             [frame("text", H2CL_ECHO, fin=False), {"h2_stream": {"reset": "CANCEL"}},
              await_events(1, 500)],
             [expect("OK", [], "the client dropped the cut message")],
             NOT_APPLICABLE, roles=CLIENT_ONLY, timeout_ms=H2CL_CASE_MS, h2_response={}),
        case("h2cl.4.3", "After an echo, send Close 1000 and end our half of the stream "
             "(END_STREAM) at once, before the client's reply; the client's half is still "
             "open, so it must answer the Close there.",
             [RFC_8441_WS, "RFC 6455 5.5.1"],
             "Orderly TCP-level closures are represented as END_STREAM flags (RFC 8441 5): "
             "ending one half leaves the other open. If an endpoint receives a Close frame and "
             "did not previously send a Close frame, the endpoint MUST send a Close frame in "
             "response (RFC 6455 5.5.1).",
             [frame("text", H2CL_ECHO), await_events(1),
              frame("close", close_body(CLOSE_NORMAL)), {"h2_stream": {"end": True}},
              await_close(1000)],
             [expect("OK", [ev_message(H2CL_ECHO)], "the client echoed; its Close reply is "
                     "judged by the close behaviour")],
             close_exp(True, [CLOSE_NORMAL], True),
             roles=CLIENT_ONLY, timeout_ms=H2CL_CASE_MS, h2_response={}),
    ]
    return ("h2cl.4", "HTTP/2 client: END_STREAM and RST_STREAM from the server", c,
            "http2-client-stream-ends")


def group_h2cl_5():
    long_text = pattern("wsspec window ", 64)
    longer_text = pattern("wsspec window ", 300)
    c = [
        h2cl_echo_case(
            "h2cl.5.1", "Set SETTINGS_INITIAL_WINDOW_SIZE to 16 before the answer, send a "
            "64-byte text message; the client must send its echo in DATA frames that fit the "
            "window, waiting for WINDOW_UPDATE.",
            [RFC_9113_FLOW, RFC_9113_WINDOW], REQ_FLOW, {"initial_window_size": 16},
            payload=long_text),
        h2cl_echo_case(
            "h2cl.5.2", "Set SETTINGS_INITIAL_WINDOW_SIZE to 1 before the answer, send a "
            "300-byte text message; the client must send its echo one byte per DATA frame.",
            [RFC_9113_FLOW, RFC_9113_WINDOW], REQ_FLOW, {"initial_window_size": 1},
            payload=longer_text),
    ]
    return ("h2cl.5", "HTTP/2 client: flow-control windows smaller than a frame", c,
            "http2-client-flow-control")


def group_h2cl():
    return [group_h2cl_1(), group_h2cl_2(), group_h2cl_3(), group_h2cl_4(), group_h2cl_5()]
