#include "harness/peer/entropy.h"

#include <random>

#include "harness/codec/accept_key.h"

namespace wsspec::peer {

namespace {

// One device per thread, opened once: constructing a std::random_device costs more than a
// whole loopback connection (it probes the CPU and opens the kernel's source each time).
std::random_device& device() {
    thread_local std::random_device rd;
    return rd;
}

}  // namespace

std::string random_handshake_key() {
    std::random_device& rd = device();
    codec::KeyNonce nonce{};
    for (auto& b : nonce)
        b = static_cast<std::uint8_t>(rd());
    return codec::make_key(nonce);
}

std::uint64_t random_mask_seed() {
    std::random_device& rd = device();
    return (static_cast<std::uint64_t>(rd()) << 32) ^ rd() ^ 1;  // never 0 (xorshift)
}

}  // namespace wsspec::peer
