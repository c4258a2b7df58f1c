"""cf.*: client framing (wsspec's own; the peer under test is a client)."""

from .blocks import (CLIENT_ONLY, CLOSE_PROTOCOL_ERROR, SMALL_TEXT, await_close, case,
                     close_exp, expect)
from .requirements import RFC_FAIL


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
