// The parts of a case file's case object, each read by its own parser (one file each):
// payloads, steps, expectations and handshakes. Shared by case_loader.cpp only; the
// public interface is case_loader.h.
#pragma once

#include <cstdint>
#include <limits>
#include <string_view>
#include <vector>

#include "harness/cases/case.h"
#include "harness/cases/json_reader.h"

namespace wsspec::cases::parse {

using json_input::json;
using json_input::JsonPath;

// A pattern payload is expanded in memory when it is sent; this keeps a typo in a length
// from asking for terabytes. The largest catalog payload is 16 MiB.
inline constexpr std::uint64_t kMaxPatternLength = std::uint64_t{1} << 30;
inline constexpr std::uint64_t kMaxUint32 = std::numeric_limits<std::uint32_t>::max();
inline constexpr std::uint64_t kMaxUint16 = std::numeric_limits<std::uint16_t>::max();
inline constexpr int kMinStatus = 100;
inline constexpr int kMaxStatus = 599;

// payload_parser.cpp
Payload parse_payload(const json& j, const JsonPath& w);
Payload optional_payload(const json& obj, const JsonPath& w);       // the "payload" key, if any
std::string parse_data_set_name(const json& j, const JsonPath& w);  // a test_data.h name

// step_parser.cpp
std::vector<Step> parse_steps(const json& j, const JsonPath& w);
void parse_chop(const json& obj, const JsonPath& w, std::uint64_t& chop, std::uint32_t& delay);
std::uint32_t optional_timeout(const json& obj, const JsonPath& w);  // "timeout_ms", or 0

// expectation_parser.cpp
Expectation parse_expectation(const json& j, const JsonPath& w);
CloseExpectation parse_close_expectation(const json& j, const JsonPath& w);

// deflate_parser.cpp
DeflateCase parse_deflate_case(const json& j, const JsonPath& w);

// handshake_parser.cpp
HandshakeRequest parse_handshake_request(const json& j, const JsonPath& w);
H2Request parse_h2_request(const json& j, const JsonPath& w);
H2Response parse_h2_response(const json& j, const JsonPath& w);
// An HTTP/2 error code name of RFC 9113 7 ("PROTOCOL_ERROR"), checked.
std::string parse_h2_error_code(const json& j, const JsonPath& w);
HandshakeResponse parse_handshake_response(const json& j, const JsonPath& w);

}  // namespace wsspec::cases::parse
