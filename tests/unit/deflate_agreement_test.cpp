// What wsspec agrees to for a permessage-deflate case, in both roles (peer/deflate_agreement.h).
#include "harness/peer/deflate_agreement.h"

#include <gtest/gtest.h>

namespace wsspec::peer {
namespace {

const std::vector<std::string> autobahn_offer = {
    "permessage-deflate; client_no_context_takeover; client_max_window_bits"};

cases::Case deflate_case() {
    cases::Case c;
    c.permessage_deflate.emplace();
    return c;
}

TEST(DeflateAgreementTest, ACaseWithoutDeflateDeclinesEveryOffer) {
    const ServerDeflateAnswer a = answer_deflate_offers(cases::Case{}, autobahn_offer);
    EXPECT_TRUE(a.element.empty());
    EXPECT_FALSE(a.params);
}

TEST(DeflateAgreementTest, TheDefaultPolicyAcceptsTheFirstOffer) {
    const ServerDeflateAnswer a = answer_deflate_offers(deflate_case(), autobahn_offer);
    EXPECT_EQ(a.element, "permessage-deflate; client_no_context_takeover");
    ASSERT_TRUE(a.params);
    EXPECT_TRUE(a.params->client_no_context_takeover);
    EXPECT_FALSE(a.client_must_refuse);
}

TEST(DeflateAgreementTest, APolicyDeclinesOffersWithoutWhatItNeeds) {
    cases::Case c = deflate_case();
    cases::DeflateAccept needs_bits;
    needs_bits.client_max_window_bits = 9;
    needs_bits.needs = {"client_max_window_bits"};
    c.permessage_deflate->accept = {needs_bits};
    const std::vector<std::string> bare = {"permessage-deflate"};
    const ServerDeflateAnswer declined = answer_deflate_offers(c, bare);
    EXPECT_TRUE(declined.element.empty());
    EXPECT_NE(declined.summary.find("client_max_window_bits"), std::string::npos);

    const ServerDeflateAnswer agreed = answer_deflate_offers(c, autobahn_offer);
    ASSERT_TRUE(agreed.params);
    EXPECT_EQ(agreed.params->client_max_window_bits, 9);
    EXPECT_NE(agreed.element.find("client_max_window_bits=9"), std::string::npos);
}

TEST(DeflateAgreementTest, PoliciesAreTriedInOrderLikeAutobahn13_7) {
    cases::Case c = deflate_case();
    cases::DeflateAccept strict;
    strict.client_no_context_takeover = true;
    strict.client_max_window_bits = 9;
    strict.needs = {"client_no_context_takeover", "client_max_window_bits"};
    cases::DeflateAccept plain;
    c.permessage_deflate->accept = {strict, plain};
    const std::vector<std::string> bare = {"permessage-deflate"};
    const ServerDeflateAnswer a = answer_deflate_offers(c, bare);
    EXPECT_EQ(a.element, "permessage-deflate");  // the fallback policy
    const ServerDeflateAnswer b = answer_deflate_offers(c, autobahn_offer);
    ASSERT_TRUE(b.params);
    EXPECT_EQ(b.params->client_max_window_bits, 9);
}

TEST(DeflateAgreementTest, AScriptedResponseThatFitsIsHeldTo) {
    cases::Case c = deflate_case();
    c.permessage_deflate->response = "permessage-deflate; server_no_context_takeover";
    const ServerDeflateAnswer a = answer_deflate_offers(c, autobahn_offer);
    EXPECT_EQ(a.element, "permessage-deflate; server_no_context_takeover");
    ASSERT_TRUE(a.params);
    EXPECT_TRUE(a.params->server_no_context_takeover);
    EXPECT_FALSE(a.client_must_refuse);
}

TEST(DeflateAgreementTest, HintsOfTheOfferThatTheResponseLeavesOutAreIgnored) {
    // Autobahn|Python offers client_no_context_takeover and keeps its context when the
    // answer is a bare permessage-deflate: the server ignored the hint (RFC 7692 7.1.1.2),
    // so wsspec keeps the client's context too; the same for a window hint (7.1.2.2).
    const std::vector<std::string> hinting = {
        "permessage-deflate; client_no_context_takeover; client_max_window_bits=10"};
    cases::Case c = deflate_case();
    c.permessage_deflate->response = "permessage-deflate";
    const ServerDeflateAnswer a = answer_deflate_offers(c, hinting);
    ASSERT_TRUE(a.params);
    EXPECT_FALSE(a.params->client_no_context_takeover);
    EXPECT_EQ(a.params->client_max_window_bits, 15);
    EXPECT_FALSE(a.client_must_refuse);
    // Answered, they bind.
    c.permessage_deflate->response =
        "permessage-deflate; client_no_context_takeover; client_max_window_bits=10";
    const ServerDeflateAnswer b = answer_deflate_offers(c, hinting);
    ASSERT_TRUE(b.params);
    EXPECT_TRUE(b.params->client_no_context_takeover);
    EXPECT_EQ(b.params->client_max_window_bits, 10);
}

TEST(DeflateAgreementTest, AScriptedResponseAClientMustRefuseSaysWhy) {
    cases::Case c = deflate_case();
    c.permessage_deflate->response = "permessage-deflate; x_unknown=1";
    const ServerDeflateAnswer a = answer_deflate_offers(c, autobahn_offer);
    EXPECT_EQ(a.element, "permessage-deflate; x_unknown=1");
    EXPECT_TRUE(a.client_must_refuse);
    EXPECT_NE(a.summary.find("MUST refuse"), std::string::npos) << a.summary;
}

TEST(DeflateAgreementTest, NeedsAndLacksDecideWhetherAResponseIsSentAtAll) {
    cases::Case c = deflate_case();
    c.permessage_deflate->response = "permessage-deflate; client_max_window_bits=10";
    c.permessage_deflate->lacks = {"client_max_window_bits"};
    // The client offered client_max_window_bits: this response would be valid, so the case
    // (about clients that did not offer it) does not apply.
    const ServerDeflateAnswer a = answer_deflate_offers(c, autobahn_offer);
    EXPECT_TRUE(a.element.empty());
    const std::vector<std::string> bare = {"permessage-deflate"};
    const ServerDeflateAnswer b = answer_deflate_offers(c, bare);
    EXPECT_EQ(b.element, "permessage-deflate; client_max_window_bits=10");
    EXPECT_TRUE(b.client_must_refuse);
}

TEST(DeflateAgreementTest, TheClientSideChecksTheAnswerAgainstTheOffer) {
    const std::vector<std::string> bare = {"permessage-deflate"};
    const std::vector<std::string> unoffered = {"permessage-deflate; client_max_window_bits=10"};
    const ClientDeflateOutcome bad = check_deflate_answer(bare, unoffered);
    EXPECT_NE(bad.failure.find("RFC 7692 7.1.2.2"), std::string::npos) << bad.failure;
    EXPECT_FALSE(bad.params);

    const ClientDeflateOutcome declined = check_deflate_answer(bare, {});
    EXPECT_TRUE(declined.failure.empty());
    EXPECT_FALSE(declined.params);
    EXPECT_EQ(declined.summary, "declined by the server");

    const std::vector<std::string> smaller = {
        "permessage-deflate; server_no_context_takeover; server_max_window_bits=9"};
    const std::vector<std::string> offer = {
        "permessage-deflate; server_no_context_takeover; server_max_window_bits=10"};
    const ClientDeflateOutcome ok = check_deflate_answer(offer, smaller);
    ASSERT_TRUE(ok.params);
    EXPECT_EQ(ok.params->server_max_window_bits, 9);
    EXPECT_TRUE(ok.params->server_no_context_takeover);
}

// Tornado answers a bare "permessage-deflate" to every offer, Beast and aiohttp leave out
// server_max_window_bits=15: not RFC 7692's form of an acceptance, but a configuration
// wsspec supports, so it is followed and flagged; a window larger than offered is not.
TEST(DeflateAgreementTest, AnAnswerThatLeavesOutServerLimitsIsFollowedAndFlagged) {
    const std::vector<std::string> offer = {
        "permessage-deflate; server_no_context_takeover; server_max_window_bits=10; "
        "client_max_window_bits"};
    const std::vector<std::string> bare = {"permessage-deflate"};
    const ClientDeflateOutcome lenient = check_deflate_answer(offer, bare);
    EXPECT_TRUE(lenient.failure.empty()) << lenient.failure;
    ASSERT_TRUE(lenient.params);
    EXPECT_FALSE(lenient.params->server_no_context_takeover);
    EXPECT_EQ(lenient.params->server_max_window_bits, 15);
    EXPECT_NE(lenient.leniency.find("server_no_context_takeover and server_max_window_bits=10"),
              std::string::npos)
        << lenient.leniency;

    const std::vector<std::string> only_bits = {"permessage-deflate; server_no_context_takeover"};
    const ClientDeflateOutcome bits = check_deflate_answer(offer, only_bits);
    ASSERT_TRUE(bits.params);
    EXPECT_TRUE(bits.params->server_no_context_takeover);
    EXPECT_NE(bits.leniency.find("leaves out server_max_window_bits=10 "), std::string::npos)
        << bits.leniency;

    const std::vector<std::string> larger = {
        "permessage-deflate; server_no_context_takeover; server_max_window_bits=12"};
    const ClientDeflateOutcome refused = check_deflate_answer(offer, larger);
    EXPECT_NE(refused.failure.find("larger than offered"), std::string::npos) << refused.failure;
    EXPECT_TRUE(refused.leniency.empty());

    const std::vector<std::string> exact = {
        "permessage-deflate; server_no_context_takeover; server_max_window_bits=10"};
    EXPECT_TRUE(check_deflate_answer(offer, exact).leniency.empty());
}

}  // namespace
}  // namespace wsspec::peer
