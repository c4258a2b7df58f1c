// SHA-256 of payload bytes, for matching a received message too large to keep (the
// session keeps a bounded prefix of what a peer sends, STYLE 6) against the expected one.
#pragma once

#include <string>
#include <string_view>

#include "harness/cases/case.h"

namespace wsspec::cases {

// The 32 raw digest bytes; "" only if OpenSSL cannot compute SHA-256.
std::string digest_of(std::string_view bytes);

// The digest of `p`'s bytes, without expanding a pattern into memory (pmd.3.23 expects a
// 128 MiB echo).
std::string digest_of(const Payload& p);

}  // namespace wsspec::cases
