// The request target of a fuzzingserver endpoint ("/runCase?case=3&agent=my%20client"):
// path and percent-decoded query parameters (RFC 3986 3.3, 3.4; '+' is a space as in HTML
// form encoding, which urllib's quote_plus and many drivers produce).
#pragma once

#include <map>
#include <optional>
#include <string>
#include <string_view>

namespace wsspec::server {

struct RequestTarget {
    std::string path;                          // "/runCase"; absolute-form targets reduced
    std::map<std::string, std::string> query;  // last value wins for repeated names

    [[nodiscard]] std::optional<std::string> param(const std::string& name) const;
};

RequestTarget parse_request_target(std::string_view target);

// "%41b+c" -> "Ab c"; malformed escapes are kept as they are.
std::string percent_decode(std::string_view s);

}  // namespace wsspec::server
