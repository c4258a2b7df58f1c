#!/usr/bin/env bash
# Acceptance for `wsspec fuzz-client`: the client under test runs its ordinary driver loop
# (getCaseCount, runCase, ...) against wsspec, which makes each case on demand. Against
# wsspec's own `wsspec client` and python-websockets' client it finds nothing; against a
# driver with two planted bugs (tests/integration/client/planted_bug_client.py) it finds a
# crash and a wrong echo, minimizes them, and each written case replays with
# `wsspec test-client --exec DRIVER --cases-dir FILE`, failing (exit 1). Option errors exit 2.
#   bash test_fuzz_client.sh path/to/wsspec BUILD_DIR
set -euo pipefail
WSSPEC=$1
BUILD_DIR=$2
source "$(dirname "$0")/server_test_lib.sh"

work=$(mktemp -d "${TMPDIR:-/tmp}/wsspec-fuzz-client.XXXXXX")
trap 'stop_started; rm -rf "$work"' EXIT

set +e
"$WSSPEC" fuzz-client --listen 127.0.0.1:0 --time 1 --runs 5 >"$work/opt.out" 2>&1
status=$?
set -e
((status == 2)) || fail "--time with --runs: expected exit 2, got $status"

# Every fuzz-client below runs in the foreground under `timeout` and stops its own driver.
corpus_args=()
# Each is bounded by inputs, not seconds: how many fit in a second depends on the machine's
# load (a loaded CI machine ran 80 where a quiet one runs 150).
run_fuzz() { # NAME INPUTS DRIVER...
  local name=$1 inputs=$2
  shift 2
  set +e
  timeout 240 "$WSSPEC" fuzz-client --listen 127.0.0.1:0 --exec "$*" \
    --runs "$inputs" --seed 1 --report-dir "$work/$name" "${corpus_args[@]}" >"$work/$name.out" 2>&1
  status=$?
  set -e
}

check_clean() { # NAME MIN_EXECS
  if ((status != 0)); then
    cat "$work/$1.out" >&2
    fail "$1: expected no findings (exit 0), got $(describe_status $status)"
  fi
  python3 - "$work/$1/fuzz.json" "$1" "$2" <<'PY' || fail "$1: fuzz.json"
import json, sys
r = json.load(open(sys.argv[1]))
assert r["mode"] == "fuzz-client" and r["findings"] == [], r["findings"]
assert r["execs"] >= int(sys.argv[3]), r["execs"]
print(f"{sys.argv[2]}: {r['execs']} execs, {r['execs_per_s']:.0f}/s, {r['signatures']} signatures")
PY
}

# 1. wsspec's own client, and python-websockets' (a close timeout of 1 s: see the driver).
run_fuzz wsspec-client 120 "$WSSPEC" client '{url}' --agent wsspec-client
check_clean wsspec-client 120

# --corpus: the kept inputs are written as case files and loaded by the next run.
corpus_args=(--corpus "$work/corpus")
run_fuzz corpus-1 50 "$WSSPEC" client '{url}' --agent wsspec-client
check_clean corpus-1 50
run_fuzz corpus-2 50 "$WSSPEC" client '{url}' --agent wsspec-client
check_clean corpus-2 50
corpus_args=()
python3 - "$work/corpus-1/fuzz.json" "$work/corpus-2/fuzz.json" "$work/corpus" <<'PY' ||
import json, os, sys
first, second = (json.load(open(p)) for p in sys.argv[1:3])
files = [f for f in os.listdir(sys.argv[3]) if f.endswith(".json")]
assert first["corpus_saved"] > 0 and first["corpus_loaded"] == 0, first
assert second["corpus_loaded"] == first["corpus_saved"], (first["corpus_saved"], second)
assert len(files) == first["corpus_saved"] + second["corpus_saved"], len(files)
print(f"corpus: {first['corpus_saved']} inputs written, loaded by the next run, which added "
      f"{second['corpus_saved']}")
PY
  fail "--corpus"
/usr/bin/python3 "$SRC/tools/validate_cases.py" "$work/corpus"/*.json >/dev/null ||
  fail "a corpus file does not match cases/case.schema.json"

# -j 2: two workers, each on its own port with its own driver, one merged report.
set +e
"$WSSPEC" fuzz-client --listen 127.0.0.1:0 -j 2 --time 1 >"$work/j-opt.out" 2>&1
status=$?
set -e
((status == 2)) && grep -q "needs --exec" "$work/j-opt.out" ||
  fail "-j without --exec: expected exit 2 and a message, got $status: $(cat "$work/j-opt.out")"
set +e
timeout 180 "$WSSPEC" fuzz-client --listen 127.0.0.1:0 -j 2 \
  --exec "'$WSSPEC' client '{url}' --agent wsspec-client" --runs 80 --seed 1 \
  --report-dir "$work/jobs" >"$work/jobs.out" 2>&1
status=$?
set -e
((status == 0)) || { cat "$work/jobs.out" >&2; fail "-j 2: expected exit 0, got $status"; }
python3 - "$work/jobs" <<'PY' || fail "-j 2: merged report"
import json, os, sys
r = json.load(open(os.path.join(sys.argv[1], "fuzz.json")))
assert r["mode"] == "fuzz-client" and r["jobs"] == 2 and r["findings"] == [], r
workers = [w["execs"] for w in r["workers"]]
assert len(workers) == 2 and all(n >= 80 for n in workers), workers
assert r["execs"] == sum(workers), (r["execs"], workers)
assert os.path.exists(os.path.join(sys.argv[1], "index.html"))
print(f"-j 2: {r['execs']} execs ({workers}), merged")
PY
run_fuzz python-websockets 60 /usr/bin/python3 "$SRC/tools/peers/python_websockets_client.py" \
  --url '{url}' --quiet --close-timeout 1
check_clean python-websockets 60

# 2. Planted bugs: a crash and a wrong echo, each replaying as a failure.
driver="/usr/bin/python3 $SRC/tests/integration/client/planted_bug_client.py --url {url} --quiet --close-timeout 1"
# A budget of inputs, not seconds: how many inputs fit in a given time (and so whether the
# wrong echo, found after 130-700 inputs, is reached) depends on the machine's load. The run
# ends once both are found (--max-findings).
set +e
timeout 300 "$WSSPEC" fuzz-client --listen 127.0.0.1:0 --exec "$driver" --runs 5000 --seed 1 \
  --max-findings 2 --report-dir "$work/planted" >"$work/planted.out" 2>&1
status=$?
set -e
if ((status != 1)); then
  cat "$work/planted.out" >&2
  fail "planted bugs: expected findings (exit 1), got $(describe_status $status)"
fi
python3 - "$work/planted/fuzz.json" <<'PY' || fail "planted bugs: fuzz.json"
import json, sys
r = json.load(open(sys.argv[1]))
kinds = sorted(f["kind"] for f in r["findings"])
assert "crash" in kinds and "judge" in kinds, kinds
assert r["execs"] < 5000, "--max-findings 2 did not end the run"
for f in r["findings"]:
    print(f"planted: {f['id']} [{f['kind']}] after {f['exec']} inputs ({f['at_s']:.1f} s), "
          f"{f['steps_found']} -> {f['steps_minimized']} steps: {f['result'][:90]}")
PY
grep "to connect for an input" "$work/planted.out" || true  # what slowed the run, if anything
/usr/bin/python3 "$SRC/tools/validate_cases.py" "$work/planted"/findings/*.json >/dev/null ||
  fail "a finding does not match cases/case.schema.json"
for file in "$work/planted"/findings/*.json; do
  set +e
  timeout 60 "$WSSPEC" test-client --listen 127.0.0.1:0 --exec "$driver" --cases-dir "$file" \
    --report-dir "$work/replay" >"$work/replay.out" 2>&1
  status=$?
  set -e
  if ((status != 1)); then
    cat "$work/replay.out" >&2
    fail "replaying $(basename "$file"): expected FAILED (exit 1), got $(describe_status $status)"
  fi
  echo "replay $(basename "$file"): FAILED as found"
done

echo "PASS test_fuzz_client"
