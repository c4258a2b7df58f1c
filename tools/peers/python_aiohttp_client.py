#!/usr/bin/python3
"""Autobahn-style fuzzingserver client driver built on aiohttp (Debian python3-aiohttp).

The loop every library runs against Autobahn's fuzzingserver (or wsspec test-client):
getCaseCount, then runCase?case=i&agent=A for i in 1..N echoing every message until the
server closes, then updateReports. Messages up to 2**25 octets; permessage-deflate is not
offered. Must run under /usr/bin/python3.

    /usr/bin/python3 tools/peers/python_aiohttp_client.py --url ws://127.0.0.1:9001

Exits 0 when the loop ran to the end (whatever the individual cases did), 1 if
getCaseCount or updateReports could not be reached.
"""

import argparse
import asyncio
import sys
import urllib.parse

import aiohttp
from aiohttp import WSMsgType

MAX_SIZE = 2**25


async def messages(session, url):
    """Yields the text of each message until the server closes."""
    async with session.ws_connect(url, max_msg_size=MAX_SIZE, autoping=True) as ws:
        async for msg in ws:
            if msg.type in (WSMsgType.TEXT, WSMsgType.BINARY):
                yield ws, msg
            else:
                break


async def run_case(session, base, case, agent):
    url = f"{base}/runCase?case={case}&agent={urllib.parse.quote(agent)}"
    try:
        async for ws, msg in messages(session, url):
            if msg.type == WSMsgType.TEXT:
                await ws.send_str(msg.data)
            else:
                await ws.send_bytes(msg.data)
    except (aiohttp.ClientError, asyncio.TimeoutError, ConnectionError) as exc:
        # Handshake refused, invalid frames, connection reset...: the case is over for us;
        # the server records what happened. Go on to the next.
        print(f"case {case}: {type(exc).__name__}: {exc}", file=sys.stderr)


async def main(args):
    base = args.url.rstrip("/")
    async with aiohttp.ClientSession() as session:
        try:
            count = None
            async for _, msg in messages(session, f"{base}/getCaseCount"):
                count = int(msg.data)
            if count is None:
                raise ValueError("no count received")
        except (aiohttp.ClientError, OSError, ValueError) as exc:
            print(f"getCaseCount failed: {exc}", file=sys.stderr)
            return 1
        print(f"{count} cases", flush=True)
        for case in range(1, count + 1):
            if not args.quiet:
                print(f"running case {case}/{count}", flush=True)
            await run_case(session, base, case, args.agent)
        try:
            async for _ in messages(
                    session, f"{base}/updateReports?agent={urllib.parse.quote(args.agent)}"):
                pass
        except (aiohttp.ClientError, OSError) as exc:
            print(f"updateReports failed: {exc}", file=sys.stderr)
            return 1
    print("done", flush=True)
    return 0


def parse_args(argv):
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--url", default="ws://127.0.0.1:9001")
    p.add_argument("--agent", default=f"aiohttp-{aiohttp.__version__}")
    p.add_argument("--quiet", action="store_true", help="no per-case progress lines")
    return p.parse_args(argv)


if __name__ == "__main__":
    sys.exit(asyncio.run(main(parse_args(sys.argv[1:]))))
