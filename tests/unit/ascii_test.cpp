// ASCII character classes (harness/codec/ascii.h): exactly the RFC 5234 B.1 ranges for
// every byte value, whatever the C locale says about bytes above 0x7F.
#include "harness/codec/ascii.h"

#include <gtest/gtest.h>

#include <string_view>

namespace wsspec::codec {
namespace {

constexpr std::string_view digits = "0123456789";
constexpr std::string_view letters = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ";
constexpr std::string_view hex_letters = "abcdefABCDEF";

bool in(std::string_view set, char c) {
    return set.find(c) != std::string_view::npos;
}

TEST(Ascii, ClassifiesEveryByteValueByTheAsciiRangesOnly) {
    for (int v = 0; v < 256; ++v) {
        const char c = static_cast<char>(v);
        SCOPED_TRACE(v);
        EXPECT_EQ(is_ascii_digit(c), in(digits, c));
        EXPECT_EQ(is_ascii_alpha(c), in(letters, c));
        EXPECT_EQ(is_ascii_alnum(c), in(digits, c) || in(letters, c));
        EXPECT_EQ(is_ascii_hex_digit(c), in(digits, c) || in(hex_letters, c));
    }
}

TEST(Ascii, LowersOnlyAsciiCapitals) {
    EXPECT_EQ(ascii_lower('A'), 'a');
    EXPECT_EQ(ascii_lower('Z'), 'z');
    EXPECT_EQ(ascii_lower('a'), 'a');
    EXPECT_EQ(ascii_lower('@'), '@');                                          // just below 'A'
    EXPECT_EQ(ascii_lower('['), '[');                                          // just above 'Z'
    EXPECT_EQ(ascii_lower(static_cast<char>(0xC9)), static_cast<char>(0xC9));  // Latin-1 'É'
}

}  // namespace
}  // namespace wsspec::codec
