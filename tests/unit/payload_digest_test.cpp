// The digest of an expected payload equals the digest of its bytes, for every payload form
// and for patterns whose length is no multiple of their unit (the chunked hashing of
// patterns must continue the pattern across chunks).
#include "harness/cases/payload_digest.h"

#include <gtest/gtest.h>

#include <string>

namespace wsspec::cases {
namespace {

Payload pattern(std::string unit, std::uint64_t length) {
    Payload p;
    p.kind = Payload::Kind::pattern;
    p.bytes = std::move(unit);
    p.length = length;
    return p;
}

TEST(PayloadDigest, PatternDigestEqualsTheDigestOfItsBytes) {
    for (const std::string& unit : {std::string("\x00", 1), std::string("abc"),
                                    std::string("0123456789abcdef0"), std::string(70000, 'u')}) {
        for (const std::uint64_t length : {0ULL, 1ULL, 65535ULL, 65536ULL, 65537ULL, 200001ULL}) {
            const Payload p = pattern(unit, length);
            EXPECT_EQ(digest_of(p), digest_of(p.materialize()))
                << "unit of " << unit.size() << ", length " << length;
        }
    }
}

TEST(PayloadDigest, OtherFormsAndDifferentBytes) {
    Payload text;
    text.kind = Payload::Kind::text;
    text.text = "Hello";
    EXPECT_EQ(digest_of(text), digest_of(std::string_view("Hello")));
    EXPECT_EQ(digest_of(text).size(), 32U);  // SHA-256
    EXPECT_NE(digest_of(std::string_view("Hello")), digest_of(std::string_view("Hellp")));
    EXPECT_NE(digest_of(pattern("ab", 10)), digest_of(pattern("ab", 11)));
}

}  // namespace
}  // namespace wsspec::cases
