#include "harness/codec/masking.h"

#include <bit>
#include <cstring>

namespace wsspec::codec {
namespace {

// 64-byte vectors: AVX-512 where the target has it, otherwise the compiler splits them
// into the widest registers available (two AVX2 or four SSE2 operations). Lanes are
// 32-bit so that the key is a plain broadcast of one key word.
using Block = std::uint32_t __attribute__((vector_size(64)));
using Word = std::uint64_t;

}  // namespace

std::size_t apply_mask(std::uint8_t* data, std::size_t size, const MaskKey& key,
                       std::size_t key_offset) {
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
    if (size >= sizeof(Block)) {
        const Block key_block = Block{} + key32;
        for (; i + sizeof(Block) <= size; i += sizeof(Block)) {
            Block b;
            std::memcpy(&b, data + i, sizeof(Block));
            b ^= key_block;
            std::memcpy(data + i, &b, sizeof(Block));
        }
    }
    const Word key_word = (static_cast<Word>(key32) << 32) | key32;
    for (; i + sizeof(Word) <= size; i += sizeof(Word)) {
        Word w;
        std::memcpy(&w, data + i, sizeof(Word));
        w ^= key_word;
        std::memcpy(data + i, &w, sizeof(Word));
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
