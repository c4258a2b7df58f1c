#include "harness/codec/accept_key.h"

#include <openssl/evp.h>

#include <string_view>

#include "harness/codec/constants.h"

namespace wsspec::codec {

namespace {

constexpr std::size_t sha1_digest_size = 20;
constexpr std::size_t bits_per_base64_char = 6;
constexpr std::size_t key_data_chars = 22;  // ceil(16 * 8 / 6)
constexpr std::string_view key_padding = "==";
// The 22nd character carries 2 data bits and 4 padding bits that RFC 4648 3.5 says are zero.
constexpr unsigned key_pad_bits_mask = 0x0F;
constexpr int invalid_sextet = -1;

// RFC 4648 4, table 1 (not the URL-safe alphabet of section 5).
int base64_value(char c) {
    if (c >= 'A' && c <= 'Z') return c - 'A';
    if (c >= 'a' && c <= 'z') return c - 'a' + 26;
    if (c >= '0' && c <= '9') return c - '0' + 52;
    if (c == '+') return 62;
    if (c == '/') return 63;
    return invalid_sextet;
}

// EVP_EncodeBlock writes 4 chars per 3 input bytes (padded) plus a NUL.
template <std::size_t InputSize>
std::string encode_base64(const unsigned char (&input)[InputSize]) {
    unsigned char out[((InputSize + 2) / 3) * 4 + 1] = {};
    const int written = EVP_EncodeBlock(out, input, static_cast<int>(InputSize));
    return std::string(reinterpret_cast<const char*>(out), static_cast<std::size_t>(written));
}

}  // namespace

std::string compute_accept_key(std::string_view key) {
    std::string input;
    input.reserve(key.size() + handshake_guid.size());
    input.append(key);
    input.append(handshake_guid);
    unsigned char digest[sha1_digest_size] = {};
    unsigned int digest_size = 0;
    if (EVP_Digest(input.data(), input.size(), digest, &digest_size, EVP_sha1(), nullptr) != 1 ||
        digest_size != sha1_digest_size) {
        return {};
    }
    return encode_base64(digest);
}

std::optional<KeyNonce> decode_key(std::string_view key) {
    if (key.size() != encoded_key_size || key.substr(key_data_chars) != key_padding) {
        return std::nullopt;
    }
    KeyNonce nonce{};
    std::uint32_t bits = 0;
    std::size_t bit_count = 0;
    std::size_t out = 0;
    for (std::size_t i = 0; i < key_data_chars; ++i) {
        const int sextet = base64_value(key[i]);
        if (sextet == invalid_sextet) return std::nullopt;
        if (i + 1 == key_data_chars && (static_cast<unsigned>(sextet) & key_pad_bits_mask) != 0) {
            return std::nullopt;
        }
        bits = (bits << bits_per_base64_char) | static_cast<std::uint32_t>(sextet);
        bit_count += bits_per_base64_char;
        if (bit_count >= 8 && out < key_nonce_size) {
            bit_count -= 8;
            nonce[out++] = static_cast<std::uint8_t>((bits >> bit_count) & 0xFF);
        }
    }
    return nonce;
}

bool is_valid_key(std::string_view key) {
    return decode_key(key).has_value();
}

std::string make_key(const KeyNonce& nonce) {
    unsigned char input[key_nonce_size];
    for (std::size_t i = 0; i < key_nonce_size; ++i)
        input[i] = nonce[i];
    return encode_base64(input);
}

}  // namespace wsspec::codec
