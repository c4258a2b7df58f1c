// Close frame bodies (RFC 6455 5.5.1, 7.4): which codes may be received, the one-byte
// body, and the UTF-8 reason -- with the close code each violation maps to.
#include "harness/codec/close_payload.h"

#include <gtest/gtest.h>

#include <cstdint>
#include <string>

#include "harness/codec/constants.h"
#include "harness/codec/frame_writer.h"
#include "harness/codec/protocol_error.h"

namespace wsspec::codec {
namespace {

CloseParseResult parse(const std::string& body) {
    return parse_close_payload(reinterpret_cast<const std::uint8_t*>(body.data()), body.size());
}

std::string body(std::uint16_t code, std::string_view reason = {}) {
    return close_payload(code, reason);
}

TEST(ClosePayload, AcceptsEmptyBodyAsNoStatus) {
    const CloseParseResult r = parse_close_payload(nullptr, 0);
    EXPECT_EQ(r.error, ErrorKind::none);
    EXPECT_FALSE(r.payload.code.has_value());
    EXPECT_TRUE(r.payload.reason.empty());
}

TEST(ClosePayload, RejectsOneByteBodyWith1002) {
    for (const int b : {0x00, 0x03, 0xE8, 0xFF}) {
        const CloseParseResult r = parse(std::string(1, static_cast<char>(b)));
        EXPECT_EQ(r.error, ErrorKind::close_payload_one_byte);
    }
    EXPECT_EQ(make_error(ErrorKind::close_payload_one_byte).close_code, close_code::protocol_error);
}

TEST(ClosePayload, AcceptsValidCodes) {
    for (const std::uint16_t code : {1000, 1001, 1002, 1003, 1007, 1008, 1009, 1010, 1011, 1012,
                                     1013, 1014, 3000, 3999, 4000, 4999}) {
        EXPECT_TRUE(is_valid_close_code(code)) << code;
        const CloseParseResult r = parse(body(code));
        EXPECT_EQ(r.error, ErrorKind::none) << code;
        EXPECT_EQ(r.payload.code, code);
        EXPECT_TRUE(r.payload.reason.empty());
        const std::string data = body(code, "bye");  // outlives the reason view
        const CloseParseResult with_reason = parse(data);
        EXPECT_EQ(with_reason.error, ErrorKind::none) << code;
        EXPECT_EQ(with_reason.payload.reason, "bye");
    }
}

TEST(ClosePayload, RejectsInvalidCodesWith1002) {
    for (const std::uint16_t code :
         {0, 999, 1004, 1005, 1006, 1015, 1016, 1100, 2000, 2999, 5000, 65535}) {
        EXPECT_FALSE(is_valid_close_code(code)) << code;
        const CloseParseResult r = parse(body(code, "reason"));
        EXPECT_EQ(r.error, ErrorKind::invalid_close_code) << code;
        EXPECT_EQ(r.payload.code, code);
    }
    EXPECT_EQ(make_error(ErrorKind::invalid_close_code).close_code, close_code::protocol_error);
}

TEST(ClosePayload, ValidCodeRangesMatchRfcAndIanaRegistry) {
    for (std::uint32_t code = 0; code <= 0xFFFF; ++code) {
        const bool expected = (code >= 1000 && code <= 1003) || (code >= 1007 && code <= 1014) ||
                              (code >= 3000 && code <= 4999);
        ASSERT_EQ(is_valid_close_code(static_cast<std::uint16_t>(code)), expected) << code;
    }
}

TEST(ClosePayload, MapsInvalidUtf8ReasonTo1007) {
    for (const std::string& reason :
         {std::string("\xFF"), std::string("ok\xC0\x80"), std::string("\xED\xA0\x80"),
          std::string("\xF4\x90\x80\x80"), std::string(100, 'a') + "\x80"}) {
        const CloseParseResult r = parse(body(close_code::normal, reason));
        EXPECT_EQ(r.error, ErrorKind::invalid_close_reason_utf8);
    }
    EXPECT_EQ(make_error(ErrorKind::invalid_close_reason_utf8).close_code,
              close_code::invalid_payload);
}

TEST(ClosePayload, RejectsReasonCutOffInsideCodePoint) {
    // The reason is complete by itself; an open code point at its end is invalid.
    EXPECT_EQ(parse(body(close_code::normal, "\xE2\x82")).error,
              ErrorKind::invalid_close_reason_utf8);
    EXPECT_EQ(parse(body(close_code::normal, std::string(90, 'a') + "\xF0\x9F\x98")).error,
              ErrorKind::invalid_close_reason_utf8);
}

TEST(ClosePayload, InvalidCodeIsReportedBeforeInvalidReason) {
    EXPECT_EQ(parse(body(1005, "\xFF")).error, ErrorKind::invalid_close_code);
}

TEST(ClosePayload, AcceptsMultiByteUtf8Reason) {
    const std::string reason = "\xCE\xBA\xE1\xBD\xB9\xCF\x83\xCE\xBC\xCE\xB5 \xF0\x9F\x98\x80";
    const std::string data = body(close_code::going_away, reason);
    const CloseParseResult r = parse(data);
    EXPECT_EQ(r.error, ErrorKind::none);
    EXPECT_EQ(r.payload.reason, reason);
}

TEST(ClosePayload, AcceptsReasonOf123Bytes) {
    // 2 + 123 = 125, the largest control payload (5.5).
    const std::string ascii(123, 'r');
    const std::string data = body(close_code::normal, ascii);
    const CloseParseResult r = parse(data);
    EXPECT_EQ(r.error, ErrorKind::none);
    EXPECT_EQ(r.payload.reason, ascii);
    EXPECT_EQ(body(close_code::normal, ascii).size(), max_control_payload);

    std::string multibyte;  // 41 x 3-byte code points = 123 bytes, above the SIMD threshold
    for (int i = 0; i < 41; ++i)
        multibyte += "\xE2\x82\xAC";
    ASSERT_EQ(multibyte.size(), 123u);
    EXPECT_EQ(parse(body(close_code::normal, multibyte)).error, ErrorKind::none);

    std::string bad_last = ascii;
    bad_last.back() = '\xC3';
    EXPECT_EQ(parse(body(close_code::normal, bad_last)).error,
              ErrorKind::invalid_close_reason_utf8);
}

TEST(ClosePayload, ReasonIsAViewIntoTheCallersBytes) {
    const std::string data = body(close_code::normal, "view");
    const CloseParseResult r = parse(data);
    EXPECT_EQ(r.payload.reason.data(), data.data() + 2);
    EXPECT_EQ(r.payload.reason.size(), 4u);
}

TEST(ClosePayload, ReadsCodeBigEndian) {
    const std::string data{'\x0F', '\xA0'};  // 4000
    EXPECT_EQ(parse(data).payload.code, 4000);
}

}  // namespace
}  // namespace wsspec::codec
