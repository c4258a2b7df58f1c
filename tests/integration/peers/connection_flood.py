#!/usr/bin/env python3
"""Hostile clients for `wsspec test-client`: many TCP connections at once, then bad
requests. Used by tests/integration/test_client_hardening.sh.

  connection_flood.py idle HOST PORT COUNT HOLD_S
      opens COUNT plain TCP connections that send nothing (as fast as the server takes
      them; refused or reset ones count too), holds them HOLD_S seconds, closes them.
  connection_flood.py status-cycles HOST PORT COUNT
      COUNT times: connect, send a /getCaseStatus request for a case never run, close
      without waiting for the answer.
  connection_flood.py request HOST PORT TARGET [ORIGIN]
      one WebSocket handshake for TARGET (sent as it is, so it may hold raw %FF escapes),
      with an Origin header when given; prints the response's status line.
Prints one line "opened N refused M" and exits 0 unless it could not reach the server at all.
"""
import socket
import sys
import time


def idle(host, port, count, hold_s):
    held, refused = [], 0
    for _ in range(count):
        s = socket.socket()
        s.settimeout(5)
        try:
            s.connect((host, port))
            held.append(s)
        except OSError:
            refused += 1
            s.close()
    time.sleep(hold_s)
    for s in held:
        s.close()
    print(f"opened {len(held)} refused {refused}", flush=True)
    return 0 if held else 1


def status_cycles(host, port, count):
    opened = refused = 0
    request = (f"GET /getCaseStatus?case=1&agent=never HTTP/1.1\r\nHost: {host}:{port}\r\n"
               "Upgrade: websocket\r\nConnection: Upgrade\r\n"
               "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n")
    for _ in range(count):
        try:
            with socket.create_connection((host, port), timeout=5) as s:
                s.sendall(request.encode())
                opened += 1
        except OSError:
            refused += 1
    print(f"opened {opened} refused {refused}", flush=True)
    return 0 if opened else 1


def request(host, port, target, origin=None):
    head = (f"GET {target} HTTP/1.1\r\nHost: {host}:{port}\r\nUpgrade: websocket\r\n"
            "Connection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n"
            "Sec-WebSocket-Version: 13\r\n")
    if origin:
        head += f"Origin: {origin}\r\n"
    with socket.create_connection((host, port), timeout=10) as s:
        s.sendall((head + "\r\n").encode("latin-1"))
        answer = b""
        while b"\r\n" not in answer:
            chunk = s.recv(4096)
            if not chunk:
                break
            answer += chunk
    print(answer.split(b"\r\n")[0].decode("latin-1"), flush=True)
    return 0


def main():
    mode, host, port = sys.argv[1], sys.argv[2], int(sys.argv[3])
    if mode == "idle":
        return idle(host, port, int(sys.argv[4]), float(sys.argv[5]))
    if mode == "request":
        return request(host, port, sys.argv[4], sys.argv[5] if len(sys.argv) > 5 else None)
    if mode == "status-cycles":
        return status_cycles(host, port, int(sys.argv[4]))
    raise SystemExit(f"unknown mode {mode}")


if __name__ == "__main__":
    sys.exit(main())
