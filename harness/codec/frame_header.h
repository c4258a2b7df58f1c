// Frame header parsing (RFC 6455 5.2) with picohttpparser's contract: the parser works on
// the caller's bytes, never allocates, and answers "complete, N bytes consumed",
// "need more" or "error: this rule was broken". It checks every rule that the header alone
// decides, as soon as the bytes that decide it have arrived (fail fast: the opcode and
// RSV bits are judged from the first byte, before the length is known).
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <cstring>

#include "harness/codec/constants.h"
#include "harness/codec/protocol_error.h"

namespace wsspec::codec {

struct FrameHeader {
    bool fin = true;
    std::uint8_t rsv = 0;  // RSV1 = 0x4, RSV2 = 0x2, RSV3 = 0x1
    std::uint8_t opcode = 0;
    bool masked = false;
    std::array<std::uint8_t, 4> mask_key{};
    std::uint64_t payload_length = 0;
    std::uint8_t header_size = 0;     // bytes the header took on the wire (2..14)
    bool non_minimal_length = false;  // a shorter length form would have fit
};

constexpr std::uint8_t rsv1 = 0x4;
constexpr std::uint8_t rsv2 = 0x2;
constexpr std::uint8_t rsv3 = 0x1;

// What the receiving side enforces. `receiver` decides the masking rule (5.1).
struct FrameRules {
    Role receiver = Role::server;
    std::uint8_t allowed_rsv = 0;            // RSV bits an extension negotiated (5.2)
    bool enforce_masking = true;             // false: accept either (observers, fuzzing)
    bool reject_non_minimal_length = false;  // the RFC binds senders only; receivers choose
    bool enforce_control_length = true;      // false: accept control payloads > 125 bytes
};

enum class ParseStatus : std::uint8_t { complete, need_more, error };

struct HeaderParseResult {
    ParseStatus status = ParseStatus::need_more;
    std::size_t consumed = 0;           // header bytes, when complete
    ErrorKind error = ErrorKind::none;  // when status == error
};

namespace frame_header_detail {

constexpr std::uint8_t fin_bit = 0x80;
constexpr std::uint8_t rsv_mask = 0x70;
constexpr std::uint8_t opcode_mask = 0x0F;
constexpr std::uint8_t mask_bit = 0x80;
constexpr std::uint8_t length_mask = 0x7F;
constexpr std::uint64_t length_msb = 1ULL << 63;

inline HeaderParseResult fail(ErrorKind kind) {
    return {ParseStatus::error, 0, kind};
}

// Rules decided by the first two bytes alone.
inline ErrorKind check_first_bytes(std::uint8_t b0, std::uint8_t b1, const FrameRules& rules) {
    const std::uint8_t rsv = (b0 & rsv_mask) >> 4;
    const std::uint8_t opcode = b0 & opcode_mask;
    if ((rsv & ~rules.allowed_rsv) != 0) return ErrorKind::reserved_bits_set;
    if (!is_known_opcode(opcode)) return ErrorKind::reserved_opcode;
    // The control payload length (5.5) is judged on the length itself, once it is known
    // (parse_frame_header): 126 and 127 here only say which length form follows.
    if (is_control(opcode) && (b0 & fin_bit) == 0) return ErrorKind::control_frame_fragmented;
    if (rules.enforce_masking) {
        const bool masked = (b1 & mask_bit) != 0;
        if (rules.receiver == Role::server && !masked) return ErrorKind::unmasked_client_frame;
        if (rules.receiver == Role::client && masked) return ErrorKind::masked_server_frame;
    }
    return ErrorKind::none;
}

inline std::uint64_t read_big_endian(const std::uint8_t* p, std::size_t n) {
    std::uint64_t v = 0;
    for (std::size_t i = 0; i < n; ++i)
        v = (v << 8) | p[i];
    return v;
}

}  // namespace frame_header_detail

// Parses one frame header from data[0, size). On `complete`, `out` is filled and
// `consumed` is its size; on `need_more`, nothing is consumed (call again with more).
// Inline: it runs once per frame, and small frames are dominated by per-call costs.
inline HeaderParseResult parse_frame_header(const std::uint8_t* data, std::size_t size,
                                            FrameHeader& out, const FrameRules& rules) {
    if (size == 0) return {};
    // Byte 0 alone decides RSV and opcode; judge it before waiting for byte 1.
    if (size == 1) {
        const std::uint8_t b0 = data[0];
        const std::uint8_t rsv = (b0 & frame_header_detail::rsv_mask) >> 4;
        if ((rsv & ~rules.allowed_rsv) != 0)
            return frame_header_detail::fail(ErrorKind::reserved_bits_set);
        const std::uint8_t opcode = b0 & frame_header_detail::opcode_mask;
        if (!is_known_opcode(opcode)) return frame_header_detail::fail(ErrorKind::reserved_opcode);
        if (is_control(opcode) && (b0 & frame_header_detail::fin_bit) == 0)
            return frame_header_detail::fail(ErrorKind::control_frame_fragmented);
        return {};
    }
    const std::uint8_t b0 = data[0];
    const std::uint8_t b1 = data[1];
    if (const ErrorKind e = frame_header_detail::check_first_bytes(b0, b1, rules);
        e != ErrorKind::none)
        return frame_header_detail::fail(e);

    const std::uint8_t len7 = b1 & frame_header_detail::length_mask;
    const bool masked = (b1 & frame_header_detail::mask_bit) != 0;
    std::size_t length_bytes = 0;
    if (len7 == payload_len_16bit)
        length_bytes = 2;
    else if (len7 == payload_len_64bit)
        length_bytes = 8;
    const std::size_t header_size = 2 + length_bytes + (masked ? 4 : 0);

    std::uint64_t length = len7;
    bool non_minimal = false;
    if (length_bytes != 0) {
        if (size < 2 + length_bytes) return {};
        length = frame_header_detail::read_big_endian(data + 2, length_bytes);
        if (length_bytes == 8 && (length & frame_header_detail::length_msb) != 0)
            return frame_header_detail::fail(ErrorKind::length_msb_set);
        non_minimal = length_bytes == 2 ? length < payload_len_16bit : length <= max_16bit_payload;
    }
    // 5.5: "All control frames MUST have a payload length of 125 bytes or less". A control
    // frame whose length of 125 or less is written in the 16- or 64-bit form keeps that
    // rule; it breaks only 5.2's "the minimal number of bytes MUST be used", and is judged
    // below exactly as a data frame with a non-minimal length is.
    if (rules.enforce_control_length && is_control(b0 & frame_header_detail::opcode_mask) &&
        length > max_control_payload) {
        return frame_header_detail::fail(ErrorKind::control_frame_too_long);
    }
    if (non_minimal && rules.reject_non_minimal_length)
        return frame_header_detail::fail(ErrorKind::non_minimal_length);
    if (size < header_size) return {};

    out.fin = (b0 & frame_header_detail::fin_bit) != 0;
    out.rsv = (b0 & frame_header_detail::rsv_mask) >> 4;
    out.opcode = b0 & frame_header_detail::opcode_mask;
    out.masked = masked;
    out.payload_length = length;
    out.header_size = static_cast<std::uint8_t>(header_size);
    out.non_minimal_length = non_minimal;
    if (masked)
        std::memcpy(out.mask_key.data(), data + 2 + length_bytes, 4);
    else
        out.mask_key = {};
    return {ParseStatus::complete, header_size, ErrorKind::none};
}

}  // namespace wsspec::codec
