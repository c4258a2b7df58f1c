// Frame header parser (RFC 6455 5.2): picohttpparser's contract (complete + consumed /
// need more / error naming the rule), and fail-fast judgement of each rule as soon as the
// bytes that decide it have arrived.
#include "harness/codec/frame_header.h"

#include <gtest/gtest.h>

#include <cstdint>
#include <initializer_list>
#include <set>
#include <string_view>
#include <vector>

#include "harness/codec/constants.h"
#include "harness/codec/masking.h"
#include "harness/codec/protocol_error.h"

namespace wsspec::codec {
namespace {

using Bytes = std::vector<std::uint8_t>;

Bytes bytes(std::initializer_list<int> values) {
    Bytes out;
    for (const int v : values)
        out.push_back(static_cast<std::uint8_t>(v));
    return out;
}

FrameRules server_rules() {
    FrameRules rules;
    rules.receiver = Role::server;
    return rules;
}

FrameRules client_rules() {
    FrameRules rules;
    rules.receiver = Role::client;
    return rules;
}

FrameRules any_masking_rules() {
    FrameRules rules;
    rules.enforce_masking = false;
    return rules;
}

HeaderParseResult parse(const Bytes& data, FrameHeader& out, const FrameRules& rules) {
    return parse_frame_header(data.data(), data.size(), out, rules);
}

// Parses `data` and expects an error of `kind`.
void expect_error(const Bytes& data, const FrameRules& rules, ErrorKind kind) {
    FrameHeader header;
    const HeaderParseResult r = parse(data, header, rules);
    EXPECT_EQ(r.status, ParseStatus::error);
    EXPECT_EQ(r.error, kind) << "expected " << error_kind_name(kind) << ", got "
                             << error_kind_name(r.error);
    EXPECT_EQ(r.consumed, 0u);
}

FrameHeader expect_complete(const Bytes& data, const FrameRules& rules, std::size_t size) {
    FrameHeader header;
    const HeaderParseResult r = parse(data, header, rules);
    EXPECT_EQ(r.status, ParseStatus::complete) << error_kind_name(r.error);
    EXPECT_EQ(r.consumed, size);
    EXPECT_EQ(r.error, ErrorKind::none);
    EXPECT_EQ(header.header_size, size);
    return header;
}

// --- RFC 6455 5.7 examples ---------------------------------------------------------------

TEST(FrameHeader, ParsesRfcUnmaskedTextHello) {
    const FrameHeader h =
        expect_complete(bytes({0x81, 0x05, 0x48, 0x65, 0x6c, 0x6c, 0x6f}), client_rules(), 2);
    EXPECT_TRUE(h.fin);
    EXPECT_EQ(h.rsv, 0);
    EXPECT_EQ(h.opcode, static_cast<std::uint8_t>(Opcode::text));
    EXPECT_FALSE(h.masked);
    EXPECT_EQ(h.payload_length, 5u);
    EXPECT_FALSE(h.non_minimal_length);
}

TEST(FrameHeader, ParsesRfcMaskedTextHello) {
    const FrameHeader h =
        expect_complete(bytes({0x81, 0x85, 0x37, 0xfa, 0x21, 0x3d, 0x7f, 0x9f, 0x4d, 0x51, 0x58}),
                        server_rules(), 6);
    EXPECT_TRUE(h.fin);
    EXPECT_EQ(h.opcode, static_cast<std::uint8_t>(Opcode::text));
    EXPECT_TRUE(h.masked);
    EXPECT_EQ(h.mask_key, (MaskKey{0x37, 0xfa, 0x21, 0x3d}));
    EXPECT_EQ(h.payload_length, 5u);
}

TEST(FrameHeader, ParsesRfcFragmentedUnmaskedText) {
    const FrameHeader first =
        expect_complete(bytes({0x01, 0x03, 0x48, 0x65, 0x6c}), client_rules(), 2);
    EXPECT_FALSE(first.fin);
    EXPECT_EQ(first.opcode, static_cast<std::uint8_t>(Opcode::text));
    EXPECT_EQ(first.payload_length, 3u);

    const FrameHeader last = expect_complete(bytes({0x80, 0x02, 0x6c, 0x6f}), client_rules(), 2);
    EXPECT_TRUE(last.fin);
    EXPECT_EQ(last.opcode, static_cast<std::uint8_t>(Opcode::continuation));
    EXPECT_EQ(last.payload_length, 2u);
}

TEST(FrameHeader, ParsesRfcUnmaskedPing) {
    const FrameHeader h =
        expect_complete(bytes({0x89, 0x05, 0x48, 0x65, 0x6c, 0x6c, 0x6f}), client_rules(), 2);
    EXPECT_TRUE(h.fin);
    EXPECT_EQ(h.opcode, static_cast<std::uint8_t>(Opcode::ping));
    EXPECT_EQ(h.payload_length, 5u);
}

TEST(FrameHeader, ParsesRfcMaskedPong) {
    const FrameHeader h =
        expect_complete(bytes({0x8a, 0x85, 0x37, 0xfa, 0x21, 0x3d, 0x7f, 0x9f, 0x4d, 0x51, 0x58}),
                        server_rules(), 6);
    EXPECT_EQ(h.opcode, static_cast<std::uint8_t>(Opcode::pong));
    EXPECT_TRUE(h.masked);
    EXPECT_EQ(h.mask_key, (MaskKey{0x37, 0xfa, 0x21, 0x3d}));
    EXPECT_EQ(h.payload_length, 5u);
}

TEST(FrameHeader, ParsesRfc256ByteBinaryWith16BitLength) {
    const FrameHeader h = expect_complete(bytes({0x82, 0x7E, 0x01, 0x00}), client_rules(), 4);
    EXPECT_EQ(h.opcode, static_cast<std::uint8_t>(Opcode::binary));
    EXPECT_EQ(h.payload_length, 256u);
    EXPECT_FALSE(h.non_minimal_length);
}

TEST(FrameHeader, ParsesRfc64KiBBinaryWith64BitLength) {
    const FrameHeader h = expect_complete(
        bytes({0x82, 0x7F, 0x00, 0x00, 0x00, 0x00, 0x00, 0x01, 0x00, 0x00}), client_rules(), 10);
    EXPECT_EQ(h.opcode, static_cast<std::uint8_t>(Opcode::binary));
    EXPECT_EQ(h.payload_length, 65536u);
    EXPECT_FALSE(h.non_minimal_length);
}

// --- Length forms ------------------------------------------------------------------------

TEST(FrameHeader, Parses7BitLengthsUpTo125) {
    for (const int len : {0, 1, 124, 125}) {
        const FrameHeader h = expect_complete(bytes({0x82, len}), client_rules(), 2);
        EXPECT_EQ(h.payload_length, static_cast<std::uint64_t>(len));
        EXPECT_FALSE(h.non_minimal_length);
    }
}

TEST(FrameHeader, Parses16BitLengthsFrom126To65535) {
    const FrameHeader lo = expect_complete(bytes({0x82, 0x7E, 0x00, 0x7E}), client_rules(), 4);
    EXPECT_EQ(lo.payload_length, 126u);
    EXPECT_FALSE(lo.non_minimal_length);
    const FrameHeader hi = expect_complete(bytes({0x82, 0x7E, 0xFF, 0xFF}), client_rules(), 4);
    EXPECT_EQ(hi.payload_length, 65535u);
    EXPECT_FALSE(hi.non_minimal_length);
}

TEST(FrameHeader, Parses64BitLengthUpToTwoToThe63MinusOne) {
    const FrameHeader h = expect_complete(
        bytes({0x82, 0x7F, 0x7F, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF}), client_rules(), 10);
    EXPECT_EQ(h.payload_length, 0x7FFFFFFFFFFFFFFFULL);
    const FrameHeader mid = expect_complete(
        bytes({0x82, 0x7F, 0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07, 0x08}), client_rules(), 10);
    EXPECT_EQ(mid.payload_length, 0x0102030405060708ULL);  // big-endian (5.2)
}

TEST(FrameHeader, RejectsLengthWithMostSignificantBitSet) {
    expect_error(bytes({0x82, 0x7F, 0x80, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00}),
                 client_rules(), ErrorKind::length_msb_set);
    expect_error(bytes({0x82, 0x7F, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF}),
                 client_rules(), ErrorKind::length_msb_set);
}

TEST(FrameHeader, RejectsLengthMsbBeforeMaskKeyArrives) {
    // 10 of the 14 header bytes decide the length; the mask key is not needed to judge it.
    expect_error(bytes({0x82, 0xFF, 0x80, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00}),
                 server_rules(), ErrorKind::length_msb_set);
}

TEST(FrameHeader, FlagsNonMinimal16BitLength) {
    for (const int len : {0, 5, 125}) {
        const FrameHeader h = expect_complete(bytes({0x82, 0x7E, 0x00, len}), client_rules(), 4);
        EXPECT_EQ(h.payload_length, static_cast<std::uint64_t>(len));
        EXPECT_TRUE(h.non_minimal_length) << len;
    }
}

TEST(FrameHeader, FlagsNonMinimal64BitLength) {
    const FrameHeader small = expect_complete(
        bytes({0x82, 0x7F, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x05}), client_rules(), 10);
    EXPECT_EQ(small.payload_length, 5u);
    EXPECT_TRUE(small.non_minimal_length);
    const FrameHeader fits16 = expect_complete(
        bytes({0x82, 0x7F, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0xFF, 0xFF}), client_rules(), 10);
    EXPECT_EQ(fits16.payload_length, 65535u);
    EXPECT_TRUE(fits16.non_minimal_length);
}

TEST(FrameHeader, AcceptsNonMinimalLengthByDefault) {
    FrameHeader h;
    EXPECT_EQ(parse(bytes({0x82, 0x7E, 0x00, 0x05}), h, client_rules()).status,
              ParseStatus::complete);
}

TEST(FrameHeader, RejectsNonMinimalLengthWhenRuleIsOn) {
    FrameRules rules = client_rules();
    rules.reject_non_minimal_length = true;
    expect_error(bytes({0x82, 0x7E, 0x00, 0x7D}), rules, ErrorKind::non_minimal_length);
    expect_error(bytes({0x82, 0x7F, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0xFF, 0xFF}), rules,
                 ErrorKind::non_minimal_length);
    // Minimal encodings still pass.
    expect_complete(bytes({0x82, 0x7E, 0x00, 0x7E}), rules, 4);
    expect_complete(bytes({0x82, 0x7F, 0x00, 0x00, 0x00, 0x00, 0x00, 0x01, 0x00, 0x00}), rules, 10);
}

TEST(FrameHeader, RejectsNonMinimalLengthBeforeMaskKeyArrives) {
    FrameRules rules = server_rules();
    rules.reject_non_minimal_length = true;
    expect_error(bytes({0x82, 0xFE, 0x00, 0x05}), rules, ErrorKind::non_minimal_length);
}

// --- RSV bits and opcodes ----------------------------------------------------------------

TEST(FrameHeader, RejectsEveryRsvCombinationWithoutExtension) {
    for (int rsv = 1; rsv <= 7; ++rsv) {
        SCOPED_TRACE(rsv);
        expect_error(bytes({0x81 | (rsv << 4), 0x00}), client_rules(),
                     ErrorKind::reserved_bits_set);
    }
}

TEST(FrameHeader, AcceptsNegotiatedRsvBits) {
    FrameRules rules = client_rules();
    rules.allowed_rsv = rsv1;
    const FrameHeader h = expect_complete(bytes({0xC1, 0x00}), rules, 2);
    EXPECT_EQ(h.rsv, rsv1);
    expect_error(bytes({0xA1, 0x00}), rules, ErrorKind::reserved_bits_set);  // RSV2
    expect_error(bytes({0x91, 0x00}), rules, ErrorKind::reserved_bits_set);  // RSV3
    expect_error(bytes({0xD1, 0x00}), rules, ErrorKind::reserved_bits_set);  // RSV1+RSV3

    rules.allowed_rsv = rsv1 | rsv2 | rsv3;
    const FrameHeader all = expect_complete(bytes({0xF1, 0x00}), rules, 2);
    EXPECT_EQ(all.rsv, rsv1 | rsv2 | rsv3);
}

TEST(FrameHeader, RejectsEveryReservedOpcode) {
    for (const int opcode : {0x3, 0x4, 0x5, 0x6, 0x7, 0xB, 0xC, 0xD, 0xE, 0xF}) {
        SCOPED_TRACE(opcode);
        expect_error(bytes({0x80 | opcode, 0x00}), client_rules(), ErrorKind::reserved_opcode);
        expect_error(bytes({0x80 | opcode, 0x80, 1, 2, 3, 4}), server_rules(),
                     ErrorKind::reserved_opcode);
    }
}

TEST(FrameHeader, AcceptsEveryKnownOpcode) {
    for (const int opcode : {0x0, 0x1, 0x2, 0x8, 0x9, 0xA}) {
        const FrameHeader h = expect_complete(bytes({0x80 | opcode, 0x00}), client_rules(), 2);
        EXPECT_EQ(h.opcode, opcode);
    }
}

TEST(FrameHeader, RejectsReservedOpcodeFromFirstByteAlone) {
    for (const int opcode : {0x3, 0x4, 0x5, 0x6, 0x7, 0xB, 0xC, 0xD, 0xE, 0xF}) {
        SCOPED_TRACE(opcode);
        expect_error(bytes({0x80 | opcode}), client_rules(), ErrorKind::reserved_opcode);
        expect_error(bytes({opcode}), server_rules(), ErrorKind::reserved_opcode);
    }
}

TEST(FrameHeader, RejectsRsvFromFirstByteAlone) {
    for (int rsv = 1; rsv <= 7; ++rsv)
        expect_error(bytes({0x82 | (rsv << 4)}), server_rules(), ErrorKind::reserved_bits_set);
}

TEST(FrameHeader, WaitsForSecondByteWhenFirstByteIsValid) {
    for (const int b0 : {0x00, 0x01, 0x02, 0x80, 0x81, 0x82, 0x88, 0x89, 0x8A}) {
        FrameHeader h;
        const HeaderParseResult r = parse(bytes({b0}), h, server_rules());
        EXPECT_EQ(r.status, ParseStatus::need_more) << b0;
        EXPECT_EQ(r.consumed, 0u);
    }
}

// --- Control frames (5.5) ----------------------------------------------------------------

TEST(FrameHeader, AcceptsControlFrameOf125Bytes) {
    for (const int opcode : {0x8, 0x9, 0xA}) {
        const FrameHeader h = expect_complete(bytes({0x80 | opcode, 125}), client_rules(), 2);
        EXPECT_EQ(h.payload_length, 125u);
    }
}

TEST(FrameHeader, RejectsControlFrameLongerThan125) {
    for (const int opcode : {0x8, 0x9, 0xA}) {
        SCOPED_TRACE(opcode);
        // Judged on the length itself, as soon as the extended length has arrived: the
        // mask key and the payload need not.
        expect_error(bytes({0x80 | opcode, 0x7E, 0x00, 0x7E}), client_rules(),
                     ErrorKind::control_frame_too_long);
        expect_error(bytes({0x80 | opcode, 0x7F, 0, 0, 0, 0, 0, 0, 0x01, 0x00}), client_rules(),
                     ErrorKind::control_frame_too_long);
        expect_error(bytes({0x80 | opcode, 0xFE, 0x00, 0x7E}), server_rules(),
                     ErrorKind::control_frame_too_long);
        // Too long and non-minimal at once: the 5.5 rule is the one broken for sure (the
        // minimal-length rule is one a receiver may choose not to enforce).
        FrameRules strict = client_rules();
        strict.reject_non_minimal_length = true;
        expect_error(bytes({0x80 | opcode, 0x7F, 0, 0, 0, 0, 0, 0, 0x00, 0x7E}), strict,
                     ErrorKind::control_frame_too_long);
    }
}

TEST(FrameHeader, WaitsForTheExtendedLengthOfAControlFrame) {
    // 126 and 127 in the 7-bit field only name the length form; the length may still be
    // 125 or less (a non-minimal encoding), so nothing is decided yet.
    for (const Bytes& prefix :
         {bytes({0x89, 0x7E}), bytes({0x89, 0x7E, 0x00}), bytes({0x89, 0x7F, 0, 0, 0, 0, 0})}) {
        FrameHeader h;
        const HeaderParseResult r = parse(prefix, h, client_rules());
        EXPECT_EQ(r.status, ParseStatus::need_more) << error_kind_name(r.error);
    }
}

TEST(FrameHeader, AcceptsControlLengthUpTo125InExtendedFormsAsNonMinimal) {
    // RFC 6455 issue example: a 125-byte Ping in the 16-bit form is not too long (5.5); it
    // only breaks 5.2's minimal-length rule, which binds the sender.
    for (const int opcode : {0x8, 0x9, 0xA}) {
        SCOPED_TRACE(opcode);
        for (const int len : {0, 5, 125}) {
            const FrameHeader h16 =
                expect_complete(bytes({0x80 | opcode, 0x7E, 0x00, len}), client_rules(), 4);
            EXPECT_EQ(h16.payload_length, static_cast<std::uint64_t>(len));
            EXPECT_TRUE(h16.non_minimal_length);
            const FrameHeader h64 = expect_complete(
                bytes({0x80 | opcode, 0x7F, 0, 0, 0, 0, 0, 0, 0, len}), client_rules(), 10);
            EXPECT_EQ(h64.payload_length, static_cast<std::uint64_t>(len));
            EXPECT_TRUE(h64.non_minimal_length);
        }
        const FrameHeader masked = expect_complete(
            bytes({0x80 | opcode, 0xFE, 0x00, 0x7D, 1, 2, 3, 4}), server_rules(), 8);
        EXPECT_EQ(masked.payload_length, 125u);
    }
}

TEST(FrameHeader, RejectsNonMinimalControlLengthAsNonMinimalWhenRuleIsOn) {
    FrameRules rules = server_rules();
    rules.reject_non_minimal_length = true;
    // The same error, at the same byte, as for a data frame.
    expect_error(bytes({0x82, 0xFE, 0x00, 0x7D}), rules, ErrorKind::non_minimal_length);
    for (const int opcode : {0x8, 0x9, 0xA}) {
        SCOPED_TRACE(opcode);
        expect_error(bytes({0x80 | opcode, 0xFE, 0x00, 0x7D}), rules,
                     ErrorKind::non_minimal_length);
        expect_error(bytes({0x80 | opcode, 0xFF, 0, 0, 0, 0, 0, 0, 0, 0x7D}), rules,
                     ErrorKind::non_minimal_length);
        expect_error(bytes({0x80 | opcode, 0xFE, 0x00, 0x00}), rules,
                     ErrorKind::non_minimal_length);
    }
}

TEST(FrameHeader, AcceptsLongControlFramesWhenLengthRuleIsOff) {
    FrameRules rules = client_rules();
    rules.enforce_control_length = false;
    const FrameHeader h =
        expect_complete(bytes({0x89, 0x7F, 0, 0, 0, 0, 0, 0x10, 0, 0}), rules, 10);
    EXPECT_EQ(h.payload_length, 1u << 20);
}

TEST(FrameHeader, RejectsFragmentedControlFrames) {
    for (const int opcode : {0x8, 0x9, 0xA}) {
        SCOPED_TRACE(opcode);
        expect_error(bytes({opcode, 0x00}), client_rules(), ErrorKind::control_frame_fragmented);
        expect_error(bytes({opcode}), client_rules(), ErrorKind::control_frame_fragmented);
    }
}

// --- Masking (5.1) -----------------------------------------------------------------------

TEST(FrameHeader, RejectsUnmaskedClientFrame) {
    expect_error(bytes({0x81, 0x05}), server_rules(), ErrorKind::unmasked_client_frame);
    expect_error(bytes({0x89, 0x00}), server_rules(), ErrorKind::unmasked_client_frame);
    EXPECT_EQ(make_error(ErrorKind::unmasked_client_frame).close_code, close_code::protocol_error);
}

TEST(FrameHeader, RejectsMaskedServerFrame) {
    expect_error(bytes({0x81, 0x85}), client_rules(), ErrorKind::masked_server_frame);
    expect_error(bytes({0x8A, 0x80, 0, 0, 0, 0}), client_rules(), ErrorKind::masked_server_frame);
    EXPECT_EQ(make_error(ErrorKind::masked_server_frame).close_code, close_code::protocol_error);
}

TEST(FrameHeader, AcceptsEitherMaskingWhenNotEnforced) {
    for (const Role receiver : {Role::client, Role::server}) {
        FrameRules rules = any_masking_rules();
        rules.receiver = receiver;
        const FrameHeader unmasked = expect_complete(bytes({0x81, 0x05}), rules, 2);
        EXPECT_FALSE(unmasked.masked);
        const FrameHeader masked =
            expect_complete(bytes({0x81, 0x85, 0x37, 0xfa, 0x21, 0x3d}), rules, 6);
        EXPECT_TRUE(masked.masked);
        EXPECT_EQ(masked.mask_key, (MaskKey{0x37, 0xfa, 0x21, 0x3d}));
    }
}

TEST(FrameHeader, ClearsStaleMaskKeyForUnmaskedFrame) {
    FrameHeader h;
    ASSERT_EQ(parse(bytes({0x81, 0x85, 1, 2, 3, 4}), h, any_masking_rules()).status,
              ParseStatus::complete);
    ASSERT_EQ(parse(bytes({0x81, 0x05}), h, any_masking_rules()).status, ParseStatus::complete);
    EXPECT_FALSE(h.masked);
    EXPECT_EQ(h.mask_key, (MaskKey{0, 0, 0, 0}));
}

// --- need_more contract ------------------------------------------------------------------

TEST(FrameHeader, NeedsMoreForEveryPrefixOfValidHeader) {
    struct Case {
        Bytes header;
        FrameRules rules;
    };
    const Case cases[] = {
        {bytes({0x81, 0x05}), client_rules()},
        {bytes({0x81, 0x85, 0x37, 0xfa, 0x21, 0x3d}), server_rules()},
        {bytes({0x82, 0x7E, 0x01, 0x00}), client_rules()},
        {bytes({0x82, 0xFE, 0x01, 0x00, 9, 8, 7, 6}), server_rules()},
        {bytes({0x82, 0x7F, 0x00, 0x00, 0x00, 0x00, 0x00, 0x01, 0x00, 0x00}), client_rules()},
        {bytes({0x02, 0xFF, 0x00, 0x00, 0x00, 0x00, 0x00, 0x01, 0x00, 0x00, 1, 2, 3, 4}),
         server_rules()},
        {bytes({0x89, 0x80, 1, 2, 3, 4}), server_rules()},
    };
    for (const Case& c : cases) {
        SCOPED_TRACE(c.header.size());
        for (std::size_t n = 0; n < c.header.size(); ++n) {
            FrameHeader h;
            const HeaderParseResult r = parse_frame_header(c.header.data(), n, h, c.rules);
            EXPECT_EQ(r.status, ParseStatus::need_more) << "prefix " << n;
            EXPECT_EQ(r.consumed, 0u);
            EXPECT_EQ(r.error, ErrorKind::none);
        }
        FrameHeader h;
        const HeaderParseResult r =
            parse_frame_header(c.header.data(), c.header.size(), h, c.rules);
        EXPECT_EQ(r.status, ParseStatus::complete);
        EXPECT_EQ(r.consumed, c.header.size());
    }
}

TEST(FrameHeader, ConsumesOnlyTheHeaderWhenPayloadFollows) {
    Bytes data = bytes({0x82, 0x7E, 0x01, 0x00});
    data.resize(4 + 256, 0xAB);
    const FrameHeader h = expect_complete(data, client_rules(), 4);
    EXPECT_EQ(h.payload_length, 256u);
}

TEST(FrameHeader, ReportsHeaderSizeForEveryForm) {
    EXPECT_EQ(expect_complete(bytes({0x82, 0x00}), client_rules(), 2).header_size, 2);
    EXPECT_EQ(expect_complete(bytes({0x82, 0x80, 1, 2, 3, 4}), server_rules(), 6).header_size, 6);
    EXPECT_EQ(
        expect_complete(bytes({0x82, 0xFE, 0, 200, 1, 2, 3, 4}), server_rules(), 8).header_size, 8);
    EXPECT_EQ(expect_complete(bytes({0x82, 0xFF, 0, 0, 0, 0, 0, 1, 0, 0, 1, 2, 3, 4}),
                              server_rules(), max_frame_header_size)
                  .header_size,
              max_frame_header_size);
}

TEST(FrameHeader, MapsEveryFramingErrorToProtocolError) {
    for (const ErrorKind kind :
         {ErrorKind::reserved_bits_set, ErrorKind::reserved_opcode,
          ErrorKind::control_frame_too_long, ErrorKind::control_frame_fragmented,
          ErrorKind::length_msb_set, ErrorKind::non_minimal_length,
          ErrorKind::unmasked_client_frame, ErrorKind::masked_server_frame}) {
        const ProtocolError e = make_error(kind);
        EXPECT_EQ(e.kind, kind);
        EXPECT_TRUE(static_cast<bool>(e));
        EXPECT_EQ(e.close_code, close_code::protocol_error) << error_kind_name(kind);
        EXPECT_FALSE(e.rfc_section.empty());
        EXPECT_FALSE(e.reason.empty());
    }
    EXPECT_FALSE(static_cast<bool>(make_error(ErrorKind::none)));
}

TEST(FrameHeader, NamesOpcodesIncludingReservedOnes) {
    EXPECT_EQ(opcode_name(0x0), "continuation");
    EXPECT_EQ(opcode_name(0x1), "text");
    EXPECT_EQ(opcode_name(0x2), "binary");
    EXPECT_EQ(opcode_name(0x8), "close");
    EXPECT_EQ(opcode_name(0x9), "ping");
    EXPECT_EQ(opcode_name(0xA), "pong");
    for (const std::uint8_t opcode : {0x3, 0x4, 0x5, 0x6, 0x7})
        EXPECT_EQ(opcode_name(opcode), "reserved-data");
    for (const std::uint8_t opcode : {0xB, 0xC, 0xD, 0xE, 0xF})
        EXPECT_EQ(opcode_name(opcode), "reserved-control");
}

TEST(FrameHeader, EveryErrorKindHasANameAndATableEntry) {
    std::set<std::string_view> names;
    const auto last = static_cast<int>(ErrorKind::control_frame_over_limit);
    for (int i = 0; i <= last; ++i) {
        const auto kind = static_cast<ErrorKind>(i);
        const std::string_view name = error_kind_name(kind);
        EXPECT_NE(name, "unknown") << i;
        EXPECT_TRUE(names.insert(name).second) << name;
        if (kind == ErrorKind::none) continue;
        const ProtocolError e = make_error(kind);
        EXPECT_EQ(e.kind, kind);
        EXPECT_TRUE(e.close_code == close_code::protocol_error ||
                    e.close_code == close_code::invalid_payload ||
                    e.close_code == close_code::message_too_big)
            << name;
        EXPECT_FALSE(e.reason.empty()) << name;
    }
}

}  // namespace
}  // namespace wsspec::codec
