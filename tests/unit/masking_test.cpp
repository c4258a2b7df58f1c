// Masking (RFC 6455 5.3): the vectorised XOR must equal the one-line definition
// `data[i] ^= key[(offset + i) % 4]` for every length, key offset, alignment and chunking.
#include "harness/codec/masking.h"

#include <gtest/gtest.h>

#include <cstdint>
#include <random>
#include <vector>

namespace wsspec::codec {
namespace {

using Bytes = std::vector<std::uint8_t>;

// RFC 6455 5.3, literally.
void naive_mask(std::uint8_t* data, std::size_t size, const MaskKey& key, std::size_t offset) {
    for (std::size_t i = 0; i < size; ++i)
        data[i] ^= key[(offset + i) % 4];
}

Bytes random_bytes(std::mt19937& rng, std::size_t n) {
    std::uniform_int_distribution<int> byte(0, 255);
    Bytes out(n);
    for (auto& b : out)
        b = static_cast<std::uint8_t>(byte(rng));
    return out;
}

MaskKey random_key(std::mt19937& rng) {
    std::uniform_int_distribution<int> byte(0, 255);
    return {static_cast<std::uint8_t>(byte(rng)), static_cast<std::uint8_t>(byte(rng)),
            static_cast<std::uint8_t>(byte(rng)), static_cast<std::uint8_t>(byte(rng))};
}

TEST(Masking, MatchesRfcExample) {
    Bytes data{'H', 'e', 'l', 'l', 'o'};
    const std::size_t next = apply_mask(data.data(), data.size(), {0x37, 0xfa, 0x21, 0x3d});
    EXPECT_EQ(data, (Bytes{0x7f, 0x9f, 0x4d, 0x51, 0x58}));
    EXPECT_EQ(next, 1u);
}

TEST(Masking, MatchesNaiveReferenceForEveryLengthAndKeyOffset) {
    std::mt19937 rng(1);
    for (std::size_t len = 0; len <= 300; ++len) {
        for (std::size_t offset = 0; offset < 4; ++offset) {
            const MaskKey key = random_key(rng);
            const Bytes original = random_bytes(rng, len);
            Bytes expected = original;
            naive_mask(expected.data(), expected.size(), key, offset);
            Bytes actual = original;
            const std::size_t next = apply_mask(actual.data(), actual.size(), key, offset);
            ASSERT_EQ(actual, expected) << "len " << len << " offset " << offset;
            ASSERT_EQ(next, (offset + len) % 4) << "len " << len << " offset " << offset;
        }
    }
}

TEST(Masking, MatchesNaiveReferenceAtEveryAlignment) {
    // The vector path loads with memcpy; unaligned starts must not change the result.
    std::mt19937 rng(2);
    const MaskKey key = random_key(rng);
    for (std::size_t start = 0; start < 16; ++start) {
        for (const std::size_t len : {63u, 64u, 65u, 71u, 128u, 200u}) {
            const Bytes original = random_bytes(rng, start + len + 16);
            Bytes expected = original;
            naive_mask(expected.data() + start, len, key, start % 4);
            Bytes actual = original;
            apply_mask(actual.data() + start, len, key, start % 4);
            ASSERT_EQ(actual, expected) << "start " << start << " len " << len;
        }
    }
}

TEST(Masking, LeavesBytesOutsideTheRangeUntouched) {
    Bytes data(200, 0x55);
    apply_mask(data.data() + 10, 150, {0xFF, 0xFF, 0xFF, 0xFF});
    for (std::size_t i = 0; i < data.size(); ++i) {
        const bool inside = i >= 10 && i < 160;
        ASSERT_EQ(data[i], inside ? 0xAA : 0x55) << i;
    }
}

TEST(Masking, ResumingMidKeyAcrossChunkSplitsMatchesOneCall) {
    std::mt19937 rng(3);
    for (int iteration = 0; iteration < 500; ++iteration) {
        const std::size_t len = std::uniform_int_distribution<std::size_t>(0, 400)(rng);
        const std::size_t start_offset = std::uniform_int_distribution<std::size_t>(0, 3)(rng);
        const MaskKey key = random_key(rng);
        const Bytes original = random_bytes(rng, len);

        Bytes whole = original;
        const std::size_t whole_next = apply_mask(whole.data(), whole.size(), key, start_offset);

        Bytes chunked = original;
        std::size_t pos = 0;
        std::size_t offset = start_offset;
        while (pos < len) {
            // Mix tiny chunks (mid-key resumption) with ones large enough for the vector path.
            const std::size_t max_chunk = (iteration % 3 == 0) ? 3 : 150;
            const std::size_t n =
                std::min(len - pos, std::uniform_int_distribution<std::size_t>(0, max_chunk)(rng));
            offset = apply_mask(chunked.data() + pos, n, key, offset);
            pos += n;
        }
        ASSERT_EQ(chunked, whole) << "iteration " << iteration;
        ASSERT_EQ(offset, whole_next);
    }
}

TEST(Masking, ReducesKeyOffsetModuloFour) {
    const MaskKey key{1, 2, 3, 4};
    Bytes a(37, 0), b(37, 0);
    EXPECT_EQ(apply_mask(a.data(), a.size(), key, 5), (5 + 37) % 4);
    EXPECT_EQ(apply_mask(b.data(), b.size(), key, 1), (1 + 37) % 4);
    EXPECT_EQ(a, b);
    EXPECT_EQ(a[0], 2);
}

TEST(Masking, ReturnsOffsetUnchangedForEmptyInput) {
    for (std::size_t offset = 0; offset < 4; ++offset)
        EXPECT_EQ(apply_mask(nullptr, 0, {1, 2, 3, 4}, offset), offset);
}

TEST(Masking, IsItsOwnInverse) {
    std::mt19937 rng(4);
    const Bytes original = random_bytes(rng, 1000);
    const MaskKey key = random_key(rng);
    Bytes data = original;
    apply_mask(data.data(), data.size(), key, 2);
    EXPECT_NE(data, original);
    apply_mask(data.data(), data.size(), key, 2);
    EXPECT_EQ(data, original);
}

TEST(Masking, ZeroKeyLeavesDataUnchanged) {
    std::mt19937 rng(5);
    const Bytes original = random_bytes(rng, 333);
    Bytes data = original;
    apply_mask(data.data(), data.size(), {0, 0, 0, 0}, 3);
    EXPECT_EQ(data, original);
}

}  // namespace
}  // namespace wsspec::codec
