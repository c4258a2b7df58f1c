// The masking-key seed every fuzz target passes to codec::Connection. Fixed on purpose: a
// target must behave the same on every run of an input (libFuzzer replays, minimizes and
// compares), so the keys it masks with are reproducible rather than unpredictable. That
// is fine here and only here: nothing a fuzz target writes goes to a real peer (RFC 6455
// 10.3 asks for unpredictable keys on the wire).
#pragma once

#include <cstdint>

namespace wsspec::fuzz {

constexpr std::uint64_t fixed_mask_seed = 0x9E3779B97F4A7C15ULL;

}  // namespace wsspec::fuzz
