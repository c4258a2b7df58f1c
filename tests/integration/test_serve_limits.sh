#!/usr/bin/env bash
# Acceptance: `wsspec serve` bounds what clients can make it hold (STYLE 6) and refuses
# handshakes it must not upgrade:
#   - --threads out of range: a clear error and exit 2 (not an abort);
#   - a malformed request: 400 whose body names the RFC section ("RFC 6455 4.2.1");
#   - an upgrade GET with a body (Content-Length, Transfer-Encoding): 400, the body is
#     never read as frames (request smuggling);
#   - --max-connections: connections beyond it get 503 and are closed, and once others
#     close new ones are served again;
#   - --idle-timeout: a silent WebSocket connection is closed, an active one is not;
#   - --memory-budget: connections whose messages in progress take all of them past it are
#     failed with 1013 (Try Again Later), the others go on, and new ones are served;
#   - out of descriptors (ulimit -n) with clients waiting: accept backs off instead of
#     spinning (CPU under 20% of a core), and serving resumes when descriptors free up.
# Not in the sanitizer build: out of descriptors, UBSan's vptr check cannot probe memory
# (it uses a pipe) and reports every check as an invalid object.
#   bash test_serve_limits.sh path/to/wsspec BUILD_DIR
set -euo pipefail
WSSPEC=$1
BUILD_DIR=$2
source "$(dirname "$0")/server_test_lib.sh"

work="$BUILD_DIR/serve-limits-test"
rm -rf "$work"
mkdir -p "$work"

# Client side of every check, standard library only: python3 - ACTION HOST PORT [ARGS].
client_py=$work/client.py
cat >"$client_py" <<'PY'
import base64, os, socket, sys, time

action, host, port = sys.argv[1], sys.argv[2], int(sys.argv[3])
args = sys.argv[4:]

def request(extra=""):
    key = base64.b64encode(os.urandom(16)).decode()
    return (f"GET / HTTP/1.1\r\nHost: {host}:{port}\r\nUpgrade: websocket\r\n"
            f"Connection: Upgrade\r\nSec-WebSocket-Key: {key}\r\n"
            f"Sec-WebSocket-Version: 13\r\n{extra}\r\n").encode()

def answer(sock, timeout=5.0):
    """The response head and body as far as the server sent them before closing."""
    sock.settimeout(timeout)
    data = b""
    try:
        while True:
            chunk = sock.recv(4096)
            if not chunk:
                break
            data += chunk
            if data.startswith(b"HTTP/1.1 101") and b"\r\n\r\n" in data:
                break
    except (ConnectionResetError, socket.timeout):
        pass
    return data

def status_of(data):
    return data.split(b" ", 2)[1].decode() if data.startswith(b"HTTP/1.1 ") else "none"

def connect():
    return socket.create_connection((host, port), timeout=5)

def open_ws():
    s = connect()
    s.sendall(request())
    data = answer(s)
    return s, status_of(data)

def closed_within(sock, seconds):
    """True if the server closes the connection within `seconds`."""
    sock.settimeout(seconds)
    try:
        return sock.recv(4096) == b""
    except ConnectionResetError:
        return True
    except socket.timeout:
        return False

if action == "malformed":
    s = connect()
    s.sendall(b"GET / HTTP/1.1\r\nHost " + host.encode() + b"\r\n\r\n")  # no colon
    data = answer(s)
    body = data.split(b"\r\n\r\n", 1)[-1].decode(errors="replace")
    assert status_of(data) == "400", data
    assert "RFC 6455 4.2.1)" in body and "RFC 6455 )" not in body, body
    print(f"malformed request: 400, body {body.strip()!r}")

elif action == "body":
    masked_text = bytes([0x81, 0x85, 0, 0, 0, 0]) + b"hello"  # would echo "hello"
    for extra, payload in (
        (f"Content-Length: {len(masked_text)}\r\n", masked_text),
        ("Transfer-Encoding: chunked\r\n", b"%x\r\n" % len(masked_text) + masked_text + b"\r\n0\r\n\r\n"),
    ):
        s = connect()
        s.sendall(request(extra) + payload)
        data = answer(s)
        assert status_of(data) == "400", (extra, data)
        assert b"hello" not in data, data  # the body was not echoed as a frame
        body = data.split(b"\r\n\r\n", 1)[-1].strip()
        print(f"{extra.split(':')[0]}: 400, {body!r}")
    s, status = open_ws()
    assert status == "101", status
    s2 = connect()
    s2.sendall(request("Content-Length: 0\r\n"))
    assert status_of(answer(s2)) == "101"
    print("Content-Length: 0 still upgrades")

elif action == "cap":
    cap, extra = int(args[0]), int(args[1])
    held, statuses = [], []
    for _ in range(cap + extra):
        try:
            s, status = open_ws()
        except OSError as e:
            status, s = type(e).__name__, None
        statuses.append(status)
        if status == "101":
            held.append(s)
        elif s:
            s.close()
    upgraded = statuses.count("101")
    assert upgraded == cap, f"{upgraded} upgraded with --max-connections {cap}: {statuses}"
    assert set(statuses[cap:]) <= {"503", "none", "ConnectionResetError"}, statuses
    print(f"{cap + extra} connections: {upgraded} upgraded, the rest {sorted(set(statuses[cap:]))}")
    for s in held[:2]:
        s.close()
    deadline = time.time() + 5
    while True:  # the server notices the closes a moment later
        s, status = open_ws()
        if status == "101":
            break
        assert time.time() < deadline, "no new connection served after two closed"
        time.sleep(0.1)
    print("after two closed, a new connection upgrades")

elif action == "idle":
    idle_s = float(args[0])
    silent, status = open_ws()
    assert status == "101"
    active, status = open_ws()
    assert status == "101"
    started = time.time()
    ping = bytes([0x89, 0x80, 0, 0, 0, 0])
    active.settimeout(1)
    while time.time() - started < idle_s * 2.5:
        active.sendall(ping)
        active.recv(64)  # the Pong
        time.sleep(idle_s / 4)
    assert closed_within(silent, 0.1), "the silent connection is still open"
    assert not closed_within(active, 0.1), "the active connection was closed"
    print(f"silent connection closed after --idle-timeout {idle_s:g} s; active one kept")

elif action == "hold":
    # Opens N connections (no request: they stay before the handshake) and keeps them.
    n, seconds = int(args[0]), float(args[1])
    socks = []
    for _ in range(n):
        socks.append(socket.create_connection((host, port), timeout=5))
    print(f"holding {n} connections", flush=True)
    time.sleep(seconds)

elif action == "budget":
    # N connections each start a 16 MiB binary message and send `mib` MiB of it: together
    # past --memory-budget. Some are failed with 1013 (their Close), the rest keep going;
    # then a fresh connection still echoes.
    n, mib = int(args[0]), int(args[1])
    header = bytes([0x82, 0xFF]) + (16 << 20).to_bytes(8, "big") + b"\0\0\0\0"  # mask 0
    conns = []
    for _ in range(n):
        s, status = open_ws()
        assert status == "101", status
        s.sendall(header)
        conns.append(s)
    chunk = b"\x5a" * (64 * 1024)
    failed = set()
    for _ in range(mib * 16):
        for i, s in enumerate(conns):
            if i in failed:
                continue
            try:
                s.sendall(chunk)
            except OSError:
                failed.add(i)
    codes = []
    for i, s in enumerate(conns):
        s.settimeout(2)
        try:
            data = s.recv(64)
        except (socket.timeout, OSError):
            data = b""
        if len(data) >= 4 and data[0] == 0x88:
            codes.append(int.from_bytes(data[2:4], "big"))
    assert 1013 in codes, f"no connection failed with 1013 past the budget: {codes}"
    assert len(codes) < n, f"every connection was failed: {codes}"
    s, status = open_ws()
    s.sendall(bytes([0x81, 0x82, 0, 0, 0, 0]) + b"hi")
    s.settimeout(5)
    assert s.recv(16) == bytes([0x81, 0x02]) + b"hi", "no echo after the budget was hit"
    print(f"{n} connections x {mib} MiB of 16 MiB messages: {codes.count(1013)} failed with 1013, "
          f"{n - len(codes)} kept; a new connection echoes")

elif action == "upgrade":
    deadline = time.time() + float(args[0])
    while True:
        try:
            s, status = open_ws()
            if status == "101":
                break
        except OSError:
            pass
        assert time.time() < deadline, "no connection served"
        time.sleep(0.1)
    print("a new connection upgrades")
PY

url_port() { sed -n 's/^ws:\/\/127\.0\.0\.1:\([0-9]*\)\/$/\1/p' <<<"$1"; }

# --- --threads validation ---------------------------------------------------------------
set +e
"$WSSPEC" serve --listen 127.0.0.1:0 --threads 100000 >"$work/threads.log" 2>&1
status=$?
set -e
[[ $status == 2 ]] || { cat "$work/threads.log" >&2; fail "--threads 100000: $(describe_status "$status"), expected exit 2"; }
grep -q -- "--threads" "$work/threads.log" || fail "--threads 100000: no error naming the option"
echo "  --threads 100000: exit 2: $(head -1 "$work/threads.log")"

# --- handshakes serve must refuse ---------------------------------------------------------
start_serve "$work/serve.log"
port=$(url_port "$SERVE_URL")
python3 "$client_py" malformed 127.0.0.1 "$port" | sed 's/^/  /'
python3 "$client_py" body 127.0.0.1 "$port" | sed 's/^/  /'
stop_started

# --- --max-connections --------------------------------------------------------------------
start_serve "$work/serve-cap.log" --max-connections 8
python3 "$client_py" cap 127.0.0.1 "$(url_port "$SERVE_URL")" 8 12 | sed 's/^/  /'
stop_started

# --- --idle-timeout -----------------------------------------------------------------------
start_serve "$work/serve-idle.log" --idle-timeout 1
python3 "$client_py" idle 127.0.0.1 "$(url_port "$SERVE_URL")" 1 | sed 's/^/  /'
stop_started

# --- --memory-budget ----------------------------------------------------------------------
# 6 connections x 6 MiB of messages in progress against a budget of 16 MiB.
start_serve "$work/serve-budget.log" --memory-budget 16
serve_pid=$(pgrep -f -n -- "--memory-budget 16" || true)
python3 "$client_py" budget 127.0.0.1 "$(url_port "$SERVE_URL")" 6 6 | sed 's/^/  /'
if [[ -n "$serve_pid" && -r /proc/$serve_pid/status ]]; then
  peak_kb=$(awk '/^VmHWM/ {print $2}' "/proc/$serve_pid/status")
  echo "  serve's peak RSS: $((peak_kb / 1024)) MiB"
fi
stop_started
set +e
"$WSSPEC" serve --listen 127.0.0.1:0 --memory-budget 0 >"$work/budget0.log" 2>&1
status=$?
set -e
[[ $status == 2 ]] || fail "--memory-budget 0: $(describe_status "$status"), expected exit 2"

# --- out of descriptors -------------------------------------------------------------------
# 40 descriptors and 60 clients: accept() fails with EMFILE while they wait.
log=$work/serve-emfile.log
# The shell prints its PID, which exec hands to serve: the process whose CPU we measure.
start_background "$log" bash -c "echo \"pid \$\$\"; ulimit -n 40 && exec '$WSSPEC' serve --listen 127.0.0.1:0"
url=
for ((i = 0; i < 100; i++)); do
  url=$(sed -n 's/^wsspec serve: listening on \(ws:\/\/[^ ]*\)$/\1/p' "$log" | head -1)
  [[ -n "$url" ]] && break
  sleep 0.05
done
[[ -n "$url" ]] || { cat "$log" >&2; fail "serve with ulimit -n 40 did not start"; }
serve_pid=$(sed -n 's/^pid \([0-9]*\)$/\1/p' "$log")
[[ "$(cat "/proc/$serve_pid/comm" 2>/dev/null)" == wsspec* ]] || fail "EMFILE: PID $serve_pid is not serve"
port=$(url_port "$url")
start_background "$work/hold.log" python3 "$client_py" hold 127.0.0.1 "$port" 60 4
hold_pid=$BG_PID
for ((i = 0; i < 100; i++)); do
  grep -q holding "$work/hold.log" && break
  sleep 0.05
done
grep -q holding "$work/hold.log" || { cat "$work/hold.log" >&2; fail "could not open 60 connections"; }
sleep 0.5  # let serve run into the limit
ticks() { awk '{print $14 + $15}' "/proc/$serve_pid/stat"; }
hz=$(getconf CLK_TCK)
before=$(ticks)
sleep 2
after=$(ticks)
cpu_pct=$(((after - before) * 100 / (2 * hz)))
grep -q "accept failed" "$log" || { cat "$log" >&2; fail "EMFILE: serve never ran out of descriptors (test setup)"; }
((cpu_pct < 20)) || fail "EMFILE: serve used ${cpu_pct}% CPU while out of descriptors (spinning)"
echo "  out of descriptors: ${cpu_pct}% CPU over 2 s ($(grep -m1 'accept failed' "$log"))"
kill "$hold_pid" 2>/dev/null || true
# The held connections never sent a request: the 10 s handshake timeout would free them;
# closing them frees them now, and the back-off (at most 1 s) picks up the backlog.
python3 "$client_py" upgrade 127.0.0.1 "$port" 15 | sed 's/^/  /'
stop_started

echo "PASS: serve limits"
