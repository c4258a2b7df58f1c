#include "harness/cases/case_parsers.h"

#include "harness/codec/http2_error_codes.h"

#include <algorithm>
#include <array>
#include <string>

namespace wsspec::cases::parse {

using namespace json_input;

// ---------------------------------------------------------------------------------------
// Handshake request
static std::vector<std::pair<std::string, std::string>> header_lines(const json& j,
                                                                     const JsonPath& w) {
    std::vector<std::pair<std::string, std::string>> out;
    const json& arr = array_at(j, w);
    for (std::size_t i = 0; i < arr.size(); ++i) {
        const JsonPath iw = w / i;
        if (!arr[i].is_array() || arr[i].size() != 2) {
            iw.fail("expected a [name, value] pair, got " + arr[i].dump());
        }
        std::string name = as_string(arr[i][0], iw / std::size_t{0});
        if (name.empty()) (iw / std::size_t{0}).fail("empty header name");
        // A value may be a payload object, e.g. {"pattern": "a", "length": 65536} for an
        // oversized header, so the case file stays readable.
        std::string value = parse_payload(arr[i][1], iw / std::size_t{1}).materialize();
        out.emplace_back(std::move(name), std::move(value));
    }
    return out;
}

// What handshake requests and responses share: "raw" (the whole head, sent as is, so it
// excludes every field that builds a head) or header edits, and the chopping.
template <class Head>
static void parse_head_parts(const json& j, const JsonPath& w, Head& h,
                             std::initializer_list<std::string_view> head_fields,
                             std::string_view what) {
    if (const json* raw = find(j, "raw")) {
        std::vector<std::string_view> excluded(head_fields);
        excluded.insert(excluded.end(), {"headers", "add_headers", "remove_headers"});
        for (const std::string_view key : excluded) {
            if (j.contains(key)) {
                (w / key).fail(in_quotes(key) +
                               " cannot be combined with \"raw\" (raw is sent as is)");
            }
        }
        h.raw = as_string(*raw, w / "raw");
        if (h.raw->empty()) (w / "raw").fail("empty raw " + std::string(what));
    }
    if (const json* v = find(j, "headers")) {
        h.headers = header_lines(*v, w / "headers");
        if (h.headers.empty())
            (w / "headers").fail("headers, when given, replaces the defaults: it cannot be empty");
    }
    if (const json* v = find(j, "add_headers")) h.add_headers = header_lines(*v, w / "add_headers");
    if (const json* v = find(j, "remove_headers")) {
        h.remove_headers = string_list(*v, w / "remove_headers", false);
    }
    parse_chop(j, w, h.chop, h.chop_delay_ms);
}

HandshakeRequest parse_handshake_request(const json& j, const JsonPath& w) {
    object_at(j, w);
    check_keys(j, w,
               {"raw", "method", "target", "http_version", "ws_version", "headers", "add_headers",
                "remove_headers", "chop", "chop_delay_ms", "pipelined_hex"});
    HandshakeRequest h;
    parse_head_parts(j, w, h, {"method", "target", "http_version", "ws_version"}, "request");
    auto non_empty = [&](std::string_view key, std::string& field) {
        if (const json* v = find(j, key)) {
            field = as_string(*v, w / key);
            if (field.empty()) (w / key).fail("empty " + std::string(key));
        }
    };
    non_empty("method", h.method);
    non_empty("target", h.target);
    non_empty("http_version", h.http_version);
    if (const json* v = find(j, "ws_version")) {
        h.ws_version = as_int_in(*v, w / "ws_version", 0, 255);
        if (h.ws_version != 13 && h.ws_version != 8) {
            (w / "ws_version")
                .fail(
                    "ws_version is 13 (RFC 6455) or 8 (hybi-10); for other values replace the "
                    "Sec-WebSocket-Version header instead");
        }
    }
    if (const json* v = find(j, "pipelined_hex")) h.pipelined = decode_hex(*v, w / "pipelined_hex");
    return h;
}

// ---------------------------------------------------------------------------------------
// Extended CONNECT (RFC 8441 cases)

std::string parse_h2_error_code(const json& j, const JsonPath& w) {
    std::string name = as_string(j, w);
    if (!codec::http2_error_code(name))
        w.fail("unknown HTTP/2 error code " + in_quotes(name) + " (RFC 9113 7 names, e.g. CANCEL)");
    return name;
}

H2Request parse_h2_request(const json& j, const JsonPath& w) {
    object_at(j, w);
    check_keys(j, w,
               {"fields", "add_fields", "remove_fields", "before_settings", "initial_window_size",
                "extra_streams"});
    H2Request h;
    if (const json* v = find(j, "fields")) {
        h.fields = header_lines(*v, w / "fields");
        if (h.fields.empty())
            (w / "fields").fail("fields, when given, replaces the defaults: it cannot be empty");
    }
    if (const json* v = find(j, "add_fields")) h.add_fields = header_lines(*v, w / "add_fields");
    if (const json* v = find(j, "remove_fields"))
        h.remove_fields = string_list(*v, w / "remove_fields", false);
    if (const json* v = find(j, "before_settings"))
        h.before_settings = as_bool(*v, w / "before_settings");
    // RFC 9113 6.5.2: at most 2^31-1.
    constexpr std::uint64_t max_window = 0x7fffffff;
    if (const json* v = find(j, "initial_window_size")) {
        h.initial_window_size =
            static_cast<std::uint32_t>(as_uint(*v, w / "initial_window_size", max_window));
        if (h.initial_window_size == 0)
            (w / "initial_window_size").fail("a window of 0 would never let the server answer");
    }
    // Bounded like a server's own SETTINGS_MAX_CONCURRENT_STREAMS of 100 would be.
    constexpr std::uint64_t max_extra_streams = 64;
    if (const json* v = find(j, "extra_streams"))
        h.extra_streams =
            static_cast<std::uint32_t>(as_uint(*v, w / "extra_streams", max_extra_streams));
    return h;
}

H2Response parse_h2_response(const json& j, const JsonPath& w) {
    object_at(j, w);
    check_keys(j, w, {"status", "add_fields", "withdraw_connect_protocol", "initial_window_size"});
    H2Response h;
    // RFC 9110 15: three digits; 1xx are not final answers.
    constexpr std::uint64_t min_status = 200;
    constexpr std::uint64_t max_status = 599;
    if (const json* v = find(j, "status")) {
        h.status = static_cast<int>(as_uint(*v, w / "status", max_status));
        if (h.status < static_cast<int>(min_status))
            (w / "status").fail("a final status (200..599) is needed");
    }
    if (const json* v = find(j, "add_fields")) h.add_fields = header_lines(*v, w / "add_fields");
    if (const json* v = find(j, "withdraw_connect_protocol"))
        h.withdraw_connect_protocol = as_bool(*v, w / "withdraw_connect_protocol");
    // RFC 9113 6.5.2: at most 2^31-1.
    constexpr std::uint64_t max_window = 0x7fffffff;
    if (const json* v = find(j, "initial_window_size")) {
        h.initial_window_size =
            static_cast<std::uint32_t>(as_uint(*v, w / "initial_window_size", max_window));
        if (h.initial_window_size == 0)
            (w / "initial_window_size").fail("a window of 0 would never let the client answer");
    }
    return h;
}

// ---------------------------------------------------------------------------------------
// Handshake response (client cases)

HandshakeResponse parse_handshake_response(const json& j, const JsonPath& w) {
    object_at(j, w);
    check_keys(j, w,
               {"raw", "status", "reason", "http_version", "accept", "headers", "add_headers",
                "remove_headers", "chop", "chop_delay_ms"});
    HandshakeResponse h;
    parse_head_parts(j, w, h, {"status", "reason", "http_version", "accept"}, "response");
    if (const json* v = find(j, "status"))
        h.status = as_int_in(*v, w / "status", kMinStatus, kMaxStatus);
    if (const json* v = find(j, "reason")) h.reason = as_string(*v, w / "reason");
    if (const json* v = find(j, "http_version")) {
        h.http_version = as_string(*v, w / "http_version");
        if (h.http_version.empty()) (w / "http_version").fail("empty http_version");
    }
    if (const json* v = find(j, "accept")) {
        const std::string a = as_string(*v, w / "accept");
        if (a == "valid") {
            h.accept = HandshakeResponse::Accept::valid;
        } else if (a == "wrong") {
            h.accept = HandshakeResponse::Accept::wrong;
        } else {
            (w / "accept").fail("unknown accept " + in_quotes(a) + " (expected valid or wrong)");
        }
    }
    return h;
}

}  // namespace wsspec::cases::parse
