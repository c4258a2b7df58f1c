// Close frame bodies (RFC 6455 5.5.1, 7.4): empty, or a 2-byte code followed by a UTF-8
// reason. Which codes may appear on the wire follows 7.4.1/7.4.2 and the IANA registry.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string_view>

#include "harness/codec/protocol_error.h"

namespace wsspec::codec {

struct ClosePayload {
    std::optional<std::uint16_t> code;  // absent: empty body (treated as 1005 "no status")
    std::string_view reason;            // view into the caller's bytes
};

struct CloseParseResult {
    ErrorKind error = ErrorKind::none;
    ClosePayload payload;
};

// 1000-1003, 1007-1014 (1012-1014 from the IANA registry) and 3000-4999 may be sent.
// 1004 is reserved; 1005, 1006 and 1015 MUST NOT be sent; everything below 1000, the
// unassigned rest of 1000-2999 and anything above 4999 is not a valid code to receive.
bool is_valid_close_code(std::uint16_t code);

CloseParseResult parse_close_payload(const std::uint8_t* data, std::size_t size);

}  // namespace wsspec::codec
