// Structured mutations of the opening handshake a fuzz input sends (RFC 6455 4.1, RFC 7230
// 3): header fields added, dropped, duplicated, reordered, case-changed, folded, padded
// with whitespace or made oversized, and request line edits. The request stays a
// cases::HandshakeRequest with an explicit header list (placeholders {host}, {key}, {path}
// filled in by the scripted client), so a finding replays from its case file.
#pragma once

#include <string>
#include <string_view>

#include "harness/cases/case.h"
#include "harness/fuzzer/rng.h"

namespace wsspec::fuzzer {

// The default version 13 request as an explicit header list (what build_request sends).
cases::HandshakeRequest default_handshake();

// One edit of `hs` (made explicit first when it relies on the defaults); returns its name.
std::string mutate_handshake(cases::HandshakeRequest& hs, Rng& rng);

// Whether the request announces content (a Transfer-Encoding, or a Content-Length other
// than 0; RFC 9112 6.1, 6.2): a server that reads that content before switching protocols
// takes the frames that follow for it, so what it answers to them is not the WebSocket's
// to judge.
bool announces_body(const cases::HandshakeRequest& hs);

// Whether wsspec's reference server refuses the request `raw` (the octets sent, as logged):
// RFC 6455 4.2.1 has a server refuse it. False when the log is cut short.
bool reference_refuses_request(std::string_view raw);

// Octets of the request line and header fields (placeholders unfilled), for the limits.
std::uint64_t handshake_bytes(const cases::HandshakeRequest& hs);

}  // namespace wsspec::fuzzer
