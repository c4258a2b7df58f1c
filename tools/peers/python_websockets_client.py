#!/usr/bin/python3
"""Autobahn-style fuzzingserver client driver built on python-websockets.

Runs the loop websockets' own compliance/ client runs against Autobahn's
fuzzingserver (or against wsspec acting as one):

  1. ws://HOST:PORT/getCaseCount            -> read N
  2. ws://HOST:PORT/runCase?case=i&agent=A  for i in 1..N, echo every
                                               message until the server closes
  3. ws://HOST:PORT/updateReports?agent=A   -> wait for the close

Uses websockets 10.x asyncio API (Debian python3-websockets); must run under
/usr/bin/python3.

    /usr/bin/python3 tools/peers/python_websockets_client.py \
        --url ws://127.0.0.1:9001 --agent python-websockets

Exits 0 when the loop ran to the end (whatever the individual cases did),
1 if getCaseCount or updateReports could not be reached.
"""

import asyncio
import logging
import sys

import websockets
from websockets.exceptions import ConnectionClosed, WebSocketException

import driver_loop

MAX_SIZE = 2**25
# websockets' close_timeout (default 10 s): how long a client waits for the server's TCP
# close after the Close handshake, or after failing the connection, before it gives up.
CLOSE_TIMEOUT = 10


def add_arguments(p):
    p.add_argument("--close-timeout", type=float, default=CLOSE_TIMEOUT,
                   help="seconds to wait for the server's TCP close (websockets' close_timeout; "
                        "wsspec fuzz-client runs pass 1: a client that stopped reading waits "
                        "it out twice before its next case)")


async def get_case_count(url):
    async with websockets.connect(url) as ws:
        return int(await ws.recv())


async def echo_until_closed(url):
    try:
        async with websockets.connect(url, max_size=MAX_SIZE, max_queue=1,
                                      close_timeout=CLOSE_TIMEOUT) as ws:
            async for msg in ws:
                await ws.send(msg)
    except ConnectionClosed:
        # Expected whenever a case ends with anything but a clean close.
        pass


async def wait_for_close(url):
    async with websockets.connect(url) as ws:
        try:
            async for _ in ws:
                pass
        except ConnectionClosed:
            pass


if __name__ == "__main__":
    logging.basicConfig(level=logging.WARNING)
    args = driver_loop.parse_args(sys.argv[1:], __doc__.splitlines()[0],
                                  f"python-websockets-{websockets.__version__}", add_arguments)
    CLOSE_TIMEOUT = args.close_timeout
    sys.exit(asyncio.run(driver_loop.drive(args, get_case_count, echo_until_closed,
                                           wait_for_close, (WebSocketException, OSError))))
