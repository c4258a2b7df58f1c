#!/usr/bin/python3
"""A fuzzingserver driver loop (python-websockets) with two planted bugs, for
`wsspec fuzz-client` (tests/integration/test_fuzz_client.sh). Neither is triggered by
what the loop's first cases send; the fuzzer has to reach them:

  wrong-echo  a binary message of 126 to 65535 octets is echoed with its last octet
              flipped (the judge: wrong bytes)
  crash       a text message holding U+20AC (the euro sign) makes the driver exit with
              status 3 (the crash oracle, with --exec)

    /usr/bin/python3 planted_bug_client.py --url ws://127.0.0.1:9001 [--agent A]
"""

import asyncio
import os
import sys

import websockets
from websockets.exceptions import ConnectionClosed, WebSocketException

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "..", "..", "tools", "peers"))
import driver_loop  # noqa: E402

MAX_SIZE = 2**25
# websockets' close_timeout (default 10 s): how long a client waits for the server's TCP
# close after the Close handshake, or after failing the connection, before it gives up.
CLOSE_TIMEOUT = 10


def add_arguments(p):
    p.add_argument("--close-timeout", type=float, default=CLOSE_TIMEOUT,
                   help="seconds to wait for the server's TCP close (websockets' close_timeout; "
                        "wsspec fuzz-client runs pass 1: a client that stopped reading waits "
                        "it out twice before its next case)")


def answer(msg):
    if isinstance(msg, str):
        if "\u20ac" in msg:
            print("planted_bug_client: crashing on a euro sign", file=sys.stderr, flush=True)
            os._exit(3)
        return msg
    if 126 <= len(msg) <= 65535:
        return msg[:-1] + bytes([msg[-1] ^ 0xFF])
    return msg


async def get_case_count(url):
    async with websockets.connect(url) as ws:
        return int(await ws.recv())


async def echo_until_closed(url):
    try:
        async with websockets.connect(url, max_size=MAX_SIZE, max_queue=1,
                                      close_timeout=CLOSE_TIMEOUT) as ws:
            async for msg in ws:
                await ws.send(answer(msg))
    except ConnectionClosed:
        pass


async def wait_for_close(url):
    async with websockets.connect(url) as ws:
        try:
            async for _ in ws:
                pass
        except ConnectionClosed:
            pass


if __name__ == "__main__":
    args = driver_loop.parse_args(sys.argv[1:], __doc__.splitlines()[0], "planted-bug-client",
                                  add_arguments)
    CLOSE_TIMEOUT = args.close_timeout
    sys.exit(asyncio.run(driver_loop.drive(
        args, get_case_count, echo_until_closed, wait_for_close,
        (OSError, WebSocketException, asyncio.TimeoutError))))
