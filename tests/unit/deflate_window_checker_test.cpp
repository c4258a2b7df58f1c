// The exact window check of permessage-deflate (deflate_window_checker.h) against zlib itself
// judging exactly, one output byte per inflate() call: on valid streams of every kind it finds
// nothing and counts every byte; where zlib finds a distance too far (or any fault), the
// checker stops at the same output position; in whatever pieces the stream comes.
#include "harness/codec/deflate_window_checker.h"

#include <gtest/gtest.h>
#include <zlib.h>

#include <cstdint>
#include <random>
#include <string>
#include <string_view>
#include <vector>

#include "tests/unit/deflate_streams.h"

namespace wsspec::codec {
namespace {

// ---- streams ------------------------------------------------------------------------------

using testing::deflate_stream;
using testing::DeflateSettings;
using testing::unique_trigrams;
using testing::with_repeat;

std::string random_bytes(std::size_t n, unsigned seed, unsigned alphabet = 256) {
    std::mt19937 rng(seed);
    std::string s(n, '\0');
    for (auto& c : s)
        c = static_cast<char>(rng() % alphabet);
    return s;
}

// Byte values far from uniform (some thousands of times rarer than others): Huffman codes of
// 11 to 15 bits, longer than the checker's lookup tables.
std::string skewed_bytes(std::size_t n, unsigned seed) {
    std::mt19937 rng(seed);
    std::geometric_distribution<int> value(0.35);
    std::string s(n, '\0');
    for (auto& c : s)
        c = static_cast<char>(std::min(value(rng), 255));
    return s;
}

std::string text(std::size_t n, unsigned seed) {
    static const char* words[] = {
        "alpha ",     "beta ",    "gamma ",  "delta ",
        "websocket ", "deflate ", "window ", "{\"id\": 12, \"name\": \"x\"} "};
    std::mt19937 rng(seed);
    std::string s;
    while (s.size() < n)
        s += words[rng() % 8];
    s.resize(n);
    return s;
}

// Text whose repeats lie at every distance up to 32 KiB.
std::string far_repeats(std::size_t n, unsigned seed) {
    std::mt19937 rng(seed);
    std::string s = random_bytes(n, seed);
    for (std::size_t at = 600; at + 300 < n; at += 150 + rng() % 300) {
        const std::size_t distance = 1 + rng() % std::min<std::size_t>(at, 32768);
        s = with_repeat(std::move(s), at, distance, 3 + rng() % 200);
    }
    return s;
}

// ---- the two judges -----------------------------------------------------------------------

struct Verdict {
    bool fault = false;
    std::uint64_t at = 0;     // bytes produced before the fault (or in all)
    bool too_far = false;     // zlib: the fault is a distance too far back
    bool at_boundary = true;  // zlib: stopped on a block boundary (not inside a block)
};

// zlib with one output byte per call: its distance check is then exact (the header of
// permessage_deflate.h). After a final block it restarts with its window, as the codec does.
Verdict zlib_exact(std::string_view stream, int window_bits) {
    z_stream z{};
    EXPECT_EQ(inflateInit2(&z, -window_bits), Z_OK);
    z.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(stream.data()));
    z.avail_in = static_cast<uInt>(stream.size());
    Verdict v;
    std::uint8_t byte = 0;
    // data_type after the last call that made progress (one that cannot reports TYPEDO, not
    // TYPE, at a block boundary).
    int data_type = 0;
    for (;;) {
        z.next_out = &byte;
        z.avail_out = 1;
        const uInt in_before = z.avail_in;
        const int ret = inflate(&z, Z_SYNC_FLUSH);
        v.at += 1 - z.avail_out;
        if (z.avail_out == 0 || z.avail_in != in_before) data_type = z.data_type;
        if (ret == Z_DATA_ERROR) {
            v.fault = true;
            v.too_far = std::string_view(z.msg) == "invalid distance too far back";
            break;
        }
        if (ret == Z_STREAM_END) {
            if (z.avail_in == 0) break;
            inflateResetKeep(&z);
            continue;
        }
        if (ret != Z_OK || (z.avail_out == 1 && z.avail_in == in_before)) {
            v.at_boundary = (data_type & 128) != 0;
            break;
        }
    }
    inflateEnd(&z);
    return v;
}

// The checker, fed `stream` in pieces of the given sizes (the last piece takes the rest).
Verdict checker(std::string_view stream, int window_bits,
                const std::vector<std::size_t>& pieces = {}) {
    DeflateWindowChecker c(window_bits);
    Verdict v;
    std::size_t done = 0;
    for (std::size_t i = 0; done < stream.size() || i == 0; ++i) {
        const std::size_t n =
            i < pieces.size() ? std::min(pieces[i], stream.size() - done) : stream.size() - done;
        const std::uint64_t before = c.produced();
        const auto found =
            c.follow(reinterpret_cast<const std::uint8_t*>(stream.data()) + done, n, false);
        done += n;
        if (found) {
            EXPECT_EQ(before + *found, c.produced());
            v.fault = true;
            break;
        }
    }
    v.at = c.produced();
    return v;
}

std::vector<std::size_t> ones(std::size_t n) {
    return std::vector<std::size_t>(n, 1);
}

std::vector<std::size_t> random_pieces(std::size_t total, unsigned seed) {
    std::mt19937 rng(seed);
    std::vector<std::size_t> out;
    for (std::size_t done = 0; done < total;) {
        const std::size_t n = 1 + rng() % (rng() % 4 == 0 ? 3 : 700);
        out.push_back(n);
        done += n;
    }
    return out;
}

// The checker finds what zlib finds, where zlib finds it; and nothing on a stream zlib
// accepts (except that a stream cut inside a block header zlib would refuse may be refused
// before zlib has the bits to see it: then the stream fails as truncated either way).
void expect_agreement(std::string_view stream, int window_bits, const std::string& what) {
    const Verdict exact = zlib_exact(stream, window_bits);
    const std::vector<std::vector<std::size_t>> splits = {
        {}, ones(stream.size()), random_pieces(stream.size(), 1), random_pieces(stream.size(), 2)};
    for (std::size_t s = 0; s < splits.size(); ++s) {
        const Verdict found = checker(stream, window_bits, splits[s]);
        if (exact.fault || exact.at_boundary) {
            ASSERT_EQ(found.fault, exact.fault) << what << " split " << s;
            ASSERT_EQ(found.at, exact.at) << what << " split " << s;
        } else if (!found.fault) {
            ASSERT_EQ(found.at, exact.at) << what << " split " << s;
        }
    }
}

// ---- valid streams --------------------------------------------------------------------------

TEST(DeflateWindowChecker, FindsNothingInValidStreamsAndCountsEveryByte) {
    const std::vector<std::pair<std::string, std::string>> inputs = {
        {"random", random_bytes(70000, 1)},
        {"text", text(150000, 2)},
        {"zeros", std::string(300000, '\0')},
        {"skewed", skewed_bytes(100000, 3)},
        {"small alphabet", random_bytes(50000, 4, 5)},
        {"far repeats", far_repeats(100000, 5)},
        {"empty", ""},
        {"one byte", "x"},
    };
    const int strategies[] = {Z_DEFAULT_STRATEGY, Z_FILTERED, Z_HUFFMAN_ONLY, Z_RLE, Z_FIXED};
    for (const auto& [name, data] : inputs) {
        for (const int bits : {9, 11, 14, 15}) {
            for (const int level : {0, 1, 6, 9}) {
                for (const int strategy : strategies) {
                    DeflateSettings c;
                    c.window_bits = bits;
                    c.level = level;
                    c.strategy = strategy;
                    const std::string stream = deflate_stream(data, c);
                    const std::string what = name + " w" + std::to_string(bits) + " l" +
                                             std::to_string(level) + " s" +
                                             std::to_string(strategy);
                    const Verdict v = checker(stream, bits);
                    ASSERT_FALSE(v.fault) << what;
                    ASSERT_EQ(v.at, data.size()) << what;
                }
            }
        }
    }
}

TEST(DeflateWindowChecker, FollowsBlocksOfEveryKindAcrossPieces) {
    const std::string data = text(40000, 6) + random_bytes(20000, 7) + skewed_bytes(20000, 8);
    for (const int flush : {Z_NO_FLUSH, Z_SYNC_FLUSH, Z_FULL_FLUSH, Z_PARTIAL_FLUSH, Z_BLOCK}) {
        for (const int level : {0, 1, 6}) {
            DeflateSettings c;
            c.window_bits = 12;
            c.level = level;
            c.flush = flush;
            c.piece_size = 777;
            const std::string stream = deflate_stream(data, c);
            for (const auto& pieces : {std::vector<std::size_t>{}, ones(stream.size()),
                                       random_pieces(stream.size(), 9)}) {
                const Verdict v = checker(stream, 12, pieces);
                ASSERT_FALSE(v.fault) << "flush " << flush << " level " << level;
                ASSERT_EQ(v.at, data.size()) << "flush " << flush << " level " << level;
            }
        }
    }
}

TEST(DeflateWindowChecker, WindowBits8FollowsLiteralOnlyStreams) {
    // What wsspec itself sends for an agreed 8 (permessage_deflate.h): Huffman only.
    DeflateSettings c;
    c.window_bits = 9;
    c.strategy = Z_HUFFMAN_ONLY;
    const std::string data = text(20000, 10);
    const Verdict v = checker(deflate_stream(data, c), 8);
    EXPECT_FALSE(v.fault);
    EXPECT_EQ(v.at, data.size());
}

TEST(DeflateWindowChecker, StreamsAfterAFinalBlockContinueWithTheWindow) {
    // A complete stream (BFINAL) and then one that refers back into it, as RFC 7692 7.2.3.4
    // allows within a message: the window is kept.
    const std::string first = unique_trigrams(3000);
    DeflateSettings finish;
    finish.flush = Z_FINISH;
    DeflateSettings more;
    more.dictionary = first;
    const std::string second = first.substr(2500, 200);  // 500 back from the end of `first`
    const std::string stream = deflate_stream(first, finish) + deflate_stream(second, more);
    for (const int bits : {9, 10}) {
        const Verdict exact = zlib_exact(stream, bits);
        const Verdict found = checker(stream, bits);
        EXPECT_FALSE(exact.fault) << bits;
        EXPECT_EQ(found.fault, exact.fault) << bits;
        EXPECT_EQ(found.at, first.size() + second.size()) << bits;
    }
    // 8 bits: 500 back is too far.
    EXPECT_TRUE(zlib_exact(stream, 8).too_far);
    const Verdict found = checker(stream, 8);
    EXPECT_TRUE(found.fault);
    EXPECT_EQ(found.at, first.size());
}

TEST(DeflateWindowChecker, IgnoresTheRestOfTheTailAfterAFinalBlock) {
    DeflateSettings finish;
    finish.flush = Z_FINISH;
    const std::string stream = deflate_stream("Hello", finish);
    DeflateWindowChecker c(9);
    const auto* bytes = reinterpret_cast<const std::uint8_t*>(stream.data());
    // The final block's last byte arrives with the appended tail (RFC 7692 7.2.2): the
    // inflater stops at the end of the stream and so does the checker (what follows would be
    // a block of the reserved type 3).
    EXPECT_FALSE(c.follow(bytes, stream.size() - 1, false));
    const std::string tail = stream.substr(stream.size() - 1) + "\xff\xff";
    EXPECT_FALSE(c.follow(reinterpret_cast<const std::uint8_t*>(tail.data()), tail.size(), true));
    EXPECT_EQ(c.produced(), 5U);
    // Outside the tail the same bytes start a new stream.
    DeflateWindowChecker d(9);
    EXPECT_FALSE(d.follow(bytes, stream.size() - 1, false));
    EXPECT_TRUE(d.follow(reinterpret_cast<const std::uint8_t*>(tail.data()), tail.size(), false));
}

// ---- the window ---------------------------------------------------------------------------

TEST(DeflateWindowChecker, DistanceOfExactlyTheWindowIsWithinItAndOneMoreIsNot) {
    for (const int bits : {8, 9, 10, 12, 14}) {
        const std::size_t window = std::size_t{1} << bits;
        for (const std::size_t at : {window + 2, window + 100, 3 * window, 5 * window + 7}) {
            const std::string base = unique_trigrams(at + window);
            for (const std::size_t distance : {window - 1, window, window + 1, window + 2}) {
                const std::string stream = deflate_stream(with_repeat(base, at, distance));
                const std::string what = "w" + std::to_string(bits) + " at " + std::to_string(at) +
                                         " d " + std::to_string(distance);
                const Verdict exact = zlib_exact(stream, bits);
                ASSERT_EQ(exact.too_far, distance > window) << what;
                if (exact.too_far) {
                    // At the planted repeat (a compressor may start it a byte early or late).
                    ASSERT_LE(exact.at, at + 2) << what;
                    ASSERT_GE(exact.at + 2, at) << what;
                }
                expect_agreement(stream, bits, what);
            }
        }
    }
}

TEST(DeflateWindowChecker, ReferenceToBeforeTheStreamIsAFinding) {
    // Before the window has filled, the limit is what the stream has produced: a reference to
    // a dictionary the receiver does not have (RFC 7692 7.1.1: a fresh window).
    const std::string history = unique_trigrams(400, 30000);
    DeflateSettings with_history;
    with_history.dictionary = history;
    const std::string data = unique_trigrams(300);
    // The start of `history` again: it lies 400 + 300 - ... bytes back.
    const std::string message = data + history.substr(100, 64);
    const std::string stream = deflate_stream(message, with_history);
    const Verdict exact = zlib_exact(stream, 10);
    ASSERT_TRUE(exact.too_far);
    ASSERT_EQ(exact.at, data.size());
    expect_agreement(stream, 10, "before the stream");
    // A distance of exactly what was produced reaches the first byte: allowed.
    const std::string to_first = data + data.substr(0, 64);
    expect_agreement(deflate_stream(to_first), 10, "to the first byte");
    EXPECT_FALSE(checker(deflate_stream(to_first), 10).fault);
}

TEST(DeflateWindowChecker, AgreesWithZlibOnStreamsCompressedWithALargerWindow) {
    std::mt19937 rng(77);
    for (int round = 0; round < 40; ++round) {
        const int bits = 8 + static_cast<int>(rng() % 7);  // 8..14
        DeflateSettings c;
        c.window_bits = bits + 1 + static_cast<int>(rng() % (15 - bits));
        c.level = 1 + static_cast<int>(rng() % 9);
        c.piece_size = rng() % 2 == 0 ? 0 : 500 + rng() % 5000;
        const std::string data = round % 3 == 0 ? far_repeats(40000, round)
                                 : round % 3 == 1
                                     ? text(60000, round)
                                     : skewed_bytes(30000, round) + far_repeats(8000, round);
        expect_agreement(deflate_stream(data, c), bits, "round " + std::to_string(round));
    }
}

TEST(DeflateWindowChecker, AgreesWithZlibOnDamagedStreams) {
    // Every fault zlib reports (bad block types, code sets, stored lengths, codes, distances)
    // is a finding at the same output position.
    std::mt19937 rng(99);
    DeflateSettings stored;
    stored.level = 0;
    const std::string sources[] = {
        deflate_stream(text(6000, 1)), deflate_stream(far_repeats(6000, 2)),
        deflate_stream(skewed_bytes(6000, 3)), deflate_stream(random_bytes(3000, 4), stored)};
    for (int round = 0; round < 4000; ++round) {
        std::string stream = sources[round % 4];
        const int flips = 1 + static_cast<int>(rng() % 4);
        for (int f = 0; f < flips; ++f)
            stream[rng() % stream.size()] ^= static_cast<char>(1U << (rng() % 8));
        if (rng() % 4 == 0) stream.resize(rng() % stream.size());
        const int bits = 8 + static_cast<int>(rng() % 8);
        expect_agreement(stream, bits, "round " + std::to_string(round));
    }
    for (int round = 0; round < 3000; ++round)
        expect_agreement(random_bytes(1 + rng() % 200, round), 8 + round % 8,
                         "garbage " + std::to_string(round));
}

TEST(DeflateWindowChecker, ResetForgetsTheWindowAndAFinalBlockKeepsIt) {
    // Two messages of one stream, the second referring 200 bytes back into the first.
    const std::string first = unique_trigrams(1000);
    DeflateSettings with_first;
    with_first.dictionary = first;
    const std::string second = deflate_stream(first.substr(800, 100), with_first);
    const std::string whole = deflate_stream(first);
    const auto follow = [](DeflateWindowChecker& c, const std::string& s) {
        return c.follow(reinterpret_cast<const std::uint8_t*>(s.data()), s.size(), false);
    };
    DeflateWindowChecker keep(9);
    EXPECT_FALSE(follow(keep, whole));
    EXPECT_FALSE(follow(keep, second));  // context takeover: within the window

    DeflateWindowChecker fresh(9);
    EXPECT_FALSE(follow(fresh, whole));
    fresh.reset();  // no context takeover: each message starts empty (RFC 7692 7.1.1)
    const auto found = follow(fresh, second);
    ASSERT_TRUE(found);
    EXPECT_EQ(*found, 0U);

    DeflateSettings finish;
    finish.flush = Z_FINISH;
    DeflateWindowChecker after_final(9);  // the next message after a final block (7.2.3.4)
    EXPECT_FALSE(follow(after_final, deflate_stream(first, finish)));
    EXPECT_FALSE(follow(after_final, second));
}

TEST(DeflateWindowChecker, StaysStoppedAfterAFinding) {
    const std::string stream = deflate_stream(with_repeat(unique_trigrams(2000), 1500, 600));
    DeflateWindowChecker c(9);
    const auto* bytes = reinterpret_cast<const std::uint8_t*>(stream.data());
    const auto found = c.follow(bytes, stream.size(), false);
    ASSERT_TRUE(found);
    EXPECT_EQ(*found, 1500U);
    const auto again = c.follow(bytes, stream.size(), false);
    ASSERT_TRUE(again);
    EXPECT_EQ(*again, 0U);
}

}  // namespace
}  // namespace wsspec::codec
