// Boost.Beast's server side over a client byte stream: the same work as frames_fuzzer.cpp,
// for the exec/s comparison in tools/fuzz.sh (and a crash here is a Beast bug).
#include "fuzz/beast_server.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    wsspec::fuzz::run_beast_server(data, size);
    return 0;
}
