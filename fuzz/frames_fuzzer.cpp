// wsspec's server side over a client byte stream (canned handshake, then frames until the
// input ends, the client closes or the connection fails). frames_beast_fuzzer.cpp does the
// same with Boost.Beast; tools/fuzz.sh runs the two side by side to compare exec/s.
#include "fuzz/server_outcome.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const auto outcome = wsspec::fuzz::run_wsspec_server(data, size);
    FUZZ_CHECK((outcome.end == wsspec::fuzz::ServerOutcome::End::failed) ==
                   (outcome.error != wsspec::codec::ErrorKind::none),
               "failure without an error kind");
    return 0;
}
