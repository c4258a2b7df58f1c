#!/usr/bin/python3
"""Checks the fuzzingserver endpoints a driver may use besides runCase: getCaseCount,
getCaseInfo (case=N), runCase by casetuple, getCaseStatus (also for a case still running),
updateReports, stopServer. Prints what it got as JSON lines and exits 1 on a mismatch."""
import asyncio
import json
import sys

import websockets


async def one_message(uri):
    async with websockets.connect(uri) as ws:
        return await ws.recv()


async def echo_case(uri):
    async with websockets.connect(uri) as ws:
        try:
            async for msg in ws:
                await ws.send(msg)
        except websockets.exceptions.ConnectionClosed:
            pass


async def main(url):
    count = int(await one_message(f"{url}/getCaseCount"))
    info = json.loads(await one_message(f"{url}/getCaseInfo?case=2"))
    print(json.dumps({"count": count, "info": info}), flush=True)
    # Ask for the status of case 2 while it runs: the answer waits for the result.
    status_task = asyncio.create_task(one_message(f"{url}/getCaseStatus?case=2&agent=endpoints"))
    await asyncio.sleep(0.2)
    await echo_case(f"{url}/runCase?casetuple={info['id']}&agent=endpoints")
    status = json.loads(await status_task)
    print(json.dumps({"status": status}), flush=True)
    await echo_case(f"{url}/runCase?case=1&agent=endpoints")
    async with websockets.connect(f"{url}/updateReports?agent=endpoints") as ws:
        await ws.wait_closed()
    async with websockets.connect(f"{url}/stopServer") as ws:
        await ws.wait_closed()
    ok = count == 2 and info["id"] == "1.1.2" and status == {"behavior": "OK"}
    return 0 if ok else 1


sys.exit(asyncio.run(main(sys.argv[1])))
