#!/usr/bin/python3
"""Autobahn-style fuzzingserver client driver built on Tornado (Debian python3-tornado).

Runs driver_loop.py's loop (getCaseCount, runCase 1..N echoing every message,
updateReports) with tornado.websocket. Messages up to 2**25 octets. permessage-deflate is
not offered unless --deflate is given (websocket_connect(compression_options={}): the offer
"permessage-deflate; client_max_window_bits"). Must run under /usr/bin/python3.

    /usr/bin/python3 tools/peers/python_tornado_client.py --url ws://127.0.0.1:9001 \
        [--deflate] [--read-timeout S]
"""

import asyncio
import sys

import tornado
import tornado.httpclient
from tornado.websocket import WebSocketError, websocket_connect

import driver_loop

MAX_SIZE = 2**25
CONNECT_TIMEOUT_S = 10
# Tornado 6.2's frame loop dies on a text message that is not UTF-8 (UnicodeDecodeError
# escapes it), or on compressed data that does not inflate (zlib.error), and
# read_message() then never returns; give up on a case when no message arrived for this
# long (--read-timeout). A limit per read, not per case: a series of 1000 compressed
# messages (12.*, 13.*) may take minutes, but its messages keep coming.
READ_TIMEOUT_S = 20


async def connect(url, compression_options=None):
    return await websocket_connect(url, connect_timeout=CONNECT_TIMEOUT_S,
                                   max_message_size=MAX_SIZE,
                                   compression_options=compression_options)


async def echo_until_closed(url, compression_options=None, read_timeout_s=None):
    ws = await connect(url, compression_options)
    try:
        while True:
            msg = await asyncio.wait_for(ws.read_message(), read_timeout_s)
            if msg is None:  # closed
                break
            await ws.write_message(msg, binary=isinstance(msg, bytes))
    finally:
        ws.close()


def echo_case(compression_options, read_timeout_s):
    async def run(url):
        await echo_until_closed(url, compression_options, read_timeout_s)

    return run


def add_arguments(p):
    p.add_argument("--deflate", action="store_true",
                   help="offer permessage-deflate (websocket_connect(compression_options={}))")
    p.add_argument("--read-timeout", type=float, default=READ_TIMEOUT_S, metavar="S",
                   help="give up on a case when no message arrived for S seconds "
                        f"(default {READ_TIMEOUT_S})")


async def get_case_count(url):
    ws = await connect(url)
    try:
        return int(await ws.read_message())
    finally:
        ws.close()


if __name__ == "__main__":
    args = driver_loop.parse_args(sys.argv[1:], __doc__.splitlines()[0],
                                  f"tornado-{tornado.version}", add_arguments)
    sys.exit(asyncio.run(driver_loop.drive(
        args, get_case_count, echo_case({} if args.deflate else None, args.read_timeout),
        echo_until_closed,
        (WebSocketError, OSError, tornado.httpclient.HTTPClientError))))
