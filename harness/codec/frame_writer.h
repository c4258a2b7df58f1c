// Frame serialization (RFC 6455 5.2). Every header field can be overridden, so the same
// writer produces both correct frames and frames that lie (RSV bits, reserved opcodes,
// wrong length fields, non-minimal length forms, unmasked client frames).
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "harness/codec/masking.h"

namespace wsspec::codec {

enum class LengthForm : std::uint8_t { minimal, bits7, bits16, bits64 };

struct FrameSpec {
    bool fin = true;
    std::uint8_t rsv = 0;  // RSV1 = 0x4, RSV2 = 0x2, RSV3 = 0x1
    std::uint8_t opcode = 0x1;
    bool masked = false;
    MaskKey mask_key{};
    // Length written in the header instead of the real payload size (a lie).
    std::optional<std::uint64_t> length_override;
    LengthForm length_form = LengthForm::minimal;
};

// Writes the header for a payload of `payload_size` bytes into out[0, 14); returns its size.
// With LengthForm::bits7 a length above 125 is truncated to 7 bits (a deliberate lie).
std::size_t write_frame_header(const FrameSpec& spec, std::uint64_t payload_size,
                               std::uint8_t* out);

// Header + payload (masked with spec.mask_key when spec.masked), appended to `out`.
void append_frame(std::string& out, const FrameSpec& spec, std::string_view payload);

// Close frame body: 2-byte code + reason (RFC 6455 5.5.1). No code: empty body.
std::string close_payload(std::optional<std::uint16_t> code, std::string_view reason);

}  // namespace wsspec::codec
