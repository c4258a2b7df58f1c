// A case's frame step as the codec's frame writer takes it: every header field as the case
// says (lengths that lie, non-minimal length forms, any RSV and opcode), so the scripted
// peer and the live fuzzer build the same bytes from the same step.
#pragma once

#include <cstdint>

#include "harness/cases/case.h"
#include "harness/codec/frame_writer.h"

namespace wsspec::cases {

// The key 0x11223344 as the bytes 11 22 33 44 (the order they go on the wire, RFC 6455 5.2).
codec::MaskKey mask_key_bytes(std::uint32_t key);

// The frame `f` describes. Masked as the step says, else `mask_by_default` (a client masks
// every frame, RFC 6455 5.3); with the step's key, else `default_key`.
codec::FrameSpec frame_spec_of(const FrameStep& f, bool mask_by_default,
                               codec::MaskKey default_key);

}  // namespace wsspec::cases
