#include "harness/codec/deflate_window_checker.h"

#include <algorithm>
#include <array>
#include <bit>
#include <cstring>
#include <limits>

namespace wsspec::codec {
namespace {

// A lookup table entry of a Huffman code.
struct Code {
    // literal: how many literals the entry covers; length, distance: the base value
    std::uint16_t base = 0;
    std::uint8_t bits = 0;        // code length (long_code, invalid: bits needed to know)
    std::uint8_t kind_extra = 0;  // kind << 4 | extra bits
};

constexpr unsigned max_code_bits = 15;  // RFC 1951 3.2.2
constexpr unsigned max_symbols = 288;   // the fixed literal/length code's (3.2.6)

// Codes up to FastBits long are decoded with one lookup, longer ones bit by bit.
template <unsigned FastBits>
struct Table {
    static constexpr unsigned fast_bits = FastBits;
    std::array<Code, std::size_t{1} << FastBits> fast{};
    std::array<std::uint16_t, max_code_bits + 1> count{};  // codes of each length
    std::array<std::uint16_t, max_symbols> symbols{};      // in canonical order
};
using LitLenTable = Table<10>;
using DistTable = Table<8>;
using CodeLenTable = Table<7>;  // every code length code fits (RFC 1951 3.2.7)

enum Kind : std::uint8_t {
    literal,
    length,
    distance,
    end_of_block,
    code_length,  // a symbol of the code length code (RFC 1951 3.2.7)
    long_code,    // longer than the lookup table: decoded code by code
    invalid,      // not a symbol this alphabet allows (zlib rejects it)
};

enum class Alphabet : std::uint8_t { literal_length, distance, code_length };

constexpr Kind kind_of(Code c) {
    return static_cast<Kind>(c.kind_extra >> 4);
}
constexpr unsigned extra_of(Code c) {
    return c.kind_extra & 0xfU;
}
constexpr Code make_code(Kind kind, unsigned bits, unsigned base = 0, unsigned extra = 0) {
    return Code{static_cast<std::uint16_t>(base), static_cast<std::uint8_t>(bits),
                static_cast<std::uint8_t>(kind << 4 | extra)};
}
constexpr std::uint64_t low_bits(unsigned n) {
    return (std::uint64_t{1} << n) - 1;
}

// RFC 1951 3.2.5: length codes 257..285 and distance codes 0..29, base and extra bits.
constexpr std::uint16_t length_base[29] = {3,  4,  5,  6,   7,   8,   9,   10,  11, 13,
                                           15, 17, 19, 23,  27,  31,  35,  43,  51, 59,
                                           67, 83, 99, 115, 131, 163, 195, 227, 258};
constexpr std::uint8_t length_extra[29] = {0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 2, 2, 2,
                                           2, 3, 3, 3, 3, 4, 4, 4, 4, 5, 5, 5, 5, 0};
constexpr std::uint16_t distance_base[30] = {
    1,   2,   3,   4,   5,   7,    9,    13,   17,   25,   33,   49,   65,    97,    129,
    193, 257, 385, 513, 769, 1025, 1537, 2049, 3073, 4097, 6145, 8193, 12289, 16385, 24577};
constexpr std::uint8_t distance_extra[30] = {0, 0, 0, 0, 1, 1, 2, 2,  3,  3,  4,  4,  5,  5,  6,
                                             6, 7, 7, 8, 8, 9, 9, 10, 10, 11, 11, 12, 12, 13, 13};
constexpr unsigned end_of_block_symbol = 256;
constexpr unsigned first_length_symbol = 257;
// RFC 1951 3.2.7: HLIT, HDIST and HCLEN bases, the limits zlib enforces on them, and the order
// the code length code lengths come in.
constexpr unsigned min_litlen_codes = 257;
constexpr unsigned max_litlen_codes = 286;
constexpr unsigned min_dist_codes = 1;
constexpr unsigned max_dist_codes = 30;
constexpr unsigned min_codelen_codes = 4;
constexpr unsigned codelen_symbols = 19;
constexpr std::uint8_t codelen_order[codelen_symbols] = {16, 17, 18, 0, 8,  7, 9,  6, 10, 5,
                                                         11, 4,  12, 3, 13, 2, 14, 1, 15};
constexpr unsigned copy_previous = 16, repeat_zero = 17, repeat_zero_long = 18;
// RFC 1951 3.2.6: the fixed Huffman code.
constexpr unsigned fixed_litlen_symbols = 288;
constexpr unsigned fixed_dist_symbols = 32;
// RFC 1951 3.2.3 and 3.2.4: block types, and a stored block's LEN and NLEN.
constexpr unsigned block_stored = 0, block_fixed = 1, block_dynamic = 2;
constexpr unsigned block_header_bits = 3;
constexpr unsigned stored_length_bits = 32;
constexpr unsigned dynamic_sizes_bits = 14;
constexpr unsigned codelen_length_bits = 3;
// A code length code (at most 7 bits) with its extra bits (at most 7).
constexpr unsigned max_codelen_bits = 14;
// The bit buffer (64 bits): refilled to at least this many bits while input lasts, enough for
// the longest literal/length + distance pair (15 + 5 + 15 + 13 = 48 bits), and never beyond 63.
constexpr unsigned refill_target = 56;
// A distance code with its extra bits: at most 15 + 13 bits.
constexpr unsigned max_distance_bits = 28;
// Codes of a dynamic block read before its literals are paired up (add_literal_pairs costs
// about as much as a few hundred codes, and saves about an eighth of each code after it).
constexpr std::uint32_t codes_before_pairing = 1024;

Code code_for(Alphabet alphabet, unsigned symbol, unsigned bits) {
    switch (alphabet) {
        case Alphabet::literal_length:
            if (symbol < end_of_block_symbol) return make_code(literal, bits, 1);
            if (symbol == end_of_block_symbol) return make_code(end_of_block, bits);
            if (symbol - first_length_symbol < std::size(length_base)) {
                const unsigned i = symbol - first_length_symbol;
                return make_code(length, bits, length_base[i], length_extra[i]);
            }
            return make_code(invalid, bits);  // 286, 287 of the fixed code
        case Alphabet::distance:
            if (symbol < std::size(distance_base))
                return make_code(distance, bits, distance_base[symbol], distance_extra[symbol]);
            return make_code(invalid, bits);  // 30, 31 of the fixed code
        case Alphabet::code_length:
            return make_code(code_length, bits, symbol);
    }
    return make_code(invalid, bits);
}

constexpr std::array<std::uint8_t, 256> reversed_bytes = [] {
    std::array<std::uint8_t, 256> r{};
    for (unsigned b = 0; b < 256; ++b)
        for (unsigned i = 0; i < 8; ++i)
            r[b] |= static_cast<std::uint8_t>(((b >> i) & 1U) << (7 - i));
    return r;
}();

// The low n bits of `code` (n <= 15) in reverse order: Huffman codes are packed starting
// with their most significant bit (RFC 1951 3.1.1).
unsigned reverse_bits(unsigned code, unsigned n) {
    return (static_cast<unsigned>(reversed_bytes[code & 0xffU]) << 8 | reversed_bytes[code >> 8]) >>
           (16 - n);
}

// Builds the table of a canonical Huffman code from its code lengths (RFC 1951 3.2.2), with
// zlib's rules (inflate_table): an over-subscribed set is refused, and so is an incomplete
// one, except a code of a single 1-bit code (its other half is an invalid code) or none at
// all (every code invalid) for literal/length and distance codes.
template <unsigned FastBits>
bool build_table(Table<FastBits>& t, const std::uint8_t* lengths, unsigned n, Alphabet alphabet) {
    constexpr unsigned max_bits = max_code_bits;
    // Seen with fewer bits than this, an invalid code is not yet known to be one (zlib
    // reads one bit before it reports it).
    constexpr unsigned invalid_after = 1;
    // The symbols are taken in two halves, each with its own counters, so that runs of equal
    // lengths do not wait on each other's increments.
    const unsigned half = n / 2;
    std::array<std::uint16_t, max_bits + 1> first_half{}, second_half{};
    for (unsigned s = 0; s < half; ++s) {
        ++first_half[lengths[s]];
        ++second_half[lengths[half + s]];
    }
    if (n % 2 != 0) ++second_half[lengths[n - 1]];
    for (unsigned len = 0; len <= max_bits; ++len)
        t.count[len] = static_cast<std::uint16_t>(first_half[len] + second_half[len]);
    t.count[0] = 0;
    unsigned longest = max_bits;
    while (longest > 0 && t.count[longest] == 0)
        --longest;
    if (longest == 0) {
        t.fast.fill(make_code(invalid, invalid_after));
        return true;
    }
    int left = 1;
    for (unsigned len = 1; len <= max_bits; ++len) {
        left = 2 * left - t.count[len];
        if (left < 0) return false;
    }
    if (left > 0 && (alphabet == Alphabet::code_length || longest != 1)) return false;
    // The symbols in canonical order: by length, then by value (RFC 1951 3.2.2). Those of
    // length 0 go after them all, so sorting needs no branch.
    std::array<std::uint16_t, max_bits + 1> at_first{}, at_second{};
    unsigned coded = 0;
    for (unsigned len = 1; len <= max_bits; ++len) {
        at_first[len] = static_cast<std::uint16_t>(coded);
        at_second[len] = static_cast<std::uint16_t>(coded + first_half[len]);
        coded += t.count[len];
    }
    at_first[0] = static_cast<std::uint16_t>(coded);
    at_second[0] = static_cast<std::uint16_t>(coded + first_half[0]);
    for (unsigned s = 0; s < half; ++s) {
        t.symbols[at_first[lengths[s]]++] = static_cast<std::uint16_t>(s);
        t.symbols[at_second[lengths[half + s]]++] = static_cast<std::uint16_t>(half + s);
    }
    if (n % 2 != 0) t.symbols[at_second[lengths[n - 1]]++] = static_cast<std::uint16_t>(n - 1);
    // Consecutive codes for each length, in that order. A code of `len` bits fills every entry
    // whose low `len` bits are its own: the table is built at 2^len entries and doubled
    // before the next length (an incomplete code's missing half starts as the invalid entry).
    t.fast[0] = make_code(invalid, invalid_after);
    unsigned code = 0, index = 0, size = 1;
    for (unsigned len = 1; len <= FastBits; ++len, code <<= 1, size *= 2) {
        std::copy_n(t.fast.begin(), size, t.fast.begin() + size);
        for (const unsigned end = index + t.count[len]; index < end; ++index, ++code)
            t.fast[reverse_bits(code, len)] = code_for(alphabet, t.symbols[index], len);
    }
    for (unsigned len = FastBits + 1; len <= max_bits; ++len, code <<= 1) {
        for (const unsigned end = index + t.count[len]; index < end; ++index, ++code)
            t.fast[reverse_bits(code >> (len - FastBits), FastBits)] =
                make_code(long_code, FastBits + 1);
    }
    return true;
}

// Pairs of literals: where a literal's code leaves room in the lookup for the whole code of
// another literal, one lookup counts both (`base` is the count, the extra bits field the first
// one's length, for input that ends between the two). Downwards, so the entry for the rest of
// the bits (a lower index) is still single; without branches, since which entries pair up is
// as random as the code.
void add_literal_pairs(LitLenTable& t) {
    constexpr unsigned fast_bits = LitLenTable::fast_bits;
    for (unsigned i = t.fast.size(); i-- > 0;) {
        const Code first = t.fast[i];
        const Code second = t.fast[i >> first.bits];
        const unsigned bits = first.bits + second.bits;
        const bool pair =
            kind_of(first) == literal && kind_of(second) == literal && bits <= fast_bits;
        t.fast[i] = pair ? make_code(literal, bits, 2, first.bits) : first;
    }
}

// A code longer than the table, read bit by bit (puff.c's canonical decoding). A result
// with more bits than `bits` means the code needs more input.
template <unsigned FastBits>
Code decode_long(const Table<FastBits>& t, std::uint64_t hold, unsigned bits, Alphabet alphabet) {
    unsigned code = 0, first = 0, index = 0;
    for (unsigned len = 1; len <= max_code_bits; ++len) {
        if (len > bits) return make_code(invalid, bits + 1);
        code |= static_cast<unsigned>(hold >> (len - 1)) & 1U;
        const unsigned count = t.count[len];
        if (code - first < count) return code_for(alphabet, t.symbols[index + code - first], len);
        index += count;
        first = (first + count) << 1;
        code <<= 1;
    }
    return make_code(invalid, max_code_bits);
}

// The fixed Huffman code's tables (RFC 1951 3.2.6: its table of code lengths), built once.
struct FixedTables {
    LitLenTable litlen;
    DistTable dist;
    FixedTables() {
        std::uint8_t lengths[fixed_litlen_symbols];
        std::fill(lengths, lengths + 144, 8);
        std::fill(lengths + 144, lengths + 256, 9);
        std::fill(lengths + 256, lengths + 280, 7);
        std::fill(lengths + 280, lengths + fixed_litlen_symbols, 8);
        build_table(litlen, lengths, fixed_litlen_symbols, Alphabet::literal_length);
        add_literal_pairs(litlen);
        std::fill(lengths, lengths + fixed_dist_symbols, 5);
        build_table(dist, lengths, fixed_dist_symbols, Alphabet::distance);
    }
};

const FixedTables& fixed_tables() {
    static const FixedTables tables;
    return tables;
}

// Where the reading is in the input: the loops below keep it in locals.
struct Cursor {
    std::uint64_t hold;
    unsigned bits;
    const std::uint8_t* in;
    std::uint64_t produced;
};

enum class Step : std::uint8_t { next, more_input, block_end, finding };

std::uint64_t load_le64(const std::uint8_t* p) {
    std::uint64_t v;
    std::memcpy(&v, p, sizeof v);
    if constexpr (std::endian::native == std::endian::big) v = __builtin_bswap64(v);
    return v;
}

std::uint32_t load_le32(const std::uint8_t* p) {
    std::uint32_t v;
    std::memcpy(&v, p, sizeof v);
    if constexpr (std::endian::native == std::endian::big) v = __builtin_bswap32(v);
    return v;
}

// A match's distance (RFC 1951 3.2.5) against the window: false when it reaches further than
// the agreed window (RFC 7692 7.1.2), or to before the first byte since the last reset (which
// no stream may do; without context takeover that is the message's first byte, 7.1.1).
bool within_window(unsigned back, std::uint64_t produced, std::uint32_t window) {
    return back <= window && back <= produced;
}

// Codes while 8 input bytes remain, at most `budget` of them (decremented for each). Two
// refills of 32 bits per code at most: before the literal/length code (15 bits with 5 extra)
// and before the distance (15 with 13 extra); the loads' addresses do not depend on the bits
// just used, so they need not wait for them. Everything in locals, so it stays in registers.
// `k.produced` counts the codes before a finding, not the finding.
Step fast_codes(Cursor& k, const std::uint8_t* end, const LitLenTable& litlen,
                const DistTable& dist, std::uint32_t window, std::uint32_t& budget) {
    constexpr std::ptrdiff_t fast_input = 8;
    constexpr unsigned word_bits = 32;
    std::uint64_t hold = k.hold;
    unsigned bits = k.bits;
    const std::uint8_t* in = k.in;
    std::uint64_t produced = k.produced;
    std::uint32_t left = budget;
    Step step = Step::next;
    for (; left != 0 && end - in >= fast_input; --left) {
        if (bits < word_bits) {
            hold |= std::uint64_t{load_le32(in)} << bits;
            in += 4;
            bits += word_bits;
        }
        Code c = litlen.fast[hold & low_bits(LitLenTable::fast_bits)];
        if (kind_of(c) == long_code) [[unlikely]]
            c = decode_long(litlen, hold, bits, Alphabet::literal_length);
        const Kind kind = kind_of(c);
        if (kind == literal) {  // one or two
            hold >>= c.bits;
            bits -= c.bits;
            produced += c.base;
            continue;
        }
        if (kind != length) [[unlikely]] {
            if (kind == end_of_block) {
                hold >>= c.bits;
                bits -= c.bits;
                step = Step::block_end;
                --left;
            } else {
                step = Step::finding;
            }
            break;
        }
        const unsigned match_length =
            c.base + (static_cast<unsigned>(hold >> c.bits) & low_bits(extra_of(c)));
        hold >>= c.bits + extra_of(c);
        bits -= c.bits + extra_of(c);
        if (bits < max_distance_bits) {
            hold |= std::uint64_t{load_le32(in)} << bits;
            in += 4;
            bits += word_bits;
        }
        Code d = dist.fast[hold & low_bits(DistTable::fast_bits)];
        if (kind_of(d) == long_code) [[unlikely]]
            d = decode_long(dist, hold, bits, Alphabet::distance);
        const unsigned back =
            d.base + (static_cast<unsigned>(hold >> d.bits) & low_bits(extra_of(d)));
        if (kind_of(d) != distance || !within_window(back, produced, window)) [[unlikely]] {
            step = Step::finding;
            break;
        }
        hold >>= d.bits + extra_of(d);
        bits -= d.bits + extra_of(d);
        produced += match_length;
    }
    k = Cursor{hold, bits, in, produced};
    budget = left;
    return step;
}

// The code lengths of a dynamic block's literal/length and distance codes (RFC 1951 3.2.7),
// lengths[read, total), with the code length code: `next` when all are read, `more_input`, or
// a `finding` where zlib would refuse them. In locals, like fast_codes().
Step read_code_lengths(Cursor& k, const std::uint8_t* end, const CodeLenTable& codelen,
                       std::uint8_t* lengths, unsigned& read, unsigned total) {
    std::uint64_t hold = k.hold;
    unsigned bits = k.bits;
    const std::uint8_t* in = k.in;
    unsigned n = read;
    Step step = Step::next;
    while (n < total) {
        if (bits < max_codelen_bits) {
            if (end - in >= 4) {
                hold |= std::uint64_t{load_le32(in)} << bits;
                in += 4;
                bits += 32;
            } else {
                for (; bits < refill_target && in != end; bits += 8)
                    hold |= std::uint64_t{*in++} << bits;
            }
        }
        const Code c = codelen.fast[hold & low_bits(CodeLenTable::fast_bits)];
        if (c.bits > bits) {
            step = Step::more_input;
            break;
        }
        if (kind_of(c) != code_length) {
            step = Step::finding;
            break;
        }
        const unsigned symbol = c.base;
        if (symbol < copy_previous) {
            hold >>= c.bits;
            bits -= c.bits;
            lengths[n++] = static_cast<std::uint8_t>(symbol);
            continue;
        }
        const unsigned extra = symbol == copy_previous ? 2 : symbol == repeat_zero ? 3 : 7;
        if (c.bits + extra > bits) {
            step = Step::more_input;
            break;
        }
        const auto value = static_cast<unsigned>(hold >> c.bits) & low_bits(extra);
        std::uint8_t len = 0;
        unsigned copies = 0;
        if (symbol == copy_previous) {
            if (n == 0) {  // nothing to repeat
                step = Step::finding;
                break;
            }
            len = lengths[n - 1];
            copies = 3 + value;
        } else {
            copies = (symbol == repeat_zero_long ? 11 : 3) + value;
        }
        if (n + copies > total) {
            step = Step::finding;
            break;
        }
        hold >>= c.bits + extra;
        bits -= c.bits + extra;
        std::fill_n(lengths + n, copies, len);
        n += copies;
    }
    k.hold = hold;
    k.bits = bits;
    k.in = in;
    read = n;
    return step;
}

// The same at the end of the input, where `k` may hold too few bits for the code: then it
// stays where it is (more_input).
Step next_code_careful(Cursor& k, const LitLenTable& litlen, const DistTable& dist,
                       std::uint32_t window) {
    Code c = litlen.fast[k.hold & low_bits(LitLenTable::fast_bits)];
    if (kind_of(c) == long_code) c = decode_long(litlen, k.hold, k.bits, Alphabet::literal_length);
    if (kind_of(c) == literal && c.base == 2 && c.bits > k.bits && extra_of(c) <= k.bits) {
        k.hold >>= extra_of(c);  // the first of a pair whose second is not complete yet
        k.bits -= extra_of(c);
        ++k.produced;
        return Step::next;
    }
    if (c.bits > k.bits) return Step::more_input;
    if (kind_of(c) == literal || kind_of(c) == end_of_block) {  // complete already
        k.hold >>= c.bits;
        k.bits -= c.bits;
        k.produced += kind_of(c) == literal ? c.base : 0;
        return kind_of(c) == literal ? Step::next : Step::block_end;
    }
    if (kind_of(c) != length) return Step::finding;
    unsigned used = c.bits + extra_of(c);
    if (used > k.bits) return Step::more_input;
    const unsigned match_length =
        c.base + (static_cast<unsigned>(k.hold >> c.bits) & low_bits(extra_of(c)));
    Code d = dist.fast[(k.hold >> used) & low_bits(DistTable::fast_bits)];
    if (kind_of(d) == long_code)
        d = decode_long(dist, k.hold >> used, k.bits - used, Alphabet::distance);
    if (used + d.bits > k.bits) return Step::more_input;
    if (kind_of(d) != distance) return Step::finding;
    used += d.bits;
    if (used + extra_of(d) > k.bits) return Step::more_input;
    const unsigned back = d.base + (static_cast<unsigned>(k.hold >> used) & low_bits(extra_of(d)));
    if (!within_window(back, k.produced, window)) return Step::finding;
    used += extra_of(d);
    k.hold >>= used;
    k.bits -= used;
    k.produced += match_length;
    return Step::next;
}

}  // namespace

struct DeflateWindowChecker::Codes {
    const LitLenTable* litlen = nullptr;  // the current block's: fixed or dynamic
    const DistTable* dist = nullptr;
    LitLenTable dynamic_litlen;
    DistTable dynamic_dist;
    CodeLenTable codelen;
    // A dynamic block's header (RFC 1951 3.2.7) while it is being read.
    unsigned lit_count = 0, dist_count = 0, codelen_count = 0, lengths_read = 0;
    std::array<std::uint8_t, max_litlen_codes + max_dist_codes> lengths{};
};

DeflateWindowChecker::DeflateWindowChecker(int window_bits)
    : window_(std::uint32_t{1} << window_bits), codes_(std::make_unique<Codes>()) {}

DeflateWindowChecker::~DeflateWindowChecker() = default;

void DeflateWindowChecker::reset() {
    mode_ = Mode::block_header;
    last_ = false;
    hold_ = 0;
    bits_ = 0;
    produced_ = 0;
}

void DeflateWindowChecker::refill() {
    if (end_ - in_ >= 8) {
        const unsigned bytes = (63 - bits_) >> 3;
        hold_ |= (load_le64(in_) & low_bits(8 * bytes)) << bits_;
        in_ += bytes;
        bits_ += 8 * bytes;
        return;
    }
    while (bits_ < refill_target && in_ != end_) {
        hold_ |= std::uint64_t{*in_++} << bits_;
        bits_ += 8;
    }
}

bool DeflateWindowChecker::need(unsigned n) {
    if (bits_ < n) refill();
    return bits_ >= n;
}

void DeflateWindowChecker::consume(unsigned n) {
    hold_ >>= n;
    bits_ -= n;
}

std::optional<std::uint64_t> DeflateWindowChecker::stop() {
    mode_ = Mode::stopped;
    return produced_ - call_start_;
}

std::optional<std::uint64_t> DeflateWindowChecker::follow(const std::uint8_t* data,
                                                          std::size_t size, bool tail) {
    if (mode_ == Mode::stopped) return 0;
    in_ = data;
    end_ = data + size;
    call_start_ = produced_;
    for (;;) {
        switch (mode_) {
            case Mode::stream_end:
                // The inflater ignores the rest of the appended tail after a final block, and
                // restarts with its window kept when the peer's own bytes follow one.
                if (tail) {
                    hold_ = 0;
                    bits_ = 0;
                    return std::nullopt;
                }
                if (bits_ == 0 && in_ == end_) return std::nullopt;
                last_ = false;  // whole bytes the bit buffer holds are the next stream's
                mode_ = Mode::block_header;
                break;
            case Mode::block_header: {
                if (last_) {
                    consume(bits_ & 7U);  // a final block ends its stream on a byte boundary
                    mode_ = Mode::stream_end;
                    break;
                }
                if (!need(block_header_bits)) return std::nullopt;
                last_ = (hold_ & 1U) != 0;
                const auto type = static_cast<unsigned>(hold_ >> 1) & 3U;
                consume(block_header_bits);
                if (type == block_stored) {
                    mode_ = Mode::stored_length;
                } else if (type == block_fixed) {
                    codes_->litlen = &fixed_tables().litlen;
                    codes_->dist = &fixed_tables().dist;
                    pairing_countdown_ = 0;
                    mode_ = Mode::codes;
                } else if (type == block_dynamic) {
                    mode_ = Mode::table_sizes;
                } else {
                    return stop();
                }
                break;
            }
            case Mode::stored_length: {
                consume(bits_ & 7U);  // LEN starts on a byte boundary (RFC 1951 3.2.4)
                if (!need(stored_length_bits)) return std::nullopt;
                const auto len = static_cast<std::uint32_t>(hold_ & 0xffffU);
                const auto nlen = static_cast<std::uint32_t>(hold_ >> 16) & 0xffffU;
                if (len != (nlen ^ 0xffffU)) return stop();
                consume(stored_length_bits);
                stored_left_ = len;
                mode_ = Mode::stored_copy;
                break;
            }
            case Mode::stored_copy: {
                // Whole bytes the bit buffer already holds first, then the input itself.
                const std::uint32_t held = std::min<std::uint32_t>(stored_left_, bits_ / 8);
                consume(8 * held);
                const auto direct = static_cast<std::uint32_t>(
                    std::min<std::size_t>(stored_left_ - held, end_ - in_));
                in_ += direct;
                stored_left_ -= held + direct;
                produced_ += held + direct;
                if (stored_left_ != 0) return std::nullopt;
                mode_ = Mode::block_header;
                break;
            }
            case Mode::table_sizes:
            case Mode::code_length_lengths:
            case Mode::code_lengths:
                if (!read_dynamic_tables()) {
                    if (mode_ == Mode::stopped) return produced_ - call_start_;
                    return std::nullopt;
                }
                mode_ = Mode::codes;
                break;
            case Mode::codes:
                if (!read_codes()) {
                    if (mode_ == Mode::stopped) return produced_ - call_start_;
                    return std::nullopt;
                }
                mode_ = Mode::block_header;
                break;
            case Mode::stopped:
                return produced_ - call_start_;
        }
    }
}

// The header of a dynamic block (RFC 1951 3.2.7). False when it needs more input, or (mode_
// stopped) when zlib would refuse it.
bool DeflateWindowChecker::read_dynamic_tables() {
    Codes& codes = *codes_;
    if (mode_ == Mode::table_sizes) {
        if (!need(dynamic_sizes_bits)) return false;
        codes.lit_count = min_litlen_codes + static_cast<unsigned>(hold_ & 0x1fU);
        codes.dist_count = min_dist_codes + (static_cast<unsigned>(hold_ >> 5) & 0x1fU);
        codes.codelen_count = min_codelen_codes + (static_cast<unsigned>(hold_ >> 10) & 0xfU);
        consume(dynamic_sizes_bits);
        if (codes.lit_count > max_litlen_codes || codes.dist_count > max_dist_codes) {
            stop();
            return false;
        }
        codes.lengths_read = 0;
        mode_ = Mode::code_length_lengths;
    }
    if (mode_ == Mode::code_length_lengths) {
        while (codes.lengths_read < codes.codelen_count) {
            if (!need(codelen_length_bits)) return false;
            codes.lengths[codelen_order[codes.lengths_read++]] =
                static_cast<std::uint8_t>(hold_ & 7U);
            consume(codelen_length_bits);
        }
        for (; codes.lengths_read < codelen_symbols; ++codes.lengths_read)
            codes.lengths[codelen_order[codes.lengths_read]] = 0;
        if (!build_table(codes.codelen, codes.lengths.data(), codelen_symbols,
                         Alphabet::code_length)) {
            stop();
            return false;
        }
        codes.lengths_read = 0;
        mode_ = Mode::code_lengths;
    }
    Cursor k{hold_, bits_, in_, produced_};
    const Step step = read_code_lengths(k, end_, codes.codelen, codes.lengths.data(),
                                        codes.lengths_read, codes.lit_count + codes.dist_count);
    hold_ = k.hold;
    bits_ = k.bits;
    in_ = k.in;
    if (step == Step::finding) stop();
    if (step != Step::next) return false;
    if (codes.lengths[end_of_block_symbol] == 0 ||
        !build_table(codes.dynamic_litlen, codes.lengths.data(), codes.lit_count,
                     Alphabet::literal_length) ||
        !build_table(codes.dynamic_dist, codes.lengths.data() + codes.lit_count, codes.dist_count,
                     Alphabet::distance)) {
        stop();
        return false;
    }
    codes.litlen = &codes.dynamic_litlen;
    codes.dist = &codes.dynamic_dist;
    pairing_countdown_ = codes_before_pairing;
    return true;
}

// The codes of a compressed block up to its end of block (true). False when it needs more
// input, or (mode_ stopped) at a distance beyond the window or a code zlib would refuse.
bool DeflateWindowChecker::read_codes() {
    Codes& codes = *codes_;
    Cursor k{hold_, bits_, in_, produced_};
    // A dynamic block's literals are paired once it has shown that it is long.
    Step step = Step::next;
    if (pairing_countdown_ != 0) {
        step = fast_codes(k, end_, *codes.litlen, *codes.dist, window_, pairing_countdown_);
        if (step == Step::next && pairing_countdown_ == 0) add_literal_pairs(codes.dynamic_litlen);
    }
    if (step == Step::next && pairing_countdown_ == 0) {
        std::uint32_t unlimited = std::numeric_limits<std::uint32_t>::max();
        step = fast_codes(k, end_, *codes.litlen, *codes.dist, window_, unlimited);
    }
    // The last bytes of the input, one at a time.
    while (step == Step::next) {
        while (k.bits < refill_target && k.in != end_) {
            k.hold |= std::uint64_t{*k.in++} << k.bits;
            k.bits += 8;
        }
        step = next_code_careful(k, *codes.litlen, *codes.dist, window_);
    }
    hold_ = k.hold & low_bits(k.bits);
    bits_ = k.bits;
    in_ = k.in;
    produced_ = k.produced;
    if (step == Step::finding) stop();
    return step == Step::block_end;
}

}  // namespace wsspec::codec
