#!/usr/bin/env bash
# Acceptance: the reusable GitHub Action (action.yml) is well-formed and its run step
# (tools/ci/github_action.sh run, the same script the action calls) works outside GitHub:
#   - it starts the server under test from server-command, runs the cases, writes the
#     reports, records the status in $GITHUB_OUTPUT and stops the server it started;
#   - a server that fails cases makes it exit 1; with a baseline listing those failures, 0;
#   - nothing listening and no server-command: exit 2 with a message, no hang.
# The build step (tools/setup.sh + cmake) is what tools/test.sh does already; it is not
# repeated here.
#   bash test_github_action.sh path/to/wsspec BUILD_DIR
set -euo pipefail
WSSPEC=$1
BUILD_DIR=$2
source "$(dirname "$0")/server_test_lib.sh"

work="$BUILD_DIR/github-action-test"
rm -rf "$work"
mkdir -p "$work"
script=$SRC/tools/ci/github_action.sh

/usr/bin/python3 - "$SRC/action.yml" <<'PY'
import re, sys, yaml
action = yaml.safe_load(open(sys.argv[1]))
assert action["runs"]["using"] == "composite", action["runs"]
inputs = set(action["inputs"])
assert "url" in inputs and action["inputs"]["url"].get("required"), "url must be required"
used = set()
for step in action["runs"]["steps"]:
    for value in list(step.get("env", {}).values()) + list(step.get("with", {}).values()) + [step.get("run", ""), step.get("if", "")]:
        used |= set(re.findall(r"inputs\.([a-z-]+)", str(value)))
    if "run" in step:
        assert step.get("shell") == "bash", step
        assert "tools/ci/github_action.sh" in step["run"], step["run"]
assert used <= inputs, f"undeclared inputs: {used - inputs}"
assert inputs - used == set(), f"inputs never used: {inputs - used}"
print("action.yml: composite, inputs declared and used")
PY

export WSSPEC_BUILD_DIR
WSSPEC_BUILD_DIR=$(cd "$(dirname "$WSSPEC")/.." && pwd)
[[ -x "$WSSPEC_BUILD_DIR/harness/wsspec" ]] || fail "expected wsspec at $WSSPEC_BUILD_DIR/harness/wsspec"

# run_action NAME [VAR=VALUE...]: runs the action's run step with those inputs; sets status.
run_action() {
  local name=$1
  shift
  status=0
  env GITHUB_OUTPUT="$work/$name.output" WSSPEC_REPORT_DIR="$work/$name" "$@" \
    timeout -k 5 120 bash "$script" run >"$work/$name.log" 2>&1 || status=$?
}

port=$(free_port)
run_action passing WSSPEC_URL="ws://127.0.0.1:$port/" WSSPEC_CASES='1.1.*,2.*' WSSPEC_JOBS=2 \
  WSSPEC_SERVER_COMMAND="exec '$WSSPEC' serve --listen 127.0.0.1:$port"
[[ $status == 0 ]] || { cat "$work/passing.log"; fail "passing server: $(describe_status $status)"; }
grep -qx "status=0" "$work/passing.output" || fail "status not written to GITHUB_OUTPUT"
[[ -f "$work/passing/index.html" && -f "$work/passing/junit.xml" ]] || fail "no reports written"
pid=$(sed -n 's/^server under test started (pid \([0-9]*\).*/\1/p' "$work/passing.log")
[[ -n "$pid" ]] || fail "the run did not say which server it started"
wait_pid_gone "$pid" 5 || fail "the server it started (pid $pid) still runs"

port=$(free_port)
run_action failing WSSPEC_URL="ws://127.0.0.1:$port/" WSSPEC_CASES='2.*' \
  WSSPEC_SERVER_COMMAND="exec '$WSSPEC' serve --listen 127.0.0.1:$port --inject-defect no-pong"
[[ $status == 1 ]] || { cat "$work/failing.log"; fail "server with failures: $(describe_status $status), expected exit 1"; }
grep -qx "status=1" "$work/failing.output" || fail "status 1 not written to GITHUB_OUTPUT"

"$WSSPEC" report --from "$work/failing/wsspec.json" --write-baseline "$work/baseline.json" \
  --report-dir "$work/baseline-report" >/dev/null 2>&1 || true
[[ -f "$work/baseline.json" ]] || fail "could not write a baseline"
port=$(free_port)
run_action baselined WSSPEC_URL="ws://127.0.0.1:$port/" WSSPEC_CASES='2.*' \
  WSSPEC_BASELINE="$work/baseline.json" WSSPEC_EXTRA_ARGS="--timeout 3000" \
  WSSPEC_SERVER_COMMAND="exec '$WSSPEC' serve --listen 127.0.0.1:$port --inject-defect no-pong"
[[ $status == 0 ]] || { cat "$work/baselined.log"; fail "known failures with a baseline: $(describe_status $status), expected 0"; }

port=$(free_port)
run_action nothing WSSPEC_URL="ws://127.0.0.1:$port/" WSSPEC_STARTUP_TIMEOUT=1
[[ $status == 2 ]] || fail "nothing listening: $(describe_status $status), expected exit 2"
grep -q "nothing accepts connections" "$work/nothing.log" || fail "no message when nothing listens"
run_action badurl WSSPEC_URL="http://127.0.0.1:$port/"
[[ $status == 2 ]] || fail "an http:// URL: $(describe_status $status), expected exit 2"
# The fuzzing example workflow (docs/fuzz-github-actions.yml): its fuzz step, run as written
# but for 3 s, on a free port, with wsspec serve as the server under test, writes the report
# and the corpus a next run restores.
port=$(free_port)
(cd "$work" && rm -rf fuzz-report wsspec-corpus &&
  echo "'$WSSPEC' serve --listen 127.0.0.1:$port" >server-command)
/usr/bin/python3 - "$SRC/docs/fuzz-github-actions.yml" "$WSSPEC" "$port" >"$work/fuzz-step.sh" <<'PY'
import re, sys, yaml
wf = yaml.safe_load(open(sys.argv[1]))
steps = wf["jobs"]["fuzz"]["steps"]
run = next(s["run"] for s in steps if s.get("name", "").startswith("Fuzz"))
assert "--corpus wsspec-corpus" in run and "--report-dir fuzz-report" in run, run
run = re.sub(r"\$\{\{[^}]*\}\}", "1", run)
run = run.replace("./build/harness/wsspec", "'%s'" % sys.argv[2]).replace("--time 600", "--time 3")
print(run.replace("9001", sys.argv[3]))
PY
(cd "$work" && timeout 60 bash fuzz-step.sh >fuzz-step.log 2>&1) ||
  { cat "$work/fuzz-step.log"; fail "the example fuzz step failed"; }
[[ -f "$work/fuzz-report/index.html" && -f "$work/fuzz-report/fuzz.json" ]] ||
  fail "the example fuzz step wrote no report"
compgen -G "$work/wsspec-corpus/*.json" >/dev/null || fail "the example fuzz step kept no corpus"
echo "PASS: test_github_action"
