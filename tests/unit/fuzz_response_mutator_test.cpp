// fuzz-client's edits of our opening handshake response and the reference client's say on
// them: which responses a client MUST fail the connection on (RFC 6455 4.1) and which it
// must take, the probe case a refusal becomes, and the edits surviving a case file.
#include "harness/fuzzer/response_mutator.h"

#include <gtest/gtest.h>

#include <set>

#include "harness/cases/case_loader.h"
#include "harness/cases/case_writer.h"
#include "harness/fuzzer/expectation_derivation.h"

namespace wsspec::fuzzer {
namespace {

using cases::HandshakeResponse;
using codec::ResponseErrorKind;

ResponseErrorKind error_of(const HandshakeResponse& r) {
    const ResponseJudgement j = judge_response(r);
    EXPECT_TRUE(j.judged);
    return j.error ? j.error->kind : ResponseErrorKind::none;
}

TEST(FuzzResponseMutator, TheReferenceClientTakesTheDefaultAndRefusesWhatRfc6455Forbids) {
    EXPECT_EQ(error_of({}), ResponseErrorKind::none);
    HandshakeResponse r;
    r.status = 200;
    EXPECT_EQ(error_of(r), ResponseErrorKind::status_not_101);
    r = {};
    r.accept = HandshakeResponse::Accept::wrong;
    EXPECT_EQ(error_of(r), ResponseErrorKind::wrong_accept);
    r = {};
    r.remove_headers = {"sec-websocket-accept"};
    EXPECT_EQ(error_of(r), ResponseErrorKind::missing_accept);
    r = {};
    r.headers = {{"upgrade", "WebSocket"},
                 {"CONNECTION", "keep-alive, Upgrade"},
                 {"Sec-WebSocket-Accept", "{accept}"}};
    EXPECT_EQ(error_of(r), ResponseErrorKind::none);  // tokens are case-insensitive lists
    r.headers[0].second = "h2c";
    EXPECT_EQ(error_of(r), ResponseErrorKind::missing_upgrade_websocket);
    // "websocket, h2c", or Upgrade twice: one value or several? Not judged.
    r.headers[0].second = "websocket, h2c";
    EXPECT_FALSE(judge_response(r).judged);
    r.headers[0].second = "websocket";
    r.headers.emplace_back("Upgrade", "websocket");
    EXPECT_FALSE(judge_response(r).judged);
    r = {};
    r.add_headers = {{"X-Long", std::string(1000, 'a')}};
    EXPECT_EQ(error_of(r), ResponseErrorKind::none);
    r.add_headers = {{"X-Long", std::string(4100, 'a')}};  // a client's limit may refuse it
    EXPECT_FALSE(judge_response(r).judged);
    r = {};
    r.add_headers = {{"Sec-WebSocket-Protocol", "x-wsspec-fuzz"}};
    EXPECT_EQ(error_of(r), ResponseErrorKind::subprotocol_not_offered);
    r.add_headers = {{"Sec-WebSocket-Extensions", "x-wsspec-fuzz"}};
    EXPECT_EQ(error_of(r), ResponseErrorKind::extension_not_offered);
}

TEST(FuzzResponseMutator, EditsGiveResponsesToTakeAndToRefuse) {
    std::set<std::string> names;
    std::size_t refused = 0, taken = 0;
    for (std::uint64_t seed = 1; seed <= 400; ++seed) {
        HandshakeResponse r;
        Rng rng(seed);
        for (int i = 0; i < 6; ++i) {
            const std::string name = mutate_response(r, rng);
            if (!name.empty()) names.insert(name);
        }
        const ResponseJudgement j = judge_response(r);
        ASSERT_LE(response_bytes(r), 12u * 1024 + 4200);
        if (j.judged) (j.error ? refused : taken) += 1;
    }
    EXPECT_GE(names.size(), 9u);
    EXPECT_GT(refused, 20u);
    EXPECT_GT(taken, 20u);
}

TEST(FuzzResponseMutator, ARefusedResponseBecomesAProbeThatNoAnswerMayFollow) {
    Derivation d = derive_expectations({}, DerivationSettings{cases::Role::client});
    HandshakeResponse r;
    r.status = 403;
    const auto j = judge_response(r);
    ASSERT_TRUE(j.error);
    expect_response_refused(d, *j.error, 700);
    EXPECT_EQ(d.outcome, DerivedOutcome::fail);
    EXPECT_EQ(d.response_error, "status_not_101");
    ASSERT_EQ(d.c.expect.size(), 1u);
    EXPECT_TRUE(d.c.expect[0].events->empty());
    EXPECT_TRUE(d.c.expect_close.not_applicable);
    EXPECT_NE(d.c.requirement.find("MUST _Fail the WebSocket Connection_"), std::string::npos);
    ASSERT_EQ(d.c.steps.size(), 3u);
    EXPECT_TRUE(std::holds_alternative<cases::FrameStep>(d.c.steps[0]));
}

TEST(FuzzResponseMutator, AnEditedResponseIsWrittenToTheCaseFileAndLoadsBack) {
    cases::Case c;
    c.id = "fz.1.1";
    c.description = "d";
    c.rfc = {"RFC 6455 4.1"};
    c.requirement = "r";
    c.roles = {cases::Role::client};
    HandshakeResponse r;
    Rng rng(9);
    for (int i = 0; i < 8; ++i)
        mutate_response(r, rng);
    r.status = 426;
    r.reason = "Upgrade Required";
    r.accept = HandshakeResponse::Accept::wrong;
    r.chop = 3;
    c.handshake_response = r;
    c.expect.push_back({});
    c.expect.back().verdict = "OK";
    const auto loaded =
        cases::load_catalog_from_string(cases::case_file_text("fz", "t", {c}), "fz.1.1.json");
    ASSERT_EQ(loaded.size(), 1u);
    ASSERT_TRUE(loaded[0].handshake_response);
    const auto& back = *loaded[0].handshake_response;
    EXPECT_EQ(back.status, 426);
    EXPECT_EQ(back.reason, "Upgrade Required");
    EXPECT_EQ(back.accept, HandshakeResponse::Accept::wrong);
    EXPECT_EQ(back.chop, 3u);
    EXPECT_EQ(back.headers, r.headers);
}

}  // namespace
}  // namespace wsspec::fuzzer
