#include "harness/cases/case_parsers.h"

#include <algorithm>
#include <array>
#include <string>

#include "harness/codec/http_head.h"
#include "harness/codec/protocol_error.h"

namespace wsspec::cases::parse {

using namespace json_input;

using codec::to_lower_ascii;

// An event with "repeat": N stands for N identical events in a row (9.7/9.8 expect 1000
// echoes); it is expanded here so the judge compares plain lists.
static void parse_event(const json& j, const JsonPath& w, std::vector<Event>& out) {
    object_at(j, w);
    const json& type = require(j, w, "type");
    std::string t = as_string(type, w / "type");
    Event e;
    std::uint64_t repeat = 1;
    if (t == "mark") {
        check_keys(j, w, {"type", "name"});
        e.kind = Event::Kind::mark;
        e.payload.text = as_string(require(j, w, "name"), w / "name");
        if (e.payload.text.empty()) (w / "name").fail("a mark needs a name");
        out.push_back(std::move(e));
        return;
    }
    if (t == "message") {
        check_keys(j, w, {"type", "binary", "payload", "repeat"});
        e.kind = Event::Kind::message;
        if (const json* b = find(j, "binary")) e.binary = as_bool(*b, w / "binary");
    } else if (t == "ping" || t == "pong") {
        check_keys(j, w, {"type", "payload", "repeat"});
        e.kind = t == "ping" ? Event::Kind::ping : Event::Kind::pong;
    } else {
        (w / "type")
            .fail("unknown event type " + in_quotes(t) + " (expected message, ping, pong or mark)");
    }
    e.payload = optional_payload(j, w);
    if (const json* r = find(j, "repeat")) {
        repeat = as_uint(*r, w / "repeat", kMaxUint32);
        if (repeat == 0) (w / "repeat").fail("repeat must be at least 1");
    }
    for (std::uint64_t i = 1; i < repeat; ++i)
        out.push_back(e);
    out.push_back(std::move(e));
}
static std::vector<std::pair<std::string, std::vector<std::string>>> header_value_map(
    const json& j, const JsonPath& w) {
    object_at(j, w, "an object of header name to list of strings");
    std::vector<std::pair<std::string, std::vector<std::string>>> out;
    for (const auto& [name, values] : j.items()) {
        if (name.empty()) w.fail("empty header name");
        out.emplace_back(to_lower_ascii(name), string_list(values, w / name, false));
    }
    return out;
}
static HandshakeMatch parse_handshake_match(const json& j, const JsonPath& w) {
    object_at(j, w);
    check_keys(j, w,
               {"status", "status_class", "accept_key_valid", "header_has_token", "header_absent",
                "header_in", "no_response", "deflate", "stream_error"});
    HandshakeMatch m;
    if (const json* v = find(j, "status")) {
        const json& arr = array_at(*v, w / "status");
        for (std::size_t i = 0; i < arr.size(); ++i) {
            m.status.push_back(as_int_in(arr[i], w / "status" / i, kMinStatus, kMaxStatus));
        }
    }
    if (const json* v = find(j, "status_class")) {
        const json& arr = array_at(*v, w / "status_class");
        for (std::size_t i = 0; i < arr.size(); ++i) {
            m.status_class.push_back(as_int_in(arr[i], w / "status_class" / i, 1, 5));
        }
    }
    if (const json* v = find(j, "accept_key_valid")) {
        m.accept_key_valid = as_bool(*v, w / "accept_key_valid");
    }
    if (const json* v = find(j, "header_has_token")) {
        for (auto& [name, tokens] : header_value_map(*v, w / "header_has_token")) {
            for (auto& token : tokens)
                m.header_has_token.emplace_back(name, std::move(token));
        }
    }
    if (const json* v = find(j, "header_absent")) {
        for (auto& name : string_list(*v, w / "header_absent", false)) {
            m.header_absent.push_back(to_lower_ascii(std::move(name)));
        }
    }
    if (const json* v = find(j, "header_in")) m.header_in = header_value_map(*v, w / "header_in");
    if (const json* v = find(j, "no_response")) m.no_response = as_bool(*v, w / "no_response");
    if (const json* v = find(j, "stream_error")) {
        const json& arr = array_at(*v, w / "stream_error");
        if (arr.empty()) (w / "stream_error").fail("list at least one error code");
        for (std::size_t i = 0; i < arr.size(); ++i)
            m.stream_error.push_back(parse_h2_error_code(arr[i], w / "stream_error" / i));
    }
    if (const json* v = find(j, "deflate")) {
        const std::string d = as_string(*v, w / "deflate");
        if (d != "agreed" && d != "declined") {
            (w / "deflate").fail("deflate is \"agreed\" or \"declined\", got " + in_quotes(d));
        }
        m.deflate_agreed = d == "agreed";
    }
    return m;
}

Expectation parse_expectation(const json& j, const JsonPath& w) {
    object_at(j, w);
    check_keys(j, w,
               {"verdict", "events", "match", "count_unsolicited_pongs", "handshake", "note"});
    Expectation e;
    e.verdict = as_string(require(j, w, "verdict"), w / "verdict");
    static constexpr std::array<std::string_view, 4> kVerdicts = {"OK", "NON-STRICT",
                                                                  "INFORMATIONAL", "UNIMPLEMENTED"};
    if (std::find(kVerdicts.begin(), kVerdicts.end(), e.verdict) == kVerdicts.end()) {
        (w / "verdict")
            .fail("unknown verdict " + in_quotes(e.verdict) +
                  " (expected OK, NON-STRICT, INFORMATIONAL or UNIMPLEMENTED; FAILED is what "
                  "happens when no alternative matches)");
    }
    if (const json* v = find(j, "events")) {
        const JsonPath ew = w / "events";
        const json& arr = array_at(*v, ew);
        e.events.emplace();
        for (std::size_t i = 0; i < arr.size(); ++i)
            parse_event(arr[i], ew / i, *e.events);
    }
    if (const json* v = find(j, "match")) {
        const std::string mode = as_string(*v, w / "match");
        if (mode == "exact") {
            e.match = EventsMatch::exact;
        } else if (mode == "subsequence_with_last") {
            e.match = EventsMatch::subsequence_with_last;
        } else if (mode == "interleaved") {
            e.match = EventsMatch::interleaved;
        } else if (mode == "interleaved_prefixes") {
            e.match = EventsMatch::interleaved_prefixes;
        } else {
            (w / "match")
                .fail("unknown match " + in_quotes(mode) +
                      " (expected exact, subsequence_with_last, interleaved or "
                      "interleaved_prefixes)");
        }
        if (!e.events) (w / "match").fail("match needs events");
    }
    if (const json* v = find(j, "count_unsolicited_pongs")) {
        e.count_unsolicited_pongs = as_bool(*v, w / "count_unsolicited_pongs");
    }
    if (const json* v = find(j, "handshake")) {
        e.handshake = parse_handshake_match(*v, w / "handshake");
    }
    if (const json* v = find(j, "note")) e.note = as_string(*v, w / "note");
    return e;
}

// A name codec::error_kind_name gives (the rules the codec enforces; ErrorKind is a byte).
static bool is_codec_rule(std::string_view name) {
    if (name == "none" || name == "unknown") return false;
    for (unsigned k = 1; k <= 0xFF; ++k) {
        if (codec::error_kind_name(static_cast<codec::ErrorKind>(k)) == name) return true;
    }
    return false;
}

CloseExpectation parse_close_expectation(const json& j, const JsonPath& w) {
    object_at(j, w);
    check_keys(j, w,
               {"closed_by_me", "codes", "require_clean", "wrong_endpoint_is_fatal",
                "wrong_code_is_fatal", "not_applicable", "require_code", "tolerated_violations"});
    CloseExpectation c;
    if (const json* v = find(j, "closed_by_me")) c.closed_by_me = as_bool(*v, w / "closed_by_me");
    if (const json* v = find(j, "codes")) {
        const json& arr = array_at(*v, w / "codes");
        c.codes.clear();
        for (std::size_t i = 0; i < arr.size(); ++i) {
            c.codes.push_back(
                static_cast<std::uint16_t>(as_uint(arr[i], w / "codes" / i, kMaxUint16)));
        }
    }
    if (const json* v = find(j, "require_clean"))
        c.require_clean = as_bool(*v, w / "require_clean");
    if (const json* v = find(j, "wrong_endpoint_is_fatal")) {
        c.wrong_endpoint_is_fatal = as_bool(*v, w / "wrong_endpoint_is_fatal");
    }
    if (const json* v = find(j, "wrong_code_is_fatal")) {
        c.wrong_code_is_fatal = as_bool(*v, w / "wrong_code_is_fatal");
    }
    if (const json* v = find(j, "not_applicable")) {
        c.not_applicable = as_bool(*v, w / "not_applicable");
    }
    if (const json* v = find(j, "require_code")) c.require_code = as_bool(*v, w / "require_code");
    if (const json* v = find(j, "tolerated_violations")) {
        const JsonPath tw = w / "tolerated_violations";
        c.tolerated_violations = string_list(*v, tw, false);
        for (std::size_t i = 0; i < c.tolerated_violations.size(); ++i) {
            if (!is_codec_rule(c.tolerated_violations[i])) {
                (tw / i).fail("unknown rule " + in_quotes(c.tolerated_violations[i]) +
                              " (expected a codec error kind, e.g. invalid_close_code)");
            }
        }
    }
    return c;
}

}  // namespace wsspec::cases::parse
