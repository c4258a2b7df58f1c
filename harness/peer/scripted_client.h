// The scripted client: runs one case against a server under test, over one connection, and
// records everything the server did (events, wire log, close behaviour) as an Observation.
// It uses the codec to read the server's frames and frame_writer to send frames that may
// lie; it never judges -- that is the runner's job.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "harness/cases/case.h"
#include "harness/oracle/observation.h"
#include "harness/peer/byte_stream.h"
#include "harness/peer/case_session.h"
#include "harness/peer/target_url.h"

namespace wsspec::peer {

struct ClientSettings : CaseLimits {
    TargetUrl url;
    TlsSettings tls;
    std::string origin;                  // sent as Origin when set
    std::vector<std::string> protocols;  // offered to every case (Autobahn spec "protocols")
    // The opening handshake of cases without a handshake of their own: 13 (RFC 6455) or
    // 8 (hybi-10: Sec-WebSocket-Version 8, Sec-WebSocket-Origin).
    int ws_version = 13;
};

oracle::Observation run_case_as_client(const cases::Case& c, const ClientSettings& settings);

}  // namespace wsspec::peer
