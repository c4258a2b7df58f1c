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

// Frames are masked as a client's (unless `mask` says otherwise). Message steps are
// fragmented as the session does, with `message_mask_key` on every fragment. Sleeps, awaits
// and the other non-sending steps give no bytes; a close step gives its Close frame.
std::string client_step_bytes(const cases::Step& step, std::uint32_t message_mask_key = 0);

// A frame step serialized as it would be sent (for turning it into a raw step).
std::string client_frame_bytes(const cases::FrameStep& f);

}  // namespace wsspec::fuzzer
