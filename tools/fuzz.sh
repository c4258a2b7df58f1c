#!/usr/bin/env bash
# Builds the libFuzzer targets (CMake preset `fuzz`: clang, ASan+UBSan) and runs them.
#
#   tools/fuzz.sh [TARGET...] [--time S] [--jobs N] [--minimize] [--no-build]
#
#   TARGET      one or more of the targets in fuzz/CMakeLists.txt (default: all of them)
#   --time S    seconds per target (default 60). Targets run --jobs at a time (default:
#               min(2, nproc)), so the whole run takes about ceil(targets / jobs) * S
#               seconds plus the build: with the 14 targets, 2 cores and tools/test.sh's
#               --time 15, about 2 minutes (WSSPEC_FUZZ_SECONDS changes it).
#   --minimize  afterwards, merge what the run found into corpus/<target>/ with
#               -merge=1 (keeps only inputs that add coverage). After regenerating seeds
#               with tools/gen_fuzz_corpus.py, run `tools/fuzz.sh --time 0 --minimize`.
#   --no-build  use the existing build/fuzz binaries.
#
# Each target starts from corpus/<target>/ and corpus/regressions/<target>/ (read only: new
# inputs go to a scratch directory) with fuzz/<target>.dict. A crash, leak, timeout or
# out-of-memory is saved under build/fuzz/artifacts/<target>/ -- add it to
# corpus/regressions/<target>/ once fixed -- and makes the script exit 1.
#
# Prints one row per target (runs, exec/s, coverage cov/ft, corpus size, crashes) and the
# exec/s of `frames` (wsspec's server reading frames) next to `frames_beast` (Boost.Beast
# doing the same work on the same kind of input); the two run concurrently when both are
# selected, so they share the machine's load.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)

all_targets=(frames frames_beast frame_diff connection_server connection_client
             connection_deflate deflate_diff utf8_diff frame_header handshake_request
             handshake_response close_payload case_loader h2_session)
targets=()
seconds=60
jobs=$(( $(nproc) < 2 ? $(nproc) : 2 ))
minimize=0
build=1
while [ $# -gt 0 ]; do
  case "$1" in
    --time) seconds=$2; shift 2 ;;
    --time=*) seconds=${1#--time=}; shift ;;
    --jobs) jobs=$2; shift 2 ;;
    --minimize) minimize=1; shift ;;
    --no-build) build=0; shift ;;
    -h|--help) sed -n '2,/^set -e/p' "$0" | sed '$d; s/^# \{0,1\}//'; exit 0 ;;
    -*) echo "fuzz.sh: unknown option $1" >&2; exit 2 ;;
    *)
      if [[ " ${all_targets[*]} " != *" $1 "* ]]; then
        echo "fuzz.sh: unknown target $1 (one of: ${all_targets[*]})" >&2; exit 2
      fi
      targets+=("$1"); shift ;;
  esac
done
[ ${#targets[@]} -gt 0 ] || targets=("${all_targets[@]}")

bin_dir=$root/build/fuzz/fuzz
if [ "$build" = 1 ]; then
  echo "== building the fuzz preset (clang, ASan+UBSan, libFuzzer) =="
  cmake --preset fuzz >/dev/null
  cmake --build --preset fuzz -j "$(nproc)" >/dev/null
fi

run_dir=$(mktemp -d "${TMPDIR:-/tmp}/wsspec-fuzz.XXXXXX")
trap 'rm -rf "$run_dir"' EXIT
artifacts=$root/build/fuzz/artifacts
export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=1}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}

run_target() {
  local t=$1 work=$run_dir/$1
  mkdir -p "$work/new" "$artifacts/$t"
  local args=(-max_total_time="$seconds" -print_final_stats=1 -timeout=10 -rss_limit_mb=2048
              -artifact_prefix="$artifacts/$t/")
  [ -f "fuzz/$t.dict" ] && args+=(-dict="fuzz/$t.dict")
  local dirs=("$work/new")
  [ -d "corpus/$t" ] && dirs+=("corpus/$t")
  [ -d "corpus/regressions/$t" ] && dirs+=("corpus/regressions/$t")
  if [ "$seconds" -gt 0 ]; then
    set +e
    "$bin_dir/${t}_fuzzer" "${args[@]}" "${dirs[@]}" >"$work/log" 2>&1
    echo $? >"$work/rc"
    set -e
  else
    # No fuzzing: just replay the corpora once.
    set +e
    "$bin_dir/${t}_fuzzer" -runs=0 "${args[@]}" "${dirs[@]}" >"$work/log" 2>&1
    echo $? >"$work/rc"
    set -e
  fi
}

# Run in waves of $jobs; `frames` and `frames_beast` are adjacent in the list so they
# share a wave.
echo "== fuzzing ${#targets[@]} targets, ${seconds}s each, $jobs at a time =="
i=0
while [ $i -lt ${#targets[@]} ]; do
  pids=()
  for ((k = 0; k < jobs && i < ${#targets[@]}; k++, i++)); do
    run_target "${targets[$i]}" & pids+=($!)
  done
  for p in "${pids[@]}"; do wait "$p"; done
done

stat() {  # stat NAME LOG: a libFuzzer -print_final_stats value
  sed -n "s/^stat::$1: *//p" "$2" | tail -1
}
failed=0
printf '\n%-20s %12s %9s %15s %16s %8s\n' target runs exec/s cov/ft corpus crashes
declare -A speed
for t in "${targets[@]}"; do
  log=$run_dir/$t/log
  rc=$(cat "$run_dir/$t/rc")
  runs=$(stat number_of_executed_units "$log"); runs=${runs:-0}
  eps=$(stat average_exec_per_sec "$log"); eps=${eps:-0}
  speed[$t]=$eps
  last=$(grep -E '^#[0-9]+[[:space:]]' "$log" | grep -E 'cov: ' | tail -1 || true)
  cov=$(sed -n 's/.* cov: \([0-9]*\) ft: \([0-9]*\).*/\1\/\2/p' <<<"$last")
  corp=$(sed -n 's/.* corp: \([0-9]*\/[0-9]*[bKM]*\).*/\1/p' <<<"$last")
  crashes=0
  if [ "$rc" != 0 ]; then
    crashes=$(find "$artifacts/$t" -type f -newer "$run_dir/$t/new" | wc -l)
    [ "$crashes" -gt 0 ] || crashes=1
    failed=1
  fi
  printf '%-20s %12s %9s %15s %16s %8s\n' "$t" "$runs" "$eps" "${cov:--}" "${corp:--}" "$crashes"
done

if [ -n "${speed[frames]:-}" ] && [ -n "${speed[frames_beast]:-}" ] && [ "$seconds" -gt 0 ]; then
  ours=${speed[frames]} beast=${speed[frames_beast]}
  ratio=$(awk -v a="$ours" -v b="$beast" 'BEGIN { if (b > 0) printf "%.1f", a / b; else print "-" }')
  printf '\nframe parsing, same run: wsspec %s exec/s, Boost.Beast %s exec/s (wsspec/Beast = %sx)\n' \
    "$ours" "$beast" "$ratio"
fi

if [ "$failed" != 0 ]; then
  for t in "${targets[@]}"; do
    if [ "$(cat "$run_dir/$t/rc")" != 0 ]; then
      echo; echo "== $t failed; the end of its log: =="
      grep -E 'ERROR|property violated|SUMMARY|artifact_prefix|Test unit written' "$run_dir/$t/log" | head -20
      tail -5 "$run_dir/$t/log"
    fi
  done
  echo; echo "fuzz.sh: crashes found; inputs are in $artifacts/<target>/" >&2
  exit 1
fi

if [ "$minimize" = 1 ]; then
  echo; echo "== minimizing corpora (-merge=1) =="
  for t in "${targets[@]}"; do
    merged=$run_dir/$t/merged
    mkdir -p "$merged"
    srcs=("$run_dir/$t/new")
    [ -d "corpus/$t" ] && srcs+=("corpus/$t")
    "$bin_dir/${t}_fuzzer" -merge=1 -timeout=10 -rss_limit_mb=2048 "$merged" "${srcs[@]}" \
      >"$run_dir/$t/merge.log" 2>&1
    rm -rf "corpus/$t" && mkdir -p "corpus/$t" && cp "$merged"/* "corpus/$t/" 2>/dev/null || true
    printf '%-20s %5d files %8s\n' "$t" "$(ls "corpus/$t" | wc -l)" "$(du -sh "corpus/$t" | cut -f1)"
  done
fi
echo "fuzz.sh: no crashes"
