// Masking (RFC 6455 5.3): payload[i] ^= key[(offset + i) % 4], in place.
// Works a vector at a time (GCC/clang vector extensions, so g++ -O2 gets SIMD too, which
// its auto-vectorizer does not give a plain XOR loop) and can resume mid-key, so a payload
// that arrives in several reads is unmasked chunk by chunk without copying.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>

namespace wsspec::codec {

using MaskKey = std::array<std::uint8_t, 4>;

// XORs data[0, size) with the key, starting at key byte `key_offset % 4`.
// Returns the key offset for the byte after the last one (to continue the next chunk).
std::size_t apply_mask(std::uint8_t* data, std::size_t size, const MaskKey& key,
                       std::size_t key_offset = 0);

}  // namespace wsspec::codec
