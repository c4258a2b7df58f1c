// Defects the reference client can be told to have (`wsspec client --inject-defect NAME`),
// for the mutation tests: each breaks one RFC rule a client must keep, and the client
// catalog must catch each in the right category. Never enabled unless asked for.
#pragma once

#include <span>
#include <string_view>

#include "harness/peer/injected_defects.h"

namespace wsspec::client {

enum class ClientDefect : unsigned {
    no_mask,                // 5.3: a client MUST mask every frame it sends
    accept_bad_accept_key,  // 4.1: a wrong or missing Sec-WebSocket-Accept MUST fail
    accept_masked_frames,   // 5.1: a client MUST close on a masked server frame
    no_pong,                // 5.5.2: a Pong MUST be sent in response to a Ping
    no_close_reply,         // 5.5.1: a Close MUST be answered with a Close
    accept_invalid_utf8,    // 8.1: invalid UTF-8 in text MUST fail the connection
    accept_reserved_bits,   // 5.2: RSV bits without an extension MUST fail
    text_as_binary,         // echo: text messages come back as binary
    accept_bad_close_code,  // 7.4: invalid close codes accepted and echoed in the reply
};

using ClientDefectInfo = peer::DefectInfo<ClientDefect>;
using ClientDefectSet = peer::DefectSet<ClientDefect>;

std::span<const ClientDefectInfo> all_client_defects();
// Parses a comma-separated list of names; throws std::invalid_argument naming the bad one.
ClientDefectSet parse_client_defects(std::string_view list);

}  // namespace wsspec::client
