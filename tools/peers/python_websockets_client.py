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

import argparse
import asyncio
import logging
import sys
import urllib.parse

import websockets
from websockets.exceptions import ConnectionClosed, WebSocketException

MAX_SIZE = 2**25


async def get_case_count(base):
    async with websockets.connect(f"{base}/getCaseCount") as ws:
        msg = await ws.recv()
    return int(msg)


async def run_case(base, case, agent):
    uri = f"{base}/runCase?case={case}&agent={urllib.parse.quote(agent)}"
    try:
        async with websockets.connect(uri, max_size=MAX_SIZE, max_queue=1) as ws:
            async for msg in ws:
                await ws.send(msg)
    except ConnectionClosed:
        # Expected whenever a case ends with anything but a clean close.
        pass
    except (WebSocketException, OSError, asyncio.TimeoutError) as exc:
        # Handshake refused, invalid frames, connection reset...: the case is
        # over for us; the server records what happened. Go on to the next.
        print(f"case {case}: {type(exc).__name__}: {exc}", file=sys.stderr)


async def update_reports(base, agent):
    uri = f"{base}/updateReports?agent={urllib.parse.quote(agent)}"
    async with websockets.connect(uri) as ws:
        try:
            async for _ in ws:
                pass
        except ConnectionClosed:
            pass


async def main(args):
    base = args.url.rstrip("/")
    try:
        count = await get_case_count(base)
    except (WebSocketException, OSError, ValueError) as exc:
        print(f"getCaseCount failed: {exc}", file=sys.stderr)
        return 1
    print(f"{count} cases", flush=True)
    for case in range(1, count + 1):
        if not args.quiet:
            print(f"running case {case}/{count}", flush=True)
        await run_case(base, case, args.agent)
    try:
        await update_reports(base, args.agent)
    except (WebSocketException, OSError) as exc:
        print(f"updateReports failed: {exc}", file=sys.stderr)
        return 1
    print("done", flush=True)
    return 0


def parse_args(argv):
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--url", default="ws://127.0.0.1:9001")
    p.add_argument("--agent", default=f"python-websockets-{websockets.__version__}")
    p.add_argument("--quiet", action="store_true", help="no per-case progress lines")
    return p.parse_args(argv)


if __name__ == "__main__":
    logging.basicConfig(level=logging.WARNING)
    sys.exit(asyncio.run(main(parse_args(sys.argv[1:]))))
