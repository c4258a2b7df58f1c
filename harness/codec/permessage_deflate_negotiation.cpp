#include "harness/codec/permessage_deflate_negotiation.h"

#include <algorithm>

#include "harness/codec/extension_header.h"
#include "harness/codec/http_head.h"

namespace wsspec::codec {
namespace {

using K = DeflateResponseErrorKind;

// The parameters of one element, before any offer/response rule is applied.
struct DeflateElementParams {
    bool server_no_context_takeover = false;
    bool client_no_context_takeover = false;
    std::optional<std::uint8_t> server_max_window_bits;
    bool client_max_window_bits = false;
    std::optional<std::uint8_t> client_max_window_bits_value;
};

struct ParamsError {
    K kind = K::none;
    std::string_view section;
    std::string_view reason;
};

// RFC 7692 7.1.2.1 / 7.1.2.2: a decimal integer 8..15 without leading zeroes.
std::optional<std::uint8_t> parse_window_bits(std::string_view v) {
    if (v.empty() || v.size() > 2 || v[0] == '0') return std::nullopt;
    unsigned n = 0;
    for (const char c : v) {
        if (c < '0' || c > '9') return std::nullopt;
        n = n * 10 + static_cast<unsigned>(c - '0');
    }
    if (n < min_window_bits || n > max_window_bits) return std::nullopt;
    return static_cast<std::uint8_t>(n);
}

// RFC 7692 7: the same rules bind an offer (the server declines it) and a response (the
// client fails the connection); only client_max_window_bits differs: an offer may carry it
// without a value (7.1.2.2), a response must give one.
ParamsError read_params(const ExtensionElement& element, bool is_offer, DeflateElementParams& out) {
    bool seen_snct = false, seen_cnct = false, seen_smwb = false, seen_cmwb = false;
    for (const ExtensionParam& p : element.params) {
        const auto flag = [&](bool& seen, bool& field, std::string_view section) -> ParamsError {
            if (seen) return {K::duplicate_parameter, "7", "a parameter appears twice"};
            seen = true;
            if (p.value) return {K::invalid_value, section, "a flag parameter carries a value"};
            field = true;
            return {};
        };
        ParamsError e;
        if (iequals(p.name, deflate_param::server_no_context_takeover)) {
            e = flag(seen_snct, out.server_no_context_takeover, "7.1.1.1");
        } else if (iequals(p.name, deflate_param::client_no_context_takeover)) {
            e = flag(seen_cnct, out.client_no_context_takeover, "7.1.1.2");
        } else if (iequals(p.name, deflate_param::server_max_window_bits)) {
            if (seen_smwb) return {K::duplicate_parameter, "7", "a parameter appears twice"};
            seen_smwb = true;
            if (!p.value) {
                return {K::invalid_value, "7.1.2.1", "server_max_window_bits without a value"};
            }
            out.server_max_window_bits = parse_window_bits(*p.value);
            if (!out.server_max_window_bits) {
                return {K::invalid_value, "7.1.2.1",
                        "server_max_window_bits is not 8..15 without leading zeroes"};
            }
        } else if (iequals(p.name, deflate_param::client_max_window_bits)) {
            if (seen_cmwb) return {K::duplicate_parameter, "7", "a parameter appears twice"};
            seen_cmwb = true;
            out.client_max_window_bits = true;
            if (!p.value) {
                if (is_offer) continue;
                return {K::invalid_value, "7.1.2.2",
                        "client_max_window_bits without a value in a response"};
            }
            out.client_max_window_bits_value = parse_window_bits(*p.value);
            if (!out.client_max_window_bits_value) {
                return {K::invalid_value, "7.1.2.2",
                        "client_max_window_bits is not 8..15 without leading zeroes"};
            }
        } else {
            return {K::unknown_parameter, "7", "a parameter RFC 7692 does not define"};
        }
        if (e.kind != K::none) return e;
    }
    return {};
}

std::string window_bits_text(std::uint8_t bits) {
    return std::to_string(static_cast<unsigned>(bits));
}

void add_flag(ExtensionElement& e, std::string_view name) {
    e.params.push_back({std::string(name), std::nullopt, false});
}
void add_bits(ExtensionElement& e, std::string_view name, std::uint8_t bits) {
    e.params.push_back({std::string(name), window_bits_text(bits), false});
}

// The element a server sends for these agreed parameters; every parameter that differs
// from the default is stated, so the client holds the same agreement.
std::string response_for(const PerMessageDeflateParams& agreed, bool include_server_bits,
                         bool include_client_bits) {
    ExtensionElement e{std::string(permessage_deflate_name), {}};
    if (agreed.server_no_context_takeover) add_flag(e, deflate_param::server_no_context_takeover);
    if (agreed.client_no_context_takeover) add_flag(e, deflate_param::client_no_context_takeover);
    if (include_server_bits)
        add_bits(e, deflate_param::server_max_window_bits, agreed.server_max_window_bits);
    if (include_client_bits)
        add_bits(e, deflate_param::client_max_window_bits, agreed.client_max_window_bits);
    return format_extension_element(e);
}

// Why `response` cannot be the acceptance of `offer` (empty when it can), RFC 7692 7.1.
std::string_view misfit(const PerMessageDeflateOffer& offer, const DeflateElementParams& r) {
    if (r.client_max_window_bits && !offer.client_max_window_bits) {
        return "client_max_window_bits answered to an offer without it (7.1.2.2)";
    }
    if (r.client_max_window_bits_value && offer.client_max_window_bits_value &&
        *r.client_max_window_bits_value > *offer.client_max_window_bits_value) {
        return "client_max_window_bits larger than offered (7.1.2.2)";
    }
    if (offer.server_max_window_bits) {
        if (!r.server_max_window_bits) {
            return "server_max_window_bits offered but not in the response (7.1.2.1)";
        }
        if (*r.server_max_window_bits > *offer.server_max_window_bits) {
            return "server_max_window_bits larger than offered (7.1.2.1)";
        }
    }
    if (offer.server_no_context_takeover && !r.server_no_context_takeover) {
        return "server_no_context_takeover offered but not in the response (7.1.1.1)";
    }
    return {};
}

}  // namespace

std::string format_offer(const PerMessageDeflateOffer& offer) {
    ExtensionElement e{std::string(permessage_deflate_name), {}};
    if (offer.server_no_context_takeover) add_flag(e, deflate_param::server_no_context_takeover);
    if (offer.client_no_context_takeover) add_flag(e, deflate_param::client_no_context_takeover);
    if (offer.server_max_window_bits)
        add_bits(e, deflate_param::server_max_window_bits, *offer.server_max_window_bits);
    if (offer.client_max_window_bits) {
        if (offer.client_max_window_bits_value)
            add_bits(e, deflate_param::client_max_window_bits, *offer.client_max_window_bits_value);
        else
            add_flag(e, deflate_param::client_max_window_bits);
    }
    return format_extension_element(e);
}

std::vector<ParsedOffer> parse_permessage_deflate_offers(std::span<const std::string> elements) {
    std::vector<ParsedOffer> out;
    for (const std::string& text : elements) {
        const ExtensionParseResult parsed = parse_extension_element(text);
        if (!parsed.ok() || !iequals(parsed.element.name, permessage_deflate_name)) continue;
        DeflateElementParams p;
        if (read_params(parsed.element, /*is_offer=*/true, p).kind != K::none) continue;
        PerMessageDeflateOffer offer;
        offer.server_no_context_takeover = p.server_no_context_takeover;
        offer.client_no_context_takeover = p.client_no_context_takeover;
        offer.server_max_window_bits = p.server_max_window_bits;
        offer.client_max_window_bits = p.client_max_window_bits;
        offer.client_max_window_bits_value = p.client_max_window_bits_value;
        out.push_back({offer, text});
    }
    return out;
}

ServerNegotiation negotiate_permessage_deflate(std::span<const std::string> offered,
                                               const PerMessageDeflateServerPolicy& policy) {
    ServerNegotiation result;
    std::size_t index = 0;
    for (const std::string& text : offered) {
        const ExtensionParseResult parsed = parse_extension_element(text);
        // An element whose name cannot be read cannot be ours; one that names us but is
        // malformed is declined like any other unacceptable offer.
        if (parsed.element.name.empty() || !iequals(parsed.element.name, permessage_deflate_name))
            continue;
        const std::size_t this_index = index++;
        if (!parsed.ok()) {
            result.declined.push_back({this_index, "offer is not RFC 6455 9.1 syntax"});
            continue;
        }
        DeflateElementParams offer;
        const ParamsError e = read_params(parsed.element, /*is_offer=*/true, offer);
        if (e.kind != K::none) {
            result.declined.push_back({this_index, e.reason});
            continue;
        }

        PerMessageDeflateParams agreed;
        // 7.1.1.1: accepting an offer with server_no_context_takeover means including it.
        agreed.server_no_context_takeover =
            offer.server_no_context_takeover || policy.server_no_context_takeover;
        agreed.client_no_context_takeover =
            offer.client_no_context_takeover || policy.client_no_context_takeover;
        // 7.1.2.1: answer the same or a smaller value than offered.
        const std::uint8_t ours =
            std::clamp(policy.server_max_window_bits, min_window_bits, max_window_bits);
        agreed.server_max_window_bits =
            offer.server_max_window_bits ? std::min(*offer.server_max_window_bits, ours) : ours;
        const bool include_server_bits =
            offer.server_max_window_bits.has_value() || agreed.server_max_window_bits < 15;
        // 7.1.2.2: client_max_window_bits only in answer to an offer that has it.
        bool include_client_bits = false;
        if (offer.client_max_window_bits) {
            std::optional<std::uint8_t> bits = offer.client_max_window_bits_value;
            if (policy.client_max_window_bits) {
                const std::uint8_t wanted =
                    std::clamp(*policy.client_max_window_bits, min_window_bits, max_window_bits);
                bits = std::min(wanted, bits.value_or(max_window_bits));
            }
            if (bits) {
                agreed.client_max_window_bits = *bits;
                include_client_bits = true;
            }
        }
        result.agreed = agreed;
        result.accepted_offer = this_index;
        result.response = response_for(agreed, include_server_bits, include_client_bits);
        return result;
    }
    return result;
}

std::string_view deflate_response_error_kind_name(DeflateResponseErrorKind kind) {
    switch (kind) {
        case K::none:
            return "none";
        case K::malformed_element:
            return "malformed_element";
        case K::accepted_twice:
            return "accepted_twice";
        case K::unknown_parameter:
            return "unknown_parameter";
        case K::duplicate_parameter:
            return "duplicate_parameter";
        case K::invalid_value:
            return "invalid_value";
        case K::client_window_not_offered:
            return "client_window_not_offered";
        case K::does_not_fit_offer:
            return "does_not_fit_offer";
    }
    return "unknown";
}

ClientNegotiation check_permessage_deflate_response(
    std::span<const std::string> accepted, std::span<const PerMessageDeflateOffer> offers) {
    ClientNegotiation result;
    const auto fail = [&](K kind, std::string_view section, std::string reason) {
        result.error = {kind, section, std::move(reason)};
        result.agreed.reset();
        return result;
    };
    const std::string* ours = nullptr;
    for (const std::string& text : accepted) {
        const ExtensionParseResult parsed = parse_extension_element(text);
        if (parsed.element.name.empty() || !iequals(parsed.element.name, permessage_deflate_name))
            continue;
        // RFC 7692 5: two PMCEs (here the same one twice) cannot both own RSV1.
        if (ours != nullptr) {
            return fail(
                K::accepted_twice, "5",
                "permessage-deflate accepted twice: \"" + *ours + "\" and \"" + text + "\"");
        }
        ours = &text;
    }
    if (ours == nullptr) return result;  // declined: no compression

    const ExtensionParseResult parsed = parse_extension_element(*ours);
    if (!parsed.ok()) {
        return fail(K::malformed_element, "9.1 (RFC 6455)",
                    std::string(parsed.error) + ": \"" + *ours + "\"");
    }
    DeflateElementParams response;
    const ParamsError e = read_params(parsed.element, /*is_offer=*/false, response);
    if (e.kind != K::none) {
        return fail(e.kind, e.section, std::string(e.reason) + ": \"" + *ours + "\"");
    }
    const bool any_client_bits = std::any_of(
        offers.begin(), offers.end(), [](const auto& o) { return o.client_max_window_bits; });
    if (response.client_max_window_bits && !any_client_bits) {
        return fail(
            K::client_window_not_offered, "7.1.2.2",
            "client_max_window_bits in the response, but no offer had it: \"" + *ours + "\"");
    }
    // Offers a server must decline (RFC 7692 7) are not in `offers`
    // (parse_permessage_deflate_offers leaves them out), so accepting one of them lands here.
    std::string_view why =
        "no valid permessage-deflate offer was made; an invalid one MUST be declined";
    for (const PerMessageDeflateOffer& offer : offers) {
        why = misfit(offer, response);
        if (!why.empty()) continue;
        PerMessageDeflateParams agreed;
        agreed.server_no_context_takeover = response.server_no_context_takeover;
        agreed.client_no_context_takeover = response.client_no_context_takeover;
        agreed.server_max_window_bits = response.server_max_window_bits.value_or(max_window_bits);
        agreed.client_max_window_bits =
            response.client_max_window_bits_value.value_or(max_window_bits);
        // The offer's hints bind the client even when the answer does not repeat them:
        // client_no_context_takeover says the client "is going to use no context takeover"
        // (7.1.1.2), and client_max_window_bits=N that it will not use a larger window
        // (7.1.2.2); a server may rely on either.
        agreed.client_no_context_takeover =
            agreed.client_no_context_takeover || offer.client_no_context_takeover;
        if (offer.client_max_window_bits_value) {
            agreed.client_max_window_bits =
                std::min(agreed.client_max_window_bits, *offer.client_max_window_bits_value);
        }
        result.agreed = agreed;
        return result;
    }
    // With several offers, the reason names the last one's misfit.
    return fail(
        K::does_not_fit_offer, "7",
        "the response fits none of the offers (" + std::string(why) + "): \"" + *ours + "\"");
}

}  // namespace wsspec::codec
