#!/usr/bin/env bash
# ctest-labels: fuzz;slow
# fuzz/oss-fuzz/build.sh run the way OSS-Fuzz runs it (CC, CXX, CFLAGS, CXXFLAGS,
# LIB_FUZZING_ENGINE, OUT, WORK set; clang, ASan, libFuzzer) into a temporary OUT: every
# fuzzer must be produced with its dictionary and seed corpus, and run one seed input.
# Compiles the codec with clang, so it takes a few minutes: label `slow` (ctest -LE slow
# skips it). Skipped (passes with a note) when clang or libFuzzer is not installed.
# Args: path to the wsspec binary (unused), build dir (unused). Env: WSSPEC_SOURCE_DIR.
set -euo pipefail
src=${WSSPEC_SOURCE_DIR:?WSSPEC_SOURCE_DIR must point at the source tree}

if ! command -v clang >/dev/null || ! command -v clang++ >/dev/null ||
   ! echo 'extern "C" int LLVMFuzzerTestOneInput(const char*, unsigned long) { return 0; }' |
     clang++ -x c++ -fsanitize=fuzzer - -o /dev/null 2>/dev/null; then
  echo "SKIP: clang with libFuzzer is not installed"
  exit 0
fi

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
mkdir -p "$tmp/src" "$tmp/work" "$tmp/out"
# OSS-Fuzz's address-sanitizer flags (infra/base-images/base-builder), minus -stdlib=libc++
# (its libc++ is built into the image; here the system's libstdc++ is used).
flags="-O1 -fno-omit-frame-pointer -gline-tables-only -DFUZZING_BUILD_MODE_UNSAFE_FOR_PRODUCTION"
flags+=" -fsanitize=address -fsanitize-address-use-after-scope -fsanitize=fuzzer-no-link"
export CC=clang CXX=clang++ CFLAGS="$flags" CXXFLAGS="$flags"
export LIB_FUZZING_ENGINE=-fsanitize=fuzzer
export SRC=$tmp/src WORK=$tmp/work OUT=$tmp/out
bash "$src/fuzz/oss-fuzz/build.sh" >"$tmp/build.log" 2>&1 || {
  tail -40 "$tmp/build.log"; echo "FAIL: build.sh failed"; exit 1; }

fuzzers=(handshake_request handshake_response frame_header connection_server
         connection_client connection_deflate deflate_diff utf8_diff frames frame_diff
         close_payload case_loader)
status=0
for t in "${fuzzers[@]}"; do
  f=$OUT/${t}_fuzzer
  if [ ! -x "$f" ]; then echo "FAIL: $f missing"; status=1; continue; fi
  [ -f "$f.dict" ] || { echo "FAIL: $f.dict missing"; status=1; }
  zip=${f}_seed_corpus.zip
  [ -f "$zip" ] || { echo "FAIL: $zip missing"; status=1; continue; }
  mkdir -p "$tmp/seed/$t"
  python3 - "$zip" "$tmp/seed/$t" <<'PY'
import sys, zipfile
with zipfile.ZipFile(sys.argv[1]) as z:
    name = sorted(z.namelist())[0]
    with open(sys.argv[2] + "/input", "wb") as f:
        f.write(z.read(name))
PY
  if "$f" -runs=1 "$tmp/seed/$t/input" >"$tmp/$t.log" 2>&1; then
    echo "ok: $t built and ran one input"
  else
    tail -20 "$tmp/$t.log"; echo "FAIL: $t crashed on its first seed"; status=1
  fi
done
exit $status
