// Defects the reference server can be built to have at run time, for the mutation tests:
// each one breaks a single RFC rule, and the catalog must catch each one in the right
// category. Never enabled unless asked for (`wsspec serve --inject-defect NAME`). The
// parsing and codec plumbing is shared with the reference client (peer/injected_defects.h).
#pragma once

#include <span>
#include <string_view>

#include "harness/peer/injected_defects.h"

namespace wsspec::server {

enum class Defect : unsigned {
    accept_unmasked,        // 5.1: server MUST close on unmasked client frames
    accept_reserved_bits,   // 5.2: RSV bits without an extension
    skip_utf8_check,        // 8.1: invalid UTF-8 in text MUST fail the connection
    accept_long_control,    // 5.5: control payload > 125 bytes
    accept_bad_close_code,  // 7.4: invalid close codes MUST fail the connection
    no_size_limit,          // 10.4: messages beyond the limit are accepted (no 1009)
    no_pong,                // 5.5.2: a Pong MUST be sent in response to a Ping
    wrong_pong_payload,     // 5.5.3: the Pong MUST echo the Ping's application data
    no_close_reply,         // 5.5.1: a Close MUST be answered with a Close
    wrong_close_reply,      // 5.5.1: reply with an unrelated code (1011)
    text_as_binary,         // echo: text messages come back as binary
    drop_empty_messages,    // echo: empty messages are not echoed
    fail_with_wrong_code,   // 7.4.1: protocol errors closed with 1000 instead of 1002/1007
    pong_after_close,       // 5.5.1: keeps answering pings after the peer's Close
};

using DefectInfo = peer::DefectInfo<Defect>;
using DefectSet = peer::DefectSet<Defect>;

std::span<const DefectInfo> all_defects();
// Parses a comma-separated list of names; throws std::invalid_argument naming the bad one.
DefectSet parse_defects(std::string_view list);

}  // namespace wsspec::server
