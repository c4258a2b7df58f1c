"""u8.*: UTF-8 at the end of a fragmented message (wsspec's own).

Autobahn ends its fragmented invalid-text cases (6.3.2, 6.6.*) on a fragment that carries
the last octet; a receiver that checks "the message ends on a code point boundary" only
while consuming payload octets misses a text message whose final fragment is empty.
Boost.Beast 1.74 is such a receiver (found by fuzz/frame_diff_fuzzer.cpp).
"""

from .autobahn_6_utf8 import invalid_text_case, valid_text_case
from .blocks import ev_pong, expect, frame, hexp, textp
from .utf8_sequences import KOSME


def group_u8():
    truncated_kosme = KOSME[:-1]  # ends with CE, the first octet of a 2-octet code point
    c = [invalid_text_case("u8.1.1", "Send a text message as 2 fragments: the single octet "
                           "CE (the start of a 2-octet code point), then an empty final "
                           "fragment; the peer must fail the connection with 1007.",
                           [frame("text", hexp(b"\xce"), fin=False),
                            frame("continuation", "")]),
         invalid_text_case("u8.1.2", "Send the Greek word kosme without its last octet in "
                           "1-octet fragments, then an empty final fragment; the peer must "
                           "fail the connection with 1007.",
                           [frame("text" if i == 0 else "continuation",
                                  hexp(truncated_kosme[i:i + 1]), fin=False)
                            for i in range(len(truncated_kosme))]
                           + [frame("continuation", "")]),
         invalid_text_case("u8.1.3", "Send a text message as 3 fragments: F0 9F 98 (3 octets "
                           "of a 4-octet code point), an empty fragment, and an empty final "
                           "fragment; the peer must fail the connection with 1007.",
                           [frame("text", hexp(bytes.fromhex("f09f98")), fin=False),
                            frame("continuation", "", fin=False),
                            frame("continuation", "")]),
         invalid_text_case("u8.1.4", "Send a text message as 2 fragments: E2 82 (2 octets "
                           "of a 3-octet code point) with a Ping between them, then an empty "
                           "final fragment; the peer must fail the connection with 1007 "
                           "(a Pong before that is allowed).",
                           [frame("text", hexp(bytes.fromhex("e282")), fin=False),
                            frame("ping", textp("between fragments")),
                            frame("continuation", "")]),
         valid_text_case("u8.1.5", "Send the code point U+1F600 as 4 one-octet fragments "
                         "followed by an empty final fragment; expect the 4 octets as echo "
                         "(the control for u8.1.1-u8.1.4: an empty final fragment is valid).",
                         [frame("text" if i == 0 else "continuation",
                                hexp(bytes.fromhex("f09f9880")[i:i + 1]), fin=False)
                          for i in range(4)] + [frame("continuation", "")],
                         hexp(bytes.fromhex("f09f9880")))]
    # u8.1.4: a peer may answer the Ping before the final fragment arrives.
    c[3]["expect"].append(expect("OK", [ev_pong(textp("between fragments"))],
                                 "the peer answered the Ping, then failed the connection "
                                 "without echoing the invalid text"))
    return [("u8.1", "UTF-8: text that ends inside a code point before an empty final "
             "fragment", c, "utf8-empty-final-fragment")]
