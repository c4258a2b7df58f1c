#include "harness/codec/protocol_error.h"

#include "harness/codec/constants.h"

namespace wsspec::codec {

ProtocolError make_error(ErrorKind kind) {
    using namespace close_code;
    switch (kind) {
        case ErrorKind::none:
            return {};
        case ErrorKind::reserved_bits_set:
            return {kind, protocol_error, "5.2",
                    "RSV bit set but no extension defining it was negotiated"};
        case ErrorKind::reserved_opcode:
            return {kind, protocol_error, "5.2", "reserved opcode"};
        case ErrorKind::control_frame_too_long:
            return {kind, protocol_error, "5.5", "control frame payload longer than 125 bytes"};
        case ErrorKind::control_frame_fragmented:
            return {kind, protocol_error, "5.5",
                    "control frame with FIN clear (control frames MUST NOT be fragmented)"};
        case ErrorKind::length_msb_set:
            return {kind, protocol_error, "5.2",
                    "64-bit payload length with the most significant bit set"};
        case ErrorKind::non_minimal_length:
            return {kind, protocol_error, "5.2",
                    "payload length not encoded in the minimal number of bytes"};
        case ErrorKind::unmasked_client_frame:
            return {kind, protocol_error, "5.1",
                    "client frame not masked (a server MUST close the connection)"};
        case ErrorKind::masked_server_frame:
            return {kind, protocol_error, "5.1",
                    "server frame masked (a client MUST close the connection)"};
        case ErrorKind::continuation_without_start:
            return {kind, protocol_error, "5.4",
                    "continuation frame with no fragmented message to continue"};
        case ErrorKind::data_frame_inside_fragmented_message:
            return {kind, protocol_error, "5.4",
                    "new data frame while a fragmented message is in progress"};
        case ErrorKind::invalid_utf8:
            return {kind, invalid_payload, "8.1", "text message is not valid UTF-8"};
        case ErrorKind::message_too_big:
            return {kind, message_too_big, "7.4.1", "message larger than the configured limit"};
        case ErrorKind::close_payload_one_byte:
            return {kind, protocol_error, "5.5.1", "close frame payload of exactly one byte"};
        case ErrorKind::invalid_close_code:
            return {kind, protocol_error, "7.4",
                    "close code that is reserved or not allowed on the wire"};
        case ErrorKind::invalid_close_reason_utf8:
            return {kind, invalid_payload, "5.5.1", "close reason is not valid UTF-8"};
        case ErrorKind::control_frame_over_limit:
            return {kind, message_too_big, "10.4",
                    "control frame larger than this endpoint buffers (125-byte rule waived)"};
        // RFC 7692 has no close codes of its own. Data that does not inflate is "data
        // within a message that was not consistent with the type of the message" (RFC 6455
        // 7.4.1: 1007), as for invalid UTF-8; a window or context violation is bad data too.
        case ErrorKind::compressed_bit_on_continuation:
            return {kind, protocol_error, "6 (RFC 7692)",
                    "RSV1 (Per-Message Compressed) set on a continuation frame"};
        case ErrorKind::compressed_bit_on_control:
            return {kind, protocol_error, "6 (RFC 7692)",
                    "RSV1 (Per-Message Compressed) set on a control frame"};
        case ErrorKind::deflate_invalid_data:
            return {kind, invalid_payload, "7.2.2 (RFC 7692)",
                    "compressed message is not valid DEFLATE data"};
        case ErrorKind::deflate_distance_too_far:
            return {kind, invalid_payload, "7.1.1, 7.1.2 (RFC 7692)",
                    "DEFLATE back-reference beyond the negotiated window or into a previous "
                    "message after no_context_takeover was agreed"};
        case ErrorKind::deflate_truncated:
            return {kind, invalid_payload, "7.2.2 (RFC 7692)",
                    "compressed message ends inside a DEFLATE block"};
        case ErrorKind::extension_internal_error:
            return {kind, internal_error, "7.4.1", "the extension could not allocate its state"};
    }
    return {kind, protocol_error, "5", "protocol error"};
}

std::string_view error_kind_name(ErrorKind kind) {
    switch (kind) {
        case ErrorKind::none:
            return "none";
        case ErrorKind::reserved_bits_set:
            return "reserved_bits_set";
        case ErrorKind::reserved_opcode:
            return "reserved_opcode";
        case ErrorKind::control_frame_too_long:
            return "control_frame_too_long";
        case ErrorKind::control_frame_fragmented:
            return "control_frame_fragmented";
        case ErrorKind::length_msb_set:
            return "length_msb_set";
        case ErrorKind::non_minimal_length:
            return "non_minimal_length";
        case ErrorKind::unmasked_client_frame:
            return "unmasked_client_frame";
        case ErrorKind::masked_server_frame:
            return "masked_server_frame";
        case ErrorKind::continuation_without_start:
            return "continuation_without_start";
        case ErrorKind::data_frame_inside_fragmented_message:
            return "data_frame_inside_fragmented_message";
        case ErrorKind::invalid_utf8:
            return "invalid_utf8";
        case ErrorKind::message_too_big:
            return "message_too_big";
        case ErrorKind::close_payload_one_byte:
            return "close_payload_one_byte";
        case ErrorKind::invalid_close_code:
            return "invalid_close_code";
        case ErrorKind::invalid_close_reason_utf8:
            return "invalid_close_reason_utf8";
        case ErrorKind::control_frame_over_limit:
            return "control_frame_over_limit";
        case ErrorKind::compressed_bit_on_continuation:
            return "compressed_bit_on_continuation";
        case ErrorKind::compressed_bit_on_control:
            return "compressed_bit_on_control";
        case ErrorKind::deflate_invalid_data:
            return "deflate_invalid_data";
        case ErrorKind::deflate_distance_too_far:
            return "deflate_distance_too_far";
        case ErrorKind::deflate_truncated:
            return "deflate_truncated";
        case ErrorKind::extension_internal_error:
            return "extension_internal_error";
    }
    return "unknown";
}

}  // namespace wsspec::codec
