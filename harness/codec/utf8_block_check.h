// Branch-free UTF-8 check of short runs (under a few hundred bytes), 16 bytes at a time:
// the lookup algorithm of Keiser and Lemire, "Validating UTF-8 In Less Than One
// Instruction Per Byte" (Software: Practice and Experience, 2021), which simdjson and
// simdutf use for bulk text. Short text messages are the common case on a WebSocket, and
// for them a byte loop's branches (ASCII or not, which lead byte) mispredict from one
// message to the next while a bulk validator's dispatch costs more than the message.
//
// It answers only "valid and ends on a code point boundary" (true) or "not sure" (false):
// an invalid byte, or a code point cut off at the end, is left to the caller's scalar
// path, which finds the exact offending byte and keeps the state across fragments. So it
// can be conservative anywhere (and is, for runs of 0-3 and 17-18 bytes) without changing
// a verdict. x86 with SSSE3 only (the release build's -march=native); elsewhere it always
// answers "not sure".
#pragma once

#include <bit>
#include <cstddef>
#include <cstdint>
#include <cstring>

#if defined(__SSSE3__)
#include <immintrin.h>
#define WSSPEC_UTF8_BLOCK_CHECK 1
#else
#define WSSPEC_UTF8_BLOCK_CHECK 0
#endif

namespace wsspec::codec::utf8_block {

// Runs shorter than this are checked here; longer ones go to the bulk validator
// (simdjson), which is faster once the cost of its call and dispatch is spread out.
constexpr std::size_t short_text_limit = 256;

#if WSSPEC_UTF8_BLOCK_CHECK

// What can be wrong with a pair of adjacent bytes (prev1, input), as one bit per class
// (the paper's Table 7). Three 16-entry tables -- by prev1's high nibble, prev1's low
// nibble and input's high nibble -- each give the classes that pair *may* be in; a class
// in all three is an error. RFC 3629 4 is the grammar these classes are derived from.
constexpr std::uint8_t too_short = 1 << 0;       // lead byte, then no continuation
constexpr std::uint8_t too_long = 1 << 1;        // ASCII byte, then a continuation
constexpr std::uint8_t overlong_3 = 1 << 2;      // E0 80..9F: 3 bytes for a 2-byte code point
constexpr std::uint8_t too_large = 1 << 3;       // F4 90.. and above: beyond U+10FFFF
constexpr std::uint8_t surrogate = 1 << 4;       // ED A0..BF: U+D800..DFFF
constexpr std::uint8_t overlong_2 = 1 << 5;      // C0, C1: 2 bytes for an ASCII code point
constexpr std::uint8_t too_large_1000 = 1 << 6;  // F5.. 80..8F: beyond U+10FFFF
constexpr std::uint8_t overlong_4 = 1 << 6;      // F0 80..8F: 4 bytes for a 3-byte one
constexpr std::uint8_t two_conts = 1 << 7;       // continuation, then a continuation
constexpr std::uint8_t carry = too_short | too_long | two_conts;  // any prev1 low nibble

inline __m128i table(std::uint8_t v0, std::uint8_t v1, std::uint8_t v2, std::uint8_t v3,
                     std::uint8_t v4, std::uint8_t v5, std::uint8_t v6, std::uint8_t v7,
                     std::uint8_t v8, std::uint8_t v9, std::uint8_t v10, std::uint8_t v11,
                     std::uint8_t v12, std::uint8_t v13, std::uint8_t v14, std::uint8_t v15) {
    return _mm_setr_epi8(static_cast<char>(v0), static_cast<char>(v1), static_cast<char>(v2),
                         static_cast<char>(v3), static_cast<char>(v4), static_cast<char>(v5),
                         static_cast<char>(v6), static_cast<char>(v7), static_cast<char>(v8),
                         static_cast<char>(v9), static_cast<char>(v10), static_cast<char>(v11),
                         static_cast<char>(v12), static_cast<char>(v13), static_cast<char>(v14),
                         static_cast<char>(v15));
}

inline __m128i high_nibbles(__m128i v) {
    return _mm_and_si128(_mm_srli_epi16(v, 4), _mm_set1_epi8(0x0F));
}

// Non-zero bytes where `input` (with the 1, 2 and 3 bytes before each of its bytes) is not
// UTF-8. A code point cut off at the end of `input` is not reported (see incomplete()).
inline __m128i block_errors(__m128i input, __m128i prev1, __m128i prev2, __m128i prev3) {
    constexpr std::uint8_t lead4 = too_short | too_large | too_large_1000 | overlong_4;
    const __m128i byte_1_high = _mm_shuffle_epi8(
        table(too_long, too_long, too_long, too_long, too_long, too_long, too_long, too_long,
              two_conts, two_conts, two_conts, two_conts, too_short | overlong_2, too_short,
              too_short | overlong_3 | surrogate, lead4),
        high_nibbles(prev1));
    constexpr std::uint8_t large = carry | too_large | too_large_1000;
    const __m128i byte_1_low =
        _mm_shuffle_epi8(table(carry | overlong_3 | overlong_2 | overlong_4, carry | overlong_2,
                               carry, carry, carry | too_large, large, large, large, large, large,
                               large, large, large, large | surrogate, large, large),
                         _mm_and_si128(prev1, _mm_set1_epi8(0x0F)));
    constexpr std::uint8_t cont = too_long | overlong_2 | two_conts;
    const __m128i byte_2_high = _mm_shuffle_epi8(
        table(too_short, too_short, too_short, too_short, too_short, too_short, too_short,
              too_short, cont | overlong_3 | too_large_1000 | overlong_4,
              cont | overlong_3 | too_large, cont | surrogate | too_large,
              cont | surrogate | too_large, too_short, too_short, too_short, too_short),
        high_nibbles(input));
    const __m128i pair_errors = _mm_and_si128(_mm_and_si128(byte_1_high, byte_1_low), byte_2_high);
    // Two or three bytes after a 3- or 4-byte lead a continuation is required: there the
    // pair tables flag two_conts for a continuation (which this cancels) and nothing for
    // anything else (which this flags). Saturating subtraction sets the high bit only for
    // leads E0.. (two back) and F0.. (three back).
    const __m128i third = _mm_subs_epu8(prev2, _mm_set1_epi8(static_cast<char>(0xE0 - 0x80)));
    const __m128i fourth = _mm_subs_epu8(prev3, _mm_set1_epi8(static_cast<char>(0xF0 - 0x80)));
    const __m128i must_continue =
        _mm_and_si128(_mm_or_si128(third, fourth), _mm_set1_epi8(static_cast<char>(0x80)));
    return _mm_xor_si128(pair_errors, must_continue);
}

// Non-zero if the last bytes of a full block start a code point the block does not finish.
inline __m128i incomplete(__m128i last_block) {
    const __m128i max_complete = table(0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF,
                                       0xFF, 0xFF, 0xFF, 0xF0 - 1, 0xE0 - 1, 0xC0 - 1);
    return _mm_subs_epu8(last_block, max_complete);
}

// Errors of a block at the start of the text: nothing (ASCII zeros) before it.
inline __m128i first_block_errors(__m128i input) {
    return block_errors(input, _mm_slli_si128(input, 1), _mm_slli_si128(input, 2),
                        _mm_slli_si128(input, 3));
}

// Reads text that may still be masked (RFC 6455 5.3), unmasking what it loads in
// registers: `key` is the masking key as a word in memory order, its first byte applying
// to data[0] (0: not masked). Checking the masked bytes, before they are unmasked in
// place, keeps the check off the stores of that unmasking: a load that spans several
// recent smaller stores cannot be forwarded from them and waits for them instead, which
// for a 16-byte message costs more than the check.
class MaskedText {
  public:
    MaskedText(const std::uint8_t* data, std::uint32_t key) : data_(data), key_(key) {}

    // The 16 bytes at data + offset.
    [[nodiscard]] __m128i block(std::size_t offset) const {
        const __m128i v = _mm_loadu_si128(reinterpret_cast<const __m128i*>(data_ + offset));
        return _mm_xor_si128(v, _mm_set1_epi32(static_cast<int>(key_at(offset))));
    }

    // data[0, size), 4 <= size < 16, in a block padded with zeros, without reading past
    // the end: two overlapping loads, the second shifted to drop the bytes both hold.
    [[nodiscard]] __m128i short_block(std::size_t size) const {
        if (size >= 8) {
            const std::uint64_t head = load64(0);
            const std::uint64_t tail = size > 8 ? load64(size - 8) >> (8 * (16 - size)) : 0;
            return _mm_set_epi64x(static_cast<long long>(tail), static_cast<long long>(head));
        }
        const std::uint64_t tail = static_cast<std::uint64_t>(load32(size - 4)) >> (8 * (8 - size));
        return _mm_set_epi64x(0, static_cast<long long>(load32(0) | (tail << 32)));
    }

  private:
    // The key word for a load at data + offset (RFC 6455 5.3: byte i uses key[i % 4]).
    [[nodiscard]] std::uint32_t key_at(std::size_t offset) const {
        return std::rotr(key_, static_cast<int>(8 * (offset & 3)));
    }
    [[nodiscard]] std::uint32_t load32(std::size_t offset) const {
        std::uint32_t v;
        std::memcpy(&v, data_ + offset, sizeof(v));
        return v ^ key_at(offset);
    }
    [[nodiscard]] std::uint64_t load64(std::size_t offset) const {
        std::uint64_t v;
        std::memcpy(&v, data_ + offset, sizeof(v));
        const std::uint64_t k = key_at(offset);
        return v ^ (k | (k << 32));
    }

    const std::uint8_t* data_;
    std::uint32_t key_;
};

inline bool all_zero(__m128i v) {
    return _mm_movemask_epi8(_mm_cmpeq_epi8(v, _mm_setzero_si128())) == 0xFFFF;
}

// True if data[0, size) (unmasked with `key`, see MaskedText) is valid UTF-8 that ends on
// a code point boundary, read as the start of a text (no code point left open before
// it). False: invalid, cut off at the end, or not checked here (see above).
inline bool valid_and_complete(const std::uint8_t* data, std::size_t size, std::uint32_t key = 0) {
    static_assert(std::endian::native == std::endian::little);
    constexpr std::size_t block = 16;
    const MaskedText text(data, key);
    if (size < 4) return false;
    if (size < block) {
        // The zeros after the end are ASCII: a code point cut off there is a too_short
        // error, so no separate end check is needed.
        return all_zero(first_block_errors(text.short_block(size)));
    }
    __m128i previous = text.block(0);
    __m128i errors = first_block_errors(previous);
    std::size_t i = block;
    for (; i + block <= size; i += block) {
        const __m128i input = text.block(i);
        errors = _mm_or_si128(errors, block_errors(input, _mm_alignr_epi8(input, previous, 15),
                                                   _mm_alignr_epi8(input, previous, 14),
                                                   _mm_alignr_epi8(input, previous, 13)));
        previous = input;
    }
    if (i < size) {
        // The rest, as the last 16 bytes (re-checking some), with the 3 bytes before them.
        if (size - block < 3) return false;
        const std::size_t last = size - block;
        const __m128i input = text.block(last);
        errors = _mm_or_si128(errors, block_errors(input, text.block(last - 1),
                                                   text.block(last - 2), text.block(last - 3)));
        previous = input;
    }
    return all_zero(_mm_or_si128(errors, incomplete(previous)));
}

#else

inline bool valid_and_complete(const std::uint8_t*, std::size_t, std::uint32_t = 0) {
    return false;
}

#endif

}  // namespace wsspec::codec::utf8_block
