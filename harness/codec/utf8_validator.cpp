#include "harness/codec/utf8_validator.h"

#include <simdjson.h>

#include <bit>
#include <cstring>

#include "harness/codec/utf8_block_check.h"

namespace wsspec::codec {
namespace {

// Below this size the block check (or the scalar loop) beats a bulk SIMD call.
constexpr std::size_t simd_threshold = utf8_block::short_text_limit;
constexpr std::uint64_t high_bits = 0x8080808080808080ULL;

using State = Utf8Validator::State;

State next_state(State s, std::uint8_t b) {
    switch (s) {
        case State::accept:
            if (b < 0x80) return State::accept;
            if (b < 0xC2) return State::reject;  // continuation byte or overlong C0/C1
            if (b < 0xE0) return State::need1;
            if (b == 0xE0) return State::need2_e0;
            if (b == 0xED) return State::need2_ed;
            if (b < 0xF0) return State::need2;
            if (b == 0xF0) return State::need3_f0;
            if (b < 0xF4) return State::need3;
            if (b == 0xF4) return State::need3_f4;
            return State::reject;  // F5..FF never appear in UTF-8
        case State::need1:
            return (b & 0xC0) == 0x80 ? State::accept : State::reject;
        case State::need2:
            return (b & 0xC0) == 0x80 ? State::need1 : State::reject;
        case State::need2_e0:
            return (b >= 0xA0 && b <= 0xBF) ? State::need1 : State::reject;
        case State::need2_ed:
            return (b >= 0x80 && b <= 0x9F) ? State::need1 : State::reject;
        case State::need3:
            return (b & 0xC0) == 0x80 ? State::need2 : State::reject;
        case State::need3_f0:
            return (b >= 0x90 && b <= 0xBF) ? State::need2 : State::reject;
        case State::need3_f4:
            return (b >= 0x80 && b <= 0x8F) ? State::need2 : State::reject;
        case State::reject:
            return State::reject;
    }
    return State::reject;
}

bool is_continuation(std::uint8_t b) {
    return (b & 0xC0) == 0x80;
}

bool in_range(std::uint8_t b, std::uint8_t low, std::uint8_t high) {
    return static_cast<std::uint8_t>(b - low) <= static_cast<std::uint8_t>(high - low);
}

// Length of the valid code point starting at p (at least 4 bytes readable), or 0 when it
// is not one. Same rules as next_state(), a whole code point at a time: one decision per
// character instead of one state transition per byte.
std::size_t valid_sequence_length(const std::uint8_t* p) {
    const std::uint8_t b0 = p[0];
    if (b0 < 0x80) return 1;
    if (in_range(b0, 0xC2, 0xDF)) return is_continuation(p[1]) ? 2 : 0;
    if (in_range(b0, 0xE0, 0xEF)) {
        const std::uint8_t low = b0 == 0xE0 ? 0xA0 : 0x80;   // no overlongs
        const std::uint8_t high = b0 == 0xED ? 0x9F : 0xBF;  // no surrogates
        return in_range(p[1], low, high) && is_continuation(p[2]) ? 3 : 0;
    }
    if (in_range(b0, 0xF0, 0xF4)) {
        const std::uint8_t low = b0 == 0xF0 ? 0x90 : 0x80;   // no overlongs
        const std::uint8_t high = b0 == 0xF4 ? 0x8F : 0xBF;  // nothing above U+10FFFF
        return in_range(p[1], low, high) && is_continuation(p[2]) && is_continuation(p[3]) ? 4 : 0;
    }
    return 0;
}

// Index of the first byte with its high bit set in a word loaded from memory (w != 0).
std::size_t first_high_byte(std::uint64_t high) {
    if constexpr (std::endian::native == std::endian::little)
        return static_cast<std::size_t>(std::countr_zero(high)) / 8;
    else
        return static_cast<std::size_t>(std::countl_zero(high)) / 8;
}

// Clears the bits of the first `n` bytes (in memory order, 0 < n < 8) of a loaded word.
std::uint64_t drop_first_bytes(std::uint64_t w, std::size_t n) {
    if constexpr (std::endian::native == std::endian::little)
        return w & (~0ULL << (8 * n));
    else
        return w & (~0ULL >> (8 * n));
}

}  // namespace

// Returns the number of bytes accepted; stops at the first invalid byte (state_ = reject).
std::size_t Utf8Validator::feed_scalar(const std::uint8_t* data, std::size_t size) {
    std::size_t i = 0;
    State s = state_;
    if (s == State::accept && size >= 8 && size <= 16) {
        // A short all-ASCII message (the most common kind) costs one test: two word
        // loads that together cover it.
        std::uint64_t first, last;
        std::memcpy(&first, data, 8);
        std::memcpy(&last, data + size - 8, 8);
        if (((first | last) & high_bits) == 0) return size;
    }
    while (i < size) {
        if (s == State::accept) {
            // Skip ASCII a word at a time, jumping straight to the first non-ASCII byte,
            // and check multi-byte characters a whole code point at a time while 4 bytes
            // can be read. An invalid one is left to the state machine below, which finds
            // the exact offending byte.
            for (;;) {
                if (i + 8 <= size) {
                    std::uint64_t w;
                    std::memcpy(&w, data + i, 8);
                    const std::uint64_t high = w & high_bits;
                    if (high == 0) {
                        i += 8;
                        continue;
                    }
                    i += first_high_byte(high);
                } else if (size >= 8 && i < size) {
                    // Under 8 bytes left: one load of the last word (overlapping bytes
                    // already checked) instead of a byte loop of unpredictable length.
                    std::uint64_t w;
                    std::memcpy(&w, data + size - 8, 8);
                    const std::uint64_t high = drop_first_bytes(w & high_bits, 8 - (size - i));
                    if (high == 0) {
                        i = size;
                        break;
                    }
                    i = size - 8 + first_high_byte(high);
                } else {
                    break;
                }
                if (i + 4 > size) break;  // maybe cut short by the end: the state machine
                const std::size_t n = valid_sequence_length(data + i);
                if (n == 0) break;
                i += n;
            }
            // The last few bytes of a message are mostly ASCII too.
            while (i < size && data[i] < 0x80)
                ++i;
            if (i >= size) break;
        }
        s = next_state(s, data[i]);
        if (s == State::reject) break;
        ++i;
    }
    state_ = s;
    return i;
}

// Flattened (feed_scalar and next_state inlined): for short messages a second call is a
// sizeable share of the cost.
[[gnu::flatten]] bool Utf8Validator::feed(const std::uint8_t* data, std::size_t size) {
    if (state_ == State::reject) return false;
    // Short text that starts and ends on code point boundaries (most messages): one
    // branch-free pass. Anything else falls through to the exact, stateful path below.
    if (state_ == State::accept && size < simd_threshold &&
        utf8_block::valid_and_complete(data, size)) {
        consumed_ += size;
        return true;
    }
    std::size_t done = 0;
    // Finish a code point left open by the previous chunk, byte by byte.
    while (state_ != State::accept && done < size) {
        state_ = next_state(state_, data[done]);
        if (state_ == State::reject) {
            error_offset_ = consumed_ + done;
            return false;
        }
        ++done;
    }
    const std::uint8_t* rest = data + done;
    std::size_t rest_size = size - done;
    if (rest_size >= simd_threshold) {
        // A valid string splits into two valid strings at any byte that is not a
        // continuation byte, so validate the bulk up to the last such byte with SIMD and
        // leave the (possibly incomplete) last code point to the state machine.
        std::size_t cut = rest_size;
        for (std::size_t back = 0; back < 4 && cut > 0; ++back) {
            if (!is_continuation(rest[cut - 1])) {
                --cut;
                break;
            }
            --cut;
        }
        if (cut > 0 && simdjson::validate_utf8(reinterpret_cast<const char*>(rest), cut)) {
            consumed_ += done + cut;
            done = 0;
            rest += cut;
            rest_size -= cut;
        }
        // On failure, fall through: the scalar pass finds the exact offending byte.
    }
    const std::size_t accepted = feed_scalar(rest, rest_size);
    if (state_ == State::reject) {
        error_offset_ = consumed_ + done + accepted;
        return false;
    }
    consumed_ += done + rest_size;
    return true;
}

bool Utf8Validator::is_valid(const std::uint8_t* data, std::size_t size) {
    if (size >= simd_threshold)
        return simdjson::validate_utf8(reinterpret_cast<const char*>(data), size);
    Utf8Validator v;
    return v.feed(data, size) && v.complete();
}

}  // namespace wsspec::codec
