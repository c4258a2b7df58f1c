// Frame header parsing (RFC 6455 5.2) with picohttpparser's contract: the parser works on
// the caller's bytes, never allocates, and answers "complete, N bytes consumed",
// "need more" or "error: this rule was broken". It checks every rule that the header alone
// decides, as soon as the bytes that decide it have arrived (fail fast: the opcode and
// RSV bits are judged from the first byte, before the length is known).
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>

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

// Parses one frame header from data[0, size). On `complete`, `out` is filled and
// `consumed` is its size; on `need_more`, nothing is consumed (call again with more).
HeaderParseResult parse_frame_header(const std::uint8_t* data, std::size_t size, FrameHeader& out,
                                     const FrameRules& rules);

}  // namespace wsspec::codec
