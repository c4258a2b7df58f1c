#!/usr/bin/python3
"""A driver that runs case 1 properly, then opens case 2 and never answers (so case 2
runs until its timeout). For the second-Ctrl-C test: prints "case 2 open" once it hangs."""
import asyncio
import sys

import websockets


async def main(url):
    async with websockets.connect(f"{url}/runCase?case=1&agent=hanging") as ws:
        try:
            async for msg in ws:
                await ws.send(msg)
        except websockets.exceptions.ConnectionClosed:
            pass
    async with websockets.connect(f"{url}/runCase?case=2&agent=hanging"):
        print("case 2 open", flush=True)
        await asyncio.sleep(600)


asyncio.run(main(sys.argv[1]))
