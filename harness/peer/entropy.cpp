#include "harness/peer/entropy.h"

#include <random>

#include "harness/codec/accept_key.h"

namespace wsspec::peer {

std::string random_handshake_key() {
    std::random_device rd;
    codec::KeyNonce nonce{};
    for (auto& b : nonce)
        b = static_cast<std::uint8_t>(rd());
    return codec::make_key(nonce);
}

std::uint64_t random_mask_seed() {
    std::random_device rd;
    return (static_cast<std::uint64_t>(rd()) << 32) ^ rd() ^ 1;  // never 0 (xorshift)
}

}  // namespace wsspec::peer
