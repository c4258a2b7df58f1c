#!/usr/bin/python3
"""Echo server built on python-websockets (Debian python3-websockets).

Mirrors websockets' own compliance/ echo server: every message is sent back
unchanged (text as text, binary as binary), max_size=2**25, max_queue=1.
Uses the asyncio API of websockets 10.x (`websockets.serve`), the version
Debian ships.

Must run under /usr/bin/python3: that is the interpreter Debian's package
is installed for.

    /usr/bin/python3 tools/peers/python_websockets_server.py --host 127.0.0.1 --port 9002

Prints "listening on HOST:PORT" once the socket is bound (with --port 0 the
port the kernel chose). SIGTERM / SIGINT close the server cleanly
(open connections get a 1001 close) and the process exits 0.
"""

import argparse
import asyncio
import logging
import signal
import sys

import websockets
from websockets.exceptions import WebSocketException


async def echo(ws):
    try:
        async for msg in ws:
            await ws.send(msg)
    except WebSocketException:
        # The peer broke the protocol or vanished; websockets already failed
        # the connection with the right close code. Nothing else to do.
        pass


async def main(args):
    stop = asyncio.get_running_loop().create_future()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(sig, lambda: stop.done() or stop.set_result(None))

    ping_interval = args.ping_interval if args.ping_interval > 0 else None
    async with websockets.serve(
        echo,
        args.host,
        args.port,
        max_size=2**25,
        max_queue=1,
        compression=None if args.no_deflate else "deflate",
        ping_interval=ping_interval,
    ) as server:
        sock = next(iter(server.sockets))
        host, port = sock.getsockname()[:2]
        print(f"listening on {host}:{port}", flush=True)
        await stop
    return 0


def parse_args(argv):
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--host", default="127.0.0.1")
    p.add_argument("--port", type=int, default=9002, help="0 picks a free port")
    p.add_argument(
        "--ping-interval",
        type=float,
        default=20.0,
        help="keepalive ping interval in seconds (library default 20; 0 disables)",
    )
    p.add_argument(
        "--no-deflate",
        action="store_true",
        help="do not negotiate permessage-deflate (on by default, as in websockets)",
    )
    return p.parse_args(argv)


if __name__ == "__main__":
    logging.basicConfig(level=logging.WARNING)
    sys.exit(asyncio.run(main(parse_args(sys.argv[1:]))))
