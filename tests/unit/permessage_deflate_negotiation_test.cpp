// permessage-deflate negotiation (RFC 7692 5, 7.1) in both roles: the extension element
// grammar (RFC 6455 9.1, quoted values), the server's choice among offers (declining, never
// failing, what it cannot accept) and the client's check of the response against its offers.
#include "harness/codec/permessage_deflate_negotiation.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "harness/codec/extension_header.h"
#include "harness/codec/handshake_request.h"
#include "harness/codec/http_head.h"

namespace wsspec::codec {
namespace {

using Params = PerMessageDeflateParams;

std::vector<std::string> elements(std::initializer_list<std::string_view> header_values) {
    HttpHeaders headers;
    for (std::string_view v : header_values)
        headers.push_back({"Sec-WebSocket-Extensions", std::string(v)});
    std::vector<std::string> out;
    for (std::string_view e : header_list_elements(headers, header_name::sec_websocket_extensions))
        out.emplace_back(e);
    return out;
}

Params params(bool snct, bool cnct, int smwb, int cmwb) {
    return {snct, cnct, static_cast<std::uint8_t>(smwb), static_cast<std::uint8_t>(cmwb)};
}

// ---- element grammar ----------------------------------------------------------------------

TEST(DeflateExtensionElement, ParsesNameParamsAndQuotedValues) {
    const auto r = parse_extension_element(
        "permessage-deflate ;client_max_window_bits; server_max_window_bits = \"10\"");
    ASSERT_TRUE(r.ok()) << r.error;
    EXPECT_EQ(r.element.name, "permessage-deflate");
    ASSERT_EQ(r.element.params.size(), 2U);
    EXPECT_EQ(r.element.params[0].name, "client_max_window_bits");
    EXPECT_FALSE(r.element.params[0].value.has_value());
    EXPECT_EQ(r.element.params[1].value, "10");
    EXPECT_TRUE(r.element.params[1].quoted);
}

TEST(DeflateExtensionElement, UnescapesQuotedPairs) {
    const auto r = parse_extension_element(R"(x; p="\1\0")");
    ASSERT_TRUE(r.ok()) << r.error;
    EXPECT_EQ(r.element.params[0].value, "10");
}

TEST(DeflateExtensionElement, RejectsMalformedElements) {
    for (const char* bad :
         {"", ";", "permessage-deflate;", "permessage-deflate; =1",
          "permessage-deflate; a=", "permessage-deflate; a=\"1", "permessage-deflate; a=\"1 0\"",
          "permessage-deflate; a=\"\"", "permessage-deflate; a=1=2", "permessage-deflate x",
          "permessage-deflate; a=\"1,0\"", "perm@ssage"}) {
        EXPECT_FALSE(parse_extension_element(bad).ok()) << bad;
    }
}

TEST(DeflateExtensionElement, FormatsBackToTheWire) {
    ExtensionElement e{"permessage-deflate", {{"a", std::nullopt, false}, {"b", "9", false}}};
    EXPECT_EQ(format_extension_element(e), "permessage-deflate; a; b=9");
}

TEST(DeflateOffer, FormatsEveryParameter) {
    EXPECT_EQ(format_offer({}), "permessage-deflate");
    PerMessageDeflateOffer o;
    o.server_no_context_takeover = true;
    o.client_no_context_takeover = true;
    o.server_max_window_bits = 9;
    o.client_max_window_bits = true;
    EXPECT_EQ(format_offer(o),
              "permessage-deflate; server_no_context_takeover; client_no_context_takeover; "
              "server_max_window_bits=9; client_max_window_bits");
    o.client_max_window_bits_value = 12;
    EXPECT_NE(format_offer(o).find("client_max_window_bits=12"), std::string::npos);
}

// ---- server: choosing an offer -------------------------------------------------------------

struct ServerRow {
    const char* name;
    std::vector<std::string> header_values;
    PerMessageDeflateServerPolicy policy;
    bool accepted;
    Params agreed;
    std::string response;
    std::size_t accepted_offer = 0;
    std::size_t declined = 0;
};

class DeflateServerNegotiation : public ::testing::TestWithParam<ServerRow> {};

TEST_P(DeflateServerNegotiation, ChoosesTheFirstAcceptableOffer) {
    const ServerRow& row = GetParam();
    HttpHeaders headers;
    for (const auto& v : row.header_values)
        headers.push_back({"Sec-WebSocket-Extensions", v});
    std::vector<std::string> offered;
    for (auto e : header_list_elements(headers, header_name::sec_websocket_extensions))
        offered.emplace_back(e);
    const ServerNegotiation n = negotiate_permessage_deflate(offered, row.policy);
    ASSERT_EQ(n.agreed.has_value(), row.accepted);
    EXPECT_EQ(n.declined.size(), row.declined);
    if (!row.accepted) return;
    EXPECT_EQ(*n.agreed, row.agreed);
    EXPECT_EQ(n.response, row.response);
    EXPECT_EQ(n.accepted_offer, row.accepted_offer);
    // What the server answers is what a client that made the offer accepts, identically.
    const ExtensionParseResult echo = parse_extension_element(n.response);
    ASSERT_TRUE(echo.ok());
}

PerMessageDeflateServerPolicy policy_smwb(int bits) {
    PerMessageDeflateServerPolicy p;
    p.server_max_window_bits = static_cast<std::uint8_t>(bits);
    return p;
}
PerMessageDeflateServerPolicy policy_cmwb(int bits) {
    PerMessageDeflateServerPolicy p;
    p.client_max_window_bits = static_cast<std::uint8_t>(bits);
    return p;
}
PerMessageDeflateServerPolicy policy_no_takeover() {
    PerMessageDeflateServerPolicy p;
    p.server_no_context_takeover = true;
    p.client_no_context_takeover = true;
    return p;
}

INSTANTIATE_TEST_SUITE_P(
    Rfc7692Section7, DeflateServerNegotiation,
    ::testing::Values(
        ServerRow{"FirefoxBareOffer",
                  {"permessage-deflate"},
                  {},
                  true,
                  params(0, 0, 15, 15),
                  "permessage-deflate"},
        ServerRow{"ChromeOffer",
                  {"permessage-deflate; client_max_window_bits"},
                  {},
                  true,
                  params(0, 0, 15, 15),
                  "permessage-deflate"},
        ServerRow{"ChromeOfferServerLimitsClient",
                  {"permessage-deflate; client_max_window_bits"},
                  policy_cmwb(10),
                  true,
                  params(0, 0, 15, 10),
                  "permessage-deflate; client_max_window_bits=10"},
        ServerRow{"ClientWindowNotOfferedNotAnswered",
                  {"permessage-deflate"},
                  policy_cmwb(10),
                  true,
                  params(0, 0, 15, 15),
                  "permessage-deflate"},
        ServerRow{"OfferedClientWindowValueEchoed",
                  {"permessage-deflate; client_max_window_bits=11"},
                  {},
                  true,
                  params(0, 0, 15, 11),
                  "permessage-deflate; client_max_window_bits=11"},
        ServerRow{"PolicyBelowOfferedClientWindow",
                  {"permessage-deflate; client_max_window_bits=11"},
                  policy_cmwb(9),
                  true,
                  params(0, 0, 15, 9),
                  "permessage-deflate; client_max_window_bits=9"},
        ServerRow{"PolicyAboveOfferedClientWindow",
                  {"permessage-deflate; client_max_window_bits=11"},
                  policy_cmwb(13),
                  true,
                  params(0, 0, 15, 11),
                  "permessage-deflate; client_max_window_bits=11"},
        ServerRow{"ServerWindowAnsweredSameOrSmaller",
                  {"permessage-deflate; server_max_window_bits=10"},
                  policy_smwb(12),
                  true,
                  params(0, 0, 10, 15),
                  "permessage-deflate; server_max_window_bits=10"},
        ServerRow{"ServerWindowBelowOffer",
                  {"permessage-deflate; server_max_window_bits=12"},
                  policy_smwb(9),
                  true,
                  params(0, 0, 9, 15),
                  "permessage-deflate; server_max_window_bits=9"},
        ServerRow{"ServerWindowStatedUnasked",
                  {"permessage-deflate"},
                  policy_smwb(11),
                  true,
                  params(0, 0, 11, 15),
                  "permessage-deflate; server_max_window_bits=11"},
        ServerRow{"WindowBits8Accepted",
                  {"permessage-deflate; server_max_window_bits=8"},
                  {},
                  true,
                  params(0, 0, 8, 15),
                  "permessage-deflate; server_max_window_bits=8"},
        ServerRow{"NoContextTakeoverEchoed",
                  {"permessage-deflate; server_no_context_takeover; client_no_context_takeover"},
                  {},
                  true,
                  params(1, 1, 15, 15),
                  "permessage-deflate; server_no_context_takeover; client_no_context_takeover"},
        ServerRow{"NoContextTakeoverByPolicy",
                  {"permessage-deflate"},
                  policy_no_takeover(),
                  true,
                  params(1, 1, 15, 15),
                  "permessage-deflate; server_no_context_takeover; client_no_context_takeover"},
        ServerRow{"AutobahnOffer",
                  {"permessage-deflate; client_no_context_takeover; client_max_window_bits"},
                  {},
                  true,
                  params(0, 1, 15, 15),
                  "permessage-deflate; client_no_context_takeover"},
        ServerRow{"QuotedValue",
                  {"permessage-deflate; server_max_window_bits=\"10\""},
                  {},
                  true,
                  params(0, 0, 10, 15),
                  "permessage-deflate; server_max_window_bits=10"},
        ServerRow{"ParameterNamesIgnoreCase",
                  {"permessage-deflate; Server_Max_Window_Bits=10"},
                  {},
                  true,
                  params(0, 0, 10, 15),
                  "permessage-deflate; server_max_window_bits=10"},
        ServerRow{"SeveralOffersOneHeaderFirstWins",
                  {"permessage-deflate; server_max_window_bits=10, permessage-deflate"},
                  {},
                  true,
                  params(0, 0, 10, 15),
                  "permessage-deflate; server_max_window_bits=10"},
        ServerRow{"UnknownParameterDeclinedFallbackAccepted",
                  {"permessage-deflate; foo, permessage-deflate; server_no_context_takeover"},
                  {},
                  true,
                  params(1, 0, 15, 15),
                  "permessage-deflate; server_no_context_takeover",
                  1,
                  1},
        ServerRow{"FallbackAcrossHeaders",
                  {"x-webkit-deflate-frame, permessage-deflate; server_max_window_bits=7",
                   "permessage-deflate; server_max_window_bits=9"},
                  {},
                  true,
                  params(0, 0, 9, 15),
                  "permessage-deflate; server_max_window_bits=9",
                  1,
                  1},
        ServerRow{"Autobahn13_7",
                  {"permessage-deflate; client_no_context_takeover; client_max_window_bits; "
                   "server_no_context_takeover; server_max_window_bits=9, "
                   "permessage-deflate; client_no_context_takeover; client_max_window_bits; "
                   "server_no_context_takeover, "
                   "permessage-deflate; client_no_context_takeover; client_max_window_bits"},
                  {},
                  true,
                  params(1, 1, 9, 15),
                  "permessage-deflate; server_no_context_takeover; client_no_context_takeover; "
                  "server_max_window_bits=9"},
        ServerRow{"CommaInsideQuotesDoesNotSplit",
                  {"permessage-deflate; foo=\"a,b\", permessage-deflate"},
                  {},
                  true,
                  params(0, 0, 15, 15),
                  "permessage-deflate",
                  1,
                  1},
        ServerRow{"NoOffer", {"x-webkit-deflate-frame"}, {}, false, {}, ""},
        ServerRow{"UnknownParameter", {"permessage-deflate; foo"}, {}, false, {}, "", 0, 1},
        ServerRow{"DuplicateParameter",
                  {"permessage-deflate; server_no_context_takeover; server_no_context_takeover"},
                  {},
                  false,
                  {},
                  "",
                  0,
                  1},
        ServerRow{"DuplicateWindow",
                  {"permessage-deflate; client_max_window_bits; client_max_window_bits=10"},
                  {},
                  false,
                  {},
                  "",
                  0,
                  1},
        ServerRow{"ValueOnFlag",
                  {"permessage-deflate; server_no_context_takeover=1"},
                  {},
                  false,
                  {},
                  "",
                  0,
                  1},
        ServerRow{"ServerWindowWithoutValue",
                  {"permessage-deflate; server_max_window_bits"},
                  {},
                  false,
                  {},
                  "",
                  0,
                  1},
        ServerRow{"WindowBits7",
                  {"permessage-deflate; server_max_window_bits=7"},
                  {},
                  false,
                  {},
                  "",
                  0,
                  1},
        ServerRow{"WindowBits16",
                  {"permessage-deflate; client_max_window_bits=16"},
                  {},
                  false,
                  {},
                  "",
                  0,
                  1},
        ServerRow{"LeadingZero",
                  {"permessage-deflate; server_max_window_bits=09"},
                  {},
                  false,
                  {},
                  "",
                  0,
                  1},
        ServerRow{"NotANumber",
                  {"permessage-deflate; server_max_window_bits=ten"},
                  {},
                  false,
                  {},
                  "",
                  0,
                  1},
        ServerRow{"QuotedNonToken",
                  {"permessage-deflate; server_max_window_bits=\"1 0\""},
                  {},
                  false,
                  {},
                  "",
                  0,
                  1},
        ServerRow{"Malformed", {"permessage-deflate;;"}, {}, false, {}, "", 0, 1}),
    [](const auto& info) { return std::string(info.param.name); });

// ---- client: judging the response ----------------------------------------------------------

PerMessageDeflateOffer chrome_offer() {
    PerMessageDeflateOffer o;
    o.client_max_window_bits = true;
    return o;
}

ClientNegotiation check(std::initializer_list<std::string_view> response,
                        std::vector<PerMessageDeflateOffer> offers) {
    return check_permessage_deflate_response(elements(response), offers);
}

TEST(DeflateClientNegotiation, NoPermessageDeflateInResponseMeansDeclined) {
    const auto n = check({}, {PerMessageDeflateOffer{}});
    EXPECT_TRUE(n.ok());
    EXPECT_FALSE(n.agreed.has_value());
}

TEST(DeflateClientNegotiation, AcceptsBareResponseToBareOffer) {
    const auto n = check({"permessage-deflate"}, {PerMessageDeflateOffer{}});
    ASSERT_TRUE(n.ok()) << n.error.reason;
    EXPECT_EQ(*n.agreed, params(0, 0, 15, 15));
}

TEST(DeflateClientNegotiation, AgreedParametersComeFromTheResponse) {
    const auto n = check({"permessage-deflate; server_no_context_takeover; "
                          "client_no_context_takeover; server_max_window_bits=10; "
                          "client_max_window_bits=\"9\""},
                         {chrome_offer()});
    ASSERT_TRUE(n.ok()) << n.error.reason;
    EXPECT_EQ(*n.agreed, params(1, 1, 10, 9));
}

TEST(DeflateClientNegotiation, ClientNoContextTakeoverMayComeUnoffered) {
    const auto n = check({"permessage-deflate; client_no_context_takeover"}, {{}});
    ASSERT_TRUE(n.ok()) << n.error.reason;
    EXPECT_TRUE(n.agreed->client_no_context_takeover);
}

TEST(DeflateClientNegotiation, ResponseMatchesALaterOffer) {
    PerMessageDeflateOffer first;
    first.server_max_window_bits = 9;
    first.server_no_context_takeover = true;
    const auto n = check({"permessage-deflate"}, {first, PerMessageDeflateOffer{}});
    ASSERT_TRUE(n.ok()) << n.error.reason;
    EXPECT_EQ(*n.agreed, params(0, 0, 15, 15));
}

struct ClientFailRow {
    const char* name;
    std::string response;
    std::vector<PerMessageDeflateOffer> offers;
    DeflateResponseErrorKind kind;
};

class DeflateClientRejects : public ::testing::TestWithParam<ClientFailRow> {};

TEST_P(DeflateClientRejects, FailsTheConnection) {
    const ClientFailRow& row = GetParam();
    const auto n = check_permessage_deflate_response(elements({row.response}), row.offers);
    EXPECT_EQ(n.error.kind, row.kind)
        << deflate_response_error_kind_name(n.error.kind) << ": " << n.error.reason;
    EXPECT_FALSE(n.agreed.has_value());
    EXPECT_FALSE(n.error.reason.empty());
    EXPECT_FALSE(n.error.rfc_section.empty());
}

PerMessageDeflateOffer offer_client_bits(int v) {
    PerMessageDeflateOffer o;
    o.client_max_window_bits = true;
    o.client_max_window_bits_value = static_cast<std::uint8_t>(v);
    return o;
}
PerMessageDeflateOffer offer_server_bits(int v) {
    PerMessageDeflateOffer o;
    o.server_max_window_bits = static_cast<std::uint8_t>(v);
    return o;
}
PerMessageDeflateOffer offer_snct() {
    PerMessageDeflateOffer o;
    o.server_no_context_takeover = true;
    return o;
}

using EK = DeflateResponseErrorKind;
INSTANTIATE_TEST_SUITE_P(
    Rfc7692Section7, DeflateClientRejects,
    ::testing::Values(
        ClientFailRow{"ClientWindowNotOffered",
                      "permessage-deflate; client_max_window_bits=10",
                      {{}},
                      EK::client_window_not_offered},
        ClientFailRow{"ClientWindowWithoutValue",
                      "permessage-deflate; client_max_window_bits",
                      {chrome_offer()},
                      EK::invalid_value},
        ClientFailRow{"ClientWindowLargerThanOffered",
                      "permessage-deflate; client_max_window_bits=12",
                      {offer_client_bits(10)},
                      EK::does_not_fit_offer},
        ClientFailRow{"ServerWindowLargerThanOffered",
                      "permessage-deflate; server_max_window_bits=12",
                      {offer_server_bits(10)},
                      EK::does_not_fit_offer},
        ClientFailRow{"ServerWindowOfferedNotAnswered",
                      "permessage-deflate",
                      {offer_server_bits(10)},
                      EK::does_not_fit_offer},
        ClientFailRow{"ServerNoContextTakeoverOfferedNotAnswered",
                      "permessage-deflate",
                      {offer_snct()},
                      EK::does_not_fit_offer},
        ClientFailRow{"UnknownParameter", "permessage-deflate; foo", {{}}, EK::unknown_parameter},
        ClientFailRow{"DuplicateParameter",
                      "permessage-deflate; client_no_context_takeover; "
                      "client_no_context_takeover",
                      {{}},
                      EK::duplicate_parameter},
        ClientFailRow{"ValueOnFlag",
                      "permessage-deflate; server_no_context_takeover=yes",
                      {{}},
                      EK::invalid_value},
        ClientFailRow{"WindowOutOfRange",
                      "permessage-deflate; server_max_window_bits=16",
                      {{}},
                      EK::invalid_value},
        ClientFailRow{"WindowLeadingZero",
                      "permessage-deflate; server_max_window_bits=010",
                      {{}},
                      EK::invalid_value},
        ClientFailRow{"AcceptedTwice",
                      "permessage-deflate, permessage-deflate",
                      {{}, {}},
                      EK::accepted_twice},
        ClientFailRow{"Malformed",
                      "permessage-deflate; server_max_window_bits=\"9",
                      {{}},
                      EK::malformed_element},
        ClientFailRow{"AcceptedWithoutOffer", "permessage-deflate", {}, EK::does_not_fit_offer}),
    [](const auto& info) { return std::string(info.param.name); });

// Every acceptance the server side produces is one the client side takes, with the same
// agreed parameters: the two halves of the negotiation agree with each other.
TEST(DeflateNegotiationRoundTrip, ServerResponsesSatisfyTheClientCheck) {
    std::vector<PerMessageDeflateOffer> offers;
    for (int flags = 0; flags < 16; ++flags) {
        for (int smwb : {0, 8, 9, 12, 15}) {
            for (int cmwb : {-1, 0, 8, 11, 15}) {
                PerMessageDeflateOffer o;
                o.server_no_context_takeover = (flags & 1) != 0;
                o.client_no_context_takeover = (flags & 2) != 0;
                if (smwb != 0) o.server_max_window_bits = static_cast<std::uint8_t>(smwb);
                if (cmwb >= 0) o.client_max_window_bits = true;
                if (cmwb > 0) o.client_max_window_bits_value = static_cast<std::uint8_t>(cmwb);
                offers.push_back(o);
            }
        }
    }
    for (const auto& offer : offers) {
        for (int policy_bits : {8, 10, 15}) {
            PerMessageDeflateServerPolicy policy;
            policy.server_max_window_bits = static_cast<std::uint8_t>(policy_bits);
            policy.client_max_window_bits = static_cast<std::uint8_t>(policy_bits + 0);
            const std::vector<std::string> offered{format_offer(offer)};
            const ServerNegotiation s = negotiate_permessage_deflate(offered, policy);
            ASSERT_TRUE(s.agreed.has_value()) << offered[0];
            const std::vector<std::string> response{s.response};
            const ClientNegotiation c = check_permessage_deflate_response(response, {&offer, 1});
            ASSERT_TRUE(c.ok()) << offered[0] << " -> " << s.response << ": " << c.error.reason;
            EXPECT_EQ(*c.agreed, *s.agreed) << offered[0] << " -> " << s.response;
        }
    }
}

}  // namespace
}  // namespace wsspec::codec

namespace wsspec::codec {
namespace {

TEST(DeflateClientHints, TheOffersHintsBindTheClientWhenTheAnswerOmitsThem) {
    // RFC 7692 7.1.1.2 / 7.1.2.2: an offered client_no_context_takeover or
    // client_max_window_bits=N binds the client even if the server does not repeat it.
    PerMessageDeflateOffer offer;
    offer.client_no_context_takeover = true;
    offer.client_max_window_bits = true;
    offer.client_max_window_bits_value = 10;
    const std::vector<std::string> answer = {"permessage-deflate"};
    const std::vector<PerMessageDeflateOffer> offers = {offer};
    const ClientNegotiation n = check_permessage_deflate_response(answer, offers);
    ASSERT_TRUE(n.ok());
    ASSERT_TRUE(n.agreed);
    EXPECT_TRUE(n.agreed->client_no_context_takeover);
    EXPECT_EQ(n.agreed->client_max_window_bits, 10);

    const std::vector<std::string> smaller = {"permessage-deflate; client_max_window_bits=9"};
    const ClientNegotiation m = check_permessage_deflate_response(smaller, offers);
    ASSERT_TRUE(m.agreed);
    EXPECT_EQ(m.agreed->client_max_window_bits, 9);
}

}  // namespace
}  // namespace wsspec::codec
