"""The fuzzingserver driver loop the Python client drivers share.

Every library's Autobahn client run does the same thing: getCaseCount, then
runCase?case=i&agent=A for i in 1..N (echoing every message until the server closes),
then updateReports. A driver supplies the three library calls; this module runs the loop,
reports progress and turns failures into the exit status (0: the loop ran to the end,
whatever the cases did; 1: getCaseCount or updateReports could not be reached). It also
holds the signal handling the Python echo servers share.
"""

import argparse
import asyncio
import signal
import sys
import urllib.parse


def parse_args(argv, description, default_agent, add_arguments=None):
    """add_arguments(parser), if given, adds a driver's own options (e.g. --deflate)."""
    p = argparse.ArgumentParser(description=description)
    p.add_argument("--url", default="ws://127.0.0.1:9001")
    p.add_argument("--agent", default=default_agent)
    p.add_argument("--quiet", action="store_true", help="no per-case progress lines")
    if add_arguments:
        add_arguments(p)
    return p.parse_args(argv)


def case_url(base, case, agent):
    return f"{base}/runCase?case={case}&agent={urllib.parse.quote(agent)}"


def update_url(base, agent):
    return f"{base}/updateReports?agent={urllib.parse.quote(agent)}"


async def drive(args, get_case_count, run_case, update_reports, errors):
    """get_case_count(url) -> int; run_case(url) echoes until closed; update_reports(url)
    waits for the close. `errors`: the exception types that mean "could not be reached"."""
    base = args.url.rstrip("/")
    try:
        count = await get_case_count(f"{base}/getCaseCount")
    except (*errors, ValueError, TypeError) as exc:
        print(f"getCaseCount failed: {exc}", file=sys.stderr)
        return 1
    print(f"{count} cases", flush=True)
    for case in range(1, count + 1):
        if not args.quiet:
            print(f"running case {case}/{count}", flush=True)
        try:
            await run_case(case_url(base, case, args.agent))
        except Exception as exc:  # noqa: BLE001 - any failure ends only this case
            # Handshake refused, invalid frames, connection reset...: the case is over for
            # us; the server records what happened. Go on to the next.
            print(f"case {case}: {type(exc).__name__}: {exc}", file=sys.stderr)
    try:
        await update_reports(update_url(base, args.agent))
    except errors as exc:
        print(f"updateReports failed: {exc}", file=sys.stderr)
        return 1
    print("done", flush=True)
    return 0


async def wait_for_stop_signal():
    """Returns on SIGTERM or SIGINT (the echo servers then close and exit 0)."""
    loop = asyncio.get_running_loop()
    stop = loop.create_future()
    for sig in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(sig, lambda: stop.done() or stop.set_result(None))
    await stop


def print_listening(sock):
    host, port = sock.getsockname()[:2]
    print(f"listening on {host}:{port}", flush=True)
