// The branch-free short-text UTF-8 check (harness/codec/utf8_block_check.h): it may only
// vouch for text that is valid and ends on a code point boundary, and it does vouch for
// all such text of the lengths it handles (4-16 and 19 or more bytes), at every position
// relative to its 16-byte blocks, masked or not. The reference is Utf8Validator fed one
// byte at a time (its state machine; utf8_validator_test.cpp checks that against an
// independent decoder).
#include "harness/codec/utf8_block_check.h"

#include <gtest/gtest.h>

#include <cstdint>
#include <cstring>
#include <random>
#include <string>
#include <vector>

#include "harness/codec/masking.h"
#include "harness/codec/utf8_validator.h"

namespace wsspec::codec {
namespace {

using Bytes = std::vector<std::uint8_t>;

bool reference_valid_and_complete(const Bytes& s) {
    Utf8Validator v;
    for (const std::uint8_t b : s) {
        if (!v.feed(&b, 1)) return false;
    }
    return v.complete();
}

bool handled_length(std::size_t n) {
    return (n >= 4 && n <= 16) || n >= 19;
}

// Checks one text both ways: never vouching for bad text, always for good text it handles.
void expect_agrees(const Bytes& s) {
    const bool expected = reference_valid_and_complete(s);
    const bool fast = utf8_block::valid_and_complete(s.data(), s.size());
    if (fast) {
        ASSERT_TRUE(expected) << "vouched for invalid or unfinished text of " << s.size()
                              << " bytes: " << testing::PrintToString(s);
    } else if (expected && WSSPEC_UTF8_BLOCK_CHECK && handled_length(s.size())) {
        ASSERT_TRUE(fast) << "did not vouch for valid text of " << s.size()
                          << " bytes: " << testing::PrintToString(s);
    }
}

// `sequence` placed at `pos` in ASCII text of `length` bytes (cut off at the end).
Bytes embed(const Bytes& sequence, std::size_t pos, std::size_t length) {
    Bytes s(length, 'a');
    for (std::size_t i = 0; i < sequence.size() && pos + i < length; ++i)
        s[pos + i] = sequence[i];
    return s;
}

// Lengths around the block size and positions around block edges and the end.
struct Placement {
    std::size_t length;
    std::size_t pos;
};

std::vector<Placement> placements(std::size_t sequence_size) {
    std::vector<Placement> out;
    // A short (padded) block, one exact block, a block and a tail, two blocks, two and a
    // tail: the sequence at each end and across the first block edge.
    for (const std::size_t length : {5, 11, 16, 19, 32, 35}) {
        for (const std::size_t pos : {std::size_t{0}, std::size_t{14}, std::size_t{15},
                                      std::size_t{16}, length - sequence_size, length - 1}) {
            if (pos < length) out.push_back({length, pos});
        }
    }
    return out;
}

TEST(Utf8BlockCheck, AgreesOnEveryTwoByteCombinationAtBlockEdgesAndEnds) {
    const std::vector<Placement> where = placements(2);
    for (int b0 = 0; b0 < 256; ++b0) {
        for (int b1 = 0; b1 < 256; ++b1) {
            const Bytes seq = {static_cast<std::uint8_t>(b0), static_cast<std::uint8_t>(b1)};
            for (const Placement& p : where) {
                ASSERT_NO_FATAL_FAILURE(expect_agrees(embed(seq, p.pos, p.length)));
            }
        }
    }
}

// Byte values at the edges of every range RFC 3629 4 distinguishes.
const std::vector<std::uint8_t> edge_bytes = {0x00, 0x7F, 0x80, 0x8F, 0x90, 0x9F, 0xA0, 0xBF, 0xC0,
                                              0xC1, 0xC2, 0xDF, 0xE0, 0xED, 0xF0, 0xF4, 0xF5, 0xFF};

TEST(Utf8BlockCheck, AgreesOnThreeAndFourByteSequencesOfRangeEdges) {
    const std::vector<Placement> where3 = placements(3);
    const std::vector<Placement> where4 = placements(4);
    for (int lead = 0xC0; lead < 0x100; ++lead) {
        for (const std::uint8_t b1 : edge_bytes) {
            for (const std::uint8_t b2 : edge_bytes) {
                const auto l = static_cast<std::uint8_t>(lead);
                for (const Placement& p : where3)
                    ASSERT_NO_FATAL_FAILURE(expect_agrees(embed({l, b1, b2}, p.pos, p.length)));
                if (lead < 0xF0) continue;
                for (const std::uint8_t b3 : edge_bytes) {
                    for (const Placement& p : where4) {
                        ASSERT_NO_FATAL_FAILURE(
                            expect_agrees(embed({l, b1, b2, b3}, p.pos, p.length)));
                    }
                }
            }
        }
    }
}

void append_code_point(Bytes& out, std::uint32_t cp) {
    if (cp < 0x80) {
        out.push_back(static_cast<std::uint8_t>(cp));
    } else if (cp < 0x800) {
        out.push_back(static_cast<std::uint8_t>(0xC0 | (cp >> 6)));
        out.push_back(static_cast<std::uint8_t>(0x80 | (cp & 0x3F)));
    } else if (cp < 0x10000) {
        out.push_back(static_cast<std::uint8_t>(0xE0 | (cp >> 12)));
        out.push_back(static_cast<std::uint8_t>(0x80 | ((cp >> 6) & 0x3F)));
        out.push_back(static_cast<std::uint8_t>(0x80 | (cp & 0x3F)));
    } else {
        out.push_back(static_cast<std::uint8_t>(0xF0 | (cp >> 18)));
        out.push_back(static_cast<std::uint8_t>(0x80 | ((cp >> 12) & 0x3F)));
        out.push_back(static_cast<std::uint8_t>(0x80 | ((cp >> 6) & 0x3F)));
        out.push_back(static_cast<std::uint8_t>(0x80 | (cp & 0x3F)));
    }
}

// Valid text of about `size` bytes, code points of every length in roughly equal shares.
Bytes random_text(std::mt19937& rng, std::size_t size) {
    Bytes out;
    while (out.size() < size) {
        std::uint32_t cp = 0;
        switch (rng() % 4) {
            case 0:
                cp = rng() % 0x80;
                break;
            case 1:
                cp = 0x80 + rng() % (0x800 - 0x80);
                break;
            case 2:
                cp = 0x800 + rng() % (0x10000 - 0x800);
                if (cp >= 0xD800 && cp <= 0xDFFF) cp -= 0x800;  // no surrogates
                break;
            default:
                cp = 0x10000 + rng() % (0x110000 - 0x10000);
        }
        append_code_point(out, cp);
    }
    return out;
}

TEST(Utf8BlockCheck, AgreesOnRandomTextAndRandomCorruptionsOfEveryShortLength) {
    std::mt19937 rng(3629);
    for (std::size_t size = 0; size < 300; ++size) {
        for (int round = 0; round < 40; ++round) {
            Bytes s = random_text(rng, size);
            ASSERT_NO_FATAL_FAILURE(expect_agrees(s));
            if (s.empty()) continue;
            s[rng() % s.size()] = static_cast<std::uint8_t>(rng());
            ASSERT_NO_FATAL_FAILURE(expect_agrees(s));
            s.pop_back();  // often cuts a code point short
            ASSERT_NO_FATAL_FAILURE(expect_agrees(s));
        }
    }
}

TEST(Utf8BlockCheck, ReadsMaskedTextAsItsUnmaskedFormWithoutWritingIt) {
    std::mt19937 rng(6455);
    for (std::size_t size = 0; size < 300; ++size) {
        for (int round = 0; round < 10; ++round) {
            Bytes plain = random_text(rng, size);
            if (round % 2 == 1 && !plain.empty())
                plain[rng() % plain.size()] = static_cast<std::uint8_t>(rng());
            MaskKey key;
            for (auto& b : key)
                b = static_cast<std::uint8_t>(rng());
            Bytes masked = plain;
            apply_mask(masked.data(), masked.size(), key);
            const Bytes before = masked;
            std::uint32_t word;
            std::memcpy(&word, key.data(), sizeof(word));
            EXPECT_EQ(utf8_block::valid_and_complete(masked.data(), masked.size(), word),
                      utf8_block::valid_and_complete(plain.data(), plain.size()))
                << size;
            EXPECT_EQ(masked, before);
        }
    }
}

TEST(Utf8BlockCheck, NeverReadsPastTheEnd) {
    // Each text at the very end of its own heap block (ASan reports any read past it).
    std::mt19937 rng(1);
    for (std::size_t size = 0; size < 64; ++size) {
        const Bytes text = random_text(rng, size);
        std::vector<std::uint8_t> exact(text.begin(), text.end());
        ASSERT_NO_FATAL_FAILURE(expect_agrees(exact));
        EXPECT_EQ(utf8_block::valid_and_complete(exact.data(), exact.size(), 0x11223344),
                  utf8_block::valid_and_complete(exact.data(), exact.size(), 0x11223344));
    }
}

}  // namespace
}  // namespace wsspec::codec
