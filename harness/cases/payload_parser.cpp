#include "harness/cases/case_parsers.h"
#include "harness/cases/test_data.h"

#include <array>
#include <string>

namespace wsspec::cases::parse {

using namespace json_input;

// Payloads

Payload parse_payload(const json& j, const JsonPath& w) {
    Payload p;
    if (j.is_string()) {
        p.kind = Payload::Kind::text;
        p.text = j.get<std::string>();
        return p;
    }
    if (!j.is_object()) {
        w.fail(
            "expected a payload (a string or an object with text, hex, pattern, pattern_hex "
            "or close_code), got " +
            describe_type(j));
    }
    static constexpr std::array<std::string_view, 6> kForms = {
        "text", "hex", "pattern", "pattern_hex", "close_code", "data"};
    std::string_view form;
    for (auto f : kForms) {
        if (j.contains(f)) {
            if (!form.empty()) {
                w.fail("payload has both " + in_quotes(form) + " and " + in_quotes(f) +
                       " (use exactly one form)");
            }
            form = f;
        }
    }
    if (form.empty()) {
        if (j.empty()) w.fail("empty payload object (omit the payload for no bytes)");
        check_keys(j, w, {"text", "hex", "pattern", "pattern_hex", "close_code", "data"});
        w.fail("payload object needs one of text, hex, pattern, pattern_hex, close_code or data");
    }
    const std::string key(form);
    if (form == "text") {
        check_keys(j, w, {"text"});
        p.kind = Payload::Kind::text;
        p.text = as_string(j.at(key), w / key);
    } else if (form == "hex") {
        check_keys(j, w, {"hex"});
        p.kind = Payload::Kind::hex;
        p.bytes = decode_hex(j.at(key), w / key);
    } else if (form == "pattern" || form == "pattern_hex") {
        check_keys(j, w, {form, "length"});
        p.kind = Payload::Kind::pattern;
        p.bytes =
            form == "pattern" ? as_string(j.at(key), w / key) : decode_hex(j.at(key), w / key);
        if (p.bytes.empty()) (w / form).fail("a pattern needs at least one byte");
        p.length = as_uint(require(j, w, "length"), w / "length", kMaxPatternLength);
    } else if (form == "data") {
        check_keys(j, w, {"data", "offset", "length"});
        p.kind = Payload::Kind::data;
        p.data_set = parse_data_set_name(j.at(key), w / key);
        if (const json* o = find(j, "offset")) p.offset = as_uint(*o, w / "offset");
        p.length = as_uint(require(j, w, "length"), w / "length", kMaxPatternLength);
    } else {
        check_keys(j, w, {"close_code", "reason", "reason_hex"});
        p.kind = Payload::Kind::close;
        p.close_code = static_cast<std::uint16_t>(as_uint(j.at(key), w / key, kMaxUint16));
        const json* reason = find(j, "reason");
        const json* reason_hex = find(j, "reason_hex");
        if (reason != nullptr && reason_hex != nullptr) {
            w.fail("payload has both \"reason\" and \"reason_hex\" (use one)");
        }
        if (reason != nullptr) p.close_reason = as_string(*reason, w / "reason");
        if (reason_hex != nullptr) p.close_reason = decode_hex(*reason_hex, w / "reason_hex");
    }
    return p;
}

std::string parse_data_set_name(const json& j, const JsonPath& w) {
    std::string name = as_string(j, w);
    if (!test_data(name)) {
        std::string names;
        for (const auto n : test_data_names())
            names += (names.empty() ? "" : ", ") + std::string(n);
        w.fail("unknown test data set " + in_quotes(name) + " (expected one of: " + names + ")");
    }
    return name;
}

Payload optional_payload(const json& obj, const JsonPath& w) {
    const json* p = find(obj, "payload");
    return p == nullptr ? Payload{} : parse_payload(*p, w / "payload");
}

}  // namespace wsspec::cases::parse
