"""Autobahn groups 12 (compression of different payloads) and 13 (compression with different
parameters): series of 1000 compressed messages, each echo checked as it arrives."""

from .blocks import BOTH, CLEAN_NORMAL_CLOSE, case, close, echo_series, expect
from .requirements import (RFC_PMCE_FRAMING, RFC_PMD_CMWB, RFC_PMD_CNCT, RFC_PMD_COMPRESS,
                           RFC_PMD_DECOMPRESS, RFC_PMD_SMWB, RFC_PMD_SNCT)

COUNT = 1000

# Autobahn's MSG_SIZES (case12_x_x.py): payload length, case timeout in seconds and
# auto-fragment size (0: one frame) of rows 1-18; 1000 messages each.
ROWS = [
    (16, 60, 0), (64, 60, 0), (256, 120, 0), (1024, 240, 0), (4096, 480, 0),
    (8192, 480, 0), (16384, 480, 0), (32768, 480, 0), (65536, 480, 0), (131072, 480, 0),
    (8192, 480, 256), (16384, 480, 256), (32768, 480, 256), (65536, 480, 256),
    (131072, 480, 256), (131072, 480, 1024), (131072, 480, 4096), (131072, 480, 32768),
]

# 12.1-12.5: the data set, whether it is sent as text, the subcategory title and file slug.
DATA_SETS = [
    ("json", True, "JSON records (text, 194,056 bytes)", "deflate-json"),
    ("bmp", False, "512x512 greyscale BMP image (binary, 263,222 bytes)", "deflate-bmp"),
    ("text", False, "German verse drama, UTF-8 sent as binary (binary, 222,218 bytes)",
     "deflate-text"),
    ("html", True, "HTML document (text, 263,647 bytes)", "deflate-html"),
    ("pdf", False, "PDF with deflated streams (binary, 1,042,328 bytes)", "deflate-pdf"),
]

# Every Autobahn client offer starts with this (its PerMessageDeflateOffer defaults:
# acceptNoContextTakeover and acceptMaxWindowBits).
DEFAULT_OFFER = "permessage-deflate; client_no_context_takeover; client_max_window_bits"
SNCT = "server_no_context_takeover"
CNCT = "client_no_context_takeover"
CMWB = "client_max_window_bits"

# Autobahn used 8 here until zlib refused to deflate with an 8-bit window; it uses 9 now.
SMALL_WINDOW = 9


def accept_policy(no_context_takeover, window_bits):
    """Client role: the fuzzing server's accept functions (accept1-accept6) as a policy. It
    asks for what the offer allows it to ask for, and accepts only offers that allow it."""
    policy, needs = {}, []
    if no_context_takeover:
        policy[CNCT] = True
        needs.append(CNCT)
    if window_bits:
        policy[CMWB] = window_bits
        needs.append(CMWB)
    if needs:
        policy["needs"] = needs
    return policy


def offer(no_context_takeover, window_bits):
    """Server role: Autobahn's client offers for 13.1-13.6."""
    text = DEFAULT_OFFER
    if no_context_takeover:
        text += f"; {SNCT}"
    if window_bits:
        text += f"; server_max_window_bits={window_bits}"
    return text


REQ_ECHO = ("Each message is sent compressed with permessage-deflate (RSV1 on its first frame, "
            "RFC 7692 6; compressed as 7.2.1 says with the agreed window and context takeover) "
            "and must come back with the same type and bytes. The echo may be compressed or "
            "not; wsspec inflates it as 7.2.2 says, holding the peer to the agreed window and "
            "context takeover. Without an agreed permessage-deflate the case is UNIMPLEMENTED.")
RFC_ECHO = [RFC_PMCE_FRAMING, RFC_PMD_COMPRESS, RFC_PMD_DECOMPRESS]


def series_case(cid, data_set, text, length, timeout_s, fragment_size, offers, accept,
                offers_text, extra_rfc=(), extra_requirement=""):
    kind = "text" if text else "binary"
    frag = (f"auto-fragmented to {fragment_size} octets of compressed data" if fragment_size
            else "one frame each")
    description = (f"Send {COUNT} compressed {kind} messages of {length} octets, each the next "
                   f"{length} octets of the {data_set} data set, {frag}; expect each echo within "
                   f"{timeout_s} s. {offers_text}")
    deflate = {}
    if accept is not None:
        deflate["accept"] = accept
    return case(cid, description, RFC_ECHO + list(extra_rfc),
                REQ_ECHO + (" " + extra_requirement if extra_requirement else ""),
                [echo_series(COUNT, kind, data_set, length, fragment_size, compress=True),
                 close()],
                [expect("OK", [], f"all {COUNT} echoes arrived with the type, length and SHA-1 "
                        "sent, within the time limit")],
                CLEAN_NORMAL_CLOSE, roles=BOTH, timeout_ms=timeout_s * 1000,
                offer_extensions=offers, permessage_deflate=deflate)


def group_12():
    groups = []
    for sub, (data_set, text, title, slug) in enumerate(DATA_SETS, start=1):
        c = []
        for n, (length, timeout_s, frag) in enumerate(ROWS, start=1):
            c.append(series_case(f"12.{sub}.{n}", data_set, text, length, timeout_s, frag,
                                 [DEFAULT_OFFER], None,
                                 f"Server role: Autobahn's default offer ({DEFAULT_OFFER}); "
                                 "client role: wsspec accepts the first offer."))
        groups.append((f"12.{sub}", f"Compression: {title}", c, slug))
    return groups


# 13.1-13.7: (no context takeover, window bits) of offer and policy, title, slug, and what
# the parameters add to the requirement.
REQ_NCT = ("With server_no_context_takeover agreed, the server MUST start compressing each "
           "new message with an empty LZ77 sliding window (RFC 7692 7.2.1); likewise the "
           "client with client_no_context_takeover.")
REQ_WINDOW = ("A server accepts server_max_window_bits \"with the same or smaller value as the "
              "offer\" (RFC 7692 7.1.2.1), and client_max_window_bits limits the window the "
              "client compresses with (7.1.2.2); every back-reference must stay within the "
              "agreed window.")
PARAMETERS = [
    (False, 0, "default offer", "deflate-default"),
    (True, 0, "no context takeover (offer server_no_context_takeover, accept "
     "client_no_context_takeover)", "deflate-no-context-takeover"),
    (False, SMALL_WINDOW, f"window bits {SMALL_WINDOW} (offer server_max_window_bits="
     f"{SMALL_WINDOW}, accept client_max_window_bits={SMALL_WINDOW})",
     f"deflate-window-bits-{SMALL_WINDOW}"),
    (False, 15, "window bits 15 (offer server_max_window_bits=15, accept "
     "client_max_window_bits=15)", "deflate-window-bits-15"),
    (True, SMALL_WINDOW, f"no context takeover and window bits {SMALL_WINDOW}",
     f"deflate-no-context-takeover-window-bits-{SMALL_WINDOW}"),
    (True, 15, "no context takeover and window bits 15",
     "deflate-no-context-takeover-window-bits-15"),
]


def group_13():
    groups = []
    subs = []
    for nct, bits, title, slug in PARAMETERS:
        offers = [offer(nct, bits)]
        accept = accept_policy(nct, bits) or None
        rfc, req = [], []
        if nct:
            rfc += [RFC_PMD_SNCT, RFC_PMD_CNCT]
            req.append(REQ_NCT)
        if bits:
            rfc += [RFC_PMD_SMWB, RFC_PMD_CMWB]
            req.append(REQ_WINDOW)
        policy_text = "wsspec accepts the first offer" if accept is None else (
            "wsspec accepts an offer that carries " + " and ".join(accept["needs"])
            + ", answering " + "; ".join(f"{k}" if v is True else f"{k}={v}"
                                         for k, v in accept.items() if k != "needs"))
        subs.append((offers, accept, f"Server role: offer {offers[0]}; client role: "
                     f"{policy_text}.", rfc, " ".join(req), title, slug))
    # 13.7: three offers in preference order; the first acceptable one wins (RFC 7692 5).
    offers7 = [offer(True, SMALL_WINDOW), offer(True, 0), offer(False, 0)]
    accept7 = [accept_policy(True, SMALL_WINDOW), accept_policy(True, 0), {}]
    subs.append((offers7, accept7, "Server role: three offers in one header (" +
                 "; ".join(f"[{o}]" for o in offers7) + "), the first the server accepts wins; client role: "
                 "wsspec tries the policies of 13.5, 13.2 and 13.1 in that order.",
                 [RFC_PMD_SNCT, RFC_PMD_CNCT, RFC_PMD_SMWB, RFC_PMD_CMWB],
                 "The offers are in the client's order of preference (RFC 7692 5); the "
                 "server accepts one of them, whose parameters then hold. " + REQ_NCT + " "
                 + REQ_WINDOW, "three offers, the first acceptable wins (13.5, 13.2, 13.1)",
                 "deflate-three-offers"))
    for sub, (offers, accept, offers_text, rfc, req, title, slug) in enumerate(subs, start=1):
        c = []
        for n, (length, timeout_s, frag) in enumerate(ROWS, start=1):
            c.append(series_case(f"13.{sub}.{n}", "json", True, length, timeout_s, frag, offers,
                                 accept, offers_text, rfc, req))
        groups.append((f"13.{sub}", f"Compression: JSON records, {title}", c, slug))
    return groups
