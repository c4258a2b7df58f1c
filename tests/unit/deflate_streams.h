// Raw DEFLATE streams for the permessage-deflate tests: zlib with whatever settings a test
// chooses (a window larger than agreed, a dictionary, final blocks, flushes), and data whose
// only back-references are the ones a test plants, at the distance it chooses.
#pragma once

#include <gtest/gtest.h>
#include <zlib.h>

#include <algorithm>
#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace wsspec::codec::testing {

struct DeflateSettings {
    int window_bits = 15;
    int level = 6;
    int strategy = Z_DEFAULT_STRATEGY;
    int flush = Z_SYNC_FLUSH;    // after each piece; the last one always ends on a byte boundary
    std::size_t piece_size = 0;  // 0: the whole input at once
    std::string dictionary;      // history the stream may refer to (deflateSetDictionary)
};

// Appends the compression of `data` with `flush` at its end.
inline void deflate_into(z_stream& z, std::string_view data, int flush, std::string& out) {
    z.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(data.data()));
    z.avail_in = static_cast<uInt>(data.size());
    std::string buf(deflateBound(&z, data.size()) + 64, '\0');
    do {
        z.next_out = reinterpret_cast<Bytef*>(buf.data());
        z.avail_out = static_cast<uInt>(buf.size());
        deflate(&z, flush);
        out.append(buf.data(), buf.size() - z.avail_out);
    } while (z.avail_out == 0);
}

inline void start_deflate(z_stream& z, const DeflateSettings& s) {
    EXPECT_EQ(deflateInit2(&z, s.level, Z_DEFLATED, -s.window_bits, 9, s.strategy), Z_OK);
    if (!s.dictionary.empty()) {
        EXPECT_EQ(deflateSetDictionary(&z, reinterpret_cast<const Bytef*>(s.dictionary.data()),
                                       static_cast<uInt>(s.dictionary.size())),
                  Z_OK);
    }
}

// `data` as one raw DEFLATE stream, exactly as zlib writes it (a sync flush's 00 00 ff ff
// included).
inline std::string deflate_stream(std::string_view data, const DeflateSettings& s = {}) {
    z_stream z{};
    start_deflate(z, s);
    std::string out;
    const std::size_t step =
        s.piece_size == 0 ? std::max<std::size_t>(data.size(), 1) : s.piece_size;
    std::size_t done = 0;
    do {
        const std::size_t n = std::min(step, data.size() - done);
        done += n;
        // Z_BLOCK and Z_PARTIAL_FLUSH may hold bits back: the last piece is synced instead.
        const int flush = done == data.size() && s.flush != Z_FINISH ? Z_SYNC_FLUSH : s.flush;
        deflate_into(z, data.substr(done - n, n), flush, out);
    } while (done < data.size());
    deflateEnd(&z);
    return out;
}

// RFC 7692 7.2.1 step 3: the 4 octets a sync flush ends with, removed.
inline std::string without_flush_tail(std::string stream) {
    EXPECT_GE(stream.size(), 4U);
    EXPECT_EQ(stream.substr(stream.size() - 4), std::string("\x00\x00\xff\xff", 4));
    stream.resize(stream.size() - 4);
    return stream;
}

// Messages as a sender with context takeover compresses them (RFC 7692 7.2.1): one stream,
// a sync flush after each message, its tail removed.
inline std::vector<std::string> deflate_messages(const std::vector<std::string>& messages,
                                                 const DeflateSettings& s = {}) {
    z_stream z{};
    start_deflate(z, s);
    std::vector<std::string> out;
    for (const std::string& m : messages) {
        std::string payload;
        deflate_into(z, m, Z_SYNC_FLUSH, payload);
        out.push_back(without_flush_tail(std::move(payload)));
    }
    deflateEnd(&z);
    return out;
}

// Bytes in which no 3 consecutive bytes occur twice (a 16-bit big-endian counter from
// `start`, which must stay below 0xff00), so the only back-references a compressor can find
// are the ones a test plants with with_repeat().
inline std::string unique_trigrams(std::size_t n, unsigned start = 0) {
    std::string s;
    for (unsigned i = start; s.size() < n; ++i) {
        s.push_back(static_cast<char>((i >> 8) & 0xff));
        s.push_back(static_cast<char>(i & 0xff));
    }
    s.resize(n);
    return s;
}

// The same in printable ASCII (valid UTF-8, for text messages): the counter in base 90 from
// '!' (no trigram repeats below 2 * 90 * 89 bytes).
inline std::string unique_trigrams_text(std::size_t n) {
    constexpr unsigned base = 90;
    std::string s;
    for (unsigned i = 0; s.size() < n; ++i) {
        s.push_back(static_cast<char>('!' + i / base % base));
        s.push_back(static_cast<char>('!' + i % base));
    }
    s.resize(n);
    return s;
}

// `data` with `length` bytes at `at` replaced by the bytes `distance` before them: a repeat a
// compressor encodes as a back-reference of that distance.
inline std::string with_repeat(std::string data, std::size_t at, std::size_t distance,
                               std::size_t length = 64) {
    for (std::size_t i = 0; i < length; ++i)
        data[at + i] = data[at - distance + i];
    return data;
}

}  // namespace wsspec::codec::testing
