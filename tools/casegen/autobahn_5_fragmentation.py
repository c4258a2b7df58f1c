"""Autobahn group 5: fragmentation."""

from .blocks import (ECHO_BEFORE_FAIL_NOTE, ECHO_THEN_FAIL_NOTE, INTERLEAVE_PAUSE_MS,
                     SMALL_TEXT, echo_case, ev_message, ev_pong, fail_case, frame, sleep,
                     sync_frames, textp)
from .requirements import (REQ_FRAG_CONTROL, REQ_FRAG_INTERLEAVE, REQ_FRAG_MESSAGE,
                           REQ_FRAG_NOTHING, RFC_CONTROL, RFC_FAIL, RFC_FRAG, RFC_PING)


def group_5():
    c = []
    for n, op in ((1, "ping"), (2, "pong")):
        c.append(fail_case(f"5.{n}", f"Send a {op.capitalize()} fragmented into 2 frames; the "
                           "peer must fail the connection.", [RFC_FRAG, RFC_CONTROL, RFC_FAIL],
                           REQ_FRAG_CONTROL,
                           [frame(op, textp("fragment1"), fin=False),
                            frame("continuation", textp("fragment2"))]))
    how = {None: "", "sync": " Each frame is flushed on its own.",
           1: " Everything is written one octet at a time."}

    def chopped(frames, mode):
        if mode == "sync":
            return sync_frames(frames)
        if mode == 1:
            return [{"frame": dict(f["frame"], chop=1)} for f in frames]
        return frames

    for n, mode in ((3, None), (4, "sync"), (5, 1)):
        frames = [frame("text", textp("fragment1"), fin=False),
                  frame("continuation", textp("fragment2"))]
        c.append(echo_case(f"5.{n}", "Send a text message in 2 fragments; expect the "
                           f"reassembled echo.{how[mode]}", [RFC_FRAG], REQ_FRAG_MESSAGE,
                           chopped(frames, mode), [ev_message(textp("fragment1fragment2"))]))
    for n, mode in ((6, None), (7, "sync"), (8, 1)):
        frames = [frame("text", textp("fragment1"), fin=False),
                  frame("ping", textp("ping payload")),
                  frame("continuation", textp("fragment2"))]
        c.append(echo_case(f"5.{n}", "Send a text message in 2 fragments with a Ping between "
                           f"them; expect the Pong, then the echo.{how[mode]}", [RFC_FRAG],
                           REQ_FRAG_INTERLEAVE, chopped(frames, mode),
                           [ev_pong(textp("ping payload")),
                            ev_message(textp("fragment1fragment2"))]))
    for n, fin, mode in ((9, True, None), (10, True, "sync"), (11, True, 1),
                         (12, False, None), (13, False, "sync"), (14, False, 1)):
        frames = [frame("continuation", textp("non-continuation payload"), fin=fin),
                  frame("text", SMALL_TEXT)]
        c.append(fail_case(f"5.{n}", f"Send a continuation frame with FIN = {str(fin).lower()} "
                           "when no message is in progress, then a text message; the peer must "
                           f"fail the connection.{how[mode]}", [RFC_FRAG, RFC_FAIL],
                           REQ_FRAG_NOTHING, chopped(frames, mode)))
    c.append(fail_case("5.15", "Send a text message in 2 fragments, then a continuation frame "
                       "with FIN = false that continues nothing, then a text frame; expect the "
                       "echo of the first message only.", [RFC_FRAG, RFC_FAIL], REQ_FRAG_NOTHING,
                       [frame("text", textp("fragment1"), fin=False),
                        frame("continuation", textp("fragment2")),
                        frame("continuation", textp("fragment3"), fin=False),
                        frame("text", textp("fragment4"))],
                       ok_events=[ev_message(textp("fragment1fragment2"))],
                       non_strict_events=[], ok_note=ECHO_THEN_FAIL_NOTE,
                       non_strict_note=ECHO_BEFORE_FAIL_NOTE))
    for n, fin in ((16, False), (17, True)):
        once = [frame("continuation", textp("fragment1"), fin=fin),
                frame("text", textp("fragment2"), fin=False),
                frame("continuation", textp("fragment3"))]
        c.append(fail_case(f"5.{n}", "Twice: a continuation frame with FIN = "
                           f"{str(fin).lower()} that continues nothing, then a text message in "
                           "2 fragments; the peer must fail the connection.",
                           [RFC_FRAG, RFC_FAIL], REQ_FRAG_NOTHING, once + once))
    c.append(fail_case("5.18", "Send a text message in 2 fragments whose second frame also has "
                       "the text opcode; the peer must fail the connection.",
                       [RFC_FRAG, RFC_FAIL], REQ_FRAG_NOTHING,
                       [frame("text", textp("fragment1"), fin=False),
                        frame("text", textp("fragment2"))]))
    for n, mode in ((19, None), (20, "sync")):
        part1 = [frame("text", textp("fragment1"), fin=False),
                 frame("continuation", textp("fragment2"), fin=False),
                 frame("ping", textp("pongme 1!"))]
        part2 = [frame("continuation", textp("fragment3"), fin=False),
                 frame("continuation", textp("fragment4"), fin=False),
                 frame("ping", textp("pongme 2!")),
                 frame("continuation", textp("fragment5"))]
        if mode == "sync":
            part1, part2 = sync_frames(part1), sync_frames(part2)
        c.append(echo_case(
            f"5.{n}", "Send a text message in 5 fragments with a Ping after the 2nd and the "
            f"4th, pausing {INTERLEAVE_PAUSE_MS} ms after the first Ping; expect both Pongs, "
            f"then the echo.{how[mode]}", [RFC_FRAG, RFC_PING], REQ_FRAG_INTERLEAVE,
            part1 + [sleep(INTERLEAVE_PAUSE_MS)] + part2,
            [ev_pong(textp("pongme 1!")), ev_pong(textp("pongme 2!")),
             ev_message(textp("fragment1fragment2fragment3fragment4fragment5"))]))
    return [("5", "Fragmentation", c)]
