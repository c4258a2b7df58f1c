"""pmd.*: permessage-deflate (RFC 7692) on a server under test, beyond what Autobahn's 12.*
and 13.* check: how offers are answered (pmd.1), RSV1 and framing (pmd.2), what a compressed
payload may look like and which ones must fail (pmd.3), and context takeover and window
sizes (pmd.4)."""

from .blocks import (ANSWER_MS, BIG_ANSWER_MS, CLEAN_NORMAL_CLOSE, CLOSE_INVALID_PAYLOAD,
                     CLOSE_MESSAGE_TOO_BIG, CLOSE_PROTOCOL_ERROR, MIB, SERVER_ONLY,
                     await_events, case, close, data_window, ev_message, ev_pong, expect,
                     frame, hexp, message, pattern_hex)
from .deflate_blocks import (CORRUPT, CORRUPT_CODES, CORRUPT_CODES_NOTE, EMPTY_COMPRESSED,
                             HELLO, HELLO_TAIL_KEPT, INVALID_UTF8, KOSME, Q_BFINAL,
                             Q_CMWB_ABSENT, Q_CMWB_OFFER, Q_CONTEXT, Q_DECLINE, Q_PREFERENCE,
                             Q_QUOTED, Q_RSV1, Q_SMWB_ACCEPT, Q_SNCT_ACCEPT, Q_WINDOW_VALUE,
                             RFC_HELLO, RFC_HELLO_BFINAL, RFC_HELLO_STORED,
                             RFC_HELLO_TWO_BLOCKS, ZLIB_FINISH_HELLO, deflate_fail_case,
                             echo_or_fail_case, fixed_message, hex_frame, inflate, pseudo_text,
                             repeated_block, split,
                             id_counter, three_compressed)
from .requirements import (REQ_PMD_DECOMPRESS, REQ_RSV, REQ_UTF8_INVALID, RFC_CONTROL,
                           RFC_EXTENSIONS, RFC_FRAG, RFC_FRAMING, RFC_LIMITS, RFC_PMCE,
                           RFC_PMCE_FRAMING, RFC_PMD_CMWB, RFC_PMD_CNCT, RFC_PMD_COMPRESS,
                           RFC_PMD_DECOMPRESS, RFC_PMD_PARAMS, RFC_PMD_SMWB, RFC_PMD_SNCT,
                           RFC_UTF8)

EXT = "Sec-WebSocket-Extensions"
PMD = "permessage-deflate"
# What browsers offer: Firefox the bare name, Chrome and Safari with client_max_window_bits.
FIREFOX_OFFER = PMD
BROWSER_OFFER = f"{PMD}; client_max_window_bits"
CHECK = "wsspec permessage-deflate check"
ROLES = SERVER_ONLY
# The time a server gets to refuse or accept a handshake it may refuse (hs.*).
HANDSHAKE_CASE_MS = 3000

AGREED = {"status": [101], "deflate": "agreed"}
DECLINED = {"status": [101], "deflate": "declined"}
REFUSED = {"status_class": [4]}
REFUSED_NOTE = ("refused the whole handshake with a client error; RFC 7692 7 asks the server to "
                "decline the offer and go on without permessage-deflate")


def offer_headers(*values):
    """A request whose Sec-WebSocket-Extensions lines are exactly these values (one line
    each), so the server may also refuse it with a 4xx that the case judges."""
    return {"add_headers": [[EXT, v] for v in values]}


def echo_steps(payload, binary=False, answer_ms=ANSWER_MS):
    kind = "binary" if binary else "text"
    return [message(kind, payload, compress=True), await_events(1, answer_ms), close()]


def negotiation_case(cid, description, rfc, requirement, headers, payload=CHECK,
                     declined=None, refused=None, agreed_note=None, answer_ms=ANSWER_MS,
                     plain_offer=False):
    """The server answers the offers in `headers`: with `refused`, header values written one
    line each; otherwise the elements of offer_extensions (one header, joined by commas).
    Accepting makes wsspec hold the answer against the offers (RFC 7692 7); a compressed
    message must then be echoed. `declined` / `refused`: (verdict, note) for a 101 without
    permessage-deflate / a 4xx, or None when that outcome matches nothing (FAILED; a decline
    without either is UNIMPLEMENTED). `plain_offer`: a valid offer that a server may refuse
    (`refused`) but need not: it still goes out as offer_extensions, so the case also runs
    over HTTP/2 (cases that edit the request are HTTP/1.1 only), and the clean 1000 close
    of an upgraded connection is judged (the judge skips it after an allowed refusal)."""
    echo = [ev_message(payload)]
    # Without an allowed decline, a decline leaves the case UNIMPLEMENTED (a server without
    # permessage-deflate); the judge does so only when no alternative matches the handshake.
    expects = [expect("OK", echo, agreed_note or "accepted an offer with an answer that fits "
                      "it, and echoed a compressed message",
                      AGREED if declined or refused else None)]
    if declined:
        expects.append(expect(declined[0], echo, declined[1], DECLINED))
    kw = {}
    if refused:
        expects.append(expect(refused[0], None, refused[1], REFUSED))
    if refused and not plain_offer:
        kw["handshake"] = offer_headers(*headers)
        close_expectation = {"closed_by_me": False, "codes": [], "require_clean": False,
                             "not_applicable": True}
        kw["timeout_ms"] = HANDSHAKE_CASE_MS
    else:
        kw["offer_extensions"] = list(headers)
        close_expectation = CLEAN_NORMAL_CLOSE
    deflate = {"required": False} if declined else {}
    return case(cid, description, rfc, requirement, echo_steps(payload, answer_ms=answer_ms),
                expects, close_expectation, roles=ROLES, permessage_deflate=deflate, **kw)


def decline_case(cid, description, rfc, offer, requirement=Q_DECLINE):
    """An offer the server MUST decline (RFC 7692 7): 101 without permessage-deflate, then an
    ordinary echo. Accepting it matches nothing: FAILED."""
    return case(cid, description, rfc, requirement, echo_steps(CHECK),
                [expect("OK", [ev_message(CHECK)], "declined the offer and went on without "
                        "permessage-deflate", DECLINED),
                 expect("NON-STRICT", None, REFUSED_NOTE, REFUSED)],
                {"closed_by_me": False, "codes": [], "require_clean": False,
                 "not_applicable": True},
                roles=ROLES, timeout_ms=HANDSHAKE_CASE_MS, handshake=offer_headers(offer),
                permessage_deflate={"required": False})


def group_pmd_1():
    c = []
    cid = id_counter("pmd.1")

    # Valid offers, as browsers write them.
    c.append(negotiation_case(
        cid(), "Offer Firefox's bare \"permessage-deflate\"; expect it accepted without "
        "client_max_window_bits, then a compressed echo.", [RFC_PMCE, RFC_PMD_CMWB],
        Q_CMWB_ABSENT, [FIREFOX_OFFER]))
    c.append(negotiation_case(
        cid(), "Offer \"permessage-deflate; client_max_window_bits\" (Chrome, Safari); expect "
        "it accepted (client_max_window_bits answered 8-15 or not at all), then a compressed "
        "echo.", [RFC_PMCE, RFC_PMD_CMWB], Q_CMWB_OFFER, [BROWSER_OFFER]))
    c.append(negotiation_case(
        cid(), "Offer \"permessage-deflate; client_no_context_takeover\" (no "
        "client_max_window_bits); expect it accepted without client_max_window_bits, then a "
        "compressed echo.", [RFC_PMD_CNCT, RFC_PMD_CMWB], Q_CMWB_ABSENT,
        [f"{PMD}; client_no_context_takeover"]))
    c.append(negotiation_case(
        cid(), "Offer client_max_window_bits=10; expect it accepted (client_max_window_bits "
        "answered 8-10 or not at all), then a compressed echo.", [RFC_PMD_CMWB],
        Q_CMWB_OFFER + " Answering more than 10 does not fit the offer.",
        [f"{PMD}; client_max_window_bits=10"]))
    window10 = repeated_block(1500, 10)
    c.append(negotiation_case(
        cid(), "Offer server_max_window_bits=10; expect server_max_window_bits 8-10 in the "
        "answer (or a decline), then the echo of a message that repeats a 1500-octet block, "
        "whose back-references must stay within 1024 octets.", [RFC_PMD_SMWB],
        Q_SMWB_ACCEPT, [f"{PMD}; server_max_window_bits=10"], payload=window10,
        declined=("OK", "declined server_max_window_bits=10, which RFC 7692 7.1.2.1 allows a "
                  "server that does not support it")))
    # Quoted value: valid per RFC 6455 9.1, so a decline only for the quotes is NON-STRICT.
    c.append(negotiation_case(
        cid(), "Offer server_max_window_bits=\"10\" (a quoted-string value); expect it "
        "accepted like the token 10 (server_max_window_bits 8-10 in the answer), then the echo "
        "of a message that repeats a 1500-octet block.", [RFC_EXTENSIONS, RFC_PMD_SMWB],
        Q_QUOTED + " After unescaping the value is 10, a valid server_max_window_bits (RFC "
        "7692 7.1.2.1), so the offer is valid and the server treats it as the unquoted one. "
        "Accepting it is OK. Declining it is allowed only as declining the configuration: "
        "NON-STRICT, since a server that takes server_max_window_bits=10 (pmd.1.5) but not "
        "its quoted form mis-parses the header. Refusing the handshake is NON-STRICT as for "
        "any offer.", [f"{PMD}; server_max_window_bits=\"10\""], payload=window10,
        declined=("NON-STRICT", "declined a valid quoted-string value (compare pmd.1.5: a "
                  "server that accepts the token 10 does not unescape quoted-strings)"),
        refused=("NON-STRICT", "refused the handshake for a valid quoted-string value")))
    c.append(negotiation_case(
        cid(), "Offer all four parameters (both no_context_takeover, both window bits 15); "
        "expect it accepted with server_no_context_takeover and server_max_window_bits=15 "
        "(or smaller) in the answer, then a compressed echo.",
        [RFC_PMD_SNCT, RFC_PMD_CNCT, RFC_PMD_SMWB, RFC_PMD_CMWB],
        Q_SNCT_ACCEPT + " " + Q_SMWB_ACCEPT,
        [f"{PMD}; server_no_context_takeover; client_no_context_takeover; "
         "server_max_window_bits=15; client_max_window_bits=15"]))
    c.append(negotiation_case(
        cid(), "Offer \"permessage-deflate;client_max_window_bits;server_no_context_takeover\" "
        "(no whitespace); expect it accepted, then a compressed echo.",
        [RFC_EXTENSIONS, RFC_PMD_SNCT],
        "RFC 6455 9.1: extension = extension-token *( \";\" extension-param ); whitespace "
        "around \";\" is optional, so the offer is valid. " + Q_SNCT_ACCEPT,
        [f"{PMD};client_max_window_bits;server_no_context_takeover"],
        declined=("NON-STRICT", "declined a valid offer written without whitespace")))

    # Offers the server MUST decline.
    snct = "server_no_context_takeover"
    for desc, offer in (
            ("server_no_context_takeover twice", f"{PMD}; {snct}; {snct}"),
            ("server_max_window_bits twice with different values (10 and 12)",
             f"{PMD}; server_max_window_bits=10; server_max_window_bits=12"),
            ("client_max_window_bits twice (without and with a value)",
             f"{PMD}; client_max_window_bits; client_max_window_bits=10")):
        c.append(decline_case(cid(), f"Offer {desc}; the server must decline the offer (101 "
                              "without permessage-deflate).", [RFC_PMD_PARAMS], offer))
    c.append(decline_case(cid(), "Offer an unknown parameter (permessage-deflate; "
                          "x_wsspec_unknown); the server must decline the offer.",
                          [RFC_PMD_PARAMS], f"{PMD}; x_wsspec_unknown"))
    c.append(decline_case(cid(), "Offer a value on a flag parameter "
                          "(server_no_context_takeover=true); the server must decline the "
                          "offer.", [RFC_PMD_PARAMS, RFC_PMD_SNCT], f"{PMD}; {snct}=true",
                          Q_DECLINE + " RFC 7692 7.1.1.1: the parameter \"has no value\"."))
    for desc, offer in (
            ("server_max_window_bits=7 (below 8)", f"{PMD}; server_max_window_bits=7"),
            ("server_max_window_bits=16 (above 15)", f"{PMD}; server_max_window_bits=16"),
            ("server_max_window_bits=09 (a leading zero)", f"{PMD}; server_max_window_bits=09"),
            ("server_max_window_bits without a value", f"{PMD}; server_max_window_bits"),
            ("client_max_window_bits=16 (above 15)", f"{PMD}; client_max_window_bits=16")):
        c.append(decline_case(cid(), f"Offer {desc}; the server must decline the offer.",
                              [RFC_PMD_PARAMS, RFC_PMD_SMWB, RFC_PMD_CMWB], offer,
                              Q_DECLINE + " " + Q_WINDOW_VALUE))

    # Several offers: the first one the server can accept wins.
    bad_then_good = [f"{PMD}; server_max_window_bits=16", f"{PMD}; server_max_window_bits=10"]
    pref_declined = ("NON-STRICT", "declined every offer, including the valid second one (or "
                     "does not implement permessage-deflate)")
    pref_refused = ("NON-STRICT", "refused the handshake because of the invalid first offer")
    c.append(negotiation_case(
        cid(), "Offer, in one header, server_max_window_bits=16 (invalid) then "
        "server_max_window_bits=10; expect the second accepted (server_max_window_bits 8-10 "
        "in the answer), then a compressed echo.", [RFC_PMCE, RFC_PMD_PARAMS, RFC_PMD_SMWB],
        Q_PREFERENCE + " " + Q_DECLINE, [", ".join(bad_then_good)], declined=pref_declined,
        refused=pref_refused, agreed_note="accepted the second offer (an answer to the first "
        "would not fit the second), then echoed a compressed message"))
    c.append(negotiation_case(
        cid(), "Offer the same two offers on two Sec-WebSocket-Extensions header lines; expect "
        "the second accepted, then a compressed echo.",
        [RFC_PMCE, RFC_EXTENSIONS, RFC_PMD_SMWB],
        Q_PREFERENCE + " RFC 6455 9.1: like other HTTP header fields, Sec-WebSocket-Extensions "
        "MAY be split or combined across multiple lines.", bad_then_good,
        declined=pref_declined, refused=pref_refused))
    c.append(negotiation_case(
        cid(), "Offer an unknown parameter whose quoted value holds a comma and a "
        "permessage-deflate (x_wsspec=\"a, permessage-deflate\"), then a valid offer; expect "
        "the valid one accepted, then a compressed echo.", [RFC_PMCE, RFC_EXTENSIONS],
        Q_PREFERENCE + " " + Q_QUOTED + " A comma inside a quoted-string does not end the "
        "element.", [f"{PMD}; x_wsspec=\"a, {PMD}\", {BROWSER_OFFER}"],
        declined=pref_declined, refused=("NON-STRICT", "refused the handshake for the "
                                         "unknown parameter of the first offer")))
    c.append(negotiation_case(
        cid(), "Offer an unknown extension first, then permessage-deflate "
        "(x-wsspec-unknown; a=1, permessage-deflate); expect permessage-deflate accepted, then "
        "a compressed echo.", [RFC_PMCE, RFC_EXTENSIONS],
        "RFC 6455 9.1: the server answers with the extensions it supports and ignores the "
        "others; RFC 7692 5: a server accepts a PMCE by naming it in its answer.",
        ["x-wsspec-unknown; a=1", FIREFOX_OFFER], declined=pref_declined))
    c.append(negotiation_case(
        cid(), "Offer three fallbacks (server_no_context_takeover with "
        "server_max_window_bits=9; server_no_context_takeover; bare); expect one accepted "
        "with an answer that fits it, then a compressed echo.",
        [RFC_PMCE, RFC_PMD_SNCT, RFC_PMD_SMWB], Q_PREFERENCE + " " + Q_SNCT_ACCEPT,
        [f"{PMD}; {snct}; server_max_window_bits=9", f"{PMD}; {snct}", PMD]))
    return ("pmd.1", "Compression: negotiation", c, "deflate-negotiation")


def group_pmd_2():
    c = []
    cid = id_counter("pmd.2")

    offers = [BROWSER_OFFER]
    first, rest = split(RFC_HELLO, 3)

    def fail(description, send, rfc=(RFC_PMCE_FRAMING,), requirement=Q_RSV1, deflate=None,
             offer=True):
        kw = {"offer_extensions": offers} if offer else {}
        return deflate_fail_case(cid(), description, list(rfc), requirement, send,
                                 [CLOSE_PROTOCOL_ERROR], ROLES,
                                 {} if deflate is None else deflate, **kw)

    c.append(fail("Send a Ping with RSV1 set in a compressed session; the server must fail the "
                  "connection (1002) and not answer it.", [frame("ping", HELLO, rsv=4)],
                  [RFC_PMCE_FRAMING, RFC_CONTROL]))
    c.append(fail("Send an unsolicited Pong with RSV1 set; the server must fail the "
                  "connection (1002).", [frame("pong", HELLO, rsv=4)],
                  [RFC_PMCE_FRAMING, RFC_CONTROL]))
    c.append(fail("Send \"Hello\" compressed in two frames, RSV1 on both (the continuation "
                  "too); the server must fail the connection (1002).",
                  [hex_frame("text", first, fin=False), hex_frame("continuation", rest)],
                  [RFC_PMCE_FRAMING, RFC_FRAG]))
    c.append(fail("Send an uncompressed text message in two frames with RSV1 only on the "
                  "continuation; the server must fail the connection (1002).",
                  [frame("text", "Hel", fin=False), frame("continuation", "lo", rsv=4)],
                  [RFC_PMCE_FRAMING, RFC_FRAG]))
    c.append(fail("Send a compressed message with RSV1 and RSV2 set; RSV2 stays reserved, so "
                  "the server must fail the connection (1002).",
                  [hex_frame("text", RFC_HELLO, rsv=6)], [RFC_FRAMING, RFC_PMCE_FRAMING],
                  REQ_RSV + " permessage-deflate defines RSV1 only (RFC 7692 6)."))
    c.append(fail("Send a compressed message with RSV1 and RSV3 set; the server must fail the "
                  "connection (1002).", [hex_frame("text", RFC_HELLO, rsv=5)],
                  [RFC_FRAMING, RFC_PMCE_FRAMING],
                  REQ_RSV + " permessage-deflate defines RSV1 only (RFC 7692 6)."))
    c.append(fail("Offer no extension and send \"Hello\" compressed with RSV1; without an "
                  "agreed extension RSV1 is reserved, so the server must fail the connection "
                  "(1002).", [hex_frame("text", RFC_HELLO)], [RFC_FRAMING, RFC_PMCE],
                  REQ_RSV + " No offer was made, so no extension defines RSV1.",
                  deflate={"required": False}, offer=False))

    def echo(description, send, events, rfc, requirement, answer_ms=ANSWER_MS):
        return case(cid(), description, rfc, requirement,
                    list(send) + [await_events(len(events), answer_ms), close()],
                    [expect("OK", events, "every expected answer arrived, in order")],
                    CLEAN_NORMAL_CLOSE, roles=ROLES, offer_extensions=offers,
                    permessage_deflate={})

    req_uncompressed = ("RFC 7692 6: a message whose first frame has the \"Per-Message "
                        "Compressed\" bit clear is not compressed and is received as is, also "
                        "when permessage-deflate is in use; RFC 7692 7.2.1: the LZ77 window "
                        "that context takeover carries over is that of the last compressed "
                        "message.")
    c.append(echo("Send an uncompressed text message (RSV1 clear) in a compressed session; "
                  "expect its echo.", [frame("text", HELLO)], [ev_message(HELLO)],
                  [RFC_PMCE_FRAMING], req_uncompressed))
    text2 = pseudo_text(200, 22)
    c.append(echo("Send a compressed message, the same text uncompressed, then it compressed "
                  "again (referring to the first, under context takeover); expect three "
                  "echoes.", [message("text", text2, compress=True), frame("text", text2),
                              message("text", text2, compress=True)],
                  [ev_message(text2)] * 3, [RFC_PMCE_FRAMING, RFC_PMD_COMPRESS],
                  req_uncompressed))
    c.append(echo("Send \"Hello\" compressed in two frames with a Ping between them; expect "
                  "the Pong, then the echo.",
                  [hex_frame("text", first, fin=False), frame("ping", "ping"),
                   hex_frame("continuation", rest, rsv=0)],
                  [ev_pong("ping"), ev_message(HELLO)], [RFC_PMCE_FRAMING, RFC_FRAG],
                  "RFC 6455 5.4: control frames MAY be injected in the middle of a fragmented "
                  "message; RFC 7692 6: a PMCE operates on data messages only, so the Ping "
                  "neither joins the compressed data nor resets it."))
    text3 = pseudo_text(300, 23)
    c.append(echo("Send a compressed message, a Ping, then the same message compressed again "
                  "(context taken over across the Ping); expect echo, Pong, echo.",
                  [message("text", text3, compress=True), await_events(1),
                   frame("ping", "between"), await_events(2),
                   message("text", text3, compress=True)],
                  [ev_message(text3), ev_pong("between"), ev_message(text3)],
                  [RFC_PMCE_FRAMING, RFC_PMD_COMPRESS],
                  "RFC 7692 7.2.1: without no_context_takeover the LZ77 window of the last "
                  "compressed message may be taken over; control frames in between do not "
                  "touch it."))
    binary = bytes(range(256)) * 4
    c.append(echo("Send a compressed text message, then a compressed binary message; expect "
                  "both echoed with their types.",
                  [message("text", text3, compress=True),
                   message("binary", hexp(binary), compress=True)],
                  [ev_message(text3), ev_message(hexp(binary), binary=True)],
                  [RFC_PMCE_FRAMING, RFC_PMD_DECOMPRESS],
                  "RFC 7692 6: PMCEs do not change the opcode; text and binary messages are "
                  "compressed alike."))
    c.append(echo("Send \"Hello\" compressed as an empty first frame with RSV1, then its "
                  "compressed bytes in a continuation; expect the echo.",
                  [hex_frame("text", b"", fin=False), hex_frame("continuation", RFC_HELLO,
                                                               rsv=0)],
                  [ev_message(HELLO)], [RFC_PMCE_FRAMING, RFC_PMD_DECOMPRESS],
                  "RFC 7692 6: the receiver decompresses \"the concatenation of the compressed "
                  "data of the frames of the message\"; any frame may carry none of it."))
    return ("pmd.2", "Compression: RSV1 and framing", c, "deflate-framing")


def group_pmd_3():
    c = []
    cid = id_counter("pmd.3")

    offers = [BROWSER_OFFER]

    def echo(description, send, events, rfc, requirement, answer_ms=ANSWER_MS,
             timeout_ms=None):
        kw = {"timeout_ms": timeout_ms} if timeout_ms else {}
        return case(cid(), description, rfc, requirement,
                    list(send) + [await_events(len(events), answer_ms), close()],
                    [expect("OK", events, "the message was inflated and echoed")],
                    CLEAN_NORMAL_CLOSE, roles=ROLES, offer_extensions=offers,
                    permessage_deflate={}, **kw)

    rfc_in = [RFC_PMD_DECOMPRESS]
    c.append(echo("Send an empty text message compressed (payload 0x00); expect an empty "
                  "echo.", [message("text", "", compress=True)], [ev_message("")],
                  [RFC_PMD_COMPRESS, RFC_PMD_DECOMPRESS], REQ_PMD_DECOMPRESS + " An empty "
                  "message compresses to the octet 0x00 (an empty stored block without its "
                  "last 4 octets)."))
    c.append(echo("Send a text frame with RSV1 and no payload at all; expect an empty echo.",
                  [hex_frame("text", b"")], [ev_message("")], rfc_in,
                  REQ_PMD_DECOMPRESS + " Appending the 4 octets to no payload gives an empty "
                  "stored block, which decompresses to nothing."))
    c.append(echo("Send RFC 7692 7.2.3.1's \"Hello\" (f2 48 cd c9 c9 07 00); expect the echo.",
                  [hex_frame("text", RFC_HELLO)], [ev_message(HELLO)], rfc_in + [
                      "RFC 7692 7.2.3.1"], REQ_PMD_DECOMPRESS))
    c.append(echo("Send \"Hello\" in a DEFLATE block with no compression (RFC 7692 7.2.3.3); "
                  "expect the echo.", [hex_frame("text", RFC_HELLO_STORED)], [ev_message(HELLO)],
                  rfc_in + ["RFC 7692 7.2.3.3"], REQ_PMD_DECOMPRESS + " Any DEFLATE block type "
                  "may carry the data."))
    c.append(echo("Send \"Hello\" in a block with BFINAL set, followed by the 0x00 octet (RFC "
                  "7692 7.2.3.4: f3 48 cd c9 c9 07 00 00); expect the echo.",
                  [hex_frame("text", RFC_HELLO_BFINAL)], [ev_message(HELLO)],
                  rfc_in + ["RFC 7692 7.2.3.4"], Q_BFINAL + " The example payload is part of "
                  "the RFC, so a receiver must decompress it."))
    c.append(echo_or_fail_case(
        cid(), "Send \"Hello\" as zlib's Z_FINISH writes it (a BFINAL block, f3 48 cd c9 c9 "
        "07 00, without the 0x00 of RFC 7692 7.2.3.4); the echo is expected, failing is "
        "informational.", rfc_in + ["RFC 7692 7.2.3.4", RFC_PMD_COMPRESS],
        Q_BFINAL + " The payload is complete DEFLATE data, but not what the 7.2.1 algorithm "
        "produces (it appends an empty stored block, leaving the 0x00 of 7.2.3.4): after the "
        "final block, the appended 00 00 ff ff are not a whole block. A receiver that stops "
        "at the final block echoes \"Hello\"; one that decodes on fails the connection.",
        [hex_frame("text", ZLIB_FINISH_HELLO)], [ev_message(HELLO)],
        ("OK", "inflated the final block and echoed \"Hello\""),
        ("INFORMATIONAL", "failed the connection at a final block not followed by the 0x00 "
         "octet of RFC 7692 7.2.3.4 (the sender did not follow 7.2.1)"),
        CORRUPT_CODES, ROLES, {}, ANSWER_MS, offer_extensions=offers))
    c.append(echo("Send \"Hello\" in two DEFLATE blocks of one message (RFC 7692 7.2.3.5); "
                  "expect the echo.", [hex_frame("text", RFC_HELLO_TWO_BLOCKS)],
                  [ev_message(HELLO)], rfc_in + ["RFC 7692 7.2.3.5"], REQ_PMD_DECOMPRESS))
    c.append(echo("Send \"Hello\" compressed with the 00 00 ff ff of the sync flush left on "
                  "(not removed); expect the echo.", [hex_frame("text", HELLO_TAIL_KEPT)],
                  [ev_message(HELLO)], rfc_in + [RFC_PMD_COMPRESS],
                  REQ_PMD_DECOMPRESS + " With the tail left on, the appended octets make a "
                  "second empty stored block: valid DEFLATE data that decompresses to "
                  "\"Hello\"."))
    frag_text = pseudo_text(120, 31)
    frag_binary = bytes((i * 7) % 251 for i in range(300))
    frag_kosme = (KOSME + " ") * 20
    req_frag = ("RFC 7692 6: an endpoint decompresses \"the concatenation of the compressed data "
                "of the frames of the message\"; frame boundaries may fall anywhere in it, and "
                "UTF-8 is judged on the decompressed text (RFC 6455 8.1).")
    c.append(echo("Send a 120-octet text message compressed, its compressed bytes in frames of "
                  "1 octet; expect the echo.",
                  [message("text", frag_text, fragment_size=1, compress=True)],
                  [ev_message(frag_text)], [RFC_PMCE_FRAMING, RFC_FRAG], req_frag))
    c.append(echo("Send a 300-octet binary message compressed, its compressed bytes in frames "
                  "of 3 octets; expect the echo.",
                  [message("binary", hexp(frag_binary), fragment_size=3, compress=True)],
                  [ev_message(hexp(frag_binary), binary=True)], [RFC_PMCE_FRAMING, RFC_FRAG],
                  req_frag))
    c.append(echo("Send Greek text (κόσμε, 2- and 3-octet UTF-8) compressed, in frames of 7 "
                  "compressed octets (none of them UTF-8); expect the echo.",
                  [message("text", frag_kosme, fragment_size=7, compress=True)],
                  [ev_message(frag_kosme)], [RFC_PMCE_FRAMING, RFC_FRAG, RFC_UTF8], req_frag))
    big_text = data_window("json", MIB)
    big_binary = data_window("pdf", MIB)
    c.append(echo("Send a 1 MiB text message (JSON) compressed, in frames of 64 KiB of "
                  "compressed data; expect the echo.",
                  [message("text", big_text, fragment_size=64 * 1024, compress=True)],
                  [ev_message(big_text)], [RFC_PMCE_FRAMING, RFC_FRAG, RFC_PMD_DECOMPRESS],
                  req_frag, answer_ms=BIG_ANSWER_MS, timeout_ms=BIG_ANSWER_MS + 5000))
    c.append(echo("Send a 1 MiB binary message (PDF, mostly incompressible) compressed, in "
                  "frames of 64 KiB of compressed data; expect the echo.",
                  [message("binary", big_binary, fragment_size=64 * 1024, compress=True)],
                  [ev_message(big_binary, binary=True)],
                  [RFC_PMCE_FRAMING, RFC_FRAG, RFC_PMD_DECOMPRESS], req_frag,
                  answer_ms=BIG_ANSWER_MS, timeout_ms=BIG_ANSWER_MS + 5000))

    # Data that does not decompress.
    req_corrupt = (REQ_PMD_DECOMPRESS + " Data that is not valid DEFLATE cannot be "
                   "decompressed; the receiver must fail the connection rather than deliver "
                   "anything. " + CORRUPT_CODES_NOTE)
    for key, what in (("block_type", "an invalid block type"),
                      ("literal_code", "an invalid literal/length code"),
                      ("distance_code", "an invalid distance code"),
                      ("stored_length", "a stored block with a bad length check"),
                      ("dynamic_header", "an invalid dynamic Huffman header"),
                      ("distance_before_start", "a back-reference before the first byte")):
        data, detail = CORRUPT[key]
        c.append(deflate_fail_case(
            cid(), f"Send a compressed text message holding {what} ({detail}); the server must "
            "fail the connection.", [RFC_PMD_DECOMPRESS, "RFC 1951 3.2"], req_corrupt,
            [hex_frame("text", data)], CORRUPT_CODES, ROLES, {},
            ok_note="the server failed the connection at the corrupt data",
            offer_extensions=offers))
    req_utf8 = (REQ_UTF8_INVALID + " With permessage-deflate the text is the decompressed "
                "data (RFC 7692 6).")
    c.append(deflate_fail_case(
        cid(), "Send a compressed text message whose decompressed bytes are invalid UTF-8 "
        "(κόσμε, then ED A0 80, a surrogate); the server must fail the connection (1007).",
        [RFC_UTF8, RFC_PMCE_FRAMING], req_utf8,
        [message("text", hexp(INVALID_UTF8), compress=True)], [CLOSE_INVALID_PAYLOAD], ROLES,
        {}, wrong_endpoint_is_fatal=True, offer_extensions=offers))
    c.append(deflate_fail_case(
        cid(), "Send the same message with its compressed bytes in frames of 1 octet; the "
        "server must fail the connection (1007).", [RFC_UTF8, RFC_PMCE_FRAMING, RFC_FRAG],
        req_utf8, [message("text", hexp(INVALID_UTF8), fragment_size=1, compress=True)],
        [CLOSE_INVALID_PAYLOAD], ROLES, {}, wrong_endpoint_is_fatal=True,
        offer_extensions=offers))

    # Decompression bombs: a few KiB that inflate to many MiB.
    req_bomb = ("RFC 6455 10.4: an implementation with limits on the message size \"MUST "
                "protect themselves against exceeding those limits\", and SHOULD impose a limit "
                "on the total message size; with permessage-deflate that is the decompressed "
                "size. Echoing the message (no limit reached) and failing with 1009 (message "
                "too big, RFC 6455 7.4.1) are both right; crashing, hanging or another code is "
                "not.")
    for size, answer_ms, timeout_ms in ((16 * MIB, 15000, 30000), (128 * MIB, 40000, 60000)):
        payload = pattern_hex(b"\x00", size)
        c.append(echo_or_fail_case(
            cid(), f"Send a binary message of {size // MIB} MiB of zeros compressed (about "
            f"{size // MIB} KiB on the wire); expect its echo or a 1009 close.",
            [RFC_LIMITS, RFC_PMD_DECOMPRESS], req_bomb,
            [message("binary", payload, compress=True)],
            [ev_message(payload, binary=True)],
            ("OK", f"inflated and echoed the {size // MIB} MiB message"),
            ("OK", "failed the connection (1009: over its size limit)"),
            [CLOSE_MESSAGE_TOO_BIG], ROLES, {}, answer_ms, timeout_ms=timeout_ms,
            offer_extensions=offers))
    c.append(echo("Right after the decompression bombs, open a new connection and send a "
                  "compressed message; the server must still serve (no crash, no hang).",
                  [message("text", CHECK, compress=True)], [ev_message(CHECK)],
                  [RFC_LIMITS], "RFC 6455 10.4: a server protects itself against messages "
                  "over its limits; the bombs of the previous cases must not have brought it "
                  "down."))
    return ("pmd.3", "Compression: payloads", c, "deflate-payloads")


def group_pmd_4():
    c = []
    cid = id_counter("pmd.4")

    kib_text = pseudo_text(1024, 41)
    send_three, three = three_compressed(kib_text)

    def three_case(description, offer, rfc, requirement, declined=None):
        expects = [expect("OK", three, "all three echoes inflated under the agreed context "
                          "rules", AGREED if declined else None)]
        if declined:
            expects.append(expect(declined[0], three, declined[1], DECLINED))
        return case(cid(), description, rfc, requirement,
                    send_three + [await_events(3), close()], expects, CLEAN_NORMAL_CLOSE,
                    roles=ROLES, offer_extensions=[offer],
                    permessage_deflate={"required": False} if declined else {})

    c.append(three_case(
        "Offer \"permessage-deflate\" and send the same 1 KiB text three times, compressed "
        "with context takeover (the second and third mostly back-references into the "
        "first); expect three echoes.", FIREFOX_OFFER, [RFC_PMD_COMPRESS, RFC_PMD_CNCT],
        "Unless client_no_context_takeover was agreed, the client MAY take over its LZ77 "
        "window from the last compressed message (RFC 7692 7.2.1), so the server must keep "
        "its decompression context between messages. " + Q_CONTEXT))
    c.append(three_case(
        "Offer server_no_context_takeover and send the same 1 KiB text three times; expect "
        "three echoes, each compressed from an empty window (wsspec inflates each echo from "
        "scratch).", f"{PMD}; server_no_context_takeover", [RFC_PMD_SNCT, RFC_PMD_COMPRESS],
        Q_SNCT_ACCEPT + " " + Q_CONTEXT))
    c.append(three_case(
        "Offer client_no_context_takeover and send the same 1 KiB text three times, each "
        "compressed from an empty window; expect three echoes.",
        f"{PMD}; client_no_context_takeover", [RFC_PMD_CNCT, RFC_PMD_COMPRESS],
        "RFC 7692 7.1.1.2: by offering client_no_context_takeover \"a client informs the peer "
        "server of a hint that even if the server doesn't include the "
        "\"client_no_context_takeover\" extension parameter in the corresponding extension "
        "negotiation response to the offer, the client is not going to use context "
        "takeover.\" The server may accept it or not; either way it decompresses messages "
        "that start from an empty window."))

    def window_case(description, offer, block, rfc, requirement):
        # A valid offer the server may not support (zlib has no 8-bit window): RFC 7692 7
        # asks it to decline; refusing the whole handshake instead is NON-STRICT, as for the
        # invalid offers of pmd.1.
        return negotiation_case(
            cid(), description, rfc, requirement, [offer], payload=repeated_block(block, block),
            declined=("OK", "declined the window size (RFC 7692 7.1.2: a server declines a "
                      "window it does not support)"),
            refused=("NON-STRICT", REFUSED_NOTE),
            agreed_note="accepted, and the echo stays within the agreed window",
            plain_offer=True)

    c.append(window_case(
        "Offer server_max_window_bits=9 and send a message that repeats a 600-octet block; "
        "expect the offer declined, or accepted with server_max_window_bits 8-9 and an echo "
        "whose back-references stay within 512 octets.", f"{PMD}; server_max_window_bits=9",
        600, [RFC_PMD_SMWB, RFC_PMD_COMPRESS], Q_SMWB_ACCEPT + " The server then compresses "
        "with a window of at most 2^9 octets, so its echo cannot refer 600 octets back."))
    c.append(window_case(
        "Offer server_max_window_bits=8 and send a message that repeats a 300-octet block; "
        "expect the offer declined, or accepted with server_max_window_bits=8 and an echo "
        "whose back-references stay within 256 octets (zlib cannot deflate with an 8-bit "
        "window: a server using zlib declines, compresses without back-references, or sends "
        "uncompressed).", f"{PMD}; server_max_window_bits=8", 300,
        [RFC_PMD_SMWB, RFC_PMD_COMPRESS], Q_SMWB_ACCEPT + " Accepting 8 means compressing "
        "with a window of 256 octets; a server that answers 8 but deflates with zlib's 9-bit "
        "minimum refers too far back."))
    c.append(window_case(
        "Offer client_max_window_bits=8 and send a message that repeats a 300-octet block, "
        "compressed within a 256-octet window; expect the echo (the offer accepted or "
        "declined).", f"{PMD}; client_max_window_bits=8", 300,
        [RFC_PMD_CMWB], Q_CMWB_OFFER + " An 8-bit window is valid (8-15); the server must "
        "inflate what the client compresses within it."))
    c.append(window_case(
        "Offer the smallest configuration (both no_context_takeover, both window bits 8) and "
        "send a message that repeats a 300-octet block; expect the echo.",
        f"{PMD}; server_no_context_takeover; client_no_context_takeover; "
        "server_max_window_bits=8; client_max_window_bits=8", 300,
        [RFC_PMD_SNCT, RFC_PMD_CNCT, RFC_PMD_SMWB, RFC_PMD_CMWB],
        Q_SNCT_ACCEPT + " " + Q_SMWB_ACCEPT))

    # The client breaks what it offered; the server may notice. Receivers owe nothing here:
    # RFC 7692 binds the compressor, and zlib inflates any distance within its own output.
    far = pseudo_text(600, 48).encode()
    far_message = fixed_message([far, (16, 600)])
    far_text = (far + far[:16]).decode()
    assert inflate(far_message) == far_text.encode()
    c.append(echo_or_fail_case(
        cid(), "Offer client_max_window_bits=9, then send a hand-made compressed message with "
        "a back-reference 600 octets back (beyond 512); the server may inflate it "
        "(informational) or fail the connection.", [RFC_PMD_CMWB, RFC_PMD_COMPRESS],
        "RFC 7692 7.1.2.2: an offered value is a hint that the client \"is not going to use "
        "an LZ77 sliding window size greater than the size specified by the value in the "
        "extension negotiation offer\", whatever the server answers; this message breaks it. "
        "RFC 7692 requires nothing of the receiver here: an inflater may well accept a "
        "distance its window allows. Inflating is informational, failing the connection "
        "(1007 or 1002) is OK.", [hex_frame("text", far_message)], [ev_message(far_text)],
        ("INFORMATIONAL", "inflated a back-reference beyond the 512-octet window the client "
         "promised"),
        ("OK", "failed the connection at a back-reference beyond the agreed window"),
        [CLOSE_INVALID_PAYLOAD, CLOSE_PROTOCOL_ERROR], ROLES, {}, ANSWER_MS,
        offer_extensions=[f"{PMD}; client_max_window_bits=9"]))
    word = b"Hello"
    c.append(echo_or_fail_case(
        cid(), "Offer client_no_context_takeover, send \"Hello\", then a hand-made message "
        "that refers back into it (length 5, distance 5); the server may inflate it "
        "(informational) or fail the connection.", [RFC_PMD_CNCT, RFC_PMD_COMPRESS],
        "RFC 7692 7.1.1.2: offering client_no_context_takeover is a hint that \"the client "
        "is not going to use context takeover\"; the second message breaks it. A server that "
        "kept its window (it did not answer client_no_context_takeover) inflates it; one "
        "that reset its window fails. Neither is required: informational and OK.",
        [hex_frame("text", fixed_message([word])), await_events(1),
         hex_frame("text", fixed_message([(5, 5)]))],
        [ev_message(HELLO), ev_message(HELLO)],
        ("INFORMATIONAL", "kept its decompression context across messages and inflated the "
         "reference into the previous message"),
        ("OK", "failed the connection at a reference into the previous message"),
        [CLOSE_INVALID_PAYLOAD, CLOSE_PROTOCOL_ERROR], ROLES, {}, ANSWER_MS,
        fail_events=[ev_message(HELLO)],
        offer_extensions=[f"{PMD}; client_no_context_takeover"]))
    return ("pmd.4", "Compression: context takeover and window size", c, "deflate-context")


def group_pmd():
    return [group_pmd_1(), group_pmd_2(), group_pmd_3(), group_pmd_4()]
