#!/usr/bin/python3
"""Echo server built on aiohttp (Debian python3-aiohttp).

Every message is sent back unchanged (text as text, binary as binary); messages up to
2**25 octets. permessage-deflate is declined (compress=False) unless --deflate is given
(compress=True, aiohttp's own default: the first offer aiohttp can parse is accepted and
every message is sent compressed). Must run under /usr/bin/python3, the interpreter
Debian's package is installed for.

    /usr/bin/python3 tools/peers/python_aiohttp_server.py --host 127.0.0.1 --port 9003 [--deflate]

Prints "listening on HOST:PORT" once the socket is bound (with --port 0 the port the
kernel chose). SIGTERM / SIGINT stop the server and the process exits 0.
"""

import argparse
import asyncio
import sys

from aiohttp import WSMsgType, web

import driver_loop


def echo_handler(deflate):
    async def echo(request):
        ws = web.WebSocketResponse(max_msg_size=2**25, compress=deflate, autoping=True)
        await ws.prepare(request)
        async for msg in ws:
            if msg.type == WSMsgType.TEXT:
                await ws.send_str(msg.data)
            elif msg.type == WSMsgType.BINARY:
                await ws.send_bytes(msg.data)
            else:  # ERROR: aiohttp already failed the connection
                break
        return ws

    return echo


async def main(args):
    app = web.Application()
    app.router.add_get("/{tail:.*}", echo_handler(args.deflate))
    runner = web.AppRunner(app, handle_signals=False)
    await runner.setup()
    site = web.TCPSite(runner, args.host, args.port)
    await site.start()
    driver_loop.print_listening(site._server.sockets[0])
    await driver_loop.wait_for_stop_signal()
    await runner.cleanup()
    return 0


def parse_args(argv):
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--host", default="127.0.0.1")
    p.add_argument("--port", type=int, default=9003, help="0 picks a free port")
    p.add_argument("--deflate", action="store_true",
                   help="negotiate permessage-deflate (compress=True) when the client offers it")
    return p.parse_args(argv)


if __name__ == "__main__":
    sys.exit(asyncio.run(main(parse_args(sys.argv[1:]))))
