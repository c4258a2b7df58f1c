// The connection state machine in the server role: the bytes a client sends, in
// fuzzer-chosen reads. Input format and properties: connection_fuzzing.h.
#include "fuzz/connection_fuzzing.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    return wsspec::fuzz::fuzz_connection(wsspec::codec::Role::server, data, size);
}
