// What a conforming echo server must answer to a fuzzed sequence of client steps, derived
// by running the octets those steps send through the reference codec (codec::Connection in
// the server role, with the strict limits `wsspec serve` uses). A mutated case no longer
// carries valid expectations; this computes them, so the judge can be the oracle:
//
//   - every valid message before the first protocol error (or our Close) is echoed, same
//     type and bytes, and every Ping answered with a Pong carrying its data, in order;
//   - at a protocol error the server MUST _Fail the WebSocket Connection_ (RFC 6455 7.1.7):
//     a Close with the code allowed for that rule (1002; 1007 for invalid UTF-8), or a TCP
//     drop; the steps after the error are not sent (a conforming server ignores them, and
//     sending them would race with its Close);
//   - otherwise our Close (the one in the steps, or a final Close 1000 appended here) gets
//     a Close in reply and a clean end, closed by us (5.5.1).
//
// The catalog's conventions apply (tools/casegen/blocks.py echo_case/fail_case): failing
// before echoing the valid messages that preceded the error is NON-STRICT, a reply to our
// Close may echo its code or say 1000, and an empty Close in reply to a malformed Close is
// NON-STRICT (require_code).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "harness/cases/case.h"
#include "harness/codec/handshake_response.h"
#include "harness/codec/protocol_error.h"

namespace wsspec::fuzzer {

struct DerivationSettings {
    // The peer under test: a server (fuzz-server; our frames are masked) or a client
    // (fuzz-client; wsspec is the server and its frames are not).
    cases::Role peer = cases::Role::server;
    // `wsspec serve`'s limit (EchoServerOptions::max_message_size).
    std::uint64_t max_message_size = 64ULL << 20;
    // How long the server has to answer: the final await_close and, plus a margin, the case.
    std::uint32_t answer_timeout_ms = 1000;
    // Wait for every answer owed before sending the Close (always with a client: its driver
    // loop echoes from its application). Otherwise a peer that answered our Close before
    // writing every echo is NON-STRICT (RFC 6455 5.5.1 lets it; python-websockets' server
    // does it), which costs no round trip.
    bool await_answers_before_close = false;
};

enum class DerivedOutcome : std::uint8_t {
    clean_close,  // no protocol error: answers, then a clean closing handshake
    fail,         // a protocol error: answers before it, then the server fails the connection
    incomplete,   // the octets end inside a frame (or inside the frame that holds the error):
                  // a conforming server may just wait (not judged)
    undefined,    // RFC 6455 defines no answer (a Close code from 5000 up): not judged
};

struct Derivation {
    DerivedOutcome outcome = DerivedOutcome::clean_close;
    cases::Case c;  // the steps to run (truncated / terminated) and the derived expectations
    std::vector<cases::Event> answers;  // what the server must send before the end
    codec::ErrorKind error = codec::ErrorKind::none;
    std::size_t error_step = 0;  // index into the body of the step that holds the error
    std::string rule;            // "RFC 6455 5.2: RSV1 set but no extension negotiated"
    bool closed_by_me = false;
    std::vector<std::uint16_t> codes;
    // The largest data message the steps send completely (the 1009 tolerance).
    std::uint64_t largest_message = 0;
    // The largest payload length a frame header announced (a peer may refuse it at once).
    std::uint64_t largest_announced = 0;
    bool non_minimal_length = false;  // some frame's length is not in its minimal form
    // The error is invalid UTF-8 in a fragment before the last: a server that validates
    // whole messages waits for the rest (never sent) instead of failing. Not a finding.
    bool server_may_wait = false;
    // The code of the Close among the octets that a peer which let the error pass would
    // have answered (its echo means it took the input as valid).
    std::optional<std::uint16_t> close_code_if_taken;
    // fuzz-client: the rule our response breaks, which the client must fail on
    // (codec::response_error_kind_name; expect_response_refused); empty otherwise.
    std::string response_error;
};

// Close codes a server may fail the connection with for this rule (catalog conventions:
// 6.* expect 1007 for invalid UTF-8, 7.5.1 accepts 1002 or 1007 for a bad close reason).
std::vector<std::uint16_t> allowed_fail_codes(codec::ErrorKind kind);

// `body`: frame, raw, message and sleep steps (what the fuzzer mutates). The case keeps the
// id "fz.0"; callers name it.
Derivation derive_expectations(const std::vector<cases::Step>& body,
                               const DerivationSettings& settings = {});

// fuzz-client: our response is one the client MUST _Fail the WebSocket Connection_ on
// (RFC 6455 4.1; `error` says which rule). The steps become a probe, as in the catalog's
// hsc.*: one text message, which a client that failed never echoes; the expectation is that
// no message, Ping or Pong comes back, however the connection then ends.
void expect_response_refused(Derivation& d, const codec::ResponseError& error,
                             std::uint32_t answer_timeout_ms);

}  // namespace wsspec::fuzzer
