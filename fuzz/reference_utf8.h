// An obviously-correct UTF-8 decoder, the oracle of the UTF-8 differential target. It
// decodes one code point at a time straight from RFC 3629 section 4 (the ABNF of UTF8-char),
// written for clarity, not speed: no tables, no word tricks, no state machine.
#pragma once

#include <cstddef>
#include <cstdint>

namespace wsspec::fuzz {

struct ReferenceUtf8Result {
    bool valid = false;
    // Invalid: index of the first byte at which no valid continuation exists any more
    // (a fail-fast validator must stop there); `size` when the input ends inside a
    // code point that could still have been completed.
    std::size_t error_offset = 0;
};

inline ReferenceUtf8Result reference_utf8(const std::uint8_t* s, std::size_t size) {
    std::size_t i = 0;
    while (i < size) {
        const std::uint8_t b = s[i];
        std::size_t length = 0;
        std::uint8_t lo = 0x80;  // allowed range of the second byte (RFC 3629 4)
        std::uint8_t hi = 0xBF;
        if (b <= 0x7F) {
            length = 1;
        } else if (b >= 0xC2 && b <= 0xDF) {
            length = 2;
        } else if (b == 0xE0) {
            length = 3, lo = 0xA0;  // no overlong 3-byte forms
        } else if ((b >= 0xE1 && b <= 0xEC) || b == 0xEE || b == 0xEF) {
            length = 3;
        } else if (b == 0xED) {
            length = 3, hi = 0x9F;  // no surrogates U+D800..DFFF
        } else if (b == 0xF0) {
            length = 4, lo = 0x90;  // no overlong 4-byte forms
        } else if (b >= 0xF1 && b <= 0xF3) {
            length = 4;
        } else if (b == 0xF4) {
            length = 4, hi = 0x8F;  // nothing above U+10FFFF
        } else {
            return {false, i};  // 80..C1, F5..FF never start a code point
        }
        for (std::size_t k = 1; k < length; ++k) {
            if (i + k >= size) return {false, size};  // cut short: could still complete
            const std::uint8_t c = s[i + k];
            const std::uint8_t min = k == 1 ? lo : 0x80;
            const std::uint8_t max = k == 1 ? hi : 0xBF;
            if (c < min || c > max) return {false, i + k};
        }
        i += length;
    }
    return {true, size};
}

}  // namespace wsspec::fuzz
