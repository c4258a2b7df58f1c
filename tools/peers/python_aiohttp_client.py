#!/usr/bin/python3
"""Autobahn-style fuzzingserver client driver built on aiohttp (Debian python3-aiohttp).

Runs driver_loop.py's loop (getCaseCount, runCase 1..N echoing every message,
updateReports) with aiohttp's client. Messages up to 2**25 octets. permessage-deflate is
not offered unless --deflate is given (ws_connect(compress=15): the offer
"permessage-deflate; client_max_window_bits"). Must run under /usr/bin/python3.

    /usr/bin/python3 tools/peers/python_aiohttp_client.py --url ws://127.0.0.1:9001 [--deflate]
"""

import asyncio
import sys

import aiohttp
from aiohttp import WSMsgType

import driver_loop

MAX_SIZE = 2**25


async def main(args):
    # One TCP connection per request: after a refused upgrade (hsc.*) aiohttp would keep the
    # connection alive and send the next case's request on it, where the refused case's
    # session reads it as frames, and that next case is never run.
    connector = aiohttp.TCPConnector(force_close=True)
    compress = 15 if args.deflate else 0
    async with aiohttp.ClientSession(connector=connector) as session:

        async def echo_until_closed(url):
            async with session.ws_connect(url, max_msg_size=MAX_SIZE, autoping=True,
                                          compress=compress) as ws:
                async for msg in ws:
                    if msg.type == WSMsgType.TEXT:
                        await ws.send_str(msg.data)
                    elif msg.type == WSMsgType.BINARY:
                        await ws.send_bytes(msg.data)
                    else:
                        break

        async def get_case_count(url):
            async with session.ws_connect(url) as ws:
                return int((await ws.receive()).data)

        return await driver_loop.drive(args, get_case_count, echo_until_closed,
                                       echo_until_closed, (aiohttp.ClientError, OSError))


if __name__ == "__main__":
    sys.exit(asyncio.run(main(driver_loop.parse_args(
        sys.argv[1:], __doc__.splitlines()[0], f"aiohttp-{aiohttp.__version__}",
        lambda p: p.add_argument("--deflate", action="store_true",
                                 help="offer permessage-deflate (ws_connect(compress=15))")))))
