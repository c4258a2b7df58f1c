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
#include "harness/peer/target_url.h"

namespace wsspec::peer {

struct ClientSettings {
    TargetUrl url;
    TlsSettings tls;
    std::string origin;                  // sent as Origin when set
    std::vector<std::string> protocols;  // offered to every case (Autobahn spec "protocols")
    std::uint32_t default_timeout_ms = 5000;
    std::uint64_t max_message_size = 256ULL << 20;
    std::size_t wire_data_bytes = 64;  // bytes of each wire log entry kept (Autobahn: 64)
    std::size_t wire_entries = 2000;   // entries kept per case
};

oracle::Observation run_case_as_client(const cases::Case& c, const ClientSettings& settings);

}  // namespace wsspec::peer
