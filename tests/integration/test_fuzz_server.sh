#!/usr/bin/env bash
# Acceptance for `wsspec fuzz-server`: against the reference server it finds nothing (a
# correct server produces no finding); against `wsspec serve --inject-defect D` it finds a
# finding of the right oracle within a few seconds, minimizes it, and the written case file
# replays with `wsspec test-server --cases-dir FILE` failing (exit 1) and matches the case
# schema. Also: fuzz.json, and option errors exit 2.
#   bash test_fuzz_server.sh path/to/wsspec BUILD_DIR
# ctest-labels: slow
set -euo pipefail
WSSPEC=$1
BUILD_DIR=$2
source "$(dirname "$0")/server_test_lib.sh"

work=$(mktemp -d "${TMPDIR:-/tmp}/wsspec-fuzz.XXXXXX")
trap 'stop_started; rm -rf "$work"' EXIT

# Option errors: exit 2 with a message.
set +e
"$WSSPEC" fuzz-server ws://127.0.0.1:1/ --time 1 --runs 5 >"$work/opt.out" 2>&1
status=$?
set -e
((status == 2)) || fail "--time with --runs: expected exit 2, got $status"
grep -q -- "--runs" "$work/opt.out" || fail "no message naming the conflicting options"

# 1. The reference server: no findings.
start_serve "$work/serve.log"
set +e
"$WSSPEC" fuzz-server "$SERVE_URL" --time 15 --seed 1 --timeout 500 \
  --report-dir "$work/clean" >"$work/clean.out" 2>&1
status=$?
set -e
if ((status != 0)); then
  cat "$work/clean.out" >&2
  fail "fuzzing the reference server: expected no findings (exit 0), got $(describe_status $status)"
fi
python3 - "$work/clean/fuzz.json" <<'PY' || fail "fuzz.json of the clean run"
import json, sys
r = json.load(open(sys.argv[1]))
assert r["mode"] == "fuzz-server" and r["findings"] == [], r["findings"]
assert r["execs"] >= 200, r["execs"]
assert r["signatures"] >= 20 and r["timeline"], r["signatures"]
print(f"reference server: {r['execs']} execs, {r['execs_per_s']:.0f}/s, "
      f"{r['signatures']} signatures, corpus {r['corpus']}")
PY
stop_started

# -j 2: two workers, their reports merged; a defect found by both is one finding.
start_serve "$work/serve-jobs.log" --inject-defect skip-utf8-check
set +e
timeout 120 "$WSSPEC" fuzz-server "$SERVE_URL" -j 2 --runs 400 --seed 1 --timeout 400 \
  --report-dir "$work/jobs" >"$work/jobs.out" 2>&1
status=$?
set -e
((status == 1)) || { cat "$work/jobs.out" >&2; fail "-j 2: expected findings (exit 1), got $status"; }
python3 - "$work/jobs/fuzz.json" <<'PY' || fail "-j 2: merged fuzz.json"
import json, sys
r = json.load(open(sys.argv[1]))
assert r["jobs"] == 2 and len(r["workers"]) == 2, r["workers"]
assert r["execs"] == sum(w["execs"] for w in r["workers"]), r
keys = [(f["kind"], f["signature"]) for f in r["findings"]]
assert keys and len(keys) == len(set(keys)), keys
print(f"-j 2: {r['execs']} execs, {len(keys)} distinct findings from "
      f"{sum(w['findings'] for w in r['workers'])} in the workers")
PY
stop_started
set +e
"$WSSPEC" fuzz-server ws://127.0.0.1:1/ -j 2 --exec true --time 1 >"$work/opt.out" 2>&1
status=$?
set -e
((status == 2)) || fail "-j with --exec: expected exit 2, got $status"

# 2. Injected defects: a finding of the expected oracle, minimized, replaying as a failure.
declare -A kind=([skip-utf8-check]=judge [accept-reserved-bits]=judge [no-close-reply]=judge
  [accept-unmasked]=judge)
for defect in skip-utf8-check accept-reserved-bits no-close-reply accept-unmasked; do
  start_serve "$work/serve-$defect.log" --inject-defect "$defect"
  started=$(date +%s.%N)
  set +e
  # Bounded by inputs and ended by the first finding: how many inputs fit in a few seconds
  # depends on the machine's load.
  timeout 180 "$WSSPEC" fuzz-server "$SERVE_URL" --runs 1500 --max-findings 1 --seed 2 \
    --timeout 400 --report-dir "$work/$defect" >"$work/$defect.out" 2>&1
  status=$?
  set -e
  if ((status != 1)); then
    cat "$work/$defect.out" >&2
    fail "$defect: expected findings (exit 1), got $(describe_status $status)"
  fi
  python3 - "$work/$defect/fuzz.json" "${kind[$defect]}" "$defect" <<'PY' || fail "$defect: fuzz.json"
import json, sys
r = json.load(open(sys.argv[1]))
kinds = [f["kind"] for f in r["findings"]]
assert sys.argv[2] in kinds, kinds
f = next(f for f in r["findings"] if f["kind"] == sys.argv[2])
assert f["steps_minimized"] <= f["steps_found"], f
print(f"{sys.argv[3]}: first {sys.argv[2]} finding after {f['exec']} inputs ({f['at_s']:.1f} s), "
      f"minimized {f['steps_found']} -> {f['steps_minimized']} steps: {f['result'][:100]}")
PY
  # Findings are catalog case files: the schema accepts them.
  /usr/bin/python3 "$SRC/tools/validate_cases.py" "$work/$defect"/findings/*.json >/dev/null ||
    fail "$defect: a finding does not match cases/case.schema.json"
  for file in "$work/$defect"/findings/*.json; do
    set +e
    "$WSSPEC" test-server "$SERVE_URL" --cases-dir "$file" --report-dir "$work/replay" \
      >"$work/replay.out" 2>&1
    status=$?
    set -e
    if ((status != 1)); then
      cat "$work/replay.out" >&2
      fail "$defect: replaying $(basename "$file") should fail (exit 1), got $(describe_status $status)"
    fi
  done
  stop_started
done

# 3. --max-findings ends the run at the first finding (one run, and -j: the other worker is
# stopped as by Ctrl-C), long before --time; the report is written either way.
start_serve "$work/serve-max.log" --inject-defect accept-unmasked
for jobs in 1 2; do
  started=$(date +%s)
  set +e
  timeout 120 "$WSSPEC" fuzz-server "$SERVE_URL" -j "$jobs" --time 90 --seed 3 --timeout 400 \
    --max-findings 1 --report-dir "$work/max-$jobs" >"$work/max-$jobs.out" 2>&1
  status=$?
  set -e
  took=$(($(date +%s) - started))
  if ((status != 1)) || ((took >= 90)); then
    cat "$work/max-$jobs.out" >&2
    fail "--max-findings 1 -j $jobs: expected exit 1 before --time ended, got $(describe_status $status) after $took s"
  fi
  python3 - "$work/max-$jobs/fuzz.json" "$jobs" "$took" <<'PY' || fail "--max-findings -j $jobs: fuzz.json"
import json, sys
r = json.load(open(sys.argv[1]))
jobs = int(sys.argv[2])
assert 1 <= len(r["findings"]) <= jobs, [f["signature"] for f in r["findings"]]
print(f"--max-findings 1 -j {jobs}: {len(r['findings'])} finding(s), stopped after {sys.argv[3]} s "
      f"of --time 90 ({r['execs']} execs)")
PY
done
grep -q "stopping after 1 findings (--max-findings)" "$work/max-1.out" ||
  fail "--max-findings: the run does not say why it stopped"
stop_started
echo "PASS test_fuzz_server"
