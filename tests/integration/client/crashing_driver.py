#!/usr/bin/python3
"""A fuzzingserver driver that dies in the middle of case 2 (for the --exec crash test):
runs case 1 normally, then opens case 2, reads one message, prints a line on stderr and
exits with status 3 without closing anything."""
import asyncio
import os
import sys

import websockets


async def main(url):
    async with websockets.connect(f"{url}/runCase?case=1&agent=crashy") as ws:
        try:
            async for msg in ws:
                await ws.send(msg)
        except websockets.exceptions.ConnectionClosed:
            pass
    ws = await websockets.connect(f"{url}/runCase?case=2&agent=crashy")
    await ws.recv()
    print("crashing_driver: giving up in case 2", file=sys.stderr, flush=True)
    os._exit(3)


asyncio.run(main(sys.argv[1]))
