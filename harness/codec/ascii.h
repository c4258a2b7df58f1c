// ASCII character classes for protocol text. HTTP (RFC 7230 1.2, via RFC 5234 B.1) defines
// ALPHA, DIGIT and HEXDIG as ASCII ranges, so these never consult the C locale the way
// <cctype> does: under a locale where isalnum() accepts, say, 0xE9, a Host of "caf\xE9"
// would pass. They also take any char, signed or not, without the cast <cctype> needs.
#pragma once

#include <string>
#include <string_view>

namespace wsspec::codec {

constexpr bool is_ascii_digit(char c) {
    return c >= '0' && c <= '9';
}
constexpr bool is_ascii_alpha(char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}
constexpr bool is_ascii_alnum(char c) {
    return is_ascii_alpha(c) || is_ascii_digit(c);
}
constexpr bool is_ascii_hex_digit(char c) {
    return is_ascii_digit(c) || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}
constexpr char ascii_lower(char c) {
    return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c;
}

// Lower-case hex of each byte ("\x01\xab" -> "01ab"), for digests and wire logs.
inline std::string to_hex(std::string_view bytes) {
    constexpr std::string_view digits = "0123456789abcdef";
    std::string out;
    out.reserve(bytes.size() * 2);
    for (const char c : bytes) {
        const auto b = static_cast<unsigned char>(c);
        out += digits[b >> 4];
        out += digits[b & 0xF];
    }
    return out;
}

}  // namespace wsspec::codec
