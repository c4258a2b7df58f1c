#include "harness/peer/target_url.h"

#include <charconv>

namespace wsspec::peer {
namespace {
constexpr std::uint16_t ws_default_port = 80;
constexpr std::uint16_t wss_default_port = 443;
}  // namespace

std::string TargetUrl::host_header() const {
    const bool ipv6 = host.find(':') != std::string::npos;
    std::string h = ipv6 ? "[" + host + "]" : host;
    if (port != (tls ? wss_default_port : ws_default_port)) h += ":" + std::to_string(port);
    return h;
}

std::string TargetUrl::to_string() const {
    const bool ipv6 = host.find(':') != std::string::npos;
    return std::string(http2 ? "h2c://"
                       : tls ? "wss://"
                             : "ws://") +
           (ipv6 ? "[" + host + "]" : host) + ":" + std::to_string(port) + path;
}

TargetUrl parse_target_url(std::string_view url) {
    const std::string original(url);
    const auto bad = [&](const std::string& why) {
        return UrlError("bad URL '" + original + "': " + why);
    };
    TargetUrl out;
    const auto scheme_end = url.find("://");
    if (scheme_end == std::string_view::npos) throw bad("expected ws://HOST[:PORT][/PATH]");
    const std::string_view scheme = url.substr(0, scheme_end);
    if (scheme == "ws")
        out.tls = false;
    else if (scheme == "wss")
        out.tls = true;
    else if (scheme == "h2c")
        out.http2 = true;
    else
        throw bad("unsupported scheme '" + std::string(scheme) + "' (use ws://, wss:// or h2c://)");
    url.remove_prefix(scheme_end + 3);
    const auto path_start = url.find_first_of("/?#");
    std::string_view authority = url.substr(0, path_start);
    if (path_start != std::string_view::npos) {
        std::string_view rest = url.substr(path_start);
        if (const auto hash = rest.find('#'); hash != std::string_view::npos) {
            throw bad("fragments are not allowed in WebSocket URIs (RFC 6455 3)");
        }
        // The path goes into the request line as is: a space or control character would
        // split or end that line (RFC 3986 3.3 wants them percent-encoded).
        for (const char ch : rest) {
            const auto byte = static_cast<unsigned char>(ch);
            if (byte <= 0x20 || byte == 0x7F) {
                throw bad("the path contains a space or control character; percent-encode it");
            }
        }
        out.path = rest.front() == '?' ? "/" + std::string(rest) : std::string(rest);
    }
    if (authority.find('@') != std::string_view::npos) throw bad("user info is not supported");
    std::string_view port_text;
    if (!authority.empty() && authority.front() == '[') {
        const auto close = authority.find(']');
        if (close == std::string_view::npos) throw bad("unterminated IPv6 literal");
        out.host = std::string(authority.substr(1, close - 1));
        const std::string_view after = authority.substr(close + 1);
        if (!after.empty()) {
            if (after.front() != ':') throw bad("unexpected text after IPv6 literal");
            port_text = after.substr(1);
        }
    } else {
        const auto colon = authority.rfind(':');
        out.host = std::string(authority.substr(0, colon));
        if (colon != std::string_view::npos) port_text = authority.substr(colon + 1);
    }
    if (out.host.empty()) throw bad("missing host");
    out.port = out.tls ? wss_default_port : ws_default_port;
    if (!port_text.empty()) {
        unsigned value = 0;
        const auto [end, ec] =
            std::from_chars(port_text.data(), port_text.data() + port_text.size(), value);
        if (ec != std::errc{} || end != port_text.data() + port_text.size() || value == 0 ||
            value > 65535) {
            throw bad("port must be a number from 1 to 65535");
        }
        out.port = static_cast<std::uint16_t>(value);
    }
    return out;
}

}  // namespace wsspec::peer
