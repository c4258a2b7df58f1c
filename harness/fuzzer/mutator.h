// Structured mutations of a fuzz input: the client steps of a case (frames with every header
// field, raw octets, short sleeps), edited in the case model rather than as bytes, so that
// every input stays a readable case and the reference codec can say what it means.
//
// One RNG, seeded: the same seed and the same parent give the same child (the engine logs
// the per-input seed, so any input can be made again).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "harness/cases/case.h"
#include "harness/fuzzer/rng.h"

namespace wsspec::fuzzer {

struct FuzzInput {
    // Edits of the opening request (handshake_mutator.h); none: the default request.
    std::optional<cases::HandshakeRequest> handshake;
    // Edits of our opening response (response_mutator.h; fuzz-client); none: a valid 101.
    std::optional<cases::HandshakeResponse> response;
    std::vector<cases::Step> steps;      // frame, raw and sleep steps only
    std::uint64_t seed = 0;              // the RNG seed that made it from its parent
    std::string origin;                  // the catalog case it descends from
    std::vector<std::string> mutations;  // what was done to the parent, in order
};

// Bounds on what one input may send (keeps executions fast and memory small).
struct MutationLimits {
    std::size_t max_steps = 32;
    std::uint64_t max_bytes = 256 * 1024;
    std::uint32_t max_sleep_ms = 10;
    // A step written in chops takes one write (and a wake-up of the server) per piece: a
    // 64 KiB frame one octet at a time outlasts any answer deadline. Bound the pieces.
    std::uint64_t max_chop_pieces = 256;
    std::uint64_t max_handshake_bytes = 80 * 1024;  // an oversized header field and then some
    // Our response stays within what wsspec's own parser reads (16 KiB), so the reference
    // client can judge it.
    std::uint64_t max_response_bytes = 12 * 1024;
    // Who sends the steps: wsspec as a client (fuzz-server; frames masked by default) or as
    // the server (fuzz-client); the opening request or our response is edited.
    cases::Role sender = cases::Role::client;
};

// A catalog case as a seed: messages become frames (with mask keys from `rng`), repeats are
// unrolled, sleeps shortened and unmarked, awaits dropped, close steps become Close frames.
// Returns false when nothing sendable is left or it is too large.
bool seed_from_case(const cases::Case& c, Rng& rng, const MutationLimits& limits, FuzzInput& out);

// Applies 1-4 stacked mutations to `input` (its `mutations` list grows). Returns false when
// the result breaks the limits (the caller then tries again).
bool mutate(FuzzInput& input, Rng& rng, const MutationLimits& limits);

// Within the limits: steps, octets, pieces of chopped steps.
bool within_limits(const std::vector<cases::Step>& steps, const MutationLimits& limits);
bool within_limits(const FuzzInput& input, const MutationLimits& limits);

// Total octets the steps send.
std::uint64_t sent_bytes(const std::vector<cases::Step>& steps);

}  // namespace wsspec::fuzzer
