"""The building blocks of the case JSON format (cases/README.md): payloads, frames,
steps, events, expectations, whole cases, and the constants the groups share."""

BOTH = ["server", "client"]
SERVER_ONLY = ["server"]
CLIENT_ONLY = ["client"]

# RFC 6455 7.4.1 status codes used by the expectations.
CLOSE_NORMAL = 1000
CLOSE_PROTOCOL_ERROR = 1002
CLOSE_INVALID_PAYLOAD = 1007
CLOSE_MESSAGE_TOO_BIG = 1009
CLOSE_INTERNAL_ERROR = 1011

# How long we wait for an answer the peer should send at once (Autobahn: killAfter(1)).
ANSWER_MS = 1000
# Autobahn's killAfter(10) for the 64 KiB messages of 1.1.6-1.1.8 and 10.1.1.
BIG_ANSWER_MS = 10000
# Spacing of the fail-fast UTF-8 cases 6.4.* (Autobahn: 1 s).
FAIL_FAST_PAUSE_MS = 500
# Spacing of 5.19/5.20 (Autobahn: 1 s).
INTERLEAVE_PAUSE_MS = 250
# Autobahn's "sync" sends flush every frame separately; a short pause between frames
# makes each one its own TCP segment.
SYNC_PAUSE_MS = 5


def hexp(data: bytes):
    return {"hex": data.hex()}


def textp(s: str):
    return s


def pattern(unit: str, length: int):
    return {"pattern": unit, "length": length}


def pattern_hex(unit: bytes, length: int):
    return {"pattern_hex": unit.hex(), "length": length}


def close_body(code, reason=None, reason_hex=None):
    body = {"close_code": code}
    if reason is not None:
        body["reason"] = reason
    if reason_hex is not None:
        body["reason_hex"] = reason_hex.hex()
    return body


def data_window(data_set, length, offset=0):
    """`length` bytes of a named test data set (cases/README.md, Compression)."""
    d = {"data": data_set}
    if offset:
        d["offset"] = offset
    d["length"] = length
    return d


def frame(opcode, payload=None, fin=True, rsv=0, chop=None, pauses=None, compress=False):
    f = {"opcode": opcode}
    if not fin:
        f["fin"] = False
    if rsv:
        f["rsv"] = rsv
    if payload is not None:
        f["payload"] = payload
    if chop:
        f["chop"] = chop
    if compress:
        f["compress"] = True
    if pauses:
        f["pauses"] = pauses
    return {"frame": f}


def message(opcode, payload, fragment_size=None, chop=None, compress=False):
    m = {"opcode": opcode, "payload": payload}
    if fragment_size:
        m["fragment_size"] = fragment_size
    if chop:
        m["chop"] = chop
    if compress:
        m["compress"] = True
    return {"message": m}


def echo_series(count, opcode, data_set, length, fragment_size=0, compress=True):
    """Autobahn 12.*/13.*: `count` messages, each the next `length` bytes of a data set,
    each sent after the previous echo arrived and checked."""
    e = {"count": count, "opcode": opcode, "data": data_set, "length": length}
    if fragment_size:
        e["fragment_size"] = fragment_size
    if compress:
        e["compress"] = True
    return {"echo_series": e}


def sleep(ms, mark=None):
    s = {"ms": ms}
    if mark:
        s["mark"] = mark
    return {"sleep": s}


def await_events(events, timeout_ms=ANSWER_MS):
    return {"await": {"events": events, "timeout_ms": timeout_ms}}


def await_more(more, timeout_ms=None):
    a = {"more": more}
    if timeout_ms:
        a["timeout_ms"] = timeout_ms
    return {"await": a}


def close(code=CLOSE_NORMAL, reason=None):
    c = {"code": code}
    if reason is not None:
        c["reason"] = reason
    return {"close": c}


def await_close(timeout_ms=ANSWER_MS):
    return {"await_close": {"timeout_ms": timeout_ms}}


def repeat(times, steps):
    return {"repeat": {"times": times, "steps": steps}}


def ev_message(payload, binary=False, repeat_count=None):
    e = {"type": "message", "binary": binary, "payload": payload}
    if repeat_count:
        e["repeat"] = repeat_count
    return e


def ev_ping(payload):
    return {"type": "ping", "payload": payload}


def ev_pong(payload):
    return {"type": "pong", "payload": payload}


def ev_mark(name):
    return {"type": "mark", "name": name}


def expect(verdict, events=None, note=None, handshake=None, match=None,
           count_unsolicited_pongs=False):
    e = {"verdict": verdict}
    if handshake is not None:
        e["handshake"] = handshake
    if events is not None:
        e["events"] = events
    if match:
        e["match"] = match
    if count_unsolicited_pongs:
        e["count_unsolicited_pongs"] = True
    if note:
        e["note"] = note
    return e


def close_exp(closed_by_me, codes, require_clean, wrong_endpoint_is_fatal=False,
              wrong_code_is_fatal=False, not_applicable=False, require_code=False,
              tolerated_violations=None):
    c = {"closed_by_me": closed_by_me, "codes": codes, "require_clean": require_clean}
    if wrong_endpoint_is_fatal:
        c["wrong_endpoint_is_fatal"] = True
    if wrong_code_is_fatal:
        c["wrong_code_is_fatal"] = True
    if not_applicable:
        c["not_applicable"] = True
    if require_code:
        c["require_code"] = True
    if tolerated_violations:
        c["tolerated_violations"] = list(tolerated_violations)
    return c


NOT_APPLICABLE = {"closed_by_me": False, "codes": [], "require_clean": False,
                  "not_applicable": True}
CLEAN_NORMAL_CLOSE = close_exp(True, [CLOSE_NORMAL], True)


def case(cid, description, rfc, requirement, steps, expects, expect_close, roles=BOTH,
         **extra):
    assert "\n" not in description, cid
    c = {
        "id": cid,
        "description": description,
        "rfc": rfc,
        "requirement": requirement,
        "roles": roles,
    }
    for key in ("timeout_ms", "handshake", "handshake_response", "offer_protocols",
                "offer_extensions", "permessage_deflate", "h2", "h2_response"):
        if key in extra:
            c[key] = extra.pop(key)
    c["steps"] = steps
    c["expect"] = expects
    c["expect_close"] = expect_close
    for key in ("informational", "measure_throughput"):
        if key in extra:
            c[key] = extra.pop(key)
    assert not extra, (cid, extra)
    return c


def echo_case(cid, description, rfc, requirement, send, events, answer_ms=ANSWER_MS,
              note=None, **extra):
    """We send, wait for the peer's answers, then close normally (Autobahn's
    finishWhenDone: the fuzzer closes with 1000 once the expected events arrived)."""
    steps = list(send) + [await_events(len(events), answer_ms), close()]
    return case(cid, description, rfc, requirement, steps,
                [expect("OK", events, note or "every expected answer arrived, in order")],
                CLEAN_NORMAL_CLOSE, **extra)


def fail_case(cid, description, rfc, requirement, send, codes=(CLOSE_PROTOCOL_ERROR,),
              ok_events=(), non_strict_events=None, wrong_endpoint_is_fatal=False,
              ok_note=None, non_strict_note=None):
    """We send something the peer must answer by failing the connection."""
    expects = [expect("OK", list(ok_events),
                      ok_note or "the peer failed the connection and sent nothing else")]
    if non_strict_events is not None:
        expects.append(expect("NON-STRICT", list(non_strict_events), non_strict_note))
    return case(cid, description, rfc, requirement, list(send) + [await_close()], expects,
                close_exp(False, list(codes), False,
                          wrong_endpoint_is_fatal=wrong_endpoint_is_fatal))


# Payloads several groups send.
SMALL_TEXT = "Hello, world!"
SMALL_BINARY = bytes([0x00, 0xFF, 0xFE, 0xFD, 0xFC, 0xFB, 0x00, 0xFF])


# Notes for a case that sends a valid message, then a bad frame, then a Ping.
ECHO_BEFORE_FAIL_NOTE = ("the peer failed the connection before echoing the valid message "
                         "that preceded the bad frame (Autobahn accepts this as NON-STRICT)")
ECHO_THEN_FAIL_NOTE = ("the valid message was echoed, then the connection was failed at the "
                       "bad frame, and the Ping after it was not answered")


def sync_frames(frames):
    """Frames each flushed on its own, like Autobahn's sync=True."""
    out = []
    for i, f in enumerate(frames):
        if i:
            out.append(sleep(SYNC_PAUSE_MS))
        out.append(f)
    return out


# Sizes.
KIB = 1024
MIB = 1024 * 1024


def replace_header(name, value):
    """A handshake request or response edit: the header `name` gets the value `value`."""
    return {"remove_headers": [name], "add_headers": [[name, value]]}
