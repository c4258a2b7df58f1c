#!/usr/bin/python3
"""Echo server built on Autobahn|Python (Debian python3-autobahn), over asyncio.

Autobahn|Python is the library Autobahn|Testsuite itself is written with. Every message is
sent back unchanged (text as text, binary as binary); Autobahn's default limits (none on
frame or message size). permessage-deflate is declined unless --deflate is given (then the
first permessage-deflate offer is accepted as offered, PerMessageDeflateOfferAccept).
failByDrop is off, so a failed connection gets its Close frame. Must run under
/usr/bin/python3, the interpreter Debian's package is installed for.

    /usr/bin/python3 tools/peers/python_autobahn_server.py --host 127.0.0.1 --port 9005 [--deflate]

Prints "listening on HOST:PORT" once the socket is bound (with --port 0 the port the
kernel chose). SIGTERM / SIGINT stop the server and the process exits 0.
"""

import argparse
import asyncio
import sys

import txaio

txaio.use_asyncio()

from autobahn.asyncio.websocket import (  # noqa: E402  (after txaio.use_asyncio())
    WebSocketServerFactory, WebSocketServerProtocol)
from autobahn.websocket.compress import (  # noqa: E402
    PerMessageDeflateOffer, PerMessageDeflateOfferAccept)

import driver_loop  # noqa: E402


class Echo(WebSocketServerProtocol):
    def onMessage(self, payload, isBinary):
        self.sendMessage(payload, isBinary)


def accept_deflate(offers):
    for offer in offers:
        if isinstance(offer, PerMessageDeflateOffer):
            return PerMessageDeflateOfferAccept(offer)
    return None


async def main(args):
    loop = asyncio.get_running_loop()
    txaio.config.loop = loop  # Autobahn's timers run on this loop
    factory = WebSocketServerFactory(f"ws://{args.host}:{args.port}")
    factory.protocol = Echo
    options = {"failByDrop": False}
    if args.deflate:
        options["perMessageCompressionAccept"] = accept_deflate
    factory.setProtocolOptions(**options)
    server = await loop.create_server(factory, args.host, args.port)
    driver_loop.print_listening(server.sockets[0])
    await driver_loop.wait_for_stop_signal()
    server.close()
    return 0


def parse_args(argv):
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--host", default="127.0.0.1")
    p.add_argument("--port", type=int, default=9005, help="0 picks a free port")
    p.add_argument("--deflate", action="store_true",
                   help="accept a permessage-deflate offer as offered")
    return p.parse_args(argv)


if __name__ == "__main__":
    sys.exit(asyncio.run(main(parse_args(sys.argv[1:]))))
