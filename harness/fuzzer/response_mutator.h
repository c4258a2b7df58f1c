// Structured mutations of the opening handshake response wsspec answers a client under test
// with (fuzz-client): status, the three fields RFC 6455 4.2.2 requires (dropped, their
// values changed, duplicated), field-name case, order, fields added (a subprotocol or an
// extension no client offered, unrelated and long fields) and the response written in
// pieces. The edits stay a cases::HandshakeResponse, so a finding replays from its case
// file, and they never depend on what the client offered: whether a client MUST fail the
// connection on the result is decided by the reference client's own check (response_error).
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "harness/cases/case.h"
#include "harness/codec/handshake_response.h"
#include "harness/fuzzer/rng.h"

namespace wsspec::fuzzer {

// One edit of `r` (its default fields made explicit first when needed); returns its name.
std::string mutate_response(cases::HandshakeResponse& r, Rng& rng);

// What the reference client (codec::validate_response, RFC 6455 4.1) makes of the response
// `r` makes for a request that offered no subprotocol and no extension.
struct ResponseJudgement {
    // False: not judged -- wsspec's own parser cannot read it (beyond its limits), or RFC
    // 6455 4.1 leaves the client's answer open (a list of Upgrade values, or two fields),
    // or a field line is longer than a client need take (2 KiB).
    bool judged = true;
    // Set: a client MUST _Fail the WebSocket Connection_ on it. Empty: it goes on as usual.
    std::optional<codec::ResponseError> error;
};
ResponseJudgement judge_response(const cases::HandshakeResponse& r);

// Octets of the status line and fields (placeholders unfilled), for the limits.
std::uint64_t response_bytes(const cases::HandshakeResponse& r);

}  // namespace wsspec::fuzzer
