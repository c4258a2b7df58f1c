#include "harness/fuzzer/handshake_mutator.h"

#include <algorithm>
#include <cctype>

#include "harness/codec/handshake_request.h"
#include "harness/codec/http_head.h"

namespace wsspec::fuzzer {
namespace {

using Header = std::pair<std::string, std::string>;

// Header fields a WebSocket server reads or commonly meets (RFC 6455 4.1, 4.2.1, 9.1,
// 11.3; RFC 7230 5.4; RFC 6454 7), each with values worth trying.
struct FieldValues {
    const char* name;
    std::vector<std::string> values;
};

const std::vector<FieldValues>& known_fields() {
    static const std::vector<FieldValues> fields = {
        {"Host", {"{host}", "other.invalid", "", "{host}:80", "[::1]"}},
        {"Upgrade", {"websocket", "WebSocket", "h2c", "websocket, h2c", ""}},
        {"Connection", {"Upgrade", "keep-alive, Upgrade", "close", "upgrade", ""}},
        {"Sec-WebSocket-Key", {"{key}", "AQIDBAUGBwgJCgsMDQ4PEA==", "not base64!", ""}},
        {"Sec-WebSocket-Version", {"13", "8", "7", "14", "13, 8", ""}},
        {"Sec-WebSocket-Protocol", {"chat", "chat, superchat", "", ",,", "x"}},
        // Offers a server must decline (an unknown extension, an invalid window, no token):
        // on a connection that agreed one, frames are not judged (the derivation knows none).
        {"Sec-WebSocket-Extensions",
         {"x-wsspec-unknown", "permessage-deflate; server_max_window_bits=7",
          "permessage-deflate; unknown_param", ";", "x-wsspec-unknown; a=\"b, c\""}},
        {"Origin", {"http://{host}", "null", "http://other.invalid"}},
        {"Sec-WebSocket-Origin", {"http://{host}"}},
        {"Cookie", {"a=b", "a=b; c=d"}},
        {"User-Agent", {"wsspec-fuzz"}},
        {"Content-Length", {"0", "5", "-1"}},
        {"Transfer-Encoding", {"chunked"}},
        {"Expect", {"100-continue"}},
        {"X-Wsspec-Fuzz", {"1", "a b c"}},
    };
    return fields;
}

const std::vector<std::string> methods = {"GET", "get",     "POST",   "HEAD",
                                          "PUT", "OPTIONS", "CONNECT"};
const std::vector<std::string> targets = {"{path}", "{path}?a=b",  "http://{host}{path}", "*",
                                          "//",     "{path}#frag", "{path}/../x",         "%"};
const std::vector<std::string> versions = {"HTTP/1.1", "HTTP/1.0",  "HTTP/2.0", "HTTP/1.2",
                                           "http/1.1", "HTTP/1.1 ", "HTTP/11"};
// Oversized fields: past common limits of one line (4 KiB, 8 KiB) and of a whole head.
const std::vector<std::size_t> oversized = {1000, 4095, 4096, 8192, 8193, 16384, 65536};

std::string change_case(std::string s, Rng& rng, std::string& how) {
    switch (rng.below(3)) {
        case 0:
            for (auto& c : s)
                c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
            how = "lower";
            break;
        case 1:
            for (auto& c : s)
                c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
            how = "upper";
            break;
        default:
            for (auto& c : s) {
                if (rng.percent(50)) {
                    c = std::isupper(static_cast<unsigned char>(c))
                            ? static_cast<char>(std::tolower(static_cast<unsigned char>(c)))
                            : static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
                }
            }
            how = "mixed";
            break;
    }
    return s;
}

std::size_t position(Rng& rng, std::size_t size) {
    return static_cast<std::size_t>(rng.below(size + 1));
}

Header new_header(Rng& rng) {
    const auto& f = rng.pick(known_fields());
    return {f.name, rng.pick(f.values)};
}

}  // namespace

cases::HandshakeRequest default_handshake() {
    cases::HandshakeRequest hs;
    hs.headers = {{"Host", "{host}"},
                  {"Upgrade", "websocket"},
                  {"Connection", "Upgrade"},
                  {"Sec-WebSocket-Key", "{key}"},
                  {"Sec-WebSocket-Version", "13"}};
    return hs;
}

std::string mutate_handshake(cases::HandshakeRequest& hs, Rng& rng) {
    if (hs.raw) return "";  // sent as is: edits would not be seen
    if (hs.headers.empty()) {
        // Make the defaults explicit, with the case's own edits applied (as build_request).
        cases::HandshakeRequest base = default_handshake();
        if (hs.ws_version == 8) {
            base.headers.back().second = "8";
            hs.ws_version = 13;
        }
        std::erase_if(base.headers, [&](const Header& h) {
            return std::any_of(hs.remove_headers.begin(), hs.remove_headers.end(),
                               [&](const std::string& r) { return codec::iequals(r, h.first); });
        });
        base.headers.insert(base.headers.end(), hs.add_headers.begin(), hs.add_headers.end());
        hs.headers = std::move(base.headers);
        hs.add_headers.clear();
        hs.remove_headers.clear();
        if (hs.headers.empty()) hs.headers = default_handshake().headers;
    }
    auto& h = hs.headers;
    const std::size_t n = h.size();
    const std::size_t i = static_cast<std::size_t>(rng.below(n));
    switch (rng.below(12)) {
        case 0:
            h.insert(h.begin() + static_cast<std::ptrdiff_t>(position(rng, n)), new_header(rng));
            return "header-add";
        case 1:
            if (n < 2) return "";
            h.erase(h.begin() + static_cast<std::ptrdiff_t>(i));
            return "header-drop";
        case 2: {
            Header copy = h[i];
            // The copy next to the original (one field twice) or anywhere in the head.
            const std::size_t at = rng.percent(50) ? i + 1 : position(rng, n);
            h.insert(h.begin() + static_cast<std::ptrdiff_t>(at), std::move(copy));
            return "header-duplicate";
        }
        case 3: {
            if (n < 2) return "";
            Header moved = h[i];
            h.erase(h.begin() + static_cast<std::ptrdiff_t>(i));
            h.insert(h.begin() + static_cast<std::ptrdiff_t>(position(rng, h.size())),
                     std::move(moved));
            return "header-reorder";
        }
        case 4: {
            std::string how;
            h[i].first = change_case(h[i].first, rng, how);
            return "header-name-case-" + how;
        }
        case 5: {
            std::string how;
            h[i].second = change_case(h[i].second, rng, how);
            return "header-value-case-" + how;
        }
        case 6:
            // RFC 7230 3.2.4: obs-fold, which a server must refuse or replace with a space.
            h[i].second += "\r\n " + rng.pick(known_fields()).values.front();
            return "header-fold";
        case 7: {
            const std::vector<std::string> ws = {" ", "\t", "  \t "};
            h[i].second = rng.pick(ws) + h[i].second + rng.pick(ws);
            return "header-whitespace";
        }
        case 8:
            h[i].second = std::string(rng.pick(oversized), rng.percent(50) ? 'a' : ',');
            return "header-oversized";
        case 9: {
            // A value replaced by another one this field (or another field) may carry.
            const auto& fields = known_fields();
            const auto it = std::find_if(fields.begin(), fields.end(), [&](const FieldValues& f) {
                return h[i].first == f.name;
            });
            h[i].second = rng.pick(it != fields.end() ? it->values : rng.pick(fields).values);
            return "header-value";
        }
        case 10:
            switch (rng.below(3)) {
                case 0:
                    hs.method = rng.pick(methods);
                    return "request-method";
                case 1:
                    hs.target = rng.pick(targets);
                    return "request-target";
                default:
                    hs.http_version = rng.pick(versions);
                    return "request-version";
            }
        default: {
            // Not one octet per write: hs.8.1 does that, and 150 writes cost 150 wake-ups.
            const std::vector<std::uint64_t> chops = {3, 7, 40};
            hs.chop = rng.pick(chops);
            return "request-chop";
        }
    }
}

bool announces_body(const cases::HandshakeRequest& hs) {
    // Optional whitespace (and a line's CR) around a field's name and value.
    const auto trim = [](std::string_view v) {
        const std::size_t b = v.find_first_not_of(" \t\r");
        if (b == std::string_view::npos) return std::string_view();
        return v.substr(b, v.find_last_not_of(" \t\r") - b + 1);
    };
    const auto body_field = [&](std::string_view name, std::string_view value) {
        name = trim(name);
        value = trim(value);
        return codec::iequals(name, "Transfer-Encoding") ||
               (codec::iequals(name, "Content-Length") && value != "0");
    };
    if (hs.raw) {
        // Header lines up to the blank line that ends the head.
        std::string_view rest(*hs.raw);
        for (std::size_t eol = rest.find('\n'); eol != std::string_view::npos;
             eol = rest.find('\n')) {
            rest.remove_prefix(eol + 1);
            const std::string_view line = rest.substr(0, rest.find('\n'));
            const std::size_t colon = line.find(':');
            if (trim(line).empty()) break;
            if (colon != std::string_view::npos &&
                body_field(line.substr(0, colon), line.substr(colon + 1))) {
                return true;
            }
        }
        return false;
    }
    for (const auto& list : {hs.headers, hs.add_headers}) {
        for (const auto& [name, value] : list)
            if (body_field(name, value)) return true;
    }
    return false;
}

bool reference_refuses_request(std::string_view raw) {
    codec::HttpRequestHead head;
    const auto parsed = codec::parse_request_head(raw.data(), raw.size(), head);
    if (parsed.status == codec::HeadParseStatus::error) return true;
    if (!parsed.complete()) return false;
    return !codec::validate_request(head).ok();
}

std::uint64_t handshake_bytes(const cases::HandshakeRequest& hs) {
    if (hs.raw) return hs.raw->size();
    std::uint64_t n = hs.method.size() + hs.target.size() + hs.http_version.size() + 4;
    for (const auto& list : {hs.headers, hs.add_headers}) {
        for (const auto& [name, value] : list)
            n += name.size() + value.size() + 4;
    }
    return n + hs.pipelined.size();
}

}  // namespace wsspec::fuzzer
