"""The command line and accept loop the hostile test peers share: `PEER MODE [--port N]`
prints "listening on 127.0.0.1:PORT" (flushed) once bound, then serves each connection on a
thread of its own with serve(conn, mode) until killed."""

import argparse
import socket
import threading


def main(modes, serve):
    parser = argparse.ArgumentParser()
    parser.add_argument("mode", choices=sorted(modes))
    parser.add_argument("--port", type=int, default=0)
    args = parser.parse_args()
    listener = socket.socket()
    listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    listener.bind(("127.0.0.1", args.port))
    listener.listen(16)
    print(f"listening on 127.0.0.1:{listener.getsockname()[1]}", flush=True)
    while True:
        conn, _ = listener.accept()
        threading.Thread(target=serve, args=(conn, args.mode), daemon=True).start()
