// `wsspec serve`: the reference echo server, Boost.Asio over the sans-IO codec. It is the
// embedded default target of the demo and the tests, so it is strict: it fails the
// connection with the right close code as soon as the offending byte arrives.
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>

#include "harness/codec/permessage_deflate_negotiation.h"
#include "harness/peer/allowed_variants.h"
#include "harness/server/memory_budget.h"
#include "harness/server/server_defects.h"

namespace wsspec::server {

// Limits on what clients can make the server hold (STYLE 6): connections, and how long an
// open connection may stay silent.
constexpr std::size_t default_max_connections = 1024;
constexpr std::uint32_t default_idle_timeout_s = 60;
constexpr unsigned max_threads = 256;

struct EchoServerOptions {
    std::string host = "127.0.0.1";
    std::uint16_t port = 9001;  // 0: pick a free port
    std::uint64_t max_message_size = 64ULL << 20;
    unsigned threads = 2;  // 1..max_threads
    // Connections open at once; beyond it a new one gets 503 and is closed.
    std::size_t max_connections = default_max_connections;
    // A WebSocket connection that receives nothing for this long is closed (0: never).
    // Before the handshake the (shorter) handshake timeout applies.
    std::uint32_t idle_timeout_s = default_idle_timeout_s;
    // What all connections together may hold for inbound messages being assembled; past it
    // the connection whose message grows is failed with 1013 (memory_budget.h).
    std::uint64_t memory_budget = default_memory_budget;
    std::string server_name = "wsspec-serve";
    DefectSet defects;
    peer::VariantSet variants;  // RFC-allowed behaviour (`--variant`), not defects
    // permessage-deflate (RFC 7692): negotiated with this policy when a client offers it,
    // as real servers do; nullopt: never accepted (`--no-permessage-deflate`). Once
    // agreed, echoes are compressed and bad compressed input fails with the codec's code.
    std::optional<codec::PerMessageDeflateServerPolicy> permessage_deflate =
        codec::PerMessageDeflateServerPolicy{};
    // zlib level of our compressor. 1 (fastest) by default: as a test target the server's
    // job is a correct stream, and 12.*/13.* move about 11 GB through it.
    int deflate_level = 1;
    // One line per WebSocket connection on stdout: the peer and the negotiated extension.
    bool verbose = false;
    // Called once the socket listens, with the port actually bound.
    std::function<void(std::uint16_t)> on_listening;
    // A second listener for WebSockets over HTTP/2 (RFC 8441, h2c with prior knowledge),
    // serving the same echo; off unless `h2c` (`--h2c-listen`).
    bool h2c = false;
    std::string h2c_host = "127.0.0.1";
    std::uint16_t h2c_port = 0;
    std::function<void(std::uint16_t)> on_h2c_listening;
    // The same over TLS (h2 agreed by ALPN, RFC 9113 3.2): off unless `h2` (`--h2-listen`,
    // with `--cert` and `--key`, PEM files).
    bool h2 = false;
    std::string h2_host = "127.0.0.1";
    std::uint16_t h2_port = 0;
    std::string cert_file;
    std::string key_file;
    std::function<void(std::uint16_t)> on_h2_listening;
};

// Serves until SIGINT/SIGTERM. Returns the process exit status.
int run_echo_server(const EchoServerOptions& options);

}  // namespace wsspec::server
