#!/usr/bin/python3
"""Echo server built on Tornado (Debian python3-tornado).

Every message is sent back unchanged (text as text, binary as binary); messages up to
2**25 octets; permessage-deflate is declined (no compression options), as wsspec does
not offer it. Must run under /usr/bin/python3, the interpreter Debian's package is
installed for.

    /usr/bin/python3 tools/peers/python_tornado_server.py --host 127.0.0.1 --port 9004

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

    def on_message(self, message):
        self.write_message(message, binary=isinstance(message, bytes))


async def main(args):
    app = tornado.web.Application([(r"/.*", Echo)], websocket_max_message_size=2**25)
    server = app.listen(args.port, address=args.host)
    driver_loop.print_listening(next(iter(server._sockets.values())))
    await driver_loop.wait_for_stop_signal()
    server.stop()
    return 0


def parse_args(argv):
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--host", default="127.0.0.1")
    p.add_argument("--port", type=int, default=9004, help="0 picks a free port")
    return p.parse_args(argv)


if __name__ == "__main__":
    sys.exit(asyncio.run(main(parse_args(sys.argv[1:]))))
