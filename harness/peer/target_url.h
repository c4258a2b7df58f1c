// The URL of a server under test: ws://host[:port][/path], wss://..., or h2c://... for
// WebSockets over an HTTP/2 stream (RFC 8441, cleartext with prior knowledge).
#pragma once

#include <cstdint>
#include <stdexcept>
#include <string>
#include <string_view>

namespace wsspec::peer {

struct TargetUrl {
    bool tls = false;
    std::string host;  // without brackets for IPv6 literals
    std::uint16_t port = 0;
    std::string path = "/";  // path and query, as sent in the request line
    bool http2 = false;      // h2c://: extended CONNECT over HTTP/2 (RFC 8441)
    // Host header value: host, plus ":port" when it is not the scheme's default.
    [[nodiscard]] std::string host_header() const;
    [[nodiscard]] std::string to_string() const;
};

struct UrlError : std::invalid_argument {
    using std::invalid_argument::invalid_argument;
};

// Throws UrlError with the reason ("unsupported scheme 'http' (use ws://, wss:// or h2c://)").
TargetUrl parse_target_url(std::string_view url);

}  // namespace wsspec::peer
