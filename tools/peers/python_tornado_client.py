#!/usr/bin/python3
"""Autobahn-style fuzzingserver client driver built on Tornado (Debian python3-tornado).

Runs driver_loop.py's loop (getCaseCount, runCase 1..N echoing every message,
updateReports) with tornado.websocket. Messages up to 2**25 octets; permessage-deflate is
not offered. Must run under /usr/bin/python3.

    /usr/bin/python3 tools/peers/python_tornado_client.py --url ws://127.0.0.1:9001
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
# escapes it) and read_message() then never returns; give up on a case after this long.
CASE_TIMEOUT_S = 20


async def connect(url):
    return await websocket_connect(url, connect_timeout=CONNECT_TIMEOUT_S,
                                   max_message_size=MAX_SIZE)


async def echo_until_closed(url):
    ws = await connect(url)
    try:
        while True:
            msg = await ws.read_message()
            if msg is None:  # closed
                break
            await ws.write_message(msg, binary=isinstance(msg, bytes))
    finally:
        ws.close()


async def echo_case(url):
    await asyncio.wait_for(echo_until_closed(url), CASE_TIMEOUT_S)


async def get_case_count(url):
    ws = await connect(url)
    try:
        return int(await ws.read_message())
    finally:
        ws.close()


if __name__ == "__main__":
    args = driver_loop.parse_args(sys.argv[1:], __doc__.splitlines()[0],
                                  f"tornado-{tornado.version}")
    sys.exit(asyncio.run(driver_loop.drive(
        args, get_case_count, echo_case, echo_until_closed,
        (WebSocketError, OSError, tornado.httpclient.HTTPClientError))))
