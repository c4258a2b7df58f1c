#!/usr/bin/python3
"""A minimal fuzzingserver on python-websockets with permessage-deflate on, for a driver
loop such as `wsspec client`: /getCaseCount answers the number of cases, /runCase?case=N
sends that case's messages and checks every echo, /updateReports writes what happened as
JSON (--results) and closes. The cases are compression checks: text and binary, 1 MiB+
compressible messages, a run of similar messages (context takeover, RFC 7692 7.2.3.2) and a
fragmented message. Each result records the offer and the answer of its handshake.

    /usr/bin/python3 deflate_fuzzingserver.py --port 0 --results out.json [--no-deflate]
    /usr/bin/python3 deflate_fuzzingserver.py --port 0 --answer 'permessage-deflate; x=1'

--answer replaces the server's Sec-WebSocket-Extensions answer on every handshake (to check
that the client fails the connection when it does not fit the offer). Prints
"listening on HOST:PORT" once bound.
"""

import argparse
import asyncio
import json
import signal
import sys
from urllib.parse import parse_qs, urlparse

import websockets
from websockets.exceptions import ConnectionClosed

CASES = [
    ["Hello, deflate", b"\x00\x01\xfe\xff" * 64],
    ["wsspec client compresses this line again and again. " * 30000,  # ~1.5 MB
     bytes(range(256)) * (5 << 12)],  # 5 MiB
    ['{"event": "tick", "sequence": %d, "payload": "same words again"}' % i for i in range(20)],
    [["fragmented ", "message ", "in three parts"], [b"\x01" * 70000, b"\x02" * 70000]],
]


def joined(message):
    if isinstance(message, list):
        return message[0][:0].join(message)
    return message


async def run_case(ws, n):
    for message in CASES[n - 1]:
        await ws.send(message)
        echo = await asyncio.wait_for(ws.recv(), 20)
        if echo != joined(message):
            return f"echo of a {len(joined(message))}-byte message differs"
    return None


async def handler(ws, path, results):
    url = urlparse(path)
    query = parse_qs(url.query)
    if url.path.endswith("/getCaseCount"):
        await ws.send(str(len(CASES)))
        return
    if url.path.endswith("/updateReports"):
        results["updated"] = True
        return
    if url.path.endswith("/runCase"):
        n = int(query["case"][0])
        entry = {
            "case": n,
            "offer": ws.request_headers.get("Sec-WebSocket-Extensions", ""),
            "answer": ws.response_headers.get("Sec-WebSocket-Extensions", ""),
        }
        try:
            entry["error"] = await run_case(ws, n)
        except (ConnectionClosed, asyncio.TimeoutError) as e:
            entry["error"] = f"{type(e).__name__}: {e}"
        results["cases"].append(entry)
        await ws.close(1000)


async def main(args):
    results = {"cases": [], "updated": False}
    loop = asyncio.get_running_loop()
    stop = loop.create_future()
    for sig in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(sig, lambda: stop.done() or stop.set_result(None))

    class AnswerOverride(websockets.WebSocketServerProtocol):
        # Replaces the negotiated answer in the 101 (the override is the whole point).
        def process_extensions(self, headers, available_extensions):
            header, extensions = super().process_extensions(headers, available_extensions)
            return args.answer, extensions

    async with websockets.serve(
        lambda ws, path: handler(ws, path, results),
        "127.0.0.1",
        args.port,
        max_size=2**25,
        compression=None if args.no_deflate else "deflate",
        create_protocol=AnswerOverride if args.answer else None,
    ) as server:
        host, port = next(iter(server.sockets)).getsockname()[:2]
        print(f"listening on {host}:{port}", flush=True)
        while not stop.done() and not results["updated"]:
            await asyncio.wait([stop], timeout=0.1)
    if args.results:
        with open(args.results, "w") as f:
            json.dump(results, f, indent=1)
    return 0


if __name__ == "__main__":
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--port", type=int, default=0)
    p.add_argument("--results")
    p.add_argument("--no-deflate", action="store_true")
    p.add_argument("--answer", help="Sec-WebSocket-Extensions answer to send instead")
    sys.exit(asyncio.run(main(p.parse_args())))
