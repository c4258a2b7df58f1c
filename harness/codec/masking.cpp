#include "harness/codec/masking.h"

#include <cstring>

namespace wsspec::codec {
namespace {

// 64-byte vectors: AVX-512 where the target has it, otherwise the compiler splits them
// into the widest registers available (two AVX2 or four SSE2 operations).
using Block = std::uint8_t __attribute__((vector_size(64)));
using Word = std::uint64_t;

}  // namespace

std::size_t apply_mask(std::uint8_t* data, std::size_t size, const MaskKey& key,
                       std::size_t key_offset) {
    key_offset &= 3;
    // Key rotated so that byte 0 of the rotation applies to data[0].
    std::uint8_t rotated[4];
    for (int i = 0; i < 4; ++i)
        rotated[i] = key[(key_offset + i) & 3];

    std::size_t i = 0;
    if (size >= sizeof(Block)) {
        Block key_block;
        for (std::size_t j = 0; j < sizeof(Block); ++j)
            key_block[j] = rotated[j & 3];
        for (; i + sizeof(Block) <= size; i += sizeof(Block)) {
            Block b;
            std::memcpy(&b, data + i, sizeof(Block));
            b ^= key_block;
            std::memcpy(data + i, &b, sizeof(Block));
        }
    }
    if (i + sizeof(Word) <= size) {
        Word key_word;
        std::uint8_t bytes[sizeof(Word)];
        for (std::size_t j = 0; j < sizeof(Word); ++j)
            bytes[j] = rotated[j & 3];
        std::memcpy(&key_word, bytes, sizeof(Word));
        for (; i + sizeof(Word) <= size; i += sizeof(Word)) {
            Word w;
            std::memcpy(&w, data + i, sizeof(Word));
            w ^= key_word;
            std::memcpy(data + i, &w, sizeof(Word));
        }
    }
    // i is a multiple of 4 here, so the tail starts at rotated[0].
    for (; i < size; ++i)
        data[i] ^= rotated[i & 3];
    return (key_offset + size) & 3;
}

}  // namespace wsspec::codec
