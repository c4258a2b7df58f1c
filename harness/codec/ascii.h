// ASCII character classes for protocol text. HTTP (RFC 7230 1.2, via RFC 5234 B.1) defines
// ALPHA, DIGIT and HEXDIG as ASCII ranges, so these never consult the C locale the way
// <cctype> does: under a locale where isalnum() accepts, say, 0xE9, a Host of "caf\xE9"
// would pass. They also take any char, signed or not, without the cast <cctype> needs.
#pragma once

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

}  // namespace wsspec::codec
