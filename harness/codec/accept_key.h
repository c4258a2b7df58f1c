// Sec-WebSocket-Key and Sec-WebSocket-Accept (RFC 6455 1.3, 4.1, 4.2.2). The codec has no
// random number generator: the caller supplies the 16 nonce bytes.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace wsspec::codec {

// RFC 6455 4.1: the key is "a randomly selected 16-byte value that has been base64-encoded".
constexpr std::size_t key_nonce_size = 16;
// base64 of 16 bytes: 5 full groups of 4 chars + one group "XX==" (RFC 4648 4).
constexpr std::size_t encoded_key_size = 24;
// base64 of a 20-byte SHA-1 digest.
constexpr std::size_t encoded_accept_size = 28;

using KeyNonce = std::array<std::uint8_t, key_nonce_size>;

// base64(SHA-1(key + GUID)) as the server must send it (RFC 6455 4.2.2 item 5.4).
// The key is used verbatim (no trimming, no validation). Returns "" only if OpenSSL cannot
// compute SHA-1 (e.g. a provider configuration without it).
std::string compute_accept_key(std::string_view key);

// Decodes a Sec-WebSocket-Key strictly: exactly 24 characters of the RFC 4648 4 alphabet,
// ending in "==", with the unused low bits of the last data character zero (the canonical
// encoding). Anything else is not "a 16-byte value base64-encoded".
std::optional<KeyNonce> decode_key(std::string_view key);
bool is_valid_key(std::string_view key);

// The Sec-WebSocket-Key for a caller-chosen nonce (24 characters).
std::string make_key(const KeyNonce& nonce);

}  // namespace wsspec::codec
