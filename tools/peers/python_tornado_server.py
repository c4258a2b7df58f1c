#!/usr/bin/python3
"""Echo server built on Tornado (Debian python3-tornado).

Every message is sent back unchanged (text as text, binary as binary); messages up to
2**25 octets. permessage-deflate is declined (get_compression_options returns None, as
Tornado's default handler does) unless --deflate is given: then get_compression_options
returns {} (Tornado's defaults) and Tornado accepts the client's permessage-deflate
offer. Must run under /usr/bin/python3, the interpreter Debian's package is installed
for.

    /usr/bin/python3 tools/peers/python_tornado_server.py --host 127.0.0.1 --port 9004 [--deflate]

Prints "listening on HOST:PORT" once the socket is bound (with --port 0 the port the
kernel chose). SIGTERM / SIGINT stop the server and the process exits 0.
"""

import argparse
import asyncio
import sys

import tornado.web
import tornado.websocket

import driver_loop


class Echo(tornado.websocket.WebSocketHandler):
    def check_origin(self, origin):
        return True  # a test peer: any Origin

    def initialize(self, compression_options):
        self._compression = compression_options

    def get_compression_options(self):
        return self._compression

    def on_message(self, message):
        self.write_message(message, binary=isinstance(message, bytes))


async def main(args):
    options = {"compression_options": {} if args.deflate else None}
    app = tornado.web.Application([(r"/.*", Echo, options)], websocket_max_message_size=2**25)
    server = app.listen(args.port, address=args.host)
    driver_loop.print_listening(next(iter(server._sockets.values())))
    await driver_loop.wait_for_stop_signal()
    server.stop()
    return 0


def parse_args(argv):
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--host", default="127.0.0.1")
    p.add_argument("--port", type=int, default=9004, help="0 picks a free port")
    p.add_argument("--deflate", action="store_true",
                   help="negotiate permessage-deflate (get_compression_options returns {})")
    return p.parse_args(argv)


if __name__ == "__main__":
    sys.exit(asyncio.run(main(parse_args(sys.argv[1:]))))
