#!/bin/bash -eu
# OSS-Fuzz / ClusterFuzzLite build script for wsspec's fuzz targets.
#
# Uses the environment OSS-Fuzz sets: CC, CXX, CFLAGS, CXXFLAGS (sanitizer and coverage
# flags, -fsanitize=fuzzer-no-link), LIB_FUZZING_ENGINE (e.g. -fsanitize=fuzzer), OUT
# (where fuzzers, dictionaries and seed corpora go), SRC and WORK. It also runs outside
# OSS-Fuzz with just those variables set, e.g.
#   CC=clang CXX=clang++ CFLAGS="-fsanitize=address,fuzzer-no-link" CXXFLAGS="$CFLAGS" \
#   LIB_FUZZING_ENGINE=-fsanitize=fuzzer OUT=/tmp/out fuzz/oss-fuzz/build.sh
# (tests/integration/test_oss_fuzz_build.sh does exactly that).
#
# Dependencies: in the OSS-Fuzz image (Dockerfile) simdjson and nlohmann/json are cloned
# into $SRC and built here with the sanitizer flags (and OSS-Fuzz's libc++); without those
# checkouts the system packages are used. OpenSSL and Boost (headers) come from the system.

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
if [ -f "$here/../../harness/CMakeLists.txt" ]; then
  src=$(cd "$here/../.." && pwd)      # run from a checkout
else
  src=$SRC/wsspec                     # OSS-Fuzz copies this script to $SRC/build.sh
fi
work=${WORK:-$(mktemp -d)}
mkdir -p "$OUT" "$work"
generator=()
command -v ninja >/dev/null && generator=(-G Ninja)
jobs=$(nproc)

prefix=$work/deps
if [ -d "${SRC:-/nonexistent}/simdjson" ]; then
  cmake -S "$SRC/simdjson" -B "$work/simdjson" "${generator[@]}" \
    -DCMAKE_C_COMPILER="$CC" -DCMAKE_CXX_COMPILER="$CXX" \
    -DCMAKE_C_FLAGS="$CFLAGS" -DCMAKE_CXX_FLAGS="$CXXFLAGS" \
    -DSIMDJSON_DEVELOPER_MODE=OFF -DBUILD_SHARED_LIBS=OFF -DCMAKE_INSTALL_PREFIX="$prefix"
  cmake --build "$work/simdjson" -j "$jobs" --target install
fi
if [ -d "${SRC:-/nonexistent}/nlohmann-json" ]; then
  cmake -S "$SRC/nlohmann-json" -B "$work/nlohmann-json" "${generator[@]}" \
    -DJSON_BuildTests=OFF -DCMAKE_INSTALL_PREFIX="$prefix"
  cmake --build "$work/nlohmann-json" --target install
fi

# No CMAKE_BUILD_TYPE: the optimization and debug flags are OSS-Fuzz's, from CFLAGS.
cmake -S "$src" -B "$work/wsspec" "${generator[@]}" \
  -DCMAKE_C_COMPILER="$CC" -DCMAKE_CXX_COMPILER="$CXX" \
  -DCMAKE_C_FLAGS="$CFLAGS" -DCMAKE_CXX_FLAGS="$CXXFLAGS" \
  -DCMAKE_PREFIX_PATH="$prefix" \
  -DWSSPEC_BUILD_FUZZ=ON -DWSSPEC_FUZZ_ENGINE="$LIB_FUZZING_ENGINE" \
  -DWSSPEC_BUILD_TESTS=OFF -DWSSPEC_BUILD_TOOLS=OFF -DWSSPEC_BUILD_BENCH=OFF

# frames_beast only fuzzes Boost.Beast (it exists for the speed comparison in
# tools/fuzz.sh); Beast has its own OSS-Fuzz project, so it is not shipped here.
fuzzers=(handshake_request handshake_response frame_header connection_server
         connection_client connection_deflate deflate_diff utf8_diff frames frame_diff
         close_payload case_loader)
cmake --build "$work/wsspec" -j "$jobs" --target "${fuzzers[@]/%/_fuzzer}"

for t in "${fuzzers[@]}"; do
  cp "$work/wsspec/fuzz/${t}_fuzzer" "$OUT/"
  [ -f "$src/fuzz/$t.dict" ] && cp "$src/fuzz/$t.dict" "$OUT/${t}_fuzzer.dict"
  seeds=()
  for d in "$src/corpus/$t" "$src/corpus/regressions/$t"; do
    [ -d "$d" ] && seeds+=("$d"/*)
  done
  if [ ${#seeds[@]} -gt 0 ]; then
    rm -f "$OUT/${t}_fuzzer_seed_corpus.zip"
    # Flat zip of the seed files (python's zipfile: no dependency on zip(1)).
    python3 -m zipfile -c "$OUT/${t}_fuzzer_seed_corpus.zip" "${seeds[@]}"
  fi
done
