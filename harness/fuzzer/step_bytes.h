// The octets a scripted client puts on the wire for one step, computed without a socket so
// the live fuzzer can feed them to the reference codec before sending them. They equal what
// peer::CaseSession writes when every frame carries its own mask key (the fuzzer sets one
// on every frame it makes: with a random key, a length that lies would let the next
// frame's masked octets decide what the server parses).
#pragma once

#include <cstdint>
#include <string>

#include "harness/cases/case.h"

namespace wsspec::fuzzer {

// Frames are masked as `sender`'s are (RFC 6455 5.1: a client masks every frame, a server
// none) unless `mask` says otherwise. Message steps are fragmented as the session does, with
// `message_mask_key` on every fragment a client sends. Sleeps, awaits and the other
// non-sending steps give no bytes; a close step gives its Close frame.
std::string step_bytes(const cases::Step& step, cases::Role sender,
                       std::uint32_t message_mask_key = 0);

// A frame step serialized as it would be sent (for turning it into a raw step).
std::string frame_bytes(const cases::FrameStep& f, cases::Role sender);

inline std::string client_step_bytes(const cases::Step& step, std::uint32_t message_mask_key = 0) {
    return step_bytes(step, cases::Role::client, message_mask_key);
}
inline std::string client_frame_bytes(const cases::FrameStep& f) {
    return frame_bytes(f, cases::Role::client);
}

}  // namespace wsspec::fuzzer
