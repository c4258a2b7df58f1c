#include "harness/server/origin_policy.h"

#include <algorithm>

#include "harness/codec/handshake_request.h"

namespace wsspec::server {
namespace {

constexpr std::string_view local_hosts[] = {"localhost", "127.0.0.1", "[::1]"};
constexpr std::string_view web_schemes[] = {"http://", "https://"};
// ":" and at most five digits (RFC 6454 6.2 serializes the port as a decimal number).
constexpr std::size_t max_port_suffix = 6;

bool istarts_with(std::string_view s, std::string_view prefix) {
    return s.size() >= prefix.size() && codec::iequals(s.substr(0, prefix.size()), prefix);
}

}  // namespace

bool is_local_origin(std::string_view origin) {
    for (const auto scheme : web_schemes) {
        if (!istarts_with(origin, scheme)) continue;
        const std::string_view authority = origin.substr(scheme.size());
        for (const auto host : local_hosts) {
            if (!istarts_with(authority, host)) continue;
            const std::string_view rest = authority.substr(host.size());
            if (rest.empty()) return true;
            // RFC 6454 6.2: the serialized origin has at most ":" port after the host.
            if (rest.size() >= 2 && rest.size() <= max_port_suffix && rest.front() == ':' &&
                std::all_of(rest.begin() + 1, rest.end(),
                            [](char c) { return c >= '0' && c <= '9'; }))
                return true;
        }
    }
    return false;
}

bool OriginPolicy::allows(const std::optional<std::string_view>& origin) const {
    if (!origin) return true;
    if (is_local_origin(*origin)) return true;
    return std::any_of(allowed.begin(), allowed.end(), [&](const std::string& a) {
        return a == any_origin || codec::iequals(a, *origin);
    });
}

std::optional<std::string_view> request_origin(const codec::HttpRequestHead& head) {
    for (const auto name : {codec::header_name::origin, codec::header_name::sec_websocket_origin}) {
        if (const auto* h = codec::find_header(head.headers, name)) return h->value;
    }
    return std::nullopt;
}

}  // namespace wsspec::server
