#!/usr/bin/env bash
# Acceptance for `wsspec fuzz-server` against bugs of known shape: planted_bug_server.py
# (a strict Python echo server) with six planted bugs that the catalog does not reach. With
# a fixed seed and a bounded time, the fuzzer must find at least the easier ones -- the
# three crashes (a fragmentation pattern, a close reason of some length and code range, a
# header field sent twice in different letter case) and the hang (a Ping between binary
# fragments) -- each reported once, and each reproducer must replay with `wsspec
# test-server --exec ... --cases-dir FILE` failing the same way (a crash, a hang, a wrong
# echo, memory kept). The same server without its bugs yields no finding.
#   bash test_fuzz_planted_bugs.sh path/to/wsspec BUILD_DIR
# ctest-labels: slow;long
set -euo pipefail
WSSPEC=$1
BUILD_DIR=$2
source "$(dirname "$0")/server_test_lib.sh"
FUZZ_TIME=${FUZZ_TIME:-150}

server=$SRC/tests/integration/peers/planted_bug_server.py
work=$(mktemp -d "${TMPDIR:-/tmp}/wsspec-planted.XXXXXX")
trap 'stop_started; rm -rf "$work"' EXIT

# 1. No bugs planted: nothing to find (a second implementation, not wsspec's own codec).
port=$(free_port)
set +e
timeout -k 5 120 "$WSSPEC" fuzz-server "ws://127.0.0.1:$port/" \
  --exec "/usr/bin/python3 '$server' --port $port --no-bugs" \
  --time 20 --seed 5 --timeout 500 --report-dir "$work/clean" >"$work/clean.out" 2>&1
status=$?
set -e
if ((status != 0)); then
  cat "$work/clean.out" >&2
  fail "the planted-bug server without bugs: expected no findings (exit 0), got $(describe_status $status)"
fi

# 2. Every bug planted.
port=$(free_port)
exec_cmd="/usr/bin/python3 '$server' --port $port"
set +e
timeout -k 5 $((FUZZ_TIME + 200)) "$WSSPEC" fuzz-server "ws://127.0.0.1:$port/" \
  --exec "$exec_cmd" --time "$FUZZ_TIME" --seed 1 --timeout 500 \
  --report-dir "$work/bugs" >"$work/bugs.out" 2>&1
status=$?
set -e
if ((status != 1)); then
  cat "$work/bugs.out" >&2
  fail "the planted-bug server: expected findings (exit 1), got $(describe_status $status)"
fi
PYTHONPATH="$SRC/tests/integration/peers" python3 - "$work/bugs/fuzz.json" >"$work/found.txt" <<'PY' || { cat "$work/bugs.out" >&2; fail "planted bugs not found"; }
import json, sys
from planted_bug_findings import BUGS, by_bug
r = json.load(open(sys.argv[1]))
required = ["fragment-crash", "close-reason-crash", "handshake-crash", "ping-hang"]
found, other = by_bug(r["findings"])
def steps(f):
    """The finding's minimized steps, one short line each (what to look at when it is new)."""
    out = []
    for step in f.get("case", {}).get("steps", []):
        (kind, v), = step.items()
        if kind == "frame":
            p = v.get("payload")
            size = len(p) if isinstance(p, str) else 0 if p is None else p.get("length", "?")
            extra = ",".join(k for k in ("rsv1", "rsv2", "rsv3", "length", "length_form", "mask", "chop")
                             if k in v)
            out.append(f"{v.get('opcode')}{'' if v.get('fin', True) else '(more)'}[{size}]{extra and ' ' + extra}")
        else:
            out.append(kind)
    return " | ".join(out)
for f in other:
    print(f"a finding that is no planted bug: {f['id']} {f['signature']} after {f['exec']} inputs:\n"
          f"  {f['result'][:400]}\n  steps: {steps(f)[:600]}\n  observed: {f.get('observed', '')[:300]}",
          file=sys.stderr)
if other:
    raise AssertionError(f"{len(other)} findings that are no planted bug (above)")
for name, fs in found.items():
    assert name == "echo-corruption" or len(fs) == 1, f"{name} reported {len(fs)} times"
missing = [b for b in required if b not in found]
assert not missing, f"not found: {missing}; found: {sorted(found)}"
for name in BUGS:
    if name in found:
        f = found[name][0]
        print(f"{name}: {f['id']} ({f['kind']}) after {f['exec']} inputs, {f['at_s']:.0f} s, "
              f"{f['steps_found']} -> {f['steps_minimized']} steps", file=sys.stderr)
        print(f"{name} {f['kind']} {f['file']}")
    else:
        print(f"{name}: not found in this run", file=sys.stderr)
print(f"{r['execs']} execs, {r['execs_per_s']:.0f}/s, {r['restarts']} restarts", file=sys.stderr)
PY

/usr/bin/python3 "$SRC/tools/validate_cases.py" "$work/bugs"/findings/*.json >/dev/null ||
  fail "a finding does not match cases/case.schema.json"

# 3. Each reproducer replays against a fresh server and fails the same way.
while read -r name kind file; do
  port=$(free_port)
  set +e
  timeout -k 5 120 "$WSSPEC" test-server "ws://127.0.0.1:$port/" \
    --exec "/usr/bin/python3 '$server' --port $port" --cases-dir "$file" \
    --report-dir "$work/replay-$name" >"$work/replay-$name.out" 2>&1
  status=$?
  set -e
  if ((status != 1)); then
    cat "$work/replay-$name.out" >&2
    fail "$name: replaying $(basename "$file") should fail (exit 1), got $(describe_status $status)"
  fi
  python3 - "$work/replay-$name/wsspec.json" "$kind" "$name" <<'PY' || fail "$name: the replay fails differently"
import json, sys
case = json.load(open(sys.argv[1]))["cases"][0]
kind, name = sys.argv[2], sys.argv[3]
text = json.dumps(case)
want = {"crash": "died during the case", "resource": "kept resources",
        "hang": "did not close the connection", "judge": "Expected"}[kind]
assert case["behavior"] == "FAILED" or case["behavior_close"] == "FAILED", case
assert want in text, f"{want!r} not in {text[:600]}"
print(f"{name}: replay FAILED ({want})", file=sys.stderr)
PY
done <"$work/found.txt"
echo "PASS test_fuzz_planted_bugs"
