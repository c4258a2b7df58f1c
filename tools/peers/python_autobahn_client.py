#!/usr/bin/python3
"""Autobahn-style fuzzingserver client driver built on Autobahn|Python (Debian
python3-autobahn), over asyncio.

Runs driver_loop.py's loop (getCaseCount, runCase 1..N echoing every message,
updateReports) with Autobahn's WebSocketClientProtocol, the client Autobahn|Testsuite's
own "testee" clients are written with. Autobahn's default limits (none on message size);
permessage-deflate is offered only with --deflate (PerMessageDeflateOffer() with its
defaults, answers accepted as the server gives them). failByDrop is off, so a failed
connection gets its Close frame. Must run under /usr/bin/python3.

    /usr/bin/python3 tools/peers/python_autobahn_client.py --url ws://127.0.0.1:9001 \
        [--agent A] [--deflate]

Exits 0 when the loop ran to the end (whatever the individual cases did), 1 if
getCaseCount or updateReports could not be reached.
"""

import asyncio
import sys
import urllib.parse

import txaio

txaio.use_asyncio()

from autobahn.asyncio.websocket import (  # noqa: E402  (after txaio.use_asyncio())
    WebSocketClientFactory, WebSocketClientProtocol)
from autobahn.websocket.compress import (  # noqa: E402
    PerMessageDeflateOffer, PerMessageDeflateResponse, PerMessageDeflateResponseAccept)

import driver_loop  # noqa: E402

# A case that never ends (a server that stays silent) is given up after this long.
CASE_TIMEOUT_S = 120
DEFLATE = False


class Echo(WebSocketClientProtocol):
    def __init__(self):
        super().__init__()
        self.first_message = asyncio.get_running_loop().create_future()
        self.closed = asyncio.get_running_loop().create_future()

    def onMessage(self, payload, isBinary):
        if not self.first_message.done():
            self.first_message.set_result(payload)
        if self.factory.echo:
            self.sendMessage(payload, isBinary)

    def onClose(self, wasClean, code, reason):
        if not self.closed.done():
            self.closed.set_result((wasClean, code, reason))


def accept_response(response):
    if isinstance(response, PerMessageDeflateResponse):
        return PerMessageDeflateResponseAccept(response)
    return None


async def connect(url, echo):
    loop = asyncio.get_running_loop()
    txaio.config.loop = loop
    factory = WebSocketClientFactory(url)
    factory.protocol = Echo
    factory.echo = echo
    options = {"failByDrop": False}
    if DEFLATE:
        options["perMessageCompressionOffers"] = [PerMessageDeflateOffer()]
        options["perMessageCompressionAccept"] = accept_response
    factory.setProtocolOptions(**options)
    parts = urllib.parse.urlsplit(url)
    _, protocol = await loop.create_connection(factory, parts.hostname, parts.port or 80)
    return protocol


async def get_case_count(url):
    protocol = await connect(url, echo=False)
    done, _ = await asyncio.wait({protocol.first_message, protocol.closed}, timeout=30)
    if protocol.first_message not in done:
        raise OSError("getCaseCount: no message")
    count = int(protocol.first_message.result())
    await asyncio.wait_for(protocol.closed, 30)
    return count


async def echo_until_closed(url):
    protocol = await connect(url, echo=True)
    await asyncio.wait_for(protocol.closed, CASE_TIMEOUT_S)


async def wait_for_close(url):
    protocol = await connect(url, echo=False)
    await asyncio.wait_for(protocol.closed, 60)


def add_arguments(p):
    p.add_argument("--deflate", action="store_true",
                   help="offer permessage-deflate (PerMessageDeflateOffer() defaults)")


if __name__ == "__main__":
    import autobahn
    args = driver_loop.parse_args(sys.argv[1:], __doc__.splitlines()[0],
                                  f"autobahn-python-{autobahn.__version__}", add_arguments)
    DEFLATE = args.deflate
    sys.exit(asyncio.run(driver_loop.drive(args, get_case_count, echo_until_closed,
                                           wait_for_close, (OSError, asyncio.TimeoutError))))
