// Frame writer (RFC 6455 5.2): byte-exact RFC 5.7 examples, every length form, and the
// deliberate lies (RSV bits, reserved opcodes, forced length forms, length overrides).
#include "harness/codec/frame_writer.h"

#include <gtest/gtest.h>

#include <cstdint>
#include <initializer_list>
#include <string>

#include "harness/codec/constants.h"
#include "harness/codec/frame_header.h"

namespace wsspec::codec {
namespace {

const MaskKey rfc_key{0x37, 0xfa, 0x21, 0x3d};

std::string bytes(std::initializer_list<int> values) {
    std::string out;
    for (const int v : values)
        out.push_back(static_cast<char>(v));
    return out;
}

FrameSpec spec_for(Opcode opcode, bool fin = true) {
    FrameSpec spec;
    spec.opcode = static_cast<std::uint8_t>(opcode);
    spec.fin = fin;
    return spec;
}

FrameSpec masked(FrameSpec spec, const MaskKey& key = rfc_key) {
    spec.masked = true;
    spec.mask_key = key;
    return spec;
}

std::string frame(const FrameSpec& spec, std::string_view payload) {
    std::string out;
    append_frame(out, spec, payload);
    return out;
}

std::string header_of(const FrameSpec& spec, std::uint64_t payload_size) {
    std::uint8_t buf[max_frame_header_size];
    const std::size_t n = write_frame_header(spec, payload_size, buf);
    return {reinterpret_cast<const char*>(buf), n};
}

FrameHeader parse_back(const std::string& data) {
    FrameRules rules;
    rules.enforce_masking = false;
    rules.allowed_rsv = rsv1 | rsv2 | rsv3;
    FrameHeader h;
    const HeaderParseResult r = parse_frame_header(
        reinterpret_cast<const std::uint8_t*>(data.data()), data.size(), h, rules);
    EXPECT_EQ(r.status, ParseStatus::complete) << error_kind_name(r.error);
    return h;
}

// --- RFC 6455 5.7 examples ---------------------------------------------------------------

TEST(FrameWriter, WritesRfcUnmaskedTextHello) {
    EXPECT_EQ(frame(spec_for(Opcode::text), "Hello"),
              bytes({0x81, 0x05, 0x48, 0x65, 0x6c, 0x6c, 0x6f}));
}

TEST(FrameWriter, WritesRfcMaskedTextHello) {
    EXPECT_EQ(frame(masked(spec_for(Opcode::text)), "Hello"),
              bytes({0x81, 0x85, 0x37, 0xfa, 0x21, 0x3d, 0x7f, 0x9f, 0x4d, 0x51, 0x58}));
}

TEST(FrameWriter, WritesRfcFragmentedUnmaskedText) {
    EXPECT_EQ(frame(spec_for(Opcode::text, false), "Hel"), bytes({0x01, 0x03, 0x48, 0x65, 0x6c}));
    EXPECT_EQ(frame(spec_for(Opcode::continuation, true), "lo"), bytes({0x80, 0x02, 0x6c, 0x6f}));
}

TEST(FrameWriter, WritesRfcUnmaskedPing) {
    EXPECT_EQ(frame(spec_for(Opcode::ping), "Hello"),
              bytes({0x89, 0x05, 0x48, 0x65, 0x6c, 0x6c, 0x6f}));
}

TEST(FrameWriter, WritesRfcMaskedPong) {
    EXPECT_EQ(frame(masked(spec_for(Opcode::pong)), "Hello"),
              bytes({0x8a, 0x85, 0x37, 0xfa, 0x21, 0x3d, 0x7f, 0x9f, 0x4d, 0x51, 0x58}));
}

TEST(FrameWriter, WritesRfc256ByteBinaryWith16BitLength) {
    const std::string payload(256, 'x');
    const std::string out = frame(spec_for(Opcode::binary), payload);
    ASSERT_EQ(out.size(), 4u + 256u);
    EXPECT_EQ(out.substr(0, 4), bytes({0x82, 0x7E, 0x01, 0x00}));
    EXPECT_EQ(out.substr(4), payload);
}

TEST(FrameWriter, WritesRfc64KiBBinaryWith64BitLength) {
    const std::string payload(65536, 'y');
    const std::string out = frame(spec_for(Opcode::binary), payload);
    ASSERT_EQ(out.size(), 10u + 65536u);
    EXPECT_EQ(out.substr(0, 10),
              bytes({0x82, 0x7F, 0x00, 0x00, 0x00, 0x00, 0x00, 0x01, 0x00, 0x00}));
    EXPECT_EQ(out.substr(10), payload);
}

// --- Length forms ------------------------------------------------------------------------

TEST(FrameWriter, ChoosesMinimalLengthForm) {
    const FrameSpec spec = spec_for(Opcode::binary);
    EXPECT_EQ(header_of(spec, 0), bytes({0x82, 0x00}));
    EXPECT_EQ(header_of(spec, 125), bytes({0x82, 0x7D}));
    EXPECT_EQ(header_of(spec, 126), bytes({0x82, 0x7E, 0x00, 0x7E}));
    EXPECT_EQ(header_of(spec, 65535), bytes({0x82, 0x7E, 0xFF, 0xFF}));
    EXPECT_EQ(header_of(spec, 65536), bytes({0x82, 0x7F, 0, 0, 0, 0, 0, 0x01, 0x00, 0x00}));
    EXPECT_EQ(header_of(spec, 0x0102030405060708ULL),
              bytes({0x82, 0x7F, 0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07, 0x08}));
}

TEST(FrameWriter, ForcedLongerFormsAreNonMinimal) {
    FrameSpec spec = spec_for(Opcode::binary);
    spec.length_form = LengthForm::bits16;
    EXPECT_EQ(header_of(spec, 5), bytes({0x82, 0x7E, 0x00, 0x05}));
    EXPECT_TRUE(parse_back(header_of(spec, 5)).non_minimal_length);

    spec.length_form = LengthForm::bits64;
    EXPECT_EQ(header_of(spec, 5), bytes({0x82, 0x7F, 0, 0, 0, 0, 0, 0, 0, 0x05}));
    const FrameHeader h = parse_back(header_of(spec, 300));
    EXPECT_TRUE(h.non_minimal_length);
    EXPECT_EQ(h.payload_length, 300u);
}

TEST(FrameWriter, Bits7FormTruncatesLongLengthToSevenBits) {
    FrameSpec spec = spec_for(Opcode::binary);
    spec.length_form = LengthForm::bits7;
    EXPECT_EQ(header_of(spec, 200), bytes({0x82, 200 & 0x7F}));
    EXPECT_EQ(header_of(spec, 125), bytes({0x82, 125}));
}

TEST(FrameWriter, LengthOverrideWritesTheLieButAppendsRealPayload) {
    FrameSpec spec = spec_for(Opcode::text);
    spec.length_override = 10;
    EXPECT_EQ(frame(spec, "abc"), bytes({0x81, 0x0A, 'a', 'b', 'c'}));
    spec.length_override = 0x8000000000000000ULL;  // MSB set (5.2 forbids it)
    EXPECT_EQ(frame(spec, ""), bytes({0x81, 0x7F, 0x80, 0, 0, 0, 0, 0, 0, 0}));
}

TEST(FrameWriter, WritesRsvBitsReservedOpcodesAndFinClear) {
    FrameSpec spec;
    spec.fin = false;
    spec.rsv = rsv1 | rsv3;
    spec.opcode = 0xB;
    EXPECT_EQ(header_of(spec, 0), bytes({0x5B, 0x00}));
    spec.fin = true;
    spec.rsv = rsv2;
    spec.opcode = 0x3;
    EXPECT_EQ(header_of(spec, 1), bytes({0xA3, 0x01}));
}

TEST(FrameWriter, HeaderRoundTripsThroughParserForEveryFormAndMasking) {
    const std::uint64_t lengths[] = {
        0, 1, 125, 126, 127, 65535, 65536, 1ULL << 32, 0x7FFFFFFFFFFFFFFFULL};
    for (const std::uint64_t len : lengths) {
        for (const bool mask : {false, true}) {
            for (const bool fin : {false, true}) {
                FrameSpec spec = spec_for(Opcode::binary, fin);
                spec.masked = mask;
                spec.mask_key = {0xDE, 0xAD, 0xBE, 0xEF};
                spec.rsv = rsv2;
                const std::string header = header_of(spec, len);
                const FrameHeader h = parse_back(header);
                EXPECT_EQ(h.payload_length, len);
                EXPECT_EQ(h.masked, mask);
                EXPECT_EQ(h.fin, fin);
                EXPECT_EQ(h.rsv, rsv2);
                EXPECT_EQ(h.opcode, static_cast<std::uint8_t>(Opcode::binary));
                EXPECT_EQ(h.header_size, header.size());
                EXPECT_FALSE(h.non_minimal_length);
                if (mask) {
                    EXPECT_EQ(h.mask_key, spec.mask_key);
                }
            }
        }
    }
}

TEST(FrameWriter, MasksPayloadWithKeyAcrossLongPayloads) {
    std::string payload(1000, '\0');
    for (std::size_t i = 0; i < payload.size(); ++i)
        payload[i] = static_cast<char>(i * 7);
    const MaskKey key{0x01, 0x80, 0xFF, 0x33};
    const std::string out = frame(masked(spec_for(Opcode::binary), key), payload);
    ASSERT_EQ(out.size(), 8u + payload.size());
    EXPECT_EQ(out.substr(0, 8), bytes({0x82, 0xFE, 0x03, 0xE8, 0x01, 0x80, 0xFF, 0x33}));
    for (std::size_t i = 0; i < payload.size(); ++i) {
        ASSERT_EQ(static_cast<std::uint8_t>(out[8 + i]),
                  static_cast<std::uint8_t>(payload[i]) ^ key[i % 4])
            << i;
    }
}

TEST(FrameWriter, AppendsAfterExistingBytes) {
    std::string out = "prefix";
    append_frame(out, spec_for(Opcode::text), "Hello");
    append_frame(out, masked(spec_for(Opcode::pong)), "Hello");
    EXPECT_EQ(out, "prefix" + bytes({0x81, 0x05, 0x48, 0x65, 0x6c, 0x6c, 0x6f}) +
                       bytes({0x8a, 0x85, 0x37, 0xfa, 0x21, 0x3d, 0x7f, 0x9f, 0x4d, 0x51, 0x58}));
}

// --- Close bodies (5.5.1) ----------------------------------------------------------------

TEST(FrameWriter, ClosePayloadIsBigEndianCodeThenReason) {
    EXPECT_EQ(close_payload(close_code::normal, "bye"), bytes({0x03, 0xE8, 'b', 'y', 'e'}));
    EXPECT_EQ(close_payload(4999, ""), bytes({0x13, 0x87}));
    EXPECT_EQ(close_payload(65535, ""), bytes({0xFF, 0xFF}));
}

TEST(FrameWriter, ClosePayloadWithoutCodeIsEmpty) {
    EXPECT_EQ(close_payload(std::nullopt, ""), "");
    EXPECT_EQ(close_payload(std::nullopt, "ignored"), "");
}

TEST(FrameWriter, WritesCloseFrame) {
    EXPECT_EQ(frame(spec_for(Opcode::close), close_payload(close_code::going_away, "")),
              bytes({0x88, 0x02, 0x03, 0xE9}));
}

}  // namespace
}  // namespace wsspec::codec
