// The "permessage_deflate" object of a case (case.h DeflateCase, cases/README.md
// "Compression").
#include <algorithm>
#include <array>
#include <string>

#include "harness/cases/case_parsers.h"

namespace wsspec::cases::parse {

using namespace json_input;

namespace {

constexpr std::uint64_t kMinWindowBits = 8;  // RFC 7692 7.1.2.1
constexpr std::uint64_t kMaxWindowBits = 15;

std::uint8_t window_bits(const json& j, const JsonPath& w) {
    const std::uint64_t v = as_uint(j, w, kMaxWindowBits);
    if (v < kMinWindowBits) w.fail("window bits are 8 to 15 (RFC 7692 7.1.2), got " + j.dump());
    return static_cast<std::uint8_t>(v);
}

constexpr std::array<std::string_view, 4> kParams = {
    "server_no_context_takeover", "client_no_context_takeover", "server_max_window_bits",
    "client_max_window_bits"};

std::vector<std::string> param_names(const json& j, const JsonPath& w) {
    auto names = string_list(j, w, false);
    for (std::size_t i = 0; i < names.size(); ++i) {
        if (std::find(kParams.begin(), kParams.end(), names[i]) == kParams.end()) {
            (w / i).fail("unknown permessage-deflate parameter " + in_quotes(names[i]) +
                         " (expected one of the four of RFC 7692 7.1)");
        }
    }
    return names;
}

DeflateAccept parse_accept(const json& j, const JsonPath& w) {
    object_at(j, w);
    check_keys(j, w,
               {"server_no_context_takeover", "client_no_context_takeover",
                "server_max_window_bits", "client_max_window_bits", "needs"});
    DeflateAccept a;
    if (const json* v = find(j, "server_no_context_takeover")) {
        a.server_no_context_takeover = as_bool(*v, w / "server_no_context_takeover");
    }
    if (const json* v = find(j, "client_no_context_takeover")) {
        a.client_no_context_takeover = as_bool(*v, w / "client_no_context_takeover");
    }
    if (const json* v = find(j, "server_max_window_bits")) {
        a.server_max_window_bits = window_bits(*v, w / "server_max_window_bits");
    }
    if (const json* v = find(j, "client_max_window_bits")) {
        a.client_max_window_bits = window_bits(*v, w / "client_max_window_bits");
    }
    if (const json* v = find(j, "needs")) a.needs = param_names(*v, w / "needs");
    return a;
}

}  // namespace

DeflateCase parse_deflate_case(const json& j, const JsonPath& w) {
    object_at(j, w);
    check_keys(j, w, {"required", "accept", "response", "needs", "lacks", "response_fits"});
    DeflateCase d;
    if (const json* v = find(j, "required")) d.required = as_bool(*v, w / "required");
    if (const json* v = find(j, "accept")) {
        const JsonPath aw = w / "accept";
        if (v->is_array()) {
            for (std::size_t i = 0; i < v->size(); ++i)
                d.accept.push_back(parse_accept((*v)[i], aw / i));
            if (d.accept.empty()) aw.fail("an empty list of policies (omit accept instead)");
        } else {
            d.accept.push_back(parse_accept(*v, aw));
        }
    }
    if (const json* v = find(j, "response")) d.response = as_string(*v, w / "response");
    if (!d.accept.empty() && d.response) {
        w.fail("give either \"accept\" (negotiate) or \"response\" (answer as is), not both");
    }
    if (const json* v = find(j, "needs")) d.needs = param_names(*v, w / "needs");
    if (const json* v = find(j, "lacks")) d.lacks = param_names(*v, w / "lacks");
    if (const json* v = find(j, "response_fits"))
        d.response_fits = as_bool(*v, w / "response_fits");
    if (!d.response && (!d.needs.empty() || !d.lacks.empty() || d.response_fits)) {
        w.fail("\"needs\", \"lacks\" and \"response_fits\" apply to a \"response\" case");
    }
    return d;
}

}  // namespace wsspec::cases::parse
