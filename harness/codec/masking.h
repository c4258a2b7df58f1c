// Masking (RFC 6455 5.3): payload[i] ^= key[(offset + i) % 4], in place.
// Works a vector at a time (GCC/clang vector extensions, so g++ -O2 gets SIMD too, which
// its auto-vectorizer does not give a plain XOR loop) and can resume mid-key, so a payload
// that arrives in several reads is unmasked chunk by chunk without copying.
// Inline: most frames are small, and for a 16-byte payload a function call costs as much
// as the XOR itself.
#pragma once

#include <array>
#include <bit>
#include <cstddef>
#include <cstdint>
#include <cstring>

namespace wsspec::codec {

using MaskKey = std::array<std::uint8_t, 4>;

namespace mask_detail {

// 64-byte vectors: AVX-512 where the target has it, otherwise the compiler splits them
// into the widest registers available (two AVX2 or four SSE2 operations). Lanes are
// 32-bit so that the key is a plain broadcast of one key word.
using Block = std::uint32_t __attribute__((vector_size(64)));
using Word = std::uint64_t;

}  // namespace mask_detail

// XORs data[0, size) with the key, starting at key byte `key_offset % 4`.
// Returns the key offset for the byte after the last one (to continue the next chunk).
inline std::size_t apply_mask(std::uint8_t* data, std::size_t size, const MaskKey& key,
                              std::size_t key_offset = 0) {
    key_offset &= 3;
    // The key rotated so that its first byte applies to data[0], as a 32-bit word in
    // memory order, so XORing it over any 4-byte run of `data` is correct. Rotating the
    // loaded word (not assembling bytes on the stack) avoids a store-forwarding stall
    // that costs more than unmasking a small frame.
    std::uint32_t key32;
    std::memcpy(&key32, key.data(), sizeof(key32));
    const int shift = static_cast<int>(8 * key_offset);
    key32 = std::endian::native == std::endian::little ? std::rotr(key32, shift)
                                                       : std::rotl(key32, shift);

    // Building the key once per call must stay cheap: most frames are small (16-125
    // bytes), so per-call setup, not the loop, decides their cost.
    std::size_t i = 0;
    if (size >= sizeof(mask_detail::Block)) {
        const mask_detail::Block key_block = mask_detail::Block{} + key32;
        for (; i + sizeof(mask_detail::Block) <= size; i += sizeof(mask_detail::Block)) {
            mask_detail::Block b;
            std::memcpy(&b, data + i, sizeof(mask_detail::Block));
            b ^= key_block;
            std::memcpy(data + i, &b, sizeof(mask_detail::Block));
        }
    }
    const mask_detail::Word key_word = (static_cast<mask_detail::Word>(key32) << 32) | key32;
    for (; i + sizeof(mask_detail::Word) <= size; i += sizeof(mask_detail::Word)) {
        mask_detail::Word w;
        std::memcpy(&w, data + i, sizeof(mask_detail::Word));
        w ^= key_word;
        std::memcpy(data + i, &w, sizeof(mask_detail::Word));
    }
    if (i + sizeof(key32) <= size) {
        std::uint32_t w;
        std::memcpy(&w, data + i, sizeof(w));
        w ^= key32;
        std::memcpy(data + i, &w, sizeof(w));
        i += sizeof(key32);
    }
    // i is a multiple of 4 here, so the tail (under 4 bytes) starts at key byte key_offset.
    for (std::size_t j = key_offset; i < size; ++i, ++j)
        data[i] ^= key[j & 3];
    return (key_offset + size) & 3;
}

}  // namespace wsspec::codec
