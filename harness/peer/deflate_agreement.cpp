#include "harness/peer/deflate_agreement.h"

#include <algorithm>
#include <optional>
#include <utility>
#include <vector>

#include "harness/codec/extension_header.h"
#include "harness/codec/http_head.h"

namespace wsspec::peer {
namespace {

// A case may write several elements in one entry ("x; a=1, permessage-deflate"), as one
// header line would carry them: the elements, split as the codec splits a header's list.
std::vector<std::string> elements_of(std::span<const std::string> entries) {
    std::vector<std::string> out;
    for (const auto& entry : entries) {
        for (const auto element : codec::split_header_list(entry))
            out.emplace_back(element);
    }
    return out;
}

using codec::deflate_param::client_max_window_bits;
using codec::deflate_param::client_no_context_takeover;
using codec::deflate_param::server_max_window_bits;
using codec::deflate_param::server_no_context_takeover;

bool carries(const codec::PerMessageDeflateOffer& o, std::string_view param) {
    if (param == server_no_context_takeover) return o.server_no_context_takeover;
    if (param == client_no_context_takeover) return o.client_no_context_takeover;
    if (param == server_max_window_bits) return o.server_max_window_bits.has_value();
    if (param == client_max_window_bits) return o.client_max_window_bits;
    return false;
}

bool carries_all(const codec::PerMessageDeflateOffer& o, const std::vector<std::string>& params) {
    return std::all_of(params.begin(), params.end(),
                       [&](const std::string& p) { return carries(o, p); });
}

bool carries_none(const codec::PerMessageDeflateOffer& o, const std::vector<std::string>& params) {
    return std::none_of(params.begin(), params.end(),
                        [&](const std::string& p) { return carries(o, p); });
}

std::string list_text(const std::vector<std::string>& items) {
    std::string out;
    for (const auto& i : items)
        out += (out.empty() ? "" : ", ") + i;
    return out;
}

codec::PerMessageDeflateServerPolicy policy_of(const cases::DeflateAccept& a) {
    codec::PerMessageDeflateServerPolicy p;
    p.server_no_context_takeover = a.server_no_context_takeover;
    p.client_no_context_takeover = a.client_no_context_takeover;
    p.server_max_window_bits = a.server_max_window_bits;
    p.client_max_window_bits = a.client_max_window_bits;
    return p;
}

// A `response` case: the element goes out as written; wsspec then holds to what it says,
// as a client that accepted it would.
ServerDeflateAnswer scripted_answer(const cases::DeflateCase& d,
                                    const std::vector<codec::ParsedOffer>& offers) {
    ServerDeflateAnswer a;
    const bool fits_conditions = std::any_of(offers.begin(), offers.end(), [&](const auto& o) {
        return carries_all(o.offer, d.needs) && carries_none(o.offer, d.lacks);
    });
    if (!fits_conditions) {
        a.summary =
            "not answered: no permessage-deflate offer of the client carries " +
            (d.needs.empty() ? std::string("the parameters this case needs") : list_text(d.needs)) +
            (d.lacks.empty() ? std::string() : " without " + list_text(d.lacks));
        return a;
    }
    a.element = *d.response;
    std::vector<codec::PerMessageDeflateOffer> plain;
    for (const auto& o : offers)
        plain.push_back(o.offer);
    const std::vector<std::string> whole{a.element};
    const std::vector<std::string> answer = elements_of(whole);
    const codec::ClientNegotiation judged = codec::check_permessage_deflate_response(answer, plain);
    // A response meant to fit (or not) whose fit depends on values the client offered (a
    // window smaller than the answer's): for this client the case does not apply.
    if (d.response_fits && *d.response_fits != judged.ok()) {
        a.summary = std::string("not answered: for this client's offer \"") + a.element +
                    (judged.ok() ? "\" would be valid"
                                 : "\" would be invalid (" + judged.error.reason + ")") +
                    ", and the case is about the opposite";
        a.element.clear();
        return a;
    }
    // The client's frames are read as the element says, not as its offer hinted: an
    // offered client_no_context_takeover or client_max_window_bits=N that the answer leaves
    // out is a hint this server ignored, which RFC 7692 lets it do ("the server may either
    // ignore the parameter or use the parameter [...] by including the
    // "client_no_context_takeover" extension parameter in the corresponding extension
    // negotiation response", 7.1.1.2; the same for the window, 7.1.2.2), so a client that
    // keeps its context after such a hint breaks no MUST.
    codec::PerMessageDeflateOffer permissive;
    permissive.client_max_window_bits = true;
    const std::vector<codec::PerMessageDeflateOffer> any{permissive};
    const codec::ClientNegotiation as_written =
        codec::check_permessage_deflate_response(answer, any);
    if (as_written.ok()) a.params = as_written.agreed;
    if (judged.ok()) {
        a.summary = "answered \"" + a.element + "\" (fits the client's offer)";
        return a;
    }
    // Should the client go on anyway, what it sends is judged against the answer it took.
    a.client_must_refuse = true;
    a.summary = "answered \"" + a.element + "\", which a client MUST refuse (RFC 7692 " +
                std::string(judged.error.rfc_section) + "): " + judged.error.reason;
    return a;
}

// The answer judged against each offer without the server-side parameters the answer left
// out (server_no_context_takeover, server_max_window_bits): the first offer it then fits,
// with the leniency in words. nullopt: it fits none even so.
std::optional<std::pair<codec::ClientNegotiation, std::string>> accept_without_server_limits(
    std::span<const std::string> accepted_elements,
    const std::vector<codec::PerMessageDeflateOffer>& offers) {
    const codec::ExtensionElement* answer = nullptr;
    std::vector<codec::ExtensionParseResult> parsed;
    for (const auto& e : accepted_elements)
        parsed.push_back(codec::parse_extension_element(e));
    for (const auto& p : parsed) {
        if (p.ok() && codec::iequals(p.element.name, codec::permessage_deflate_name))
            answer = &p.element;
    }
    if (answer == nullptr) return std::nullopt;
    const auto answered = [&](std::string_view name) {
        return std::any_of(answer->params.begin(), answer->params.end(),
                           [&](const auto& p) { return codec::iequals(p.name, name); });
    };
    for (const auto& offer : offers) {
        codec::PerMessageDeflateOffer relaxed = offer;
        std::string left_out;
        if (offer.server_no_context_takeover && !answered(server_no_context_takeover)) {
            relaxed.server_no_context_takeover = false;
            left_out = std::string(server_no_context_takeover);
        }
        if (offer.server_max_window_bits && !answered(server_max_window_bits)) {
            left_out += (left_out.empty() ? "" : " and ") + std::string(server_max_window_bits) +
                        "=" + std::to_string(*offer.server_max_window_bits);
            relaxed.server_max_window_bits.reset();
        }
        if (left_out.empty()) continue;
        const std::vector<codec::PerMessageDeflateOffer> one{relaxed};
        codec::ClientNegotiation n =
            codec::check_permessage_deflate_response(accepted_elements, one);
        if (!n.ok() || !n.agreed) continue;
        return std::pair{std::move(n),
                         "the answer leaves out " + left_out +
                             " of the offer; RFC 7692 7.1.1.1 and 7.1.2.1: a server accepts "
                             "such an offer \"by including\" the parameter in its response. "
                             "wsspec followed the answer as it stands (the server may keep its "
                             "context and use a window of up to 15 bits), which a client that "
                             "relies on its offer would refuse"};
    }
    return std::nullopt;
}

}  // namespace

ServerDeflateAnswer answer_deflate_offers(const cases::Case& c,
                                          std::span<const std::string> client_elements) {
    ServerDeflateAnswer a;
    if (!c.permessage_deflate) return a;  // every offer declined
    const auto offers = codec::parse_permessage_deflate_offers(elements_of(client_elements));
    if (offers.empty()) {
        a.summary = "declined: the client made no acceptable permessage-deflate offer";
        return a;
    }
    const cases::DeflateCase& d = *c.permessage_deflate;
    if (d.response) return scripted_answer(d, offers);

    const std::vector<cases::DeflateAccept> defaults(1);
    const auto& policies = d.accept.empty() ? defaults : d.accept;
    for (const auto& policy : policies) {
        std::vector<std::string> eligible;
        for (const auto& o : offers) {
            if (carries_all(o.offer, policy.needs)) eligible.push_back(o.element);
        }
        const codec::ServerNegotiation n =
            codec::negotiate_permessage_deflate(eligible, policy_of(policy));
        if (!n.agreed) continue;
        a.element = n.response;
        a.params = n.agreed;
        a.summary = "agreed: " + n.response;
        return a;
    }
    a.summary = "declined: no offer of the client carries what this case needs";
    for (const auto& policy : policies) {
        if (!policy.needs.empty()) a.summary += " (" + list_text(policy.needs) + ")";
    }
    return a;
}

ClientDeflateOutcome check_deflate_answer(std::span<const std::string> offered_elements,
                                          std::span<const std::string> accepted_elements) {
    ClientDeflateOutcome out;
    std::vector<codec::PerMessageDeflateOffer> offers;
    for (const auto& o : codec::parse_permessage_deflate_offers(elements_of(offered_elements)))
        offers.push_back(o.offer);
    codec::ClientNegotiation n =
        codec::check_permessage_deflate_response(accepted_elements, offers);
    if (!n.ok() && n.error.kind == codec::DeflateResponseErrorKind::does_not_fit_offer) {
        if (auto lenient = accept_without_server_limits(accepted_elements, offers)) {
            out.leniency = std::move(lenient->second);
            n = std::move(lenient->first);
        }
    }
    if (!n.ok()) {
        out.failure = "the server's permessage-deflate answer does not fit the offer (RFC 7692 " +
                      std::string(n.error.rfc_section) + "): " + n.error.reason;
        out.summary = out.failure;
        return out;
    }
    out.params = n.agreed;
    if (n.agreed) {
        for (const auto& e : accepted_elements) {
            if (e.rfind(codec::permessage_deflate_name, 0) == 0) out.summary = "agreed: " + e;
        }
        if (out.summary.empty()) out.summary = "agreed";
    } else {
        out.summary = offered_elements.empty() ? "not offered" : "declined by the server";
    }
    return out;
}

}  // namespace wsspec::peer
