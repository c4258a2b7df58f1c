// Names for the numbers RFC 6455 defines. Everything else in the codec refers to these.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string_view>

namespace wsspec::codec {

// RFC 6455 5.2: opcodes. 0x3-0x7 are reserved non-control, 0xB-0xF reserved control.
enum class Opcode : std::uint8_t {
    continuation = 0x0,
    text = 0x1,
    binary = 0x2,
    close = 0x8,
    ping = 0x9,
    pong = 0xA,
};

constexpr bool is_control(std::uint8_t opcode) {
    return (opcode & 0x8) != 0;
}
constexpr bool is_known_opcode(std::uint8_t opcode) {
    return opcode <= 0x2 || (opcode >= 0x8 && opcode <= 0xA);
}
std::string_view opcode_name(std::uint8_t opcode);

// RFC 6455 7.4.1 and the IANA "WebSocket Close Code Number Registry".
namespace close_code {
constexpr std::uint16_t normal = 1000;
constexpr std::uint16_t going_away = 1001;
constexpr std::uint16_t protocol_error = 1002;
constexpr std::uint16_t unsupported_data = 1003;
constexpr std::uint16_t reserved_1004 = 1004;
constexpr std::uint16_t no_status = 1005;  // MUST NOT be sent on the wire (7.4.1)
constexpr std::uint16_t abnormal = 1006;   // MUST NOT be sent on the wire (7.4.1)
constexpr std::uint16_t invalid_payload = 1007;
constexpr std::uint16_t policy_violation = 1008;
constexpr std::uint16_t message_too_big = 1009;
constexpr std::uint16_t mandatory_extension = 1010;
constexpr std::uint16_t internal_error = 1011;
constexpr std::uint16_t service_restart = 1012;  // IANA registry
constexpr std::uint16_t try_again_later = 1013;  // IANA registry
constexpr std::uint16_t bad_gateway = 1014;      // IANA registry
constexpr std::uint16_t tls_handshake = 1015;    // MUST NOT be sent on the wire (7.4.1)
}  // namespace close_code

// RFC 6455 5.5: all control frames MUST have a payload length of 125 bytes or less.
constexpr std::size_t max_control_payload = 125;
// RFC 6455 5.2: header is 2 bytes + up to 8 bytes of extended length + 4 bytes of mask.
constexpr std::size_t max_frame_header_size = 14;
constexpr std::uint8_t payload_len_16bit = 126;
constexpr std::uint8_t payload_len_64bit = 127;
// The longest payload the 16-bit length form carries; longer ones need the 64-bit form.
constexpr std::uint64_t max_16bit_payload = 0xFFFF;

// RFC 6455 1.3: the GUID appended to Sec-WebSocket-Key to compute Sec-WebSocket-Accept.
constexpr std::string_view handshake_guid = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11";

// Which side of the connection the codec speaks for. It decides the masking rules
// (RFC 6455 5.1: client-to-server frames are masked, server-to-client frames are not).
enum class Role : std::uint8_t { client, server };

}  // namespace wsspec::codec
