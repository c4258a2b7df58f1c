#include "harness/fuzzer/response_mutator.h"

#include <algorithm>
#include <cctype>
#include <vector>

#include "harness/codec/accept_key.h"
#include "harness/codec/http_head.h"
#include "harness/peer/scripted_server.h"

namespace wsspec::fuzzer {
namespace {

using Header = std::pair<std::string, std::string>;

// The key the oracle answers (any valid key: the response's fields never depend on it
// but through the {accept} placeholder).
constexpr const char* oracle_key = "dGhlIHNhbXBsZSBub25jZQ==";

// Values for the fields a client checks (4.1 items 2-4): the RFC's case-insensitive tokens
// in other letter cases and inside lists (a client must go on), and values it must refuse.
const std::vector<std::string> upgrade_values = {"WebSocket",  "WEBSOCKET", "websocket, h2c",
                                                 "websocket2", "h2c",       ""};
const std::vector<std::string> connection_values = {
    "upgrade", "UPGRADE", "keep-alive, Upgrade", "Upgrade, keep-alive", "keep-alive", "close", ""};
// Fields added: ones no client may refuse (RFC 7230 3.2.1: unknown fields are ignored),
// some long (past 1 and 4 KiB lines), and a subprotocol or extension no client offered
// (4.1 items 5, 6: the client MUST fail).
const std::vector<Header>& added_fields() {
    static const std::vector<Header> fields = {
        {"Server", "wsspec-fuzz"},
        {"Date", "Thu, 01 Jan 1970 00:00:00 GMT"},
        {"Set-Cookie", "a=b; Path=/"},
        {"Cache-Control", "no-cache"},
        {"Sec-WebSocket-Version", "13"},
        {"X-Wsspec-Fuzz", std::string(1000, 'a')},
        {"X-Wsspec-Fuzz", std::string(4100, 'b')},
        {"Sec-WebSocket-Protocol", "x-wsspec-fuzz"},
        {"Sec-WebSocket-Extensions", "x-wsspec-fuzz"},
    };
    return fields;
}
// Field lines up to this many octets every client must take (1 KiB, against the 4 and 8 KiB
// limits common in HTTP parsers).
constexpr std::size_t longest_judged_field_line = 2048;
const std::vector<int> other_statuses = {200, 204, 301, 302, 400, 403, 404, 426, 500, 503};
const std::vector<std::string> reasons = {"Web Socket Protocol Handshake", "OK", "x"};
const std::vector<const char*> required = {"Upgrade", "Connection", "Sec-WebSocket-Accept"};

// The default fields as an explicit list (what scripted_response sends), so one can be
// edited in place.
void make_explicit(cases::HandshakeResponse& r) {
    if (!r.headers.empty()) return;
    r.headers = {
        {"Upgrade", "websocket"}, {"Connection", "Upgrade"}, {"Sec-WebSocket-Accept", "{accept}"}};
    std::erase_if(r.headers, [&](const Header& h) {
        return std::any_of(r.remove_headers.begin(), r.remove_headers.end(),
                           [&](const std::string& n) { return codec::iequals(n, h.first); });
    });
    r.headers.insert(r.headers.end(), r.add_headers.begin(), r.add_headers.end());
    r.add_headers.clear();
    r.remove_headers.clear();
    if (r.headers.empty()) r.headers.emplace_back("X-Wsspec-Fuzz", "1");  // (empty: defaults)
}

Header* find_field(cases::HandshakeResponse& r, std::string_view name) {
    for (auto& h : r.headers)
        if (codec::iequals(h.first, name)) return &h;
    return nullptr;
}

}  // namespace

std::string mutate_response(cases::HandshakeResponse& r, Rng& rng) {
    if (r.raw) return {};
    switch (rng.below(9)) {
        case 0:
            r.status = rng.pick(other_statuses);
            return "response-status";
        case 1:
            r.reason = rng.pick(reasons);
            return "response-reason";
        case 2: {
            const std::string name = required[rng.below(required.size())];
            make_explicit(r);
            std::erase_if(r.headers,
                          [&](const Header& h) { return codec::iequals(h.first, name); });
            if (r.headers.empty()) r.headers.emplace_back("X-Wsspec-Fuzz", "1");
            return "response-drop-field";
        }
        case 3: {
            make_explicit(r);
            const bool upgrade = rng.below(2) == 0;
            Header* h = find_field(r, upgrade ? "Upgrade" : "Connection");
            if (h == nullptr) return {};
            h->second = rng.pick(upgrade ? upgrade_values : connection_values);
            return "response-field-value";
        }
        case 4:
            r.accept = cases::HandshakeResponse::Accept::wrong;
            return "response-accept-wrong";
        case 5: {
            make_explicit(r);
            auto& h = r.headers[rng.below(r.headers.size())];
            for (auto& c : h.first) {
                if (rng.below(2) == 0)
                    c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
                else
                    c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
            }
            return "response-field-case";
        }
        case 6: {
            make_explicit(r);
            if (r.headers.size() < 2) return {};
            const std::size_t a = rng.below(r.headers.size()), b = rng.below(r.headers.size());
            std::swap(r.headers[a], r.headers[b]);
            return "response-field-order";
        }
        case 7: {
            make_explicit(r);
            if (rng.below(3) == 0) {
                // A required field twice: the same token again (Upgrade, Connection: the
                // list still holds it) or a second Sec-WebSocket-Accept (no longer the value).
                const Header copy = r.headers[rng.below(r.headers.size())];
                r.headers.insert(r.headers.begin() +
                                     static_cast<std::ptrdiff_t>(rng.below(r.headers.size() + 1)),
                                 copy);
                return "response-field-duplicate";
            }
            r.headers.push_back(rng.pick(added_fields()));
            return "response-field-add";
        }
        default:
            r.chop = 1 + rng.below(24);
            r.chop_delay_ms = 0;
            return "response-chop";
    }
}

ResponseJudgement judge_response(const cases::HandshakeResponse& r) {
    codec::AcceptedRequest request;
    request.key = oracle_key;
    peer::ServerCaseSettings settings;
    settings.server_name.clear();
    const std::string bytes = peer::scripted_response(r, request, settings);
    codec::HttpResponseHead head;
    if (!codec::parse_response_head(bytes.data(), bytes.size(), head).complete())
        return {false, {}};
    // RFC 6455 4.1 item 2 fails a response whose "|Upgrade| header field contains a value
    // that is not" websocket: whether a list ("websocket, h2c") or a repeated field
    // ("websocket" twice) is one value or several, the RFC leaves to the reader
    // (python-websockets refuses both, the reference client takes them): not judged.
    // A field line past a client's own limit may be refused (no RFC sets a size a recipient
    // must take; python-websockets' client stops at 4110 octets): not judged.
    for (const auto& h : head.headers)
        if (h.name.size() + h.value.size() + 4 > longest_judged_field_line) return {false, {}};
    const std::size_t upgrades = codec::count_header(head.headers, "upgrade");
    const codec::HttpHeader* upgrade = codec::find_header(head.headers, "upgrade");
    if (upgrades > 1 || (upgrade != nullptr && upgrade->value.find(',') != std::string::npos))
        return {false, {}};
    codec::ClientRequestOptions sent;
    sent.key = oracle_key;
    auto validation = codec::validate_response(head, sent);
    if (validation.ok()) return {};
    return {true, std::move(validation.error)};
}

std::uint64_t response_bytes(const cases::HandshakeResponse& r) {
    if (r.raw) return r.raw->size();
    std::uint64_t n = r.http_version.size() + r.reason.size() + 8;
    for (const auto& list : {r.headers, r.add_headers}) {
        for (const auto& [name, value] : list)
            n += name.size() + value.size() + 4;
    }
    return n;
}

}  // namespace wsspec::fuzzer
