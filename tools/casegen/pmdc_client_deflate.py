"""pmdc.*: permessage-deflate (RFC 7692) on a client under test (wsspec is the server):
answers the client must refuse (pmdc.1) or accept (pmdc.2), and compressed data it must
handle or fail on once the extension is agreed (pmdc.3)."""

from .blocks import (BIG_ANSWER_MS, CLEAN_NORMAL_CLOSE, CLIENT_ONLY, CLOSE_INVALID_PAYLOAD,
                     CLOSE_MESSAGE_TOO_BIG, CLOSE_PROTOCOL_ERROR, MIB, NOT_APPLICABLE,
                     await_close, await_events, case, close, data_window, ev_message, ev_pong,
                     expect, frame, hexp, message, pattern_hex)
from .deflate_blocks import (CORRUPT, CORRUPT_CODES, CORRUPT_CODES_NOTE, HELLO,
                             HELLO_TAIL_KEPT, INVALID_UTF8, KOSME, Q_BFINAL, Q_CLIENT_FAIL,
                             Q_CMWB_ABSENT, Q_CMWB_OFFER, Q_CNCT_RESPONSE, Q_CONTEXT, Q_RSV1,
                             Q_SMWB_UNASKED, Q_SNCT_UNASKED, Q_WINDOW_VALUE, RFC_HELLO,
                             RFC_HELLO_BFINAL, RFC_HELLO_STORED, RFC_HELLO_TWO_BLOCKS,
                             deflate_fail_case, echo_or_fail_case, hex_frame, pseudo_text,
                             repeated_block, split,
                             id_counter, three_compressed)
from .hsc_client_handshake import (HSC_ECHO, HSC_ECHO_WAIT_MS, HSC_EXPECT_REFUSED,
                                   HSC_REFUSAL_TIMEOUT_MS, HSC_TIMEOUT_MS)
from .requirements import (REQ_PMD_DECOMPRESS, REQ_RSV, REQ_UTF8_INVALID, RFC_CONTROL,
                           RFC_FRAG, RFC_FRAMING, RFC_HS_CLIENT, RFC_LIMITS, RFC_PMCE,
                           RFC_PMCE_FRAMING, RFC_PMD_CMWB, RFC_PMD_CNCT, RFC_PMD_COMPRESS,
                           RFC_PMD_DECOMPRESS, RFC_PMD_PARAMS, RFC_PMD_SMWB, RFC_PMD_SNCT,
                           RFC_UTF8)

PMD = "permessage-deflate"
ROLES = CLIENT_ONLY
SNCT = "server_no_context_takeover"
CNCT = "client_no_context_takeover"
SMWB = "server_max_window_bits"
CMWB = "client_max_window_bits"


def response_deflate(response, needs=(), lacks=(), fits=None):
    d = {"response": response}
    if fits is not None:
        d["response_fits"] = fits
    if needs:
        d["needs"] = list(needs)
    if lacks:
        d["lacks"] = list(lacks)
    return d


def refuse_case(cid, description, rfc, requirement, response, needs=(), lacks=()):
    """wsspec answers with a permessage-deflate element the client MUST NOT accept, then sends
    an uncompressed text message as if the connection were open (hsc.*): a client that failed
    the connection never echoes it."""
    steps = [frame("text", HSC_ECHO), await_events(1, timeout_ms=HSC_ECHO_WAIT_MS),
             await_close()]
    return case(cid, description, rfc, requirement, steps, [HSC_EXPECT_REFUSED],
                NOT_APPLICABLE, roles=ROLES, timeout_ms=HSC_REFUSAL_TIMEOUT_MS,
                permessage_deflate=response_deflate(response, needs, lacks, fits=False))


def group_pmdc_1():
    c = []
    cid = id_counter("pmdc.1")

    rfc = [RFC_HS_CLIENT, RFC_PMD_PARAMS]
    for desc, response, extra_rfc, extra_req, needs, lacks in (
            ("an unknown parameter (x_wsspec_unknown)", f"{PMD}; x_wsspec_unknown", [], "",
             (), ()),
            ("server_max_window_bits=16 (above 15)", f"{PMD}; {SMWB}=16", [RFC_PMD_SMWB],
             Q_WINDOW_VALUE, (), ()),
            ("server_max_window_bits=7 (below 8)", f"{PMD}; {SMWB}=7", [RFC_PMD_SMWB],
             Q_WINDOW_VALUE, (), ()),
            ("server_max_window_bits=010 (a leading zero)", f"{PMD}; {SMWB}=010",
             [RFC_PMD_SMWB], Q_WINDOW_VALUE, (), ()),
            ("server_max_window_bits without a value", f"{PMD}; {SMWB}", [RFC_PMD_SMWB],
             Q_WINDOW_VALUE, (), ()),
            ("client_max_window_bits=16 (above 15), to a client that offered "
             "client_max_window_bits", f"{PMD}; {CMWB}=16", [RFC_PMD_CMWB], Q_WINDOW_VALUE,
             (CMWB,), ()),
            ("server_no_context_takeover twice", f"{PMD}; {SNCT}; {SNCT}", [], "", (), ()),
            ("a value on server_no_context_takeover (=true)", f"{PMD}; {SNCT}=true",
             [RFC_PMD_SNCT], "RFC 7692 7.1.1.1: in a response the parameter \"has no "
             "value\".", (), ())):
        c.append(refuse_case(cid(), f"Accept permessage-deflate with {desc}; the client must "
                             "fail the connection.", rfc + extra_rfc,
                             Q_CLIENT_FAIL + (" " + extra_req if extra_req else ""), response,
                             needs, lacks))
    c.append(refuse_case(
        cid(), "Accept permessage-deflate twice in one answer (permessage-deflate, "
        "permessage-deflate); the client must fail the connection.", [RFC_HS_CLIENT, RFC_PMCE],
        "RFC 7692 5: \"A server MUST NOT accept a PMCE extension negotiation offer together "
        "with another extension if the PMCE will conflict with the extension on their use of "
        "the RSV1 bit. A client that received a response accepting a PMCE extension "
        "negotiation offer together with such an extension MUST _Fail the WebSocket "
        "Connection_.\" Two permessage-deflate elements both claim RSV1.", f"{PMD}, {PMD}"))
    c.append(refuse_case(
        cid(), "Answer client_max_window_bits=15 to a client whose offers have no "
        "client_max_window_bits; the client must fail the connection.",
        [RFC_HS_CLIENT, RFC_PMD_CMWB], Q_CMWB_ABSENT + " " + Q_CLIENT_FAIL,
        f"{PMD}; {CMWB}=15", lacks=(CMWB,)))
    return ("pmdc.1", "Client compression: answers to refuse", c, "deflate-answers-to-refuse")


def group_pmdc_2():
    c = []
    cid = id_counter("pmdc.2")

    kib_text = pseudo_text(1024, 51)
    send_three, three = three_compressed(kib_text)

    def accept_case(description, rfc, requirement, response, send, events, needs=(),
                    lacks=()):
        return case(cid(), description, rfc, requirement,
                    list(send) + [await_events(len(events)), close()],
                    [expect("OK", events, "the client accepted the answer and the compressed "
                            "session works")],
                    CLEAN_NORMAL_CLOSE, roles=ROLES, timeout_ms=HSC_TIMEOUT_MS,
                    permessage_deflate=response_deflate(response, needs, lacks, fits=True))

    c.append(accept_case(
        "Answer a bare permessage-deflate, then send the same 1 KiB text three times, "
        "compressed with context takeover; expect three echoes.",
        [RFC_PMCE, RFC_PMD_COMPRESS], "RFC 7692 5: the server accepts a PMCE by naming it; "
        "without no_context_takeover the server MAY take over its LZ77 window (RFC 7692 "
        "7.2.1), so the client keeps its decompression context between messages. The answer "
        "fits an offer without server_no_context_takeover and server_max_window_bits (7.1.1.1 "
        "and 7.1.2.1 make an answer to those repeat them).", PMD, send_three, three,
        lacks=(SNCT, SMWB)))
    c.append(accept_case(
        "Answer server_no_context_takeover (offered or not), then send the same 1 KiB text "
        "three times, each compressed from an empty window; expect three echoes.",
        [RFC_PMD_SNCT], Q_SNCT_UNASKED, f"{PMD}; {SNCT}", send_three, three, lacks=(SMWB,)))
    window10 = repeated_block(1500, 52)
    c.append(accept_case(
        "Answer server_max_window_bits=10 to a client that did not offer it, then send a "
        "message that repeats a 1500-octet block (compressed within 1024 octets); expect the "
        "echo.", [RFC_PMD_SMWB], Q_SMWB_UNASKED, f"{PMD}; {SMWB}=10",
        [message("text", window10, compress=True)], [ev_message(window10)],
        lacks=(SMWB, SNCT)))
    c.append(accept_case(
        "Answer client_max_window_bits=10 to a client that offered client_max_window_bits, then "
        "send a message that repeats a 1500-octet block; expect the echo, whose "
        "back-references (if compressed) stay within 1024 octets.", [RFC_PMD_CMWB],
        Q_CMWB_OFFER + " (A client that offered a value below 10 must refuse this answer "
        "instead: for it the case does not apply.)", f"{PMD}; {CMWB}=10",
        [message("text", window10, compress=True)], [ev_message(window10)], needs=(CMWB,),
        lacks=(SNCT, SMWB)))
    c.append(accept_case(
        "Answer client_no_context_takeover (offered or not), then send the same 1 KiB text "
        "three times; expect three echoes, each compressed (if at all) from an empty window.",
        [RFC_PMD_CNCT, RFC_PMD_COMPRESS], Q_CNCT_RESPONSE + " " + Q_CONTEXT,
        f"{PMD}; {CNCT}", send_three, three, lacks=(SNCT, SMWB)))
    c.append(accept_case(
        "Answer all four parameters (both no_context_takeover, both window bits 15) to a "
        "client that offered client_max_window_bits and no server_max_window_bits, then send "
        "the same 1 KiB text three times; expect three echoes.",
        [RFC_PMD_SNCT, RFC_PMD_CNCT, RFC_PMD_SMWB, RFC_PMD_CMWB],
        Q_SNCT_UNASKED + " " + Q_CNCT_RESPONSE + " " + Q_SMWB_UNASKED,
        f"{PMD}; {SNCT}; {CNCT}; {SMWB}=15; {CMWB}=15", send_three, three, needs=(CMWB,),
        lacks=(SMWB,)))

    # An 8-bit window is valid, but a client may not support it: RFC 7692 7 then makes it
    # fail the connection ("the client does not support the configuration").
    window8 = repeated_block(300, 53)

    def either_case(description, rfc, requirement, response, needs=(), lacks=()):
        steps = [message("text", window8, compress=True),
                 await_events(1, timeout_ms=HSC_ECHO_WAIT_MS), close()]
        return case(cid(), description, rfc, requirement, steps,
                    [expect("OK", [ev_message(window8)], "the client accepted the 8-bit "
                            "window and the compressed session works"),
                     expect("OK", [], "the client failed the connection: it does not "
                            "support an 8-bit window (RFC 7692 7 makes it refuse)")],
                    NOT_APPLICABLE, roles=ROLES, timeout_ms=HSC_REFUSAL_TIMEOUT_MS,
                    permessage_deflate=response_deflate(response, needs, lacks, fits=True))

    c.append(either_case(
        "Answer server_max_window_bits=8 to a client that did not offer it, then send a "
        "message that repeats a 300-octet block (compressed within 256 octets); expect the "
        "echo, or the connection failed if the client does not support an 8-bit window.",
        [RFC_PMD_SMWB, RFC_PMD_PARAMS], Q_SMWB_UNASKED + " " + Q_CLIENT_FAIL,
        f"{PMD}; {SMWB}=8", lacks=(SMWB, SNCT)))
    c.append(either_case(
        "Answer client_max_window_bits=8 to a client that offered client_max_window_bits, then "
        "send a message that repeats a 300-octet block; expect an echo within a 256-octet "
        "window (zlib cannot deflate with 8 bits: a client may send it uncompressed), or the "
        "connection failed.", [RFC_PMD_CMWB, RFC_PMD_PARAMS],
        Q_CMWB_OFFER + " " + Q_CLIENT_FAIL, f"{PMD}; {CMWB}=8", needs=(CMWB,),
        lacks=(SNCT, SMWB)))
    return ("pmdc.2", "Client compression: answers to accept", c, "deflate-answers-to-accept")


def group_pmdc_3():
    c = []
    cid = id_counter("pmdc.3")

    def fail(description, rfc, requirement, send, codes=(CLOSE_PROTOCOL_ERROR,), accept=None,
             wrong_endpoint_is_fatal=False):
        deflate = {"accept": accept} if accept else {}
        return deflate_fail_case(cid(), description, rfc, requirement, send, list(codes),
                                 ROLES, deflate, wrong_endpoint_is_fatal=wrong_endpoint_is_fatal,
                                 timeout_ms=HSC_TIMEOUT_MS)

    def echo(description, rfc, requirement, send, events, accept=None, answer_ms=None,
             timeout_ms=HSC_TIMEOUT_MS):
        deflate = {"accept": accept} if accept else {}
        wait = await_events(len(events), answer_ms) if answer_ms else await_events(len(events))
        return case(cid(), description, rfc, requirement, list(send) + [wait, close()],
                    [expect("OK", events, "the client inflated the message(s) and echoed")],
                    CLEAN_NORMAL_CLOSE, roles=ROLES, timeout_ms=timeout_ms,
                    permessage_deflate=deflate)

    first, rest = split(RFC_HELLO, 3)
    # RSV1 where RFC 7692 6 forbids it.
    c.append(fail("Send \"Hello\" compressed in two frames, RSV1 on both (the continuation "
                  "too); the client must fail the connection (1002).",
                  [RFC_PMCE_FRAMING, RFC_FRAG], Q_RSV1,
                  [hex_frame("text", first, fin=False), hex_frame("continuation", rest)]))
    c.append(fail("Send an uncompressed text message in two frames with RSV1 only on the "
                  "continuation; the client must fail the connection (1002).",
                  [RFC_PMCE_FRAMING, RFC_FRAG], Q_RSV1,
                  [frame("text", "Hel", fin=False), frame("continuation", "lo", rsv=4)]))
    c.append(fail("Send a Ping with RSV1 set; the client must fail the connection (1002) and "
                  "not answer it.", [RFC_PMCE_FRAMING, RFC_CONTROL], Q_RSV1,
                  [frame("ping", HELLO, rsv=4)]))
    c.append(fail("Send a compressed message with RSV1 and RSV2 set; RSV2 stays reserved, so "
                  "the client must fail the connection (1002).", [RFC_FRAMING, RFC_PMCE_FRAMING],
                  REQ_RSV + " permessage-deflate defines RSV1 only (RFC 7692 6).",
                  [hex_frame("text", RFC_HELLO, rsv=6)]))

    # Data that does not decompress, and text that is invalid only once decompressed.
    req_corrupt = (REQ_PMD_DECOMPRESS + " Data that is not valid DEFLATE cannot be "
                   "decompressed; the receiver must fail the connection rather than deliver "
                   "anything. " + CORRUPT_CODES_NOTE)
    for key, what in (("block_type", "an invalid block type"),
                      ("literal_code", "an invalid literal/length code"),
                      ("stored_length", "a stored block with a bad length check"),
                      ("distance_before_start", "a back-reference before the first byte")):
        data, detail = CORRUPT[key]
        c.append(fail(f"Send a compressed text message holding {what} ({detail}); the client "
                      "must fail the connection.", [RFC_PMD_DECOMPRESS, "RFC 1951 3.2"],
                      req_corrupt, [hex_frame("text", data)], CORRUPT_CODES))
    req_utf8 = (REQ_UTF8_INVALID + " With permessage-deflate the text is the decompressed "
                "data (RFC 7692 6).")
    c.append(fail("Send a compressed text message whose decompressed bytes are invalid UTF-8 "
                  "(κόσμε, then ED A0 80); the client must fail the connection (1007).",
                  [RFC_UTF8, RFC_PMCE_FRAMING], req_utf8,
                  [message("text", hexp(INVALID_UTF8), compress=True)],
                  [CLOSE_INVALID_PAYLOAD], wrong_endpoint_is_fatal=True))
    c.append(fail("Send the same message with its compressed bytes in frames of 1 octet; the "
                  "client must fail the connection (1007).",
                  [RFC_UTF8, RFC_PMCE_FRAMING, RFC_FRAG], req_utf8,
                  [message("text", hexp(INVALID_UTF8), fragment_size=1, compress=True)],
                  [CLOSE_INVALID_PAYLOAD], wrong_endpoint_is_fatal=True))

    # Valid compressed data in its less usual forms.
    rfc_in = [RFC_PMD_DECOMPRESS]
    c.append(echo("Send an empty text message compressed (payload 0x00); expect an empty echo.",
                  [RFC_PMD_COMPRESS, RFC_PMD_DECOMPRESS], REQ_PMD_DECOMPRESS,
                  [message("text", "", compress=True)], [ev_message("")]))
    c.append(echo("Send a text frame with RSV1 and no payload at all; expect an empty echo.",
                  rfc_in, REQ_PMD_DECOMPRESS + " Appending the 4 octets to no payload gives "
                  "an empty stored block.", [hex_frame("text", b"")], [ev_message("")]))
    c.append(echo("Send an uncompressed text message (RSV1 clear) in a compressed session; "
                  "expect its echo.", [RFC_PMCE_FRAMING],
                  "RFC 7692 6: a message whose first frame has RSV1 clear is not compressed "
                  "and is received as is, also when permessage-deflate is in use.",
                  [frame("text", HELLO)], [ev_message(HELLO)]))
    for example, data, section in (("\"Hello\" in one compressed block", RFC_HELLO, "7.2.3.1"),
                                   ("\"Hello\" in a block with no compression", RFC_HELLO_STORED,
                                    "7.2.3.3"),
                                   ("\"Hello\" in a BFINAL block followed by 0x00",
                                    RFC_HELLO_BFINAL, "7.2.3.4"),
                                   ("\"He\" and \"llo\" in two blocks", RFC_HELLO_TWO_BLOCKS,
                                    "7.2.3.5")):
        req = REQ_PMD_DECOMPRESS + (" " + Q_BFINAL if section == "7.2.3.4" else "")
        c.append(echo(f"Send RFC 7692 {section}'s example payload ({example}); expect the "
                      "echo.", rfc_in + [f"RFC 7692 {section}"], req, [hex_frame("text", data)],
                      [ev_message(HELLO)]))
    c.append(echo("Send \"Hello\" compressed with the 00 00 ff ff of the sync flush left on; "
                  "expect the echo.", rfc_in + [RFC_PMD_COMPRESS],
                  REQ_PMD_DECOMPRESS + " The appended octets then make a second empty stored "
                  "block: valid data.", [hex_frame("text", HELLO_TAIL_KEPT)],
                  [ev_message(HELLO)]))
    frag_text = pseudo_text(120, 61)
    frag_binary = bytes((i * 11) % 251 for i in range(300))
    frag_kosme = (KOSME + " ") * 20
    req_frag = ("RFC 7692 6: an endpoint decompresses \"the concatenation of the compressed data "
                "of the frames of the message\"; frame boundaries may fall anywhere in it, and "
                "UTF-8 is judged on the decompressed text.")
    c.append(echo("Send a 120-octet text message compressed, in frames of 1 compressed octet; "
                  "expect the echo.", [RFC_PMCE_FRAMING, RFC_FRAG], req_frag,
                  [message("text", frag_text, fragment_size=1, compress=True)],
                  [ev_message(frag_text)]))
    c.append(echo("Send a 300-octet binary message compressed, in frames of 3 compressed "
                  "octets; expect the echo.", [RFC_PMCE_FRAMING, RFC_FRAG], req_frag,
                  [message("binary", hexp(frag_binary), fragment_size=3, compress=True)],
                  [ev_message(hexp(frag_binary), binary=True)]))
    c.append(echo("Send Greek text (κόσμε) compressed, in frames of 7 compressed octets; expect "
                  "the echo.", [RFC_PMCE_FRAMING, RFC_FRAG, RFC_UTF8], req_frag,
                  [message("text", frag_kosme, fragment_size=7, compress=True)],
                  [ev_message(frag_kosme)]))
    big = data_window("json", MIB)
    c.append(echo("Send a 1 MiB text message (JSON) compressed, in frames of 64 KiB of "
                  "compressed data; expect the echo.", [RFC_PMCE_FRAMING, RFC_FRAG], req_frag,
                  [message("text", big, fragment_size=64 * 1024, compress=True)],
                  [ev_message(big)], answer_ms=BIG_ANSWER_MS, timeout_ms=BIG_ANSWER_MS + 5000))
    c.append(echo("Send \"Hello\" compressed in two frames with a Ping between them; expect the "
                  "Pong, then the echo.", [RFC_PMCE_FRAMING, RFC_FRAG],
                  "RFC 6455 5.4: control frames MAY be injected in the middle of a fragmented "
                  "message; RFC 7692 6: a PMCE operates on data messages only.",
                  [hex_frame("text", first, fin=False), frame("ping", "ping"),
                   hex_frame("continuation", rest, rsv=0)],
                  [ev_pong("ping"), ev_message(HELLO)]))
    text3 = pseudo_text(300, 63)
    c.append(echo("Send a compressed message, a Ping, then the same message compressed again "
                  "(context taken over across the Ping); expect echo, Pong, echo.",
                  [RFC_PMCE_FRAMING, RFC_PMD_COMPRESS],
                  "RFC 7692 7.2.1: without no_context_takeover the server MAY take over the "
                  "LZ77 window of its last compressed message; control frames do not touch it.",
                  [message("text", text3, compress=True), await_events(1),
                   frame("ping", "between"), await_events(2),
                   message("text", text3, compress=True)],
                  [ev_message(text3), ev_pong("between"), ev_message(text3)]))

    # Context takeover and window sizes under the parameters wsspec answers with.
    kib_text = pseudo_text(1024, 64)
    send_three, three = three_compressed(kib_text)
    c.append(echo("Accept with wsspec's defaults and send the same 1 KiB text three times, "
                  "compressed with context takeover; expect three echoes.",
                  [RFC_PMD_COMPRESS], "RFC 7692 7.2.1: without server_no_context_takeover "
                  "the server MAY take over the LZ77 window of the last compressed message, so "
                  "the client keeps its decompression context between messages.",
                  send_three, three))
    c.append(echo("Accept answering server_no_context_takeover and send the same 1 KiB text "
                  "three times, each compressed from an empty window; expect three echoes.",
                  [RFC_PMD_SNCT, RFC_PMD_COMPRESS], Q_SNCT_UNASKED + " " + Q_CONTEXT,
                  send_three, three, accept={SNCT: True}))
    c.append(echo("Accept answering client_no_context_takeover and send the same 1 KiB text "
                  "three times; expect three echoes, each compressed (if at all) from an empty "
                  "window.", [RFC_PMD_CNCT, RFC_PMD_COMPRESS], Q_CNCT_RESPONSE + " " + Q_CONTEXT,
                  send_three, three, accept={CNCT: True}))
    window9 = repeated_block(600, 65)
    c.append(echo("Accept an offer with client_max_window_bits answering 9, then send a message "
                  "that repeats a 600-octet block; expect the echo, whose back-references (if "
                  "compressed) stay within 512 octets.", [RFC_PMD_CMWB, RFC_PMD_COMPRESS],
                  Q_CMWB_OFFER + " The client then compresses with a window of at most 2^9 "
                  "octets.", [message("text", window9, compress=True)], [ev_message(window9)],
                  accept={CMWB: 9, "needs": [CMWB]}))
    c.append(echo("Accept answering server_max_window_bits=9 and send a message that repeats a "
                  "600-octet block, compressed within 512 octets; expect the echo.",
                  [RFC_PMD_SMWB], Q_SMWB_UNASKED, [message("text", window9, compress=True)],
                  [ev_message(window9)], accept={SMWB: 9}))

    # A decompression bomb.
    payload = pattern_hex(b"\x00", 16 * MIB)
    c.append(echo_or_fail_case(
        cid(), "Send a binary message of 16 MiB of zeros compressed (about 16 KiB on the "
        "wire); expect its echo or a 1009 close.", [RFC_LIMITS, RFC_PMD_DECOMPRESS],
        "RFC 6455 10.4: an endpoint with size limits \"MUST protect themselves against "
        "exceeding those limits\"; with permessage-deflate the limit applies to the "
        "decompressed size. Echoing (no limit reached) and failing with 1009 (RFC 6455 7.4.1) "
        "are both right.", [message("binary", payload, compress=True)],
        [ev_message(payload, binary=True)],
        ("OK", "inflated and echoed the 16 MiB message"),
        ("OK", "failed the connection (1009: over its size limit)"),
        [CLOSE_MESSAGE_TOO_BIG], ROLES, {}, 15000, timeout_ms=30000))
    return ("pmdc.3", "Client compression: compressed data", c, "deflate-compressed-data")


def group_pmdc():
    return [group_pmdc_1(), group_pmdc_2(), group_pmdc_3()]
