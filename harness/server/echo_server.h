// `wsspec serve`: the reference echo server, Boost.Asio over the sans-IO codec. It is the
// embedded default target of the demo and the tests, so it is strict: it fails the
// connection with the right close code as soon as the offending byte arrives.
#pragma once

#include <cstdint>
#include <functional>
#include <string>

#include "harness/peer/allowed_variants.h"
#include "harness/server/server_defects.h"

namespace wsspec::server {

struct EchoServerOptions {
    std::string host = "127.0.0.1";
    std::uint16_t port = 9001;  // 0: pick a free port
    std::uint64_t max_message_size = 64ULL << 20;
    unsigned threads = 2;
    std::string server_name = "wsspec-serve";
    DefectSet defects;
    peer::VariantSet variants;  // RFC-allowed behaviour (`--variant`), not defects
    // Called once the socket listens, with the port actually bound.
    std::function<void(std::uint16_t)> on_listening;
};

// Serves until SIGINT/SIGTERM. Returns the process exit status.
int run_echo_server(const EchoServerOptions& options);

}  // namespace wsspec::server
