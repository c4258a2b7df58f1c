// Which web origins may use the fuzzing server's endpoints. Browsers send Origin on every
// WebSocket handshake (RFC 6455 4.1 item 8, 10.2) and let any page open ws://127.0.0.1:9001,
// so without this check any web page a tester visits could stop the server (/stopServer)
// or run cases under an agent name and so inject results. Non-browser clients (every
// driver loop) send no Origin and are always served. RFC 6455 4.2.2: a server that does
// not accept an origin answers with an HTTP error such as 403.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "harness/codec/http_head.h"

namespace wsspec::server {

// "*" in the allowed list accepts every origin (Autobahn's behaviour).
inline constexpr std::string_view any_origin = "*";

struct OriginPolicy {
    // Origins accepted besides the local ones, as browsers serialize them
    // ("https://example.com:8443"); compared ASCII case-insensitively.
    std::vector<std::string> allowed;

    // Whether a request with this Origin value may be served (nullopt: no Origin header).
    [[nodiscard]] bool allows(const std::optional<std::string_view>& origin) const;
};

// http(s)://localhost, 127.0.0.1 or [::1], with or without a port: pages served from this
// machine, where the tester runs the suite.
bool is_local_origin(std::string_view origin);

// The Origin of a request head (Sec-WebSocket-Origin for hybi-08 clients), nullopt if none.
std::optional<std::string_view> request_origin(const codec::HttpRequestHead& head);

}  // namespace wsspec::server
