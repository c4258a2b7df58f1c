#!/usr/bin/env bash
# The report of a fuzz run: `wsspec fuzz-server` writes index.html next to fuzz.json, with
# every finding, its minimized case and the wire log of its confirming run (also recorded in
# fuzz.json), and for a crash the server's last output; so does a -j N run (the merged page
# and one per worker) and a run stopped with Ctrl-C (the report so far, marked
# interrupted). `wsspec report --from DIR/fuzz.json` renders the page again; fuzz reports
# are not merged with --merge (exit 2). Against `wsspec serve --inject-defect
# skip-utf8-check` and the planted-bug server with only its fragmentation crash.
#   bash test_fuzz_report.sh path/to/wsspec BUILD_DIR
set -euo pipefail
WSSPEC=$1
BUILD_DIR=$2
source "$(dirname "$0")/server_test_lib.sh"

work=$(mktemp -d "${TMPDIR:-/tmp}/wsspec-fuzz-report.XXXXXX")
trap 'stop_started; rm -rf "$work"' EXIT

# check_report DIR KIND... : DIR/index.html embeds DIR/fuzz.json's findings (one of each
# KIND at least), each with its case, and a wire log where fuzz.json has one.
check_report() {
  local dir=$1
  shift
  python3 - "$dir" "$@" <<'PY'
import json, os, re, sys
d, kinds = sys.argv[1], sys.argv[2:]
run = json.load(open(d + "/fuzz.json"))
html = open(d + "/index.html", encoding="utf-8").read()
assert "<title>wsspec fuzz report</title>" in html, "not the fuzz report page"
assert "{{WSSPEC_" not in html, "a template placeholder is left in the page"
m = re.search(r'<script id="wsspec-data" type="application/json">(.*?)</script>', html, re.S)
page = json.loads(m.group(1))["run"]
assert [f["id"] for f in page["findings"]] == [f["id"] for f in run["findings"]]
assert page["execs"] == run["execs"] and page.get("interrupted") == run.get("interrupted")
for k in kinds:
    assert any(f["kind"] == k for f in run["findings"]), f"no {k} finding: {[f['signature'] for f in run['findings']]}"
for f, p in zip(run["findings"], page["findings"]):
    assert p["case"]["id"] == f["id"] and "steps" in p["case"], f["id"]
    if "worker" not in f or f.get("replay") is not None:
        r = f["replay"]
        assert r and r["ran"] and r["wire"], f"{f['id']}: no confirming run with a wire log"
        assert any(w["kind"] in ("TF", "TO") for w in r["wire"]), f"{f['id']}: nothing sent in the wire log"
        assert p["replay"]["wire"], f"{f['id']}: the page has no wire log"
    if f["kind"] == "crash":
        assert "AddressSanitizer" in f["output_tail"], f["output_tail"][:300]
        assert "AddressSanitizer" in p["output_tail"]
    href = p.get("file_href")
    assert href and os.path.isfile(os.path.join(d, href)), f"{f['id']}: no working link to its file: {href}"
print(f"{d}: {len(run['findings'])} findings in the page, {run['execs']} execs")
PY
}

# The runs are bounded by inputs (how many fit in a few seconds depends on the load).
# 1. A finding of the judge, with its wire log.
start_serve "$work/serve.log" --inject-defect skip-utf8-check
set +e
timeout -k 5 120 "$WSSPEC" fuzz-server "$SERVE_URL" --runs 1000 --seed 1 --timeout 500 \
  --report-dir "$work/judge" >"$work/judge.out" 2>&1
status=$?
set -e
((status == 1)) || { cat "$work/judge.out" >&2; fail "skip-utf8-check: expected findings (exit 1), got $(describe_status $status)"; }
grep -q "report written to .*fuzz.json and .*index.html" "$work/judge.out" || fail "the run does not name its report"
check_report "$work/judge" judge || fail "the judge run's report"

# 2. A crash of a supervised server: its last output in the finding and the page.
port=$(free_port)
set +e
timeout -k 5 120 "$WSSPEC" fuzz-server "ws://127.0.0.1:$port/" \
  --exec "/usr/bin/python3 '$SRC/tests/integration/peers/planted_bug_server.py' --port $port --bug fragment-crash" \
  --runs 3000 --max-findings 1 --seed 1 --timeout 500 --report-dir "$work/crash" >"$work/crash.out" 2>&1
status=$?
set -e
((status == 1)) || { cat "$work/crash.out" >&2; fail "planted fragment crash: expected findings (exit 1), got $(describe_status $status)"; }
check_report "$work/crash" crash || fail "the crash run's report"

# 3. -j 2: the merged report and each worker's.
set +e
timeout -k 5 120 "$WSSPEC" fuzz-server "$SERVE_URL" --runs 400 --seed 1 --timeout 500 -j 2 \
  --report-dir "$work/jobs" >"$work/jobs.out" 2>&1
status=$?
set -e
((status == 1)) || { cat "$work/jobs.out" >&2; fail "-j 2: expected findings (exit 1), got $(describe_status $status)"; }
check_report "$work/jobs" judge || fail "the merged report"
for w in 1 2; do
  check_report "$work/jobs/worker-$w" || fail "worker $w's report"
done
python3 - "$work/jobs/fuzz.json" <<'PY' || fail "the merged fuzz.json"
import json, sys
r = json.load(open(sys.argv[1]))
assert len(r["workers"]) == 2 and r["jobs"] == 2, r["workers"]
assert r["execs"] == sum(w["execs"] for w in r["workers"]), r["execs"]
assert r["timeline"] and r["timeline"][-1]["execs"] <= r["execs"], r["timeline"][-1:]
assert r["target"].startswith("ws://") and r["transport"] == "HTTP/1.1, ws", r.get("target")
PY

# fuzzing single|jobs DIR: the run (each worker) has printed its progress, so it is fuzzing
# with its signal handlers in place (a fixed sleep is too short on a loaded machine).
fuzzing() {
  if [[ $1 == single ]]; then
    wait_for_line "$2.out" " execs (" 60
  else
    wait_for_line "$2/worker-1/fuzz.log" " execs (" 60 && wait_for_line "$2/worker-2/fuzz.log" " execs (" 60
  fi
}

# 4. Ctrl-C: the report of what ran so far, marked interrupted; so with -j 2.
for mode in single jobs; do
  extra=()
  [[ $mode == jobs ]] && extra=(-j 2)
  "$WSSPEC" fuzz-server "$SERVE_URL" --time 120 --seed 2 --timeout 500 "${extra[@]}" \
    --report-dir "$work/int-$mode" >"$work/int-$mode.out" 2>&1 &
  pid=$!
  started_pids+=("$pid")
  fuzzing "$mode" "$work/int-$mode" || { cat "$work/int-$mode.out" >&2; fail "interrupted ($mode): no progress"; }
  kill -INT "$pid"
  set +e
  wait "$pid"
  status=$?
  set -e
  ((status == 0 || status == 1)) || { cat "$work/int-$mode.out" >&2; fail "interrupted ($mode): got $(describe_status $status)"; }
  python3 - "$work/int-$mode/fuzz.json" <<'PY' || fail "interrupted ($mode): fuzz.json"
import json, sys
r = json.load(open(sys.argv[1]))
assert r["interrupted"] is True and r["duration_s"] < 60, (r["interrupted"], r["duration_s"])
PY
  check_report "$work/int-$mode" || fail "interrupted ($mode): the report"
done

# 4b. Ctrl-C twice with --exec: wsspec exits at once, and the server it started goes with it.
# The server accepts and never answers, so the first check is still waiting (up to --timeout)
# when the second interrupt comes.
port=$(free_port)
silent="import socket, time; s = socket.socket(); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1); s.bind(('127.0.0.1', $port)); s.listen(8); held = [s.accept() for _ in range(8)]; time.sleep(120)"
"$WSSPEC" fuzz-server "ws://127.0.0.1:$port/" --time 120 --seed 2 --timeout 30000 \
  --exec "exec /usr/bin/python3 -c \"$silent\"" --report-dir "$work/int-twice" \
  >"$work/int-twice.out" 2>&1 &
pid=$!
started_pids+=("$pid")
# Once the server is started, wsspec's handlers are in place (they come first).
for ((i = 0; i < 600; i++)); do
  server_pid=$(pgrep -P "$pid" | head -1 || true)  # (sh -c exec: the server itself)
  [[ -n "$server_pid" ]] && break
  sleep 0.05
done
sleep 1  # into the first input, which the silent server never answers
[[ -n "$server_pid" ]] || { cat "$work/int-twice.out" >&2; fail "the supervised server did not start"; }
kill -INT "$pid"
sleep 0.5
kill -INT "$pid" 2>/dev/null || true
set +e
wait "$pid"
status=$?
set -e
((status == 130)) || { cat "$work/int-twice.out" >&2; fail "a second Ctrl-C: expected exit 130, got $(describe_status $status)"; }
wait_pid_gone "$server_pid" 5 || { kill "$server_pid"; fail "after a second Ctrl-C the server wsspec started (pid $server_pid) still runs"; }

# 4c. The -j parent killed outright (SIGKILL, no chance to pass anything on): its workers
# notice, stop as after Ctrl-C and write their own reports instead of fuzzing on alone. (The
# kernel may tell a worker more than once that its parent died; it must still write.)
# start_jobs_run NAME SEED: a -j 2 run against serve in the background, once both workers
# fuzz; sets pid (the parent) and workers (their pids).
start_jobs_run() {
  "$WSSPEC" fuzz-server "$SERVE_URL" --time 120 --seed "$2" --timeout 500 -j 2 \
    --report-dir "$work/$1" >"$work/$1.out" 2>&1 &
  pid=$!
  started_pids+=("$pid")
  fuzzing jobs "$work/$1" || { cat "$work/$1.out" >&2; fail "-j 2 ($1): no progress"; }
  workers=$(pgrep -P "$pid" | tr '\n' ' ' || true)
  [[ -n "$workers" ]] || { cat "$work/$1.out" >&2; fail "-j 2 ($1): no workers to be seen"; }
}

# check_workers_interrupted NAME: each worker wrote the report of an interrupted run.
check_workers_interrupted() {
  local n
  for n in 1 2; do
    if ! python3 - "$work/$1/worker-$n/fuzz.json" <<'PY'; then
import json, sys
r = json.load(open(sys.argv[1]))
assert r["interrupted"] is True and r["duration_s"] < 60, (r["interrupted"], r["duration_s"])
PY
      cat "$work/$1/worker-$n/fuzz.log" >&2
      fail "$1: worker $n wrote no report of an interrupted run"
    fi
  done
}

start_jobs_run orphans 2
kill -KILL "$pid"
wait "$pid" 2>/dev/null || true
for worker in $workers; do
  wait_pid_gone "$worker" 20 || { kill "$worker"; fail "worker $worker fuzzes on after its -j parent was killed"; }
done
check_workers_interrupted orphans

# 4d. The signal a worker takes as "the parent is gone" (SIGHUP), three times at once: one
# stop, not the exit without a report that a second Ctrl-C means; the parent, alive, merges.
start_jobs_run hups 3
for worker in $workers; do
  kill -HUP "$worker" && kill -HUP "$worker" && kill -HUP "$worker"
done
set +e
timeout 30 tail --pid="$pid" -f /dev/null
wait "$pid"
status=$?
set -e
((status == 1)) || { cat "$work/hups.out" >&2; fail "-j 2, workers hung up: expected exit 1 (findings), got $(describe_status $status)"; }
check_workers_interrupted hups

# 5. Rendered again from fuzz.json; fuzz reports are not merged.
"$WSSPEC" report --from "$work/judge/fuzz.json" --report-dir "$work/again" >"$work/again.out" 2>&1 ||
  { cat "$work/again.out" >&2; fail "report --from fuzz.json"; }
cp "$work/judge/fuzz.json" "$work/again/"
check_report "$work/again" judge || fail "the page rendered again"
rm "$work/judge/index.html"
"$WSSPEC" report --from "$work/judge/fuzz.json" >"$work/again2.out" 2>&1 ||
  { cat "$work/again2.out" >&2; fail "report --from fuzz.json (next to it)"; }
[[ -s "$work/judge/index.html" ]] || fail "report --from fuzz.json did not write index.html next to it"
set +e
"$WSSPEC" report --merge "$work/judge/fuzz.json" "$work/crash/fuzz.json" --report-dir "$work/m" >"$work/merge.out" 2>&1
status=$?
set -e
((status == 2)) || fail "report --merge of fuzz reports: expected exit 2, got $status"
grep -q "cannot be merged" "$work/merge.out" || { cat "$work/merge.out" >&2; fail "no message for --merge of fuzz reports"; }
echo "PASS test_fuzz_report"
