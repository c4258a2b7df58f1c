#!/usr/bin/env bash
# wsspec client with permessage-deflate (RFC 7692) against real third-party servers that
# accept it: a small fuzzingserver on python-websockets and one on node `ws`
# (perMessageDeflate on), tests/integration/peers/deflate_fuzzingserver.{py,js}. The driver
# loop runs every case (text, binary, 1 MiB+ messages, context takeover, fragments), the
# server checks each echo and records the handshake: the client offered permessage-deflate
# and the server accepted it. Then: --no-permessage-deflate offers nothing, and an answer
# that does not fit the offer fails the connection (RFC 7692 7) before any case runs.
set -euo pipefail
wsspec=$1
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
work=$(mktemp -d)
PEER_PID=""
stop_peer() {
    if [ -n "$PEER_PID" ]; then
        kill "$PEER_PID" 2>/dev/null || true
        wait "$PEER_PID" 2>/dev/null || true
        PEER_PID=""
    fi
}
trap 'stop_peer; rm -rf "$work"' EXIT

# start_peer LOG COMMAND...: sets PEER_PID and PEER_URL once it printed "listening on".
start_peer() {
    local log=$1; shift
    : >"$log"  # exists before the background process opens it, for the sed below
    "$@" >"$log" 2>&1 &
    PEER_PID=$!
    PEER_URL=""
    for _ in $(seq 1 100); do
        PEER_URL=$(sed -n 's/^listening on \(.*\)$/ws:\/\/\1/p' "$log")
        [ -n "$PEER_URL" ] && break
        kill -0 "$PEER_PID" 2>/dev/null || break
        sleep 0.1
    done
    if [ -z "$PEER_URL" ]; then
        echo "peer did not start:" >&2
        cat "$log" >&2
        return 1
    fi
}

# check_results FILE EXPECT: every case passed; EXPECT=deflate: offered and accepted,
# EXPECT=plain: nothing offered or answered.
check_results() {
    /usr/bin/python3 - "$1" "$2" <<'PY'
import json, sys
results = json.load(open(sys.argv[1]))
expect = sys.argv[2]
cases = results["cases"]
assert results["updated"], "updateReports not reached"
assert len(cases) == 4, f"{len(cases)} cases ran"
for c in cases:
    assert c["error"] is None, c
    if expect == "deflate":
        assert c["offer"].startswith("permessage-deflate"), c
        assert c["answer"].startswith("permessage-deflate"), c
    else:
        assert c["offer"] == "" and c["answer"] == "", c
print(f"{len(cases)} cases echoed, handshakes: {cases[0]['offer']!r} -> {cases[0]['answer']!r}")
PY
}

python_peer=(/usr/bin/python3 "$here/peers/deflate_fuzzingserver.py" --port 0)
node_peer=("${NODE:-node}" "$here/peers/deflate_fuzzingserver.js" --port 0)

for peer in python node; do
    if [ "$peer" = python ]; then cmd=("${python_peer[@]}"); else cmd=("${node_peer[@]}"); fi

    start_peer "$work/$peer.log" "${cmd[@]}" --results "$work/$peer.json"
    timeout 120 "$wsspec" client "$PEER_URL" --agent deflate -v >"$work/$peer.out" 2>&1 ||
        { cat "$work/$peer.out" "$work/$peer.log" >&2; exit 1; }
    grep -q '^case 1/4 \[permessage-deflate' "$work/$peer.out" ||
        { echo "--verbose does not show the answer:" >&2; cat "$work/$peer.out" >&2; exit 1; }
    wait "$PEER_PID"
    PEER_PID=""
    echo -n "$peer, compressed: "
    check_results "$work/$peer.json" deflate

    start_peer "$work/$peer-plain.log" "${cmd[@]}" --results "$work/$peer-plain.json"
    timeout 120 "$wsspec" client "$PEER_URL" --agent plain --no-permessage-deflate \
        >"$work/$peer-plain.out" 2>&1 || { cat "$work/$peer-plain.out" >&2; exit 1; }
    wait "$PEER_PID"
    PEER_PID=""
    echo -n "$peer, --no-permessage-deflate: "
    check_results "$work/$peer-plain.json" plain
done

# Answers no offer allows (RFC 7692 7): an unknown parameter, a window outside 8..15, and
# server_max_window_bits without its value.
for answer in 'permessage-deflate; x_unknown=1' 'permessage-deflate; server_max_window_bits=16' \
              'permessage-deflate; server_max_window_bits'; do
    start_peer "$work/bad.log" "${python_peer[@]}" --answer "$answer"
    status=0
    timeout 30 "$wsspec" client "$PEER_URL" --agent bad >"$work/bad.out" 2>&1 || status=$?
    stop_peer
    if [ "$status" -ne 1 ] || ! grep -q 'does not fit the offer' "$work/bad.out"; then
        echo "answer '$answer': exit $status, want 1 and the RFC 7692 7 failure:" >&2
        cat "$work/bad.out" >&2
        exit 1
    fi
    echo "answer '$answer': $(grep -o 'handshake refused.*' "$work/bad.out" | head -1)"
done
echo "test_client_deflate_peers: ok"
