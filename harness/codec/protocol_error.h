// A protocol violation as the codec reports it: the close code to fail the connection
// with, the RFC section whose rule was broken, and a reason a person can read.
#pragma once

#include <cstdint>
#include <string_view>

namespace wsspec::codec {

// Every distinct rule the codec enforces. Values are stable; names say the rule.
enum class ErrorKind : std::uint8_t {
    none = 0,
    // framing (RFC 6455 5.2, 5.5)
    reserved_bits_set,
    reserved_opcode,
    control_frame_too_long,
    control_frame_fragmented,
    length_msb_set,
    non_minimal_length,
    unmasked_client_frame,
    masked_server_frame,
    // message assembly (RFC 6455 5.4)
    continuation_without_start,
    data_frame_inside_fragmented_message,
    // payload content
    invalid_utf8,
    message_too_big,
    // close frames (RFC 6455 5.5.1, 7.4)
    close_payload_one_byte,
    invalid_close_code,
    invalid_close_reason_utf8,
    // budgets (RFC 6455 10.4); appended here to keep the values above stable
    control_frame_over_limit,
    // permessage-deflate (RFC 7692 6, 7.2.2), once it is negotiated
    compressed_bit_on_continuation,
    compressed_bit_on_control,
    deflate_invalid_data,
    deflate_distance_too_far,
    deflate_truncated,
    extension_internal_error,
};

struct ProtocolError {
    ErrorKind kind = ErrorKind::none;
    std::uint16_t close_code = 0;  // what to send in the Close frame that fails the connection
    std::string_view rfc_section;  // e.g. "5.2"
    std::string_view reason;       // static text, e.g. "RSV1 set but no extension negotiated"

    explicit operator bool() const { return kind != ErrorKind::none; }
};

// The close code, section and reason for each kind (one table, protocol_error.cpp).
ProtocolError make_error(ErrorKind kind);
std::string_view error_kind_name(ErrorKind kind);

}  // namespace wsspec::codec
