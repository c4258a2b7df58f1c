// Incremental UTF-8 validation (RFC 3629; RFC 6455 8.1). Checked against Markus Kuhn's
// decoder stress sequences as Autobahn 6.5-6.23 sends them (tests/data), and against a
// reference decoder written here a different way: it tracks the interval of code points a
// partial sequence can still become, instead of a table of byte ranges.
#include "harness/codec/utf8_validator.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cstdint>
#include <fstream>
#include <random>
#include <sstream>
#include <string>
#include <vector>

#ifndef WSSPEC_TEST_DATA_DIR
#define WSSPEC_TEST_DATA_DIR "tests/data"
#endif

namespace wsspec::codec {
namespace {

using Bytes = std::vector<std::uint8_t>;

// --- Reference decoder -------------------------------------------------------------------

struct Verdict {
    bool ok = true;         // no invalid byte seen
    bool complete = true;   // ok, and no code point left open at the end
    std::size_t error = 0;  // offset of the first invalid byte, when !ok

    bool operator==(const Verdict&) const = default;
};

std::ostream& operator<<(std::ostream& os, const Verdict& v) {
    return os << "{ok=" << v.ok << " complete=" << v.complete << " error=" << v.error << "}";
}

// Lowest and highest code point each encoded length may carry (RFC 3629 3: shortest form,
// nothing above U+10FFFF).
constexpr std::uint32_t min_code_point[5] = {0, 0, 0x80, 0x800, 0x10000};
constexpr std::uint32_t max_code_point[5] = {0, 0x7F, 0x7FF, 0xFFFF, 0x10FFFF};
constexpr std::uint32_t surrogate_first = 0xD800;
constexpr std::uint32_t surrogate_last = 0xDFFF;

// Can a sequence of `length` bytes whose known high bits are `bits`, with `remaining`
// continuation bytes still to come, still encode a Unicode scalar value?
bool can_complete(std::uint32_t bits, int remaining, int length) {
    std::uint32_t lo = bits << (6 * remaining);
    std::uint32_t hi = lo | ((1U << (6 * remaining)) - 1);
    lo = std::max(lo, min_code_point[length]);
    hi = std::min(hi, max_code_point[length]);
    if (lo > hi) return false;
    return !(lo >= surrogate_first && hi <= surrogate_last);
}

Verdict reference(const Bytes& s) {
    const std::size_t n = s.size();
    std::size_t i = 0;
    while (i < n) {
        const std::uint8_t lead = s[i];
        int length = 0;
        std::uint32_t bits = 0;
        if (lead < 0x80) {
            ++i;
            continue;
        } else if ((lead & 0xE0) == 0xC0) {
            length = 2;
            bits = lead & 0x1F;
        } else if ((lead & 0xF0) == 0xE0) {
            length = 3;
            bits = lead & 0x0F;
        } else if ((lead & 0xF8) == 0xF0) {
            length = 4;
            bits = lead & 0x07;
        } else {
            return {false, false, i};  // continuation byte or F8..FF as a lead
        }
        if (!can_complete(bits, length - 1, length)) return {false, false, i};
        for (int k = 1; k < length; ++k) {
            if (i + k >= n) return {true, false, 0};  // cut short at the end
            const std::uint8_t c = s[i + k];
            if ((c & 0xC0) != 0x80) return {false, false, i + k};
            bits = (bits << 6) | (c & 0x3F);
            if (!can_complete(bits, length - 1 - k, length)) return {false, false, i + k};
        }
        i += length;
    }
    return {true, true, 0};
}

void encode(std::uint32_t cp, Bytes& out) {
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

// --- Running the validator ---------------------------------------------------------------

// Feeds `s` split at `cuts` (sorted offsets) and reports what the validator concluded.
Verdict run(const Bytes& s, const std::vector<std::size_t>& cuts = {}) {
    Utf8Validator v;
    bool ok = true;
    std::size_t pos = 0;
    for (std::size_t i = 0; i <= cuts.size(); ++i) {
        const std::size_t end = i < cuts.size() ? cuts[i] : s.size();
        const bool fed = v.feed(s.data() + pos, end - pos);
        EXPECT_EQ(fed, !v.failed());
        ok = ok && fed;
        pos = end;
    }
    if (!ok) return {false, false, static_cast<std::size_t>(v.error_offset())};
    return {true, v.complete(), 0};
}

std::vector<std::size_t> random_cuts(std::mt19937& rng, std::size_t size, std::size_t max_chunk) {
    std::vector<std::size_t> cuts;
    std::size_t pos = 0;
    while (true) {
        pos += std::uniform_int_distribution<std::size_t>(0, max_chunk)(rng);
        if (pos >= size) break;
        cuts.push_back(pos);
    }
    return cuts;
}

std::string hex(const Bytes& s) {
    static const char digits[] = "0123456789abcdef";
    std::string out;
    for (const std::uint8_t b : s) {
        out.push_back(digits[b >> 4]);
        out.push_back(digits[b & 0xF]);
    }
    return out;
}

Bytes ascii(std::size_t n) {
    return Bytes(n, 'a');
}

Bytes concat(Bytes a, const Bytes& b) {
    a.insert(a.end(), b.begin(), b.end());
    return a;
}

// --- Markus Kuhn / Autobahn 6.5-6.23 data ------------------------------------------------

struct StressCase {
    std::string id;  // Autobahn case number, e.g. 6.20.3
    bool valid = false;
    Bytes bytes;
};

Bytes from_hex(const std::string& text) {
    Bytes out;
    for (std::size_t i = 0; i + 1 < text.size(); i += 2)
        out.push_back(static_cast<std::uint8_t>(std::stoi(text.substr(i, 2), nullptr, 16)));
    return out;
}

// The sequences of cases 6.5-6.23, written by tools/gen_cases.py from the same data as the
// catalog (catalog.GeneratedFilesMatchGenerator keeps the file in step with it).
const std::vector<StressCase>& stress_cases() {
    static const std::vector<StressCase> cases = [] {
        std::vector<StressCase> out;
        std::ifstream in(WSSPEC_TEST_DATA_DIR "/utf8_stress_sequences.txt");
        std::string line;
        while (std::getline(in, line)) {
            if (line.empty() || line[0] == '#') continue;
            std::istringstream fields(line);
            StressCase c;
            std::string validity, payload;
            fields >> c.id >> validity >> payload;
            c.valid = validity == "valid";
            c.bytes = from_hex(payload);
            out.push_back(std::move(c));
        }
        return out;
    }();
    return cases;
}

TEST(Utf8Validator, LoadsEveryAutobahnStressSequence) {
    // 6.5.1 .. 6.23.7: 132 sequences, valid and invalid.
    const auto& cases = stress_cases();
    ASSERT_EQ(cases.size(), 132u) << "missing " WSSPEC_TEST_DATA_DIR "/utf8_stress_sequences.txt?";
    EXPECT_EQ(cases.front().id, "6.5.1");
    EXPECT_EQ(cases.back().id, "6.23.7");
    const auto valid = std::count_if(cases.begin(), cases.end(), [](auto& c) { return c.valid; });
    EXPECT_GT(valid, 0);
    EXPECT_LT(valid, static_cast<long>(cases.size()));
}

TEST(Utf8Validator, ReferenceDecoderAgreesWithStressVerdicts) {
    for (const StressCase& c : stress_cases())
        EXPECT_EQ(reference(c.bytes).complete, c.valid) << c.id << " " << hex(c.bytes);
}

TEST(Utf8Validator, JudgesStressSequencesAsAutobahnExpects) {
    for (const StressCase& c : stress_cases()) {
        const Verdict v = run(c.bytes);
        EXPECT_EQ(v.complete, c.valid) << c.id << " " << hex(c.bytes);
        EXPECT_EQ(v, reference(c.bytes)) << c.id << " " << hex(c.bytes);
        EXPECT_EQ(Utf8Validator::is_valid(c.bytes.data(), c.bytes.size()), c.valid) << c.id;
    }
}

TEST(Utf8Validator, StressSequencesSplitIntoTwoFeedsGiveSameVerdict) {
    for (const StressCase& c : stress_cases()) {
        const Verdict whole = run(c.bytes);
        for (std::size_t cut = 0; cut <= c.bytes.size(); ++cut)
            ASSERT_EQ(run(c.bytes, {cut}), whole) << c.id << " split at " << cut;
    }
}

TEST(Utf8Validator, StressSequencesSplitIntoThreeFeedsGiveSameVerdict) {
    for (const StressCase& c : stress_cases()) {
        const Verdict whole = run(c.bytes);
        for (std::size_t a = 0; a <= c.bytes.size(); ++a) {
            for (std::size_t b = a; b <= c.bytes.size(); ++b)
                ASSERT_EQ(run(c.bytes, {a, b}), whole) << c.id << " split at " << a << "," << b;
        }
    }
}

TEST(Utf8Validator, StressSequencesBehindLongAsciiGiveSameVerdictOnSimdPath) {
    // Padding pushes the input past the SIMD threshold; verdicts and offsets must not move.
    for (const std::size_t pad : {63u, 64u, 100u, 255u, 256u, 300u}) {
        for (const StressCase& c : stress_cases()) {
            const Verdict alone = run(c.bytes);
            const Bytes prefixed = concat(ascii(pad), c.bytes);
            Verdict expected = alone;
            if (!expected.ok) expected.error += pad;
            EXPECT_EQ(run(prefixed), expected) << c.id << " pad " << pad;
            EXPECT_EQ(Utf8Validator::is_valid(prefixed.data(), prefixed.size()), c.valid) << c.id;

            // A code point left open followed by ASCII is an error at the first ASCII byte.
            const Bytes suffixed = concat(c.bytes, ascii(pad));
            EXPECT_EQ(run(suffixed), reference(suffixed)) << c.id << " pad " << pad;
            EXPECT_EQ(run(suffixed).complete, c.valid) << c.id;
            EXPECT_EQ(Utf8Validator::is_valid(suffixed.data(), suffixed.size()), c.valid) << c.id;
        }
    }
}

// --- Specific rules ----------------------------------------------------------------------

void expect_invalid_at(const Bytes& s, std::size_t offset) {
    const Verdict v = run(s);
    EXPECT_FALSE(v.ok) << hex(s);
    EXPECT_EQ(v.error, offset) << hex(s);
    EXPECT_FALSE(Utf8Validator::is_valid(s.data(), s.size())) << hex(s);
}

void expect_valid(const Bytes& s) {
    EXPECT_EQ(run(s), (Verdict{true, true, 0})) << hex(s);
    EXPECT_TRUE(Utf8Validator::is_valid(s.data(), s.size())) << hex(s);
}

TEST(Utf8Validator, RejectsOverlongEncodingsAtTheFirstByteThatProvesThem) {
    expect_invalid_at({0xC0, 0x80}, 0);  // C0 and C1 can only start overlongs
    expect_invalid_at({0xC1, 0xBF}, 0);
    expect_invalid_at({0xE0, 0x80, 0x80}, 1);  // E0 needs A0..BF next
    expect_invalid_at({0xE0, 0x9F, 0xBF}, 1);
    expect_invalid_at({0xF0, 0x80, 0x80, 0x80}, 1);  // F0 needs 90..BF next
    expect_invalid_at({0xF0, 0x8F, 0xBF, 0xBF}, 1);
    expect_invalid_at({'x', 'y', 0xC0, 0xAF}, 2);
    expect_valid({0xC2, 0x80});
    expect_valid({0xE0, 0xA0, 0x80});
    expect_valid({0xF0, 0x90, 0x80, 0x80});
}

TEST(Utf8Validator, RejectsEverySurrogate) {
    for (int second = 0xA0; second <= 0xBF; ++second) {
        for (int third = 0x80; third <= 0xBF; ++third) {
            const Bytes s{0xED, static_cast<std::uint8_t>(second),
                          static_cast<std::uint8_t>(third)};
            const Verdict v = run(s);
            ASSERT_FALSE(v.ok) << hex(s);
            ASSERT_EQ(v.error, 1u) << hex(s);
        }
    }
    expect_valid({0xED, 0x9F, 0xBF});  // U+D7FF, just below
    expect_valid({0xEE, 0x80, 0x80});  // U+E000, just above
}

TEST(Utf8Validator, RejectsCodePointsAboveU10FFFF) {
    expect_invalid_at({0xF4, 0x90, 0x80, 0x80}, 1);
    expect_invalid_at({0xF4, 0xBF, 0xBF, 0xBF}, 1);
    expect_valid({0xF4, 0x8F, 0xBF, 0xBF});  // U+10FFFF
}

TEST(Utf8Validator, RejectsBytesF5ThroughFFAnywhere) {
    for (int b = 0xF5; b <= 0xFF; ++b) {
        const auto byte = static_cast<std::uint8_t>(b);
        expect_invalid_at({byte}, 0);
        expect_invalid_at({'a', 'b', byte}, 2);
        expect_invalid_at({0xC2, byte}, 1);
        expect_invalid_at(concat(ascii(100), {byte}), 100);
    }
}

TEST(Utf8Validator, RejectsUnexpectedContinuationBytes) {
    for (int b = 0x80; b <= 0xBF; ++b) {
        expect_invalid_at({static_cast<std::uint8_t>(b)}, 0);
        expect_invalid_at({0xC3, 0xA9, static_cast<std::uint8_t>(b)}, 2);
    }
}

TEST(Utf8Validator, TruncatedSequenceIsNotComplete) {
    const std::vector<std::pair<Bytes, Bytes>> cases = {
        {{0xC2}, {0xA2}},
        {{0xE2, 0x82}, {0xAC}},
        {{0xE2}, {0x82, 0xAC}},
        {{0xF0, 0x9F, 0x98}, {0x80}},
        {{0xF4, 0x8F}, {0xBF, 0xBF}},
        {{0xE0, 0xA0}, {0x80}},
        {{0xED, 0x9F}, {0xBF}},
    };
    for (const auto& [head, tail] : cases) {
        Utf8Validator v;
        EXPECT_TRUE(v.feed(head.data(), head.size())) << hex(head);
        EXPECT_FALSE(v.complete()) << hex(head);
        EXPECT_FALSE(v.failed()) << hex(head);
        EXPECT_FALSE(Utf8Validator::is_valid(head.data(), head.size())) << hex(head);
        EXPECT_TRUE(v.feed(tail.data(), tail.size())) << hex(tail);
        EXPECT_TRUE(v.complete()) << hex(head) << hex(tail);
    }
}

TEST(Utf8Validator, EmptyInputIsComplete) {
    Utf8Validator v;
    EXPECT_TRUE(v.complete());
    EXPECT_TRUE(v.feed(nullptr, 0));
    EXPECT_TRUE(v.complete());
    EXPECT_TRUE(Utf8Validator::is_valid(nullptr, 0));
}

TEST(Utf8Validator, ErrorOffsetCountsFromFirstByteEverFed) {
    // Autobahn's incremental examples: each fails on byte 7 (the A0 after ED).
    {
        Utf8Validator v;
        const Bytes a{'e', 'd', 'i', 't', 'e', 'd'}, b{0xED, 0xA0, 0x80};
        EXPECT_TRUE(v.feed(a.data(), a.size()));
        EXPECT_FALSE(v.feed(b.data(), b.size()));
        EXPECT_EQ(v.error_offset(), 7u);
    }
    {
        Utf8Validator v;
        const Bytes a{'e', 'd', 'i', 't'}, b{'e', 'd', 0xED, 0xA0, 0x80};
        EXPECT_TRUE(v.feed(a.data(), a.size()));
        EXPECT_FALSE(v.feed(b.data(), b.size()));
        EXPECT_EQ(v.error_offset(), 7u);
    }
    {
        Utf8Validator v;
        const Bytes a{'e', 'd', 'i', 't', 'e', 'd', 0xED}, b{0xA0, 0x80};
        EXPECT_TRUE(v.feed(a.data(), a.size()));
        EXPECT_FALSE(v.complete());
        EXPECT_FALSE(v.feed(b.data(), b.size()));
        EXPECT_EQ(v.error_offset(), 7u);
    }
    {
        Utf8Validator v;
        const Bytes bad{0xF5};
        EXPECT_FALSE(v.feed(bad.data(), bad.size()));
        EXPECT_EQ(v.error_offset(), 0u);
    }
}

TEST(Utf8Validator, AcceptsAutobahnIncrementalExample) {
    const std::string text =
        "\xC2\xB5@\xC3\x9F\xC3\xB6\xC3\xA4\xC3\xBC\xC3\xA0\xC3\xA1";  // µ@ßöäüàá
    expect_valid(Bytes(text.begin(), text.end()));
}

TEST(Utf8Validator, StaysFailedAfterError) {
    Utf8Validator v;
    const Bytes bad{'o', 'k', 0xFF}, good{'a', 'b'};
    EXPECT_FALSE(v.feed(bad.data(), bad.size()));
    EXPECT_TRUE(v.failed());
    EXPECT_FALSE(v.feed(good.data(), good.size()));
    EXPECT_FALSE(v.feed(nullptr, 0));
    EXPECT_TRUE(v.failed());
    EXPECT_FALSE(v.complete());
    EXPECT_EQ(v.error_offset(), 2u);
}

TEST(Utf8Validator, ResetStartsANewMessage) {
    Utf8Validator v;
    const Bytes bad{'o', 'k', 0xFF}, open{0xE2, 0x82}, good{'a', 'b'};
    EXPECT_FALSE(v.feed(bad.data(), bad.size()));
    v.reset();
    EXPECT_FALSE(v.failed());
    EXPECT_TRUE(v.complete());
    EXPECT_TRUE(v.feed(open.data(), open.size()));
    v.reset();  // an open code point does not carry over into the next message either
    EXPECT_TRUE(v.feed(good.data(), good.size()));
    EXPECT_TRUE(v.complete());
}

// --- Exhaustive and random ---------------------------------------------------------------

TEST(Utf8Validator, AcceptsEveryUnicodeScalarValue) {
    Bytes all;
    for (std::uint32_t cp = 0; cp <= 0x10FFFF; ++cp) {
        if (cp >= surrogate_first && cp <= surrogate_last) continue;
        encode(cp, all);
    }
    expect_valid(all);
    std::mt19937 rng(11);
    EXPECT_EQ(run(all, random_cuts(rng, all.size(), 5000)), (Verdict{true, true, 0}));
}

std::uint32_t random_scalar(std::mt19937& rng) {
    // Weighted towards multi-byte forms and their boundaries.
    switch (std::uniform_int_distribution<int>(0, 5)(rng)) {
        case 0:
            return std::uniform_int_distribution<std::uint32_t>(0, 0x7F)(rng);
        case 1:
            return std::uniform_int_distribution<std::uint32_t>(0x80, 0x7FF)(rng);
        case 2: {
            std::uint32_t cp = std::uniform_int_distribution<std::uint32_t>(0x800, 0xFFFF)(rng);
            return (cp >= surrogate_first && cp <= surrogate_last) ? cp - 0x800 : cp;
        }
        case 3:
            return std::uniform_int_distribution<std::uint32_t>(0x10000, 0x10FFFF)(rng);
        case 4: {
            static constexpr std::uint32_t edges[] = {0x0,    0x7F,   0x80,    0x7FF,   0x800,
                                                      0xD7FF, 0xE000, 0xFFFF,  0x10000, 0x10FFFF,
                                                      0xFFFD, 0xFEFF, 0x1F600, 0xFFFE};
            return edges[std::uniform_int_distribution<std::size_t>(0, std::size(edges) - 1)(rng)];
        }
        default:
            return std::uniform_int_distribution<std::uint32_t>('a', 'z')(rng);
    }
}

Bytes random_valid_text(std::mt19937& rng, std::size_t min_bytes) {
    Bytes out;
    while (out.size() < min_bytes)
        encode(random_scalar(rng), out);
    return out;
}

std::size_t random_length(std::mt19937& rng, int iteration) {
    // Half below the SIMD threshold (64 bytes when written), half above, some far above.
    if (iteration % 2 == 0) return std::uniform_int_distribution<std::size_t>(0, 70)(rng);
    if (iteration % 10 == 1) return std::uniform_int_distribution<std::size_t>(1000, 5000)(rng);
    return std::uniform_int_distribution<std::size_t>(60, 300)(rng);
}

TEST(Utf8Validator, RandomValidTextMatchesReferenceAboveAndBelowSimdThreshold) {
    std::mt19937 rng(12);
    for (int iteration = 0; iteration < 600; ++iteration) {
        const Bytes text = random_valid_text(rng, random_length(rng, iteration));
        ASSERT_EQ(reference(text), (Verdict{true, true, 0}));
        ASSERT_EQ(run(text), (Verdict{true, true, 0})) << hex(text);
        ASSERT_TRUE(Utf8Validator::is_valid(text.data(), text.size())) << hex(text);
        const auto cuts = random_cuts(rng, text.size(), iteration % 3 == 0 ? 3 : 100);
        ASSERT_EQ(run(text, cuts), (Verdict{true, true, 0})) << hex(text);
    }
}

TEST(Utf8Validator, RandomValidTextWithOneCorruptByteMatchesReference) {
    std::mt19937 rng(13);
    for (int iteration = 0; iteration < 1500; ++iteration) {
        Bytes text = random_valid_text(rng, random_length(rng, iteration) + 1);
        const std::size_t at = std::uniform_int_distribution<std::size_t>(0, text.size() - 1)(rng);
        text[at] = static_cast<std::uint8_t>(std::uniform_int_distribution<int>(0x80, 0xFF)(rng));
        const Verdict expected = reference(text);
        ASSERT_EQ(run(text), expected) << hex(text);
        ASSERT_EQ(Utf8Validator::is_valid(text.data(), text.size()), expected.complete);
        const auto cuts = random_cuts(rng, text.size(), iteration % 3 == 0 ? 4 : 90);
        ASSERT_EQ(run(text, cuts), expected) << hex(text);
    }
}

TEST(Utf8Validator, RandomByteStringsMatchReference) {
    std::mt19937 rng(14);
    // Bytes drawn mostly from the interesting classes so that long valid runs occur too.
    static constexpr std::uint8_t interesting[] = {
        0x00, 0x41, 0x7F, 0x80, 0x8F, 0x90, 0x9F, 0xA0, 0xBF, 0xC0, 0xC1, 0xC2, 0xDF, 0xE0,
        0xE1, 0xEC, 0xED, 0xEE, 0xEF, 0xF0, 0xF1, 0xF3, 0xF4, 0xF5, 0xF8, 0xFE, 0xFF};
    for (int iteration = 0; iteration < 3000; ++iteration) {
        const std::size_t len = random_length(rng, iteration);
        Bytes s;
        while (s.size() < len) {
            switch (std::uniform_int_distribution<int>(0, 3)(rng)) {
                case 0:
                    s.push_back(
                        static_cast<std::uint8_t>(std::uniform_int_distribution<int>(0, 255)(rng)));
                    break;
                case 1:
                    s.push_back(interesting[std::uniform_int_distribution<std::size_t>(
                        0, std::size(interesting) - 1)(rng)]);
                    break;
                default:
                    encode(random_scalar(rng), s);
                    break;
            }
        }
        const Verdict expected = reference(s);
        ASSERT_EQ(run(s), expected) << hex(s);
        ASSERT_EQ(Utf8Validator::is_valid(s.data(), s.size()), expected.complete) << hex(s);
        const auto cuts = random_cuts(rng, s.size(), iteration % 4 == 0 ? 2 : 80);
        ASSERT_EQ(run(s, cuts), expected) << hex(s);
    }
}

}  // namespace
}  // namespace wsspec::codec
