"""Autobahn groups 9 (limits and performance) and 10 (auto-fragmentation)."""

from .blocks import (BIG_ANSWER_MS, CLEAN_NORMAL_CLOSE, KIB, MIB, await_events, await_more,
                     case, close, echo_case, ev_message, expect, frame, message, pattern,
                     pattern_hex, repeat)
from .requirements import (REQ_AUTOFRAG, REQ_LARGE, RFC_DATA, RFC_FRAG, RFC_FRAMING,
                           RFC_LIMITS)


TEXT_UNIT = "BAsd7&jh23"
BINARY_UNIT = bytes([0x00, 0xFE, 0x23, 0xFA, 0xF0])


def perf_case(cid, description, send, event, wait_s):
    wait_ms = wait_s * 1000
    return case(cid, description, [RFC_FRAMING, RFC_FRAG, RFC_LIMITS], REQ_LARGE,
                list(send) + [await_events(1, wait_ms), close()],
                [expect("OK", [event], "the echo arrived complete within the time limit")],
                CLEAN_NORMAL_CLOSE, timeout_ms=wait_ms + 10000, measure_throughput=True)


def size_name(n):
    return f"{n // MIB} MiB" if n >= MIB else f"{n // KIB} KiB"


def group_9():
    groups = []
    sizes = ((64 * KIB, 10, 10), (256 * KIB, 10, 10), (1 * MIB, 100, 10),
             (4 * MIB, 100, 10), (8 * MIB, 100, 100), (16 * MIB, 100, 100))
    for sub, binary in ((1, False), (2, True)):
        c = []
        for n, (size, wait_text, wait_binary) in enumerate(sizes, start=1):
            p = pattern_hex(BINARY_UNIT, size) if binary else pattern(TEXT_UNIT, size)
            kind = "binary" if binary else "text"
            c.append(perf_case(f"9.{sub}.{n}", f"Send a {size_name(size)} {kind} message in one "
                               "frame; expect the echo.", [frame(kind, p)],
                               ev_message(p, binary), wait_binary if binary else wait_text))
        groups.append((f"9.{sub}", f"{'Binary' if binary else 'Text'} messages of increasing "
                       "size", c))
    frags = (64, 256, 1 * KIB, 4 * KIB, 16 * KIB, 64 * KIB, 256 * KIB, 1 * MIB, 4 * MIB)
    for sub, binary in ((3, False), (4, True)):
        c = []
        for n, frag in enumerate(frags, start=1):
            if binary and n == 1:
                p = pattern_hex(b"\xfe", 4 * MIB)
            else:
                p = pattern("*", 4 * MIB)
            kind = "binary" if binary else "text"
            frag_name = f"{frag} octets" if frag < KIB else size_name(frag)
            c.append(perf_case(f"9.{sub}.{n}", f"Send a 4 MiB {kind} message in fragments of "
                               f"{frag_name}; expect the echo.",
                               [message(kind, p, fragment_size=frag)], ev_message(p, binary),
                               100))
        groups.append((f"9.{sub}", f"Fragmented {'binary' if binary else 'text'} messages of "
                       "increasing fragment size", c))
    chops = (64, 128, 256, 512, 1024, 2048)
    for sub, binary in ((5, False), (6, True)):
        c = []
        for n, chop in enumerate(chops, start=1):
            p = pattern_hex(BINARY_UNIT, MIB) if binary else pattern(TEXT_UNIT, MIB)
            kind = "binary" if binary else "text"
            c.append(perf_case(f"9.{sub}.{n}", f"Send a 1 MiB {kind} message in one frame, "
                               f"written to TCP in chops of {chop} octets; expect the echo.",
                               [frame(kind, p, chop=chop)], ev_message(p, binary), 1000))
        groups.append((f"9.{sub}", f"{'Binary' if binary else 'Text'} messages of increasing "
                       "chop size", c))
    rtts = ((0, 60), (16, 60), (64, 60), (256, 120), (1024, 240), (4096, 480))
    count = 1000
    for sub, binary in ((7, False), (8, True)):
        c = []
        for n, (size, wait_s) in enumerate(rtts, start=1):
            p = pattern_hex(b"\xfe", size) if binary else pattern("*", size)
            kind = "binary" if binary else "text"
            wait_ms = wait_s * 1000
            c.append(case(
                f"9.{sub}.{n}", f"Send {count} {kind} messages of {size} octets one at a time, "
                "each after the previous echo, to measure round-trip time.",
                [RFC_DATA, RFC_LIMITS], "Every message is echoed; measures latency.",
                [repeat(count, [frame(kind, p), await_more(1)]), close()],
                [expect("OK", [ev_message(p, binary, repeat_count=count)],
                        f"all {count} echoes arrived within {wait_s} s")],
                CLEAN_NORMAL_CLOSE, timeout_ms=wait_ms, measure_throughput=True))
        groups.append((f"9.{sub}", f"{'Binary' if binary else 'Text'} message round-trip time",
                       c))
    return groups


def group_10():
    p = pattern("*", 65536)
    return [("10.1", "Auto-fragmentation", [
        echo_case("10.1.1", "Send a 65536-octet text message in fragments of 1300 octets; "
                  "expect the reassembled echo.", [RFC_FRAG], REQ_AUTOFRAG,
                  [message("text", p, fragment_size=1300)], [ev_message(p)],
                  answer_ms=BIG_ANSWER_MS)])]
