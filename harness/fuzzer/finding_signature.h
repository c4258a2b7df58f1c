// What a fuzz finding is, in a few words that stay the same across the many inputs that show
// one bug, so that each bug is reported (and minimized) once:
//
//   crash      the sanitizer's bug kind and top frames (addresses dropped), or the Python
//              exception and its innermost frame, or else how the process died;
//   judge/hang where the peer's behaviour first parted from the derived expectations -- a
//              rule it broke in what it sent, a close code it should not have sent, the
//              first answer missing or wrong, or the error it did not fail the connection on.
//
// The input's own shape (which rule the steps broke, how the connection was meant to end) is
// left out on purpose: one server bug is reached through many of them.
#pragma once

#include <string>
#include <string_view>

#include "harness/fuzzer/expectation_derivation.h"
#include "harness/oracle/judge.h"
#include "harness/oracle/observation.h"

namespace wsspec::fuzzer {

// "AddressSanitizer:heap-buffer-overflow@reassemble_fragment<Connection.run<serve" from a
// crash description with the process's last output; empty when it holds no report.
std::string sanitizer_signature(std::string_view output);

// The crash's signature: the sanitizer's, or how it died ("exited with status 134").
std::string crash_signature(std::string_view description);

// Where the observation first parts from the derivation: "sent:invalid_utf8",
// "close-code:1002", "missing-pong", "wrong-bytes", "no-fail:reserved_bits_set",
// "no-close-reply", ...; empty when nothing differs.
std::string divergence(const Derivation& d, const oracle::Observation& obs,
                       const oracle::Judgement& j);

}  // namespace wsspec::fuzzer
