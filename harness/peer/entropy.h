// The randomness the peers need at the edge (the codec has no entropy source of its own):
// Sec-WebSocket-Key nonces (RFC 6455 4.1) and seeds for the codec's masking keys (10.3).
#pragma once

#include <cstdint>
#include <string>

namespace wsspec::peer {

std::string random_handshake_key();
std::uint64_t random_mask_seed();

}  // namespace wsspec::peer
