// The codec benchmark program: wsspec's hot paths measured side by side with Boost.Beast
// (and with simple yardsticks: memcpy, a plain word loop, simdjson called directly).
// Each benchmark is named family/implementation/case, e.g. "unmask/beast/1MiB";
// tools/bench.sh runs this program and tools/bench_codec_summary.py turns its JSON output
// into ratios of ours against each reference, and checks the project's floors.
//
// The benchmarks register themselves from unmask_bench.cpp, utf8_bench.cpp and
// small_frames_bench.cpp.
#include <benchmark/benchmark.h>

BENCHMARK_MAIN();
