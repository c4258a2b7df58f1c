// `wsspec client URL`: the reference echo client over the sans-IO codec, and the driver
// loop Autobahn fuzzingserver clients run (getCaseCount, runCase 1..N echoing every
// message, updateReports) so it can be pointed at `wsspec test-client` or at Autobahn's
// own fuzzingserver. Strict like the reference server: it fails the connection on the
// first broken rule, with the close code the RFC names.
#pragma once

#include <atomic>
#include <cstdint>
#include <optional>
#include <ostream>
#include <string>
#include <vector>

#include "harness/client/client_defects.h"
#include "harness/codec/permessage_deflate_negotiation.h"
#include "harness/peer/allowed_variants.h"
#include "harness/peer/byte_stream.h"
#include "harness/peer/target_url.h"

namespace wsspec::client {

constexpr std::uint32_t default_handshake_timeout_ms = 10000;

// What browsers offer: "permessage-deflate; client_max_window_bits" (RFC 7692 7.1.2.2:
// the server may then ask for a smaller client window).
inline codec::PerMessageDeflateOffer default_deflate_offer() {
    codec::PerMessageDeflateOffer offer;
    offer.client_max_window_bits = true;
    return offer;
}

struct EchoClientOptions {
    peer::TargetUrl url;  // the fuzzingserver's base URL (its path is a prefix)
    // h2:// (RFC 8441 over TLS): how the server's certificate is checked.
    peer::TlsSettings tls;
    std::string agent = "wsspec-client";
    unsigned jobs = 1;  // runCase connections open at a time
    std::uint64_t max_message_size = 64ULL << 20;
    // Connecting, sending the request and reading the whole response head take at most
    // this long together, so a server that accepts and then says nothing (or trickles
    // bytes) cannot hold a connection before the WebSocket connection is open.
    std::uint32_t handshake_timeout_ms = default_handshake_timeout_ms;
    // Silence from the server for this long ends a connection (the server ends every case
    // by its own timeout; this only keeps a dead server from holding the client).
    std::uint32_t read_timeout_ms = 60000;
    bool update_reports = true;
    ClientDefectSet defects;
    // permessage-deflate (RFC 7692): offered on every connection and used when the server
    // accepts; an answer that does not fit the offer fails the connection (7). nullopt:
    // not offered (`--no-permessage-deflate`). The default offer is what browsers send.
    std::optional<codec::PerMessageDeflateOffer> permessage_deflate = default_deflate_offer();
    peer::VariantSet variants;         // RFC-allowed behaviour (`--variant`), not defects
    std::ostream* progress = nullptr;  // one line per case when set
    const std::atomic<bool>* stop = nullptr;
};

// What one WebSocket connection of the client saw.
struct ConnectionResult {
    bool opened = false;                // the opening handshake succeeded
    std::string error;                  // why it did not, or the rule the server broke
    std::vector<std::string> messages;  // the first messages received (endpoint answers)
    std::string extension;              // the server's accepted permessage-deflate element
};

// Connects to `target` (path and query on the options' host), echoes until the server
// closes. Used for every endpoint.
ConnectionResult run_connection(const EchoClientOptions& options, const std::string& target);

// The driver loop. Returns the exit status: 0 when the loop ran to the end, 1 when
// getCaseCount or updateReports could not be reached.
int run_echo_client(const EchoClientOptions& options, std::ostream& err);

}  // namespace wsspec::client
