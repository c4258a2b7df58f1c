// The frame header parser (RFC 6455 5.2) with picohttpparser's contract.
//
// Input: [rules][header bytes...]
//   rules  bit 0 receiver is the client   bits 1-3 allowed RSV bits   bit 4 masking not
//          enforced   bit 5 reject non-minimal lengths   bit 6 control length not enforced
//
// Properties:
//   - complete: consumed == header_size, 2 <= consumed <= 14, consumed <= size, the length
//     has bit 63 clear, and writing the parsed header back (frame_writer.h, same length
//     form) gives exactly the bytes consumed;
//   - prefix consistency (fail fast, never change your mind): every prefix of a header
//     that parses is "need more"; every prefix of a header that fails is "need more" or
//     the same error; nothing is consumed unless complete.
#include "fuzz/fuzz_check.h"
#include "harness/codec/frame_header.h"
#include "harness/codec/frame_writer.h"

namespace codec = wsspec::codec;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    if (size < 1) return 0;
    codec::FrameRules rules;
    const std::uint8_t flags = data[0];
    rules.receiver = (flags & 0x01) != 0 ? codec::Role::client : codec::Role::server;
    rules.allowed_rsv = (flags >> 1) & 0x07;
    rules.enforce_masking = (flags & 0x10) == 0;
    rules.reject_non_minimal_length = (flags & 0x20) != 0;
    rules.enforce_control_length = (flags & 0x40) == 0;
    const std::uint8_t* bytes = data + 1;
    const std::size_t n = size - 1;

    codec::FrameHeader header;
    const auto result = codec::parse_frame_header(bytes, n, header, rules);
    const std::size_t reach = result.status == codec::ParseStatus::complete
                                  ? result.consumed
                                  : std::min<std::size_t>(n, codec::max_frame_header_size);
    for (std::size_t k = 0; k < reach; ++k) {
        codec::FrameHeader partial;
        const auto r = codec::parse_frame_header(bytes, k, partial, rules);
        FUZZ_CHECK(r.status != codec::ParseStatus::complete, "a prefix parsed as complete");
        FUZZ_CHECK(r.consumed == 0, "a prefix consumed bytes");
        if (r.status == codec::ParseStatus::error) {
            FUZZ_CHECK(result.status == codec::ParseStatus::error && r.error == result.error,
                       "a prefix failed differently from the whole");
        }
    }
    if (result.status != codec::ParseStatus::complete) {
        FUZZ_CHECK(result.consumed == 0, "consumed bytes without completing");
        FUZZ_CHECK((result.status == codec::ParseStatus::error) ==
                       (result.error != codec::ErrorKind::none),
                   "error status and error kind disagree");
        if (result.status == codec::ParseStatus::need_more) {
            FUZZ_CHECK(n < codec::max_frame_header_size, "need more with 14 bytes at hand");
        }
        return 0;
    }
    FUZZ_CHECK(result.consumed == header.header_size, "consumed != header_size");
    FUZZ_CHECK(result.consumed >= 2 && result.consumed <= codec::max_frame_header_size &&
                   result.consumed <= n,
               "header size out of range");
    FUZZ_CHECK((header.payload_length >> 63) == 0, "length with bit 63 accepted");

    codec::FrameSpec spec;
    spec.fin = header.fin;
    spec.rsv = header.rsv;
    spec.opcode = header.opcode;
    spec.masked = header.masked;
    spec.mask_key = header.mask_key;
    const std::uint8_t len7 = bytes[1] & 0x7F;
    spec.length_form = len7 == codec::payload_len_16bit   ? codec::LengthForm::bits16
                       : len7 == codec::payload_len_64bit ? codec::LengthForm::bits64
                                                          : codec::LengthForm::bits7;
    std::uint8_t written[codec::max_frame_header_size] = {};
    const std::size_t w = codec::write_frame_header(spec, header.payload_length, written);
    FUZZ_CHECK(w == result.consumed && std::equal(written, written + w, bytes),
               "writing the parsed header back gave different bytes");
    return 0;
}
