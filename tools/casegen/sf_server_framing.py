"""sf.*: server framing (wsspec's own; the peer under test is a server). Autobahn never
sends an unmasked client frame, so a server that skips RFC 6455 5.1's check passes all of
it."""

from .blocks import (ECHO_BEFORE_FAIL_NOTE, ECHO_THEN_FAIL_NOTE, SERVER_ONLY, SMALL_TEXT,
                     echo_case, ev_message, fail_case, frame, textp)
from .requirements import RFC_FAIL, RFC_FRAG


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
