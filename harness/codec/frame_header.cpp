#include "harness/codec/frame_header.h"

#include <cstring>

namespace wsspec::codec {
namespace {

constexpr std::uint8_t fin_bit = 0x80;
constexpr std::uint8_t rsv_mask = 0x70;
constexpr std::uint8_t opcode_mask = 0x0F;
constexpr std::uint8_t mask_bit = 0x80;
constexpr std::uint8_t length_mask = 0x7F;
constexpr std::uint64_t length_msb = 1ULL << 63;

HeaderParseResult fail(ErrorKind kind) {
    return {ParseStatus::error, 0, kind};
}

// Rules decided by the first two bytes alone.
ErrorKind check_first_bytes(std::uint8_t b0, std::uint8_t b1, const FrameRules& rules) {
    const std::uint8_t rsv = (b0 & rsv_mask) >> 4;
    const std::uint8_t opcode = b0 & opcode_mask;
    if ((rsv & ~rules.allowed_rsv) != 0) return ErrorKind::reserved_bits_set;
    if (!is_known_opcode(opcode)) return ErrorKind::reserved_opcode;
    if (is_control(opcode)) {
        if ((b0 & fin_bit) == 0) return ErrorKind::control_frame_fragmented;
        if (rules.enforce_control_length && (b1 & length_mask) > max_control_payload) {
            return ErrorKind::control_frame_too_long;
        }
    }
    if (rules.enforce_masking) {
        const bool masked = (b1 & mask_bit) != 0;
        if (rules.receiver == Role::server && !masked) return ErrorKind::unmasked_client_frame;
        if (rules.receiver == Role::client && masked) return ErrorKind::masked_server_frame;
    }
    return ErrorKind::none;
}

std::uint64_t read_big_endian(const std::uint8_t* p, std::size_t n) {
    std::uint64_t v = 0;
    for (std::size_t i = 0; i < n; ++i)
        v = (v << 8) | p[i];
    return v;
}

}  // namespace

HeaderParseResult parse_frame_header(const std::uint8_t* data, std::size_t size, FrameHeader& out,
                                     const FrameRules& rules) {
    if (size == 0) return {};
    // Byte 0 alone decides RSV and opcode; judge it before waiting for byte 1.
    if (size == 1) {
        const std::uint8_t b0 = data[0];
        const std::uint8_t rsv = (b0 & rsv_mask) >> 4;
        if ((rsv & ~rules.allowed_rsv) != 0) return fail(ErrorKind::reserved_bits_set);
        const std::uint8_t opcode = b0 & opcode_mask;
        if (!is_known_opcode(opcode)) return fail(ErrorKind::reserved_opcode);
        if (is_control(opcode) && (b0 & fin_bit) == 0)
            return fail(ErrorKind::control_frame_fragmented);
        return {};
    }
    const std::uint8_t b0 = data[0];
    const std::uint8_t b1 = data[1];
    if (const ErrorKind e = check_first_bytes(b0, b1, rules); e != ErrorKind::none) return fail(e);

    const std::uint8_t len7 = b1 & length_mask;
    const bool masked = (b1 & mask_bit) != 0;
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
        length = read_big_endian(data + 2, length_bytes);
        if (length_bytes == 8 && (length & length_msb) != 0) return fail(ErrorKind::length_msb_set);
        non_minimal = length_bytes == 2 ? length < payload_len_16bit : length <= 0xFFFF;
        if (non_minimal && rules.reject_non_minimal_length)
            return fail(ErrorKind::non_minimal_length);
    }
    if (size < header_size) return {};

    out.fin = (b0 & fin_bit) != 0;
    out.rsv = (b0 & rsv_mask) >> 4;
    out.opcode = b0 & opcode_mask;
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
