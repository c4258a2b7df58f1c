#!/usr/bin/env bash
# Performance measurements, one section per function. Builds the release preset and runs
# the selected sections (default: all of them).
#
#   tools/bench.sh                 every section
#   tools/bench.sh codec           only the named sections
#   tools/bench.sh --help          this text
#
# Sections: codec, reports, client_catalog, server_catalog, deflate_catalog, floods, h2,
# fuzz_throughput (fuzz-server execs/s against the raw connection rate), fuzz_planted
# (fuzz-server --exec: time to find each of the six planted bugs, floor 300 s each).
#
# Environment:
#   WSSPEC_BENCH_REPETITIONS  repetitions per benchmark; summaries use the median (default 3)
#   WSSPEC_BENCH_MIN_TIME     seconds per repetition (default 0.2)
#   WSSPEC_BENCH_STRICT=1     exit non-zero when a performance floor is missed
#   WSSPEC_BENCH_PLANTED_S, WSSPEC_BENCH_PLANTED_SEED  fuzz_planted's run time (300) and seed (1)
# Results (JSON) are written to build/release/bench/.
set -euo pipefail
cd "$(dirname "$0")/.."

build_dir=build/release
results_dir=$build_dir/bench
repetitions=${WSSPEC_BENCH_REPETITIONS:-3}
min_time=${WSSPEC_BENCH_MIN_TIME:-0.2}

# Configures and builds the release preset once, for whichever sections need it.
built_targets=()
build_release() {
  local target=$1
  if [[ " ${built_targets[*]} " == *" $target "* ]]; then return; fi
  cmake --preset release >/dev/null
  cmake --build --preset release --target "$target" -j "$(nproc)"
  built_targets+=("$target")
}

# --- Section: codec ----------------------------------------------------------------------
# The sans-IO codec's hot paths (unmasking, UTF-8 validation, receiving small frames)
# against Boost.Beast, and permessage-deflate against zlib called directly and Beast's
# permessage-deflate, side by side in one binary (tests/bench/). Prints throughput and
# ratios, the deflate overhead over zlib and ours/Beast, and PASS/MISS for each floor
# (tools/bench_codec_summary.py).
bench_codec() {
  echo "== codec: wsspec codec vs Boost.Beast (and zlib for permessage-deflate) =="
  build_release codec_bench
  mkdir -p "$results_dir"
  local out=$results_dir/codec_bench.json
  "$build_dir/tests/codec_bench" \
    --benchmark_repetitions="$repetitions" \
    --benchmark_min_time="$min_time" \
    --benchmark_out="$out" --benchmark_out_format=json
  local strict=()
  [ "${WSSPEC_BENCH_STRICT:-0}" = 1 ] && strict=(--fail-on-miss)
  python3 tools/bench_codec_summary.py "$out" "${strict[@]}"
}

# --- Section: reports --------------------------------------------------------------------
# Reports of a 600-case run with wire logs and failures (tests/report_bench/): time per
# writer (wsspec.json, index.json + per-case files, junit.xml, index.html) and the total
# (floor: under 2 s), the size of index.html (floor: under 3 MB) and, when Chromium and
# tools/node_modules/playwright-core are there, its rendering time (floor: painted under
# 1 s). Then the peak RSS of `wsspec report --from` and `--merge` (five inputs) against the
# size of their input (floor: under 3x), on the bench's run with every wire log whole and on
# a real run of the catalog except 12.*/13.* against `wsspec serve` with --full-wire-log.
bench_reports() {
  echo "== reports: 600-case run with wire logs =="
  build_release report_bench
  build_release wsspec
  local wsspec=$build_dir/harness/wsspec out miss=0
  out=$(mktemp -d)
  "$build_dir/tests/report_bench" --out "$out/bench" | tee "$out/bench.txt"
  grep -q MISS "$out/bench.txt" && miss=1
  if [ -x "${CHROMIUM:-/usr/bin/chromium}" ] && [ -d tools/node_modules/playwright-core ]; then
    node tests/report_bench/render_time.js "$out/bench/index.html" --check || miss=1
  else
    echo "render time: not measured (needs chromium and tools/node_modules/playwright-core)"
  fi

  # A real run: the catalog except the slow 12.*/13.* rows, every wire log whole.
  local log=$out/serve.log url server_pid
  "$wsspec" serve --listen 127.0.0.1:0 >"$log" 2>&1 &
  server_pid=$!
  for _ in $(seq 1 100); do
    url=$(sed -n 's/^wsspec serve: listening on \(ws:.*\)$/\1/p' "$log")
    [ -n "$url" ] && break
    sleep 0.1
  done
  timeout 300 "$wsspec" test-server "$url" --exclude '12.*,13.*' -j 2 -q --full-wire-log \
    --format json --report-dir "$out/real" >"$out/real.txt" 2>&1 || true
  kill "$server_pid" 2>/dev/null || true
  wait "$server_pid" 2>/dev/null || true

  local input
  for input in "bench:$out/bench/full/wsspec.json" "real:$out/real/wsspec.json"; do
    local name=${input%%:*} file=${input#*:}
    [ -s "$file" ] || { echo "report memory ($name): no input"; miss=1; continue; }
    report_memory "$wsspec" "$out/$name-from" "$name --from" "$file" || miss=1
    local copies=()
    for i in 1 2 3 4 5; do
      cp "$file" "$out/$name-$i.json"
      copies+=("$out/$name-$i.json")
    done
    report_memory "$wsspec" "$out/$name-merge" "$name --merge x5" "${copies[@]}" || miss=1
  done
  rm -rf "$out"
  if [ "$miss" = 1 ] && [ "${WSSPEC_BENCH_STRICT:-0}" = 1 ]; then return 1; fi
}

# report_memory WSSPEC OUTDIR NAME FILE...: `wsspec report` of the files (--from for one,
# --merge for several) into OUTDIR, every format; prints the wall time, the peak RSS and its
# ratio to the input size with PASS/MISS (floor: under 3x). Returns 1 on a MISS.
report_memory() {
  local wsspec=$1 dir=$2 name=$3
  shift 3
  local mode=(--from "$1")
  [ $# -gt 1 ] && mode=(--merge "$@")
  local bytes=0 f
  for f in "$@"; do bytes=$((bytes + $(stat -c %s "$f"))); done
  if [ ! -x /usr/bin/time ]; then
    echo "report memory ($name): not measured (needs /usr/bin/time)"
    return 0
  fi
  /usr/bin/time -f "%e %M" -o "$dir.time" "$wsspec" report "${mode[@]}" --report-dir "$dir" \
    >"$dir.txt" 2>&1 || true
  local seconds rss_kb
  read -r seconds rss_kb <"$dir.time"
  python3 - "$name" "$bytes" "$seconds" "$rss_kb" <<'PY'
import sys
name, size, seconds, rss_kb = sys.argv[1], int(sys.argv[2]), float(sys.argv[3]), int(sys.argv[4])
ratio = rss_kb * 1024 / size
verdict = "PASS" if ratio < 3 else "MISS"
print(f"report memory ({name}): input {size / 1e6:.1f} MB, {seconds:.2f} s, peak RSS "
      f"{rss_kb / 1024:.0f} MiB = {ratio:.2f}x the input (floor: under 3x) {verdict}")
sys.exit(0 if verdict == "PASS" else 1)
PY
}

# --- Section: client_catalog -------------------------------------------------------------
# Client testing speed: `wsspec test-client` runs the client catalog except 9.*, 12.*, 13.*
# against the reference client (`wsspec client -j 8`, 8 cases in parallel), which it starts
# with --exec. Prints the wall time; floor: under 10 s.
bench_client_catalog() {
  echo "== client_catalog: test-client, catalog except 9.*, reference client -j 8 =="
  build_release wsspec
  local wsspec=$build_dir/harness/wsspec out
  out=$(mktemp -d)
  local start end status=0
  start=$(date +%s.%N)
  timeout 300 "$wsspec" test-client --listen 127.0.0.1:0 --exclude '9.*,12.*,13.*' -q \
    --report-dir "$out" --exec "'$wsspec' client {url} --agent wsspec-client -j 8" \
    >"$out/run.txt" 2>&1 || status=$?
  end=$(date +%s.%N)
  local seconds verdict
  seconds=$(python3 -c "print(f'{$end - $start:.2f}')")
  verdict=$(python3 -c "print('PASS' if $end - $start < 10 and $status == 0 else 'MISS')")
  echo "client catalog: $(grep -o '[0-9]* of [0-9]* cases passed' "$out/run.txt") in $seconds s" \
    "(floor: under 10 s, all passed) $verdict"
  rm -rf "$out"
  if [ "$verdict" = MISS ] && [ "${WSSPEC_BENCH_STRICT:-0}" = 1 ]; then return 1; fi
}

# --- Section: h2 ----------------------------------------------------------------------------
# The catalog except 9.* over HTTP/2 (RFC 8441 extended CONNECT, h2c) and over HTTP/1.1,
# against the same `wsspec serve` (both listeners), -j 2; prints both times and the ratio
# (issue 13's goal: h2c within 1.5x of HTTP/1.1). Over h2c, hs.* are skipped by test-server.
bench_h2() {
  echo "== h2: catalog except 9.* over h2c vs HTTP/1.1, same wsspec serve, -j 2 =="
  build_release wsspec
  local wsspec=$build_dir/harness/wsspec out log ws_url h2_url server_pid
  out=$(mktemp -d)
  log=$out/serve.log
  "$wsspec" serve --listen 127.0.0.1:0 --h2c-listen 127.0.0.1:0 >"$log" 2>&1 &
  server_pid=$!
  for _ in $(seq 1 100); do
    ws_url=$(sed -n 's/^wsspec serve: listening on \(ws:.*\)$/\1/p' "$log")
    h2_url=$(sed -n 's/^wsspec serve: listening on \(h2c:.*\)$/\1/p' "$log")
    [ -n "$ws_url" ] && [ -n "$h2_url" ] && break
    sleep 0.1
  done
  local name url start end status h1_seconds="" seconds
  for name in http1 h2c; do
    url=$ws_url
    [ "$name" = h2c ] && url=$h2_url
    status=0
    start=$(date +%s.%N)
    timeout 600 "$wsspec" test-server "$url" --exclude='9.*,12.*,13.*' -j 2 -q --format json \
      --report-dir "$out/$name" >"$out/$name.txt" 2>&1 || status=$?
    end=$(date +%s.%N)
    seconds=$(python3 -c "print(f'{$end - $start:.2f}')")
    echo "$name: $(grep -o '[0-9]* of [0-9]* cases passed' "$out/$name.txt") in $seconds s (exit $status)"
    [ "$name" = http1 ] && h1_seconds=$seconds
  done
  python3 -c "print(f'h2c / http1: {$seconds / max($h1_seconds, 0.01):.2f}x (goal: under 1.5x)')"
  kill "$server_pid" 2>/dev/null || true
  wait "$server_pid" 2>/dev/null || true
  rm -rf "$out"
}

# === Later sections go here ==============================================================
# Add one function per section (bench_catalog for server catalog timing, bench_report for
# report timing, ...), following bench_codec, and list its name in `sections` below.
# ========================================================================================

# --- Section: server_catalog -------------------------------------------------------------
# test-server against `wsspec serve` with -j 2: the catalog except 9.* (floor: under 10 s),
# then 9.* alone (floor: under 60 s), with the harness's peak RSS (floor: under 200 MiB).

bench_server_catalog() {
  echo "== server_catalog: test-server against wsspec serve, -j 2 =="
  build_release wsspec
  local wsspec=$build_dir/harness/wsspec out log url server_pid
  out=$(mktemp -d)
  log=$out/serve.log
  "$wsspec" serve --listen 127.0.0.1:0 >"$log" 2>&1 &
  server_pid=$!
  for _ in $(seq 1 100); do
    url=$(sed -n 's/^wsspec serve: listening on \(ws:.*\)$/\1/p' "$log")
    [ -n "$url" ] && break
    sleep 0.1
  done
  local miss=0 name cases floor start end seconds rss status
  for run in "catalog-except-9-12-13:--exclude=9.*,12.*,13.*:10" "9.*:--cases=9.*:60"; do
    IFS=: read -r name cases floor <<<"$run"
    status=0
    start=$(date +%s.%N)
    /usr/bin/time -f "%M" -o "$out/rss.txt" timeout 300 "$wsspec" test-server "$url" "$cases" -j 2 -q \
      --format json --report-dir "$out/$name" >"$out/$name.txt" 2>&1 || status=$?
    end=$(date +%s.%N)
    seconds=$(python3 -c "print(f'{$end - $start:.2f}')")
    rss=$(( $(tail -1 "$out/rss.txt") / 1024 ))
    local verdict=PASS
    python3 -c "import sys; sys.exit(0 if $end - $start < $floor and $status == 0 and $rss < 200 else 1)" || verdict=MISS
    [ "$verdict" = PASS ] || miss=1
    echo "$name: $(grep -o '[0-9]* of [0-9]* cases passed' "$out/$name.txt") in $seconds s," \
      "peak RSS $rss MiB (floors: under $floor s, under 200 MiB, all passed) $verdict"
  done
  kill "$server_pid" 2>/dev/null || true
  wait "$server_pid" 2>/dev/null || true
  rm -rf "$out"
  if [ "$miss" = 1 ] && [ "${WSSPEC_BENCH_STRICT:-0}" = 1 ]; then return 1; fi
}

# --- Section: deflate_catalog ------------------------------------------------------------
# Autobahn 12.* and 13.* (216 cases, 1000 compressed messages each, about 11 GB each way)
# with test-server against `wsspec serve` at -j 2, both with permessage-deflate on. Floors:
# under 300 s (Autobahn takes 15-30 minutes for the same cases) and a peak RSS of the
# harness under 300 MiB; every case OK. Also prints the server's peak RSS.
bench_deflate_catalog() {
  echo "== deflate_catalog: 12.* and 13.* against wsspec serve, -j 2 =="
  build_release wsspec
  local wsspec=$build_dir/harness/wsspec out url server_pid status=0 start end
  out=$(mktemp -d)
  /usr/bin/time -f "%M %U %S" -o "$out/serve_rss.txt" "$wsspec" serve --listen 127.0.0.1:0 \
    >"$out/serve.log" 2>&1 &
  server_pid=$!
  for _ in $(seq 1 100); do
    url=$(sed -n 's/^wsspec serve: listening on \(ws:.*\)$/\1/p' "$out/serve.log")
    [ -n "$url" ] && break
    sleep 0.1
  done
  start=$(date +%s.%N)
  /usr/bin/time -f "%M %U %S" -o "$out/rss.txt" timeout 900 "$wsspec" test-server "$url" \
    --cases '12.*,13.*' -j 2 -q --format json --report-dir "$out/report" >"$out/run.txt" 2>&1 ||
    status=$?
  end=$(date +%s.%N)
  # SIGINT: serve stops and /usr/bin/time writes its figure.
  pkill -INT -P "$server_pid" 2>/dev/null || kill -INT "$server_pid" 2>/dev/null || true
  wait "$server_pid" 2>/dev/null || true
  local seconds rss serve_rss verdict=PASS
  seconds=$(python3 -c "print(f'{$end - $start:.1f}')")
  rss=$(( $(tail -1 "$out/rss.txt" | cut -d' ' -f1) / 1024 ))
  serve_rss=$(( $(tail -1 "$out/serve_rss.txt" 2>/dev/null | cut -d' ' -f1 || echo 0) / 1024 ))
  python3 -c "import sys; sys.exit(0 if $end - $start < 300 and $status == 0 and $rss < 300 else 1)" ||
    verdict=MISS
  echo "12.* and 13.*: $(grep -o '[0-9]* of [0-9]* cases passed' "$out/run.txt") in $seconds s," \
    "peak RSS $rss MiB (wsspec serve: $serve_rss MiB) (floors: under 300 s, under 300 MiB," \
    "all passed) $verdict"
  # CPU time does not depend on what else the machine runs: half of it is the least the run
  # can take on 2 idle cores, so a loaded machine's wall time can be read against it.
  python3 - "$out/rss.txt" "$out/serve_rss.txt" "$seconds" <<'PY'
import sys
def cpu(path):
    try:
        _, user, system = open(path).read().split()[-3:]
        return float(user) + float(system)
    except (OSError, ValueError):
        return 0.0
harness, serve = cpu(sys.argv[1]), cpu(sys.argv[2])
print(f"CPU: harness {harness:.0f} s + wsspec serve {serve:.0f} s = {harness + serve:.0f} s; "
      f"on 2 idle cores at least {(harness + serve) / 2:.0f} s (wall here: {sys.argv[3]} s, "
      f"load average {open('/proc/loadavg').read().split()[0]})")
PY
  python3 - "$out/report/wsspec.json" <<'PY'
import json, sys
cases = json.load(open(sys.argv[1]))["cases"]
slow = sorted(cases, key=lambda c: -c.get("duration_ms", 0))[:3]
print("slowest: " + ", ".join(f"{c['id']} {c['duration_ms'] / 1000:.1f} s" for c in slow))
PY
  rm -rf "$out"
  if [ "$verdict" = MISS ] && [ "${WSSPEC_BENCH_STRICT:-0}" = 1 ]; then return 1; fi
}

# --- Section: floods -----------------------------------------------------------------------
# Peers that answer the handshake and then flood (tests/integration/peers/flood_peer.py:
# 64 KiB text frames, empty frames, 125-byte Pings, a Ping every 2 ms), as a server for
# test-server and as a client for test-client, 4 cases each with --timeout 3000. Prints
# wsspec's peak RSS (floor: under 256 MiB) and the run's duration and longest case (floor:
# the case timeout + 1 s) per flood kind.
bench_floods() {
  echo "== floods: peers that flood after the handshake, 4 cases, --timeout 3000 =="
  build_release wsspec
  local wsspec=$build_dir/harness/wsspec out peer=tests/integration/peers/flood_peer.py
  out=$(mktemp -d)
  local miss=0 kind role cases ncases timeout_ms=3000 start end status rss seconds longest
  for kind in text64k empty ping trickle; do
    cases=1.1.1,2.2,5.1,9.1.1
    [ "$kind" = trickle ] && cases=1.1.1,2.2,5.1  # 9.1.1 has its own 20 s timeout
    ncases=$(tr ',' '\n' <<<"$cases" | wc -l)
    for role in server client; do
      local dir=$out/$role-$kind peer_pid= url=
      mkdir -p "$dir"
      if [ "$role" = server ]; then
        python3 "$peer" server "$kind" >"$dir/peer.log" 2>&1 &
        peer_pid=$!
        for _ in $(seq 1 100); do
          url=$(sed -n 's/^listening on \(127\.0\.0\.1:[0-9]*\)$/ws:\/\/\1\//p' "$dir/peer.log")
          [ -n "$url" ] && break
          sleep 0.05
        done
      fi
      status=0
      start=$(date +%s.%N)
      if [ "$role" = server ]; then
        /usr/bin/time -f "%M" -o "$dir/rss.txt" timeout 120 "$wsspec" test-server "$url" \
          --cases "$cases" --timeout "$timeout_ms" -q --format json --report-dir "$dir/report" \
          >"$dir/run.txt" 2>&1 || status=$?
        kill "$peer_pid" 2>/dev/null || true
        wait "$peer_pid" 2>/dev/null || true
      else
        /usr/bin/time -f "%M" -o "$dir/rss.txt" timeout 120 "$wsspec" test-client \
          --listen 127.0.0.1:0 --cases "$cases" --timeout "$timeout_ms" -q --format json \
          --report-dir "$dir/report" \
          --exec "python3 '$peer' client $kind {url} --cases $ncases" >"$dir/run.txt" 2>&1 ||
          status=$?
      fi
      end=$(date +%s.%N)
      seconds=$(python3 -c "print(f'{$end - $start:.2f}')")
      rss=$(tail -1 "$dir/rss.txt" 2>/dev/null | tr -cd '0-9')
      rss=$(( ${rss:-0} / 1024 ))
      longest=$(python3 -c "import json,sys; print(max((c.get('duration_ms', 0) for c in json.load(open(sys.argv[1]))['cases']), default=-1))" \
        "$dir/report/wsspec.json" 2>/dev/null || echo -1)
      local verdict=PASS
      python3 -c "import sys; sys.exit(0 if $status == 1 and $rss < 256 and 0 <= $longest <= $timeout_ms + 1000 else 1)" ||
        verdict=MISS
      [ "$verdict" = PASS ] || miss=1
      printf '%-7s %-8s peak RSS %4d MiB, %6s s, longest case %6.0f ms, exit %d (floors: under 256 MiB, case under %d ms, exit 1) %s\n' \
        "$role" "$kind" "$rss" "$seconds" "$longest" "$status" $((timeout_ms + 1000)) "$verdict"
    done
  done
  rm -rf "$out"
  if [ "$miss" = 1 ] && [ "${WSSPEC_BENCH_STRICT:-0}" = 1 ]; then return 1; fi
}

# --- Section: fuzz_throughput ------------------------------------------------------------
# `wsspec fuzz-server` against `wsspec serve` on loopback with one worker: first the raw rate
# of plain connections (connect, handshake, one echo, close) measured by the same binary
# (--raw-rate), then the fuzzer's execs/s (mutate, derive the expectations, run, judge).
# Floor: the fuzzer keeps at least half the raw rate, with no finding.
bench_fuzz_throughput() {
  echo "== fuzz_throughput: fuzz-server against wsspec serve, one worker =="
  build_release wsspec
  local wsspec=$build_dir/harness/wsspec out log url server_pid status=0
  local raw_s=${WSSPEC_BENCH_FUZZ_RAW_S:-10} fuzz_s=${WSSPEC_BENCH_FUZZ_S:-30}
  out=$(mktemp -d)
  log=$out/serve.log
  "$wsspec" serve --listen 127.0.0.1:0 >"$log" 2>&1 &
  server_pid=$!
  for _ in $(seq 1 100); do
    url=$(sed -n 's/^wsspec serve: listening on \(ws:.*\)$/\1/p' "$log")
    [ -n "$url" ] && break
    sleep 0.1
  done
  timeout $((raw_s + fuzz_s + 120)) "$wsspec" fuzz-server "$url" --raw-rate "$raw_s" \
    --time "$fuzz_s" --seed 1 --report-dir "$out/fuzz" >"$out/fuzz.txt" 2>&1 || status=$?
  kill "$server_pid" 2>/dev/null || true
  wait "$server_pid" 2>/dev/null || true
  local verdict=MISS
  if python3 - "$out/fuzz.txt" "$out/fuzz/fuzz.json" "$status" <<'PY'; then verdict=PASS; fi
import json, re, sys
text = open(sys.argv[1]).read()
m = re.search(r"^raw: (\d+) connections .* ([0-9.]+)/s", text, re.M)
r = json.load(open(sys.argv[2]))
raw = float(m.group(2)) if m else 0.0
fuzz = r["execs_per_s"]
ratio = fuzz / raw if raw else 0.0
ok = ratio >= 0.5 and int(sys.argv[3]) == 0 and not r["findings"]
print(f"raw connect+handshake+echo+close: {raw:.0f}/s; fuzz-server: {fuzz:.0f} execs/s "
      f"({r['execs']} inputs, {len(r['findings'])} findings); ratio {ratio:.2f} "
      f"(floor: at least 0.50, no finding)")
sys.exit(0 if ok else 1)
PY
  echo "fuzz_throughput: $verdict"
  rm -rf "$out"
  if [ "$verdict" = MISS ] && [ "${WSSPEC_BENCH_STRICT:-0}" = 1 ]; then return 1; fi
}

# --- Section: fuzz_planted ---------------------------------------------------------------
# `wsspec fuzz-server --exec` against tests/integration/peers/planted_bug_server.py (six
# planted bugs the catalog does not reach) with a fixed seed, one worker: the time to find
# each bug, from the `at_s` of its finding in fuzz.json (findings matched to bugs by
# tests/integration/peers/planted_bug_findings.py, as test_fuzz_planted_bugs.sh does).
# Floor: each bug within 300 s (PASS/MISS per bug). The run lasts WSSPEC_BENCH_PLANTED_S
# (default 300) with seed WSSPEC_BENCH_PLANTED_SEED (default 1); the HTML report of the
# run is kept in build/release/bench/fuzz_planted/.
bench_fuzz_planted() {
  echo "== fuzz_planted: fuzz-server --exec against the planted-bug server =="
  build_release wsspec
  local wsspec=$build_dir/harness/wsspec status=0 port
  local run_s=${WSSPEC_BENCH_PLANTED_S:-300} seed=${WSSPEC_BENCH_PLANTED_SEED:-1}
  local out=$results_dir/fuzz_planted server=tests/integration/peers/planted_bug_server.py
  rm -rf "$out"
  mkdir -p "$out"
  port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
  timeout -k 5 $((run_s + 300)) "$wsspec" fuzz-server "ws://127.0.0.1:$port/" \
    --exec "/usr/bin/python3 '$PWD/$server' --port $port" --time "$run_s" --seed "$seed" \
    --timeout 500 --report-dir "$out" >"$out/fuzz.txt" 2>&1 || status=$?
  local verdict=MISS
  if PYTHONPATH=tests/integration/peers python3 - "$out/fuzz.json" "$status" <<'PY'; then verdict=PASS; fi
import json, sys
from planted_bug_findings import BUGS, by_bug
floor_s = 300
r = json.load(open(sys.argv[1]))
found, other = by_bug(r.get("findings", []))
ok = int(sys.argv[2]) == 1 and not other
print(f"seed {r['seed']}, {r['duration_s']:.0f} s, {r['execs']} inputs ({r['execs_per_s']:.0f}/s), "
      f"{r['restarts']} restarts of the server")
for name in BUGS:
    if name in found:
        f = min(found[name], key=lambda f: f["at_s"])
        hit = f["at_s"] <= floor_s
        ok = ok and hit
        print(f"  {name:<19} found after {f['at_s']:6.1f} s, {f['exec']:>7} inputs "
              f"({f['kind']}, {f['steps_found']} -> {f['steps_minimized']} steps)  "
              f"{'PASS' if hit else 'MISS'}")
    else:
        ok = False
        print(f"  {name:<19} not found in {r['duration_s']:.0f} s                          MISS")
for f in other:
    print(f"  not a planted bug: {f['id']} {f['signature']}")
print(f"(floor: every bug within {floor_s} s, no other finding; the report: "
      f"{sys.argv[1].rsplit('/', 1)[0]}/index.html)")
sys.exit(0 if ok else 1)
PY
  echo "fuzz_planted: $verdict"
  if [ "$verdict" = MISS ] && [ "${WSSPEC_BENCH_STRICT:-0}" = 1 ]; then return 1; fi
}

sections=(codec reports client_catalog server_catalog deflate_catalog floods h2 fuzz_throughput fuzz_planted)

main() {
  if [ "${1:-}" = -h ] || [ "${1:-}" = --help ]; then
    sed -n '2,/^set -euo/{/^#/s/^# \{0,1\}//p}' "$0"
    return 0
  fi
  local selected=("$@")
  [ ${#selected[@]} -eq 0 ] && selected=("${sections[@]}")
  local s
  for s in "${selected[@]}"; do
    if [[ " ${sections[*]} " != *" $s "* ]]; then
      echo "bench.sh: unknown section '$s' (known: ${sections[*]})" >&2
      exit 2
    fi
  done
  for s in "${selected[@]}"; do
    "bench_$s"
  done
}

main "$@"
