#!/usr/bin/python3
"""Autobahn-style fuzzingserver client driver built on Tornado (Debian python3-tornado).

The loop every library runs against Autobahn's fuzzingserver (or wsspec test-client):
getCaseCount, then runCase?case=i&agent=A for i in 1..N echoing every message until the
server closes, then updateReports. Messages up to 2**25 octets; permessage-deflate is not
offered. Must run under /usr/bin/python3.

    /usr/bin/python3 tools/peers/python_tornado_client.py --url ws://127.0.0.1:9001

Exits 0 when the loop ran to the end (whatever the individual cases did), 1 if
getCaseCount or updateReports could not be reached.
"""

import argparse
import asyncio
import sys
import urllib.parse

import tornado
from tornado.websocket import WebSocketError, websocket_connect

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


async def run_case(base, case, agent):
    url = f"{base}/runCase?case={case}&agent={urllib.parse.quote(agent)}"
    try:
        await asyncio.wait_for(echo_until_closed(url), CASE_TIMEOUT_S)
    except Exception as exc:  # noqa: BLE001 - Tornado raises many kinds (iostream, httpclient)
        # Handshake refused, connection reset...: the case is over for us; the server
        # records what happened. Go on to the next.
        print(f"case {case}: {type(exc).__name__}: {exc}", file=sys.stderr)


async def main(args):
    base = args.url.rstrip("/")
    try:
        ws = await connect(f"{base}/getCaseCount")
        count = int(await ws.read_message())
        ws.close()
    except (WebSocketError, OSError, ValueError, TypeError,
            tornado.httpclient.HTTPClientError) as exc:
        print(f"getCaseCount failed: {exc}", file=sys.stderr)
        return 1
    print(f"{count} cases", flush=True)
    for case in range(1, count + 1):
        if not args.quiet:
            print(f"running case {case}/{count}", flush=True)
        await run_case(base, case, args.agent)
    try:
        ws = await connect(f"{base}/updateReports?agent={urllib.parse.quote(args.agent)}")
        while await ws.read_message() is not None:
            pass
    except (WebSocketError, OSError, tornado.httpclient.HTTPClientError) as exc:
        print(f"updateReports failed: {exc}", file=sys.stderr)
        return 1
    print("done", flush=True)
    return 0


def parse_args(argv):
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--url", default="ws://127.0.0.1:9001")
    p.add_argument("--agent", default=f"tornado-{tornado.version}")
    p.add_argument("--quiet", action="store_true", help="no per-case progress lines")
    return p.parse_args(argv)


if __name__ == "__main__":
    import tornado.httpclient  # noqa: F401  (HTTPClientError)
    sys.exit(asyncio.run(main(parse_args(sys.argv[1:]))))
