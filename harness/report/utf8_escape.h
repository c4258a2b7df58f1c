// Peer bytes in reports. A report is JSON (and HTML, XML made from it), which holds only
// valid UTF-8, but a peer under test may send any bytes: header values, close reasons,
// agent names, payload text. Every string that reaches a report goes through here once,
// where the JSON is built, so one odd byte can never cost the run its reports.
//
// The scheme (reports/README.md, "Bytes that are not UTF-8"): valid UTF-8 is kept as it
// is; each byte that does not belong to a valid UTF-8 sequence (RFC 3629: no overlongs,
// no surrogates, nothing above U+10FFFF, no truncated sequences) becomes the four
// characters \xHH, upper-case hex ("evil\xFF"). The exact bytes stay available where a
// report has a hex field (wire log, events).
#pragma once

#include <nlohmann/json.hpp>
#include <string>
#include <string_view>

namespace wsspec::report {

// `bytes` as valid UTF-8, each stray byte written as \xHH.
std::string escape_invalid_utf8(std::string_view bytes);

// True when `bytes` is valid UTF-8 (escape_invalid_utf8 would return it unchanged).
bool is_valid_utf8(std::string_view bytes);

// Applies escape_invalid_utf8 to every string and every object key in `doc`, in place.
// Returns how many strings or keys it changed.
std::size_t escape_invalid_utf8_in(nlohmann::json& doc);

// The error handler every report dump uses: should a string ever bypass the escaping
// above, it is written with U+FFFD instead of throwing away the whole report.
inline constexpr auto last_resort = nlohmann::json::error_handler_t::replace;

}  // namespace wsspec::report
