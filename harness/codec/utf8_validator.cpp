#include "harness/codec/utf8_validator.h"

#include <simdjson.h>

#include <cstring>

namespace wsspec::codec {
namespace {

// Below this size the scalar loop (with its ASCII word skip) beats a SIMD call.
constexpr std::size_t simd_threshold = 64;
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

}  // namespace

// Returns the number of bytes accepted; stops at the first invalid byte (state_ = reject).
std::size_t Utf8Validator::feed_scalar(const std::uint8_t* data, std::size_t size) {
    std::size_t i = 0;
    State s = state_;
    while (i < size) {
        if (s == State::accept) {
            // Skip ASCII a word at a time.
            while (i + 8 <= size) {
                std::uint64_t w;
                std::memcpy(&w, data + i, 8);
                if ((w & high_bits) != 0) break;
                i += 8;
            }
            if (i >= size) break;
        }
        s = next_state(s, data[i]);
        if (s == State::reject) break;
        ++i;
    }
    state_ = s;
    return i;
}

bool Utf8Validator::feed(const std::uint8_t* data, std::size_t size) {
    if (state_ == State::reject) return false;
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
