// The catalog loader: the committed catalog loads cleanly and says what Autobahn says, and
// every malformed file is rejected with "<file>: <JSON pointer>: <reason>".
#include "harness/cases/case_loader.h"

#include <gtest/gtest.h>

#include <unistd.h>
#include <algorithm>
#include <atomic>
#include <filesystem>
#include <fstream>
#include <map>
#include <string>
#include <variant>

namespace wsspec::cases {
namespace {

namespace fs = std::filesystem;

#ifndef WSSPEC_DEFAULT_CASES_DIR
#error "WSSPEC_DEFAULT_CASES_DIR must point at the repository's cases/ directory"
#endif

const std::vector<Case>& catalog() {
    static const std::vector<Case> cases = load_catalog(WSSPEC_DEFAULT_CASES_DIR);
    return cases;
}

const Case& find_case(const std::string& id) {
    const auto& all = catalog();
    auto it = std::find_if(all.begin(), all.end(), [&](const Case& c) { return c.id == id; });
    if (it == all.end()) throw std::runtime_error("no case " + id);
    return *it;
}

bool has_role(const Case& c, Role r) {
    return std::find(c.roles.begin(), c.roles.end(), r) != c.roles.end();
}

TEST(CatalogTest, CommittedCatalogLoadsWithoutErrors) {
    ASSERT_NO_THROW(catalog());
    // Autobahn's 517 server cases (the permessage-deflate categories 12 and 13 included),
    // plus at least 40 handshake cases and 40 permessage-deflate cases of our own.
    EXPECT_GE(catalog().size(), 517u + 40u + 40u);
}

TEST(CatalogTest, HasEveryAutobahnCategoryWithAutobahnsCounts) {
    std::map<std::string, int> per_category;
    for (const Case& c : catalog())
        per_category[c.id.substr(0, c.id.find('.'))]++;
    EXPECT_EQ(per_category["1"], 16);
    EXPECT_EQ(per_category["2"], 11);
    EXPECT_EQ(per_category["3"], 7);
    EXPECT_EQ(per_category["4"], 10);
    EXPECT_EQ(per_category["5"], 20);
    EXPECT_EQ(per_category["6"], 145);
    EXPECT_EQ(per_category["7"], 37);
    EXPECT_EQ(per_category["9"], 54);
    EXPECT_EQ(per_category["10"], 1);
    EXPECT_EQ(per_category["12"], 90);
    EXPECT_EQ(per_category["13"], 126);
    EXPECT_GE(per_category["hs"], 40);
    EXPECT_GE(per_category["pmd"], 40);
    EXPECT_GE(per_category["pmdc"], 20);
}

TEST(CatalogTest, ContainsAutobahnIds) {
    for (const char* id :
         {"1.1.1", "1.2.8",  "2.11",   "3.7",     "4.2.5",   "5.19",   "5.20",
          "6.4.4", "6.6.11", "6.12.8", "6.22.34", "6.23.7",  "7.1.6",  "7.13.2",
          "7.9.9", "9.8.6",  "10.1.1", "12.1.1",  "12.5.18", "13.1.1", "13.7.18"}) {
        EXPECT_NO_THROW(find_case(id)) << id;
    }
}

TEST(CatalogTest, AutobahnCasesApplyToBothRolesAndHandshakeCasesToServersOnly) {
    for (const Case& c : catalog()) {
        if (c.id.rfind("hs.", 0) == 0 || c.id.rfind("sf.", 0) == 0 || c.id.rfind("pmd.", 0) == 0 ||
            c.id.rfind("h2.", 0) == 0) {
            EXPECT_TRUE(has_role(c, Role::server)) << c.id;
            EXPECT_FALSE(has_role(c, Role::client)) << c.id;
        } else if (c.id.rfind("hsc.", 0) == 0 || c.id.rfind("cf.", 0) == 0 ||
                   c.id.rfind("pmdc.", 0) == 0 || c.id.rfind("h2cl.", 0) == 0) {
            // wsspec's own client groups: client handshake, client framing, client
            // permessage-deflate and clients over HTTP/2.
            EXPECT_TRUE(has_role(c, Role::client)) << c.id;
            EXPECT_FALSE(has_role(c, Role::server)) << c.id;
        } else {
            EXPECT_TRUE(has_role(c, Role::server) && has_role(c, Role::client)) << c.id;
        }
        EXPECT_FALSE(c.description.empty()) << c.id;
        EXPECT_FALSE(c.rfc.empty()) << c.id;
        EXPECT_FALSE(c.requirement.empty()) << c.id;
        EXPECT_FALSE(c.expect.empty()) << c.id;
    }
}

TEST(CatalogTest, EchoCaseSendsThenAwaitsThenCloses) {
    const Case& c = find_case("1.1.8");
    ASSERT_EQ(c.steps.size(), 3u);
    const auto& f = std::get<FrameStep>(c.steps[0]);
    EXPECT_EQ(f.opcode, 1);
    EXPECT_EQ(f.chop, 997u);
    EXPECT_EQ(f.payload.size(), 65536u);
    EXPECT_EQ(std::get<AwaitStep>(c.steps[1]).events, 1u);
    EXPECT_EQ(std::get<CloseStep>(c.steps[2]).code, std::optional<std::uint16_t>(1000));
    ASSERT_TRUE(c.expect[0].events.has_value());
    EXPECT_EQ(c.expect[0].events->front().payload.materialize(), std::string(65536, '*'));
    EXPECT_TRUE(c.expect_close.closed_by_me);
    EXPECT_TRUE(c.expect_close.require_clean);
}

TEST(CatalogTest, FailFastUtf8CasesUseMarksAndPauses) {
    const Case& c = find_case("6.4.3");
    const auto& f = std::get<FrameStep>(c.steps[0]);
    ASSERT_EQ(f.pauses.size(), 2u);
    EXPECT_EQ(f.pauses[0].after, 11u);
    EXPECT_EQ(f.pauses[0].mark, "A");
    EXPECT_EQ(f.pauses[1].after, 15u);
    ASSERT_EQ(c.expect.size(), 2u);
    EXPECT_EQ(c.expect[0].verdict, "OK");
    EXPECT_EQ(c.expect[1].verdict, "NON-STRICT");
    EXPECT_EQ(c.expect[1].events->size(), 2u);
    EXPECT_TRUE(c.expect_close.wrong_endpoint_is_fatal);
    EXPECT_EQ(c.expect_close.codes, std::vector<std::uint16_t>{1007});
}

TEST(CatalogTest, RoundTripCasesRepeatAndExpandExpectedEvents) {
    const Case& c = find_case("9.7.6");
    const auto& r = std::get<RepeatStep>(c.steps[0]);
    EXPECT_EQ(r.times, 1000u);
    ASSERT_EQ(r.steps.size(), 2u);
    EXPECT_EQ(std::get<AwaitStep>(r.steps[1]).more, std::optional<std::size_t>(1));
    ASSERT_TRUE(c.expect[0].events.has_value());
    EXPECT_EQ(c.expect[0].events->size(), 1000u);
    EXPECT_EQ(c.expect[0].events->back().payload.size(), 4096u);
    EXPECT_TRUE(c.measure_throughput);
    EXPECT_GT(c.timeout_ms, 0u);
}

TEST(CatalogTest, KuhnSequencesMatchValidity) {
    // 6.6.n sends the first n octets of "kosme"; a prefix is valid on code point ends only.
    for (int n = 1; n <= 11; ++n) {
        const Case& c = find_case("6.6." + std::to_string(n));
        const bool valid = n == 2 || n == 5 || n == 7 || n == 9 || n == 11;
        EXPECT_EQ(c.expect_close.closed_by_me, valid) << n;
        EXPECT_EQ(c.expect_close.wrong_endpoint_is_fatal, !valid) << n;
        EXPECT_EQ(std::get<MessageStep>(c.steps[0]).payload.size(), static_cast<unsigned>(n));
    }
}

TEST(CatalogTest, OversizedHeaderValueIsExpandedFromAPattern) {
    const Case& c = find_case("hs.7.6");
    ASSERT_TRUE(c.handshake.has_value());
    ASSERT_EQ(c.handshake->add_headers.size(), 1u);
    EXPECT_EQ(c.handshake->add_headers[0].second, std::string(65536, 'a'));
    EXPECT_TRUE(c.expect_close.not_applicable);
}

TEST(CatalogTest, ClientHandshakeCasesDescribeTheServersResponse) {
    const Case& wrong = find_case("hsc.2.1");
    ASSERT_TRUE(wrong.handshake_response.has_value());
    EXPECT_EQ(wrong.handshake_response->accept, HandshakeResponse::Accept::wrong);
    EXPECT_EQ(wrong.handshake_response->status, 101);
    const Case& status = find_case("hsc.1.2");
    EXPECT_EQ(status.handshake_response->status, 400);
    ASSERT_EQ(status.handshake_response->headers.size(), 1u);
    EXPECT_EQ(status.handshake_response->headers[0].first, "Content-Length");
    const Case& missing = find_case("hsc.3.1");
    EXPECT_EQ(missing.handshake_response->remove_headers, std::vector<std::string>{"Upgrade"});
    const Case& big = find_case("hsc.5.1");
    EXPECT_EQ(big.handshake_response->add_headers.at(0).second.size(), 256u * 1024u);
    EXPECT_EQ(find_case("hsc.6.3").handshake_response->chop, 7u);
}

TEST(CatalogTest, TenPingCasesAcceptPongsForOnlyTheLatestPingAsNonStrict) {
    // RFC 6455 5.5.3: "the endpoint MAY elect to send a Pong frame for only the most
    // recently processed Ping frame".
    for (const char* id : {"2.10", "2.11"}) {
        const Case& c = find_case(id);
        ASSERT_EQ(c.expect.size(), 2u) << id;
        EXPECT_EQ(c.expect[0].match, EventsMatch::exact);
        EXPECT_EQ(c.expect[1].verdict, "NON-STRICT");
        EXPECT_EQ(c.expect[1].match, EventsMatch::subsequence_with_last);
        EXPECT_NE(c.expect[1].note.find("most recently processed Ping frame"), std::string::npos);
    }
}

TEST(CatalogTest, UnsolicitedPongCasesCountUnsolicitedPongsFirst) {
    for (const char* id : {"2.7", "2.8"}) {
        const Case& c = find_case(id);
        ASSERT_EQ(c.expect.size(), 3u) << id;
        EXPECT_TRUE(c.expect[0].count_unsolicited_pongs);
        EXPECT_EQ(c.expect[1].verdict, "NON-STRICT");
        EXPECT_FALSE(c.expect[2].count_unsolicited_pongs);
    }
}

TEST(CatalogTest, MalformedCloseCasesRequireACodeInTheReply) {
    for (const char* id : {"7.3.2", "7.3.6", "7.5.1", "7.9.1", "7.9.9"})
        EXPECT_TRUE(find_case(id).expect_close.require_code) << id;
    for (const char* id : {"7.1.1", "7.3.1", "7.7.1"})
        EXPECT_FALSE(find_case(id).expect_close.require_code) << id;
}

TEST(CatalogTest, OnlyUndefinedCloseCodeCasesTolerateABrokenRule) {
    for (const Case& c : catalog()) {
        const bool undefined_code = c.id.rfind("7.13.", 0) == 0;
        EXPECT_EQ(c.expect_close.tolerated_violations,
                  undefined_code ? std::vector<std::string>{"invalid_close_code"}
                                 : std::vector<std::string>{})
            << c.id;
    }
}

TEST(PayloadTest, MaterializesEachForm) {
    Payload text;
    text.text = "abc";
    EXPECT_EQ(text.materialize(), "abc");
    EXPECT_EQ(text.size(), 3u);

    Payload pattern;
    pattern.kind = Payload::Kind::pattern;
    pattern.bytes = "BAsd7&jh23";
    pattern.length = 25;
    EXPECT_EQ(pattern.materialize(), "BAsd7&jh23BAsd7&jh23BAsd7");
    EXPECT_EQ(pattern.size(), 25u);

    Payload close;
    close.kind = Payload::Kind::close;
    close.close_code = 1002;
    close.close_reason = "x";
    EXPECT_EQ(close.materialize(), std::string("\x03\xea"
                                               "x",
                                               3));
    EXPECT_EQ(close.size(), 3u);

    Payload no_code;
    no_code.kind = Payload::Kind::close;
    no_code.close_reason = "a";
    EXPECT_EQ(no_code.materialize(), "a");
}

// ---------------------------------------------------------------------------------------
// Malformed files

class MalformedCaseFileTest : public ::testing::Test {
  protected:
    void SetUp() override {
        static std::atomic<int> counter{0};
        dir_ = fs::temp_directory_path() / ("wsspec_case_loader_" + std::to_string(::getpid()) +
                                            "_" + std::to_string(counter++));
        fs::create_directories(dir_);
    }
    void TearDown() override {
        std::error_code ec;
        fs::remove_all(dir_, ec);
    }

    fs::path write(const std::string& name, const std::string& content) {
        fs::path p = dir_ / name;
        std::ofstream(p, std::ios::binary) << content;
        return p;
    }

    // A file holding one case whose only step is `step` (JSON); `extra` adds case keys.
    static std::string one_case(const std::string& id, const std::string& step,
                                const std::string& extra = "") {
        return R"({"group": "1.1", "title": "t", "cases": [
  {"id": ")" + id +
               R"(", "description": "d", "rfc": ["RFC 6455 5.6"], "requirement": "r",
   "roles": ["server", "client"], "steps": [)" +
               step + R"(],
   "expect": [{"verdict": "OK", "events": []}],
   "expect_close": {"closed_by_me": true, "codes": [1000], "require_clean": true})" +
               extra + R"(}
]})";
    }

    // Loads `content` as one file and returns the error message ("" if it loaded).
    std::string error_for(const std::string& content, const std::string& name = "bad.json") {
        fs::path p = write(name, content);
        path_ = p.string();
        try {
            load_catalog(p);
        } catch (const CaseLoadError& e) {
            return e.what();
        }
        return "";
    }

    fs::path dir_;
    std::string path_;
};

TEST_F(MalformedCaseFileTest, Http2CasesAreServerOnlyAndNameRealErrorCodes) {
    const std::string h2 = R"(, "h2": {"remove_fields": [":path"], "extra_streams": 2})";
    const auto has = [](const std::string& msg, const std::string& part) {
        return msg.find(part) != std::string::npos;
    };
    EXPECT_TRUE(has(error_for(one_case("1.1.1", R"({"h2_stream": {"reset": "CANCEL"}})", h2)),
                    "roles must be [\"server\"]"));
    EXPECT_TRUE(has(error_for(one_case("1.1.1", R"({"h2_stream": {"reset": "CANCELLED"}})")),
                    "unknown HTTP/2 error code"));
    EXPECT_TRUE(has(error_for(one_case("1.1.1", R"({"h2_stream": {}})")), "either \"reset\""));
}

TEST_F(MalformedCaseFileTest, Http2ResponsesAreClientOnlyWithFinalStatusesAndOpenWindows) {
    const auto has = [](const std::string& msg, const std::string& part) {
        return msg.find(part) != std::string::npos;
    };
    const std::string step = R"({"frame": {"opcode": "text", "payload": "hi"}})";
    EXPECT_TRUE(has(error_for(one_case("1.1.1", step, R"(, "h2_response": {"status": 202})")),
                    "roles must be [\"client\"]"));
    std::string client_only = one_case("1.1.1", step, R"(, "h2_response": {"status": 101})");
    client_only.replace(client_only.find(R"("server", "client")"), 18, R"("client")");
    EXPECT_TRUE(has(error_for(client_only), "a final status"));
    client_only = one_case("1.1.1", step, R"(, "h2_response": {"initial_window_size": 0})");
    client_only.replace(client_only.find(R"("server", "client")"), 18, R"("client")");
    EXPECT_TRUE(has(error_for(client_only), "never let the client answer"));
    client_only = one_case("1.1.1", step, R"(, "h2_response": {"withdraw": true})");
    client_only.replace(client_only.find(R"("server", "client")"), 18, R"("client")");
    EXPECT_FALSE(error_for(client_only).empty());  // unknown key
    client_only =
        one_case("1.1.1", step,
                 R"(, "h2_response": {"status": 202, "add_fields": [["connection", "upgrade"]],
                                "withdraw_connect_protocol": true, "initial_window_size": 16})");
    client_only.replace(client_only.find(R"("server", "client")"), 18, R"("client")");
    EXPECT_EQ(error_for(client_only), "");
}

TEST(CatalogTest, Http2ClientCasesChangeTheAnswerOrTheStream) {
    const Case& status = find_case("h2cl.1.2");
    ASSERT_TRUE(status.h2_response);
    EXPECT_EQ(status.h2_response->status, 202);
    const Case& fields = find_case("h2cl.3.1");
    ASSERT_TRUE(fields.h2_response);
    ASSERT_EQ(fields.h2_response->add_fields.size(), 1U);
    EXPECT_EQ(fields.h2_response->add_fields[0].first, "connection");
    EXPECT_TRUE(find_case("h2cl.2.1").h2_response->withdraw_connect_protocol);
    EXPECT_EQ(find_case("h2cl.5.2").h2_response->initial_window_size, 1U);
    // Each quotes the rule it checks; a FAILED rests on a MUST.
    for (const char* id : {"h2cl.3.1", "h2cl.3.5", "h2cl.5.1"})
        EXPECT_NE(find_case(id).requirement.find("MUST"), std::string::npos) << id;
}

TEST_F(MalformedCaseFileTest, ValidMinimalFileLoads) {
    EXPECT_EQ(error_for(one_case("1.1.1", R"({"frame": {"opcode": "text", "payload": "hi"}})")),
              "");
}

TEST_F(MalformedCaseFileTest, UnknownOpcodeNamesFilePointerAndChoices) {
    std::string msg = error_for(one_case("1.1.1", R"({"frame": {"opcode": "txt"}})"));
    EXPECT_EQ(msg, path_ +
                       ": /cases/0/steps/0/frame/opcode: unknown opcode \"txt\" (expected "
                       "text, binary, continuation, close, ping, pong or 0-15)");
}

TEST_F(MalformedCaseFileTest, OpcodeAbove15IsRejected) {
    std::string msg = error_for(one_case("1.1.1", R"({"frame": {"opcode": 16}})"));
    EXPECT_NE(msg.find(path_ + ": /cases/0/steps/0/frame/opcode: unknown opcode 16"),
              std::string::npos)
        << msg;
}

TEST_F(MalformedCaseFileTest, MisspelledKeyIsAnError) {
    std::string msg =
        error_for(one_case("1.1.1", R"({"frame": {"opcode": "text", "paylod": "x"}})"));
    EXPECT_NE(msg.find(path_ + ": /cases/0/steps/0/frame/paylod: unknown key \"paylod\""),
              std::string::npos)
        << msg;
}

TEST_F(MalformedCaseFileTest, UnknownCaseKeyIsAnError) {
    std::string msg = error_for(one_case("1.1.1", R"({"close": {}})", R"(, "expect_clos": {})"));
    EXPECT_NE(msg.find(path_ + ": /cases/0/expect_clos: unknown key"), std::string::npos) << msg;
}

TEST_F(MalformedCaseFileTest, UnknownToleratedRuleIsAnError) {
    std::string content = one_case("1.1.1", R"({"close": {}})");
    const std::string close_key = R"("require_clean": true})";
    content.replace(content.find(close_key), close_key.size(),
                    R"("require_clean": true, "tolerated_violations": ["bad_vibes"]})");
    const std::string msg = error_for(content);
    EXPECT_EQ(msg, path_ +
                       ": /cases/0/expect_close/tolerated_violations/0: unknown "
                       "rule \"bad_vibes\" (expected a codec error kind, e.g. "
                       "invalid_close_code)");
}

TEST_F(MalformedCaseFileTest, UnknownEventsMatchIsAnError) {
    std::string content = one_case("1.1.1", R"({"close": {}})");
    const std::string expect_key = R"({"verdict": "OK", "events": []})";
    content.replace(content.find(expect_key), expect_key.size(),
                    R"({"verdict": "OK", "events": [], "match": "prefix"})");
    const std::string msg = error_for(content);
    EXPECT_EQ(msg,
              path_ +
                  ": /cases/0/expect/0/match: unknown match \"prefix\" "
                  "(expected exact, subsequence_with_last, interleaved or interleaved_prefixes)");
}

TEST_F(MalformedCaseFileTest, ParseErrorNamesFileAndByte) {
    std::string msg = error_for(R"({"group": "1.1", "title": "t", "cases": [ }])");
    EXPECT_EQ(msg.rfind(path_ + ": byte ", 0), 0u) << msg;
    EXPECT_NE(msg.find("syntax error"), std::string::npos) << msg;
}

TEST_F(MalformedCaseFileTest, BadHexNamesPositionOfTheDigit) {
    std::string msg =
        error_for(one_case("1.1.1", R"({"frame": {"opcode": 2, "payload": {"hex": "cezz"}}})"));
    EXPECT_EQ(msg, path_ +
                       ": /cases/0/steps/0/frame/payload/hex: invalid hex digit 'z' at "
                       "position 2");
}

TEST_F(MalformedCaseFileTest, OddHexLengthIsRejected) {
    std::string msg = error_for(one_case("1.1.1", R"({"raw": {"hex": "abc"}})"));
    EXPECT_NE(msg.find(path_ + ": /cases/0/steps/0/raw/hex: hex string has an odd number"),
              std::string::npos)
        << msg;
}

TEST_F(MalformedCaseFileTest, StepWithTwoKindsIsRejected) {
    std::string msg =
        error_for(one_case("1.1.1", R"({"sleep": {"ms": 1}, "await": {"events": 1}})"));
    EXPECT_NE(msg.find(path_ + ": /cases/0/steps/0: a step has exactly one key"), std::string::npos)
        << msg;
}

TEST_F(MalformedCaseFileTest, UnknownStepKindIsRejected) {
    std::string msg = error_for(one_case("1.1.1", R"({"wait": {"ms": 1}})"));
    EXPECT_NE(msg.find(path_ + ": /cases/0/steps/0/wait: unknown step \"wait\""), std::string::npos)
        << msg;
}

TEST_F(MalformedCaseFileTest, MissingRequiredFieldIsNamed) {
    std::string msg = error_for(R"({"group": "1.1", "title": "t", "cases": [
        {"id": "1.1.1", "description": "d", "rfc": [], "requirement": "r", "roles": ["server"],
         "steps": [], "expect": [{"verdict": "OK"}]}]})");
    EXPECT_EQ(msg, path_ + ": /cases/0: missing required key \"expect_close\"");
}

TEST_F(MalformedCaseFileTest, FailedIsNotAnExpectableVerdict) {
    std::string content = one_case("1.1.1", R"({"close": {}})");
    content.replace(content.find("\"OK\""), 4, "\"FAILED\"");
    std::string msg = error_for(content);
    EXPECT_NE(msg.find(path_ + ": /cases/0/expect/0/verdict: unknown verdict \"FAILED\""),
              std::string::npos)
        << msg;
}

TEST_F(MalformedCaseFileTest, IdOutsideTheFilesGroupIsRejected) {
    std::string msg = error_for(one_case("2.1", R"({"close": {}})"));
    EXPECT_NE(msg.find(path_ + ": /cases/0/id: case id \"2.1\" is not in this file's group"),
              std::string::npos)
        << msg;
}

TEST_F(MalformedCaseFileTest, NegativeTimeoutIsRejected) {
    std::string msg = error_for(one_case("1.1.1", R"({"await_close": {"timeout_ms": -5}})"));
    EXPECT_EQ(msg, path_ +
                       ": /cases/0/steps/0/await_close/timeout_ms: expected a non-negative "
                       "integer, got -5");
}

TEST_F(MalformedCaseFileTest, AwaitTakesEventsOrMoreNotBoth) {
    std::string msg = error_for(one_case("1.1.1", R"({"await": {"events": 2, "more": 1}})"));
    EXPECT_NE(msg.find(path_ + ": /cases/0/steps/0/await: give either"), std::string::npos) << msg;
}

TEST_F(MalformedCaseFileTest, PauseBeyondThePayloadIsRejected) {
    std::string msg = error_for(one_case(
        "1.1.1",
        R"({"frame": {"opcode": "text", "payload": "abc", "pauses": [{"after": 4, "ms": 1}]}})"));
    EXPECT_NE(msg.find(path_ + ": /cases/0/steps/0/frame/pauses/0/after: pause after 4 bytes"),
              std::string::npos)
        << msg;
}

TEST_F(MalformedCaseFileTest, PayloadWithTwoFormsIsRejected) {
    std::string msg = error_for(one_case(
        "1.1.1", R"({"frame": {"opcode": "text", "payload": {"text": "a", "hex": "61"}}})"));
    EXPECT_NE(msg.find(path_ + ": /cases/0/steps/0/frame/payload: payload has both"),
              std::string::npos)
        << msg;
}

TEST_F(MalformedCaseFileTest, UnknownRoleIsRejected) {
    std::string content = one_case("1.1.1", R"({"close": {}})");
    content.replace(content.find("\"client\""), 8, "\"browser\"");
    std::string msg = error_for(content);
    EXPECT_EQ(msg, path_ +
                       ": /cases/0/roles/1: unknown role \"browser\" (expected server or "
                       "client)");
}

TEST_F(MalformedCaseFileTest, HandshakeResponseNeedsAClientOnlyCase) {
    const std::string response = R"(, "handshake_response": {"status": 200})";
    std::string msg = error_for(one_case("1.1.1", R"({"close": {}})", response));
    EXPECT_NE(msg.find(path_ + ": /cases/0/handshake_response: a handshake_response is what "
                               "wsspec answers as the server"),
              std::string::npos)
        << msg;
    std::string client_only = one_case("1.1.1", R"({"close": {}})", response);
    client_only.replace(client_only.find("\"server\", "), 10, "");
    EXPECT_EQ(error_for(client_only), "");
}

TEST_F(MalformedCaseFileTest, HandshakeResponseAcceptIsValidOrWrong) {
    std::string content =
        one_case("1.1.1", R"({"close": {}})", R"(, "handshake_response": {"accept": "bogus"})");
    content.replace(content.find("\"server\", "), 10, "");
    const std::string msg = error_for(content);
    EXPECT_EQ(msg, path_ +
                       ": /cases/0/handshake_response/accept: unknown accept \"bogus\" "
                       "(expected valid or wrong)");
}

TEST_F(MalformedCaseFileTest, RawHandshakeResponseExcludesOtherKeys) {
    std::string content =
        one_case("1.1.1", R"({"close": {}})",
                 R"(, "handshake_response": {"raw": "HTTP/1.1 101 X\r\n\r\n", "status": 101})");
    content.replace(content.find("\"server\", "), 10, "");
    const std::string msg = error_for(content);
    EXPECT_NE(msg.find("/cases/0/handshake_response/status: \"status\" cannot be combined with "
                       "\"raw\""),
              std::string::npos)
        << msg;
}

TEST_F(MalformedCaseFileTest, MessageOpcodeMustBeData) {
    std::string msg = error_for(one_case("1.1.1", R"({"message": {"opcode": "ping"}})"));
    EXPECT_NE(msg.find(path_ + ": /cases/0/steps/0/message/opcode: a message is text or binary"),
              std::string::npos)
        << msg;
}

TEST_F(MalformedCaseFileTest, PointerEscapesSlashAndTilde) {
    std::string msg = error_for(one_case("1.1.1", R"({"frame": {"opcode": 1, "a/b~c": 1}})"));
    EXPECT_NE(msg.find("/cases/0/steps/0/frame/a~1b~0c: unknown key"), std::string::npos) << msg;
}

TEST_F(MalformedCaseFileTest, NestedRepeatStepsReportTheirPath) {
    std::string msg = error_for(one_case(
        "1.1.1", R"({"repeat": {"times": 2, "steps": [{"sleep": {"ms": 1}}, {"sleep": {}}]}})"));
    EXPECT_EQ(msg, path_ + ": /cases/0/steps/0/repeat/steps/1/sleep: missing required key \"ms\"");
}

TEST_F(MalformedCaseFileTest, DuplicateIdsAcrossFilesNameBothFiles) {
    fs::path a = write("a.json", one_case("1.1.1", R"({"close": {}})"));
    fs::path b = write("b.json", one_case("1.1.1", R"({"close": {}})"));
    try {
        load_catalog(dir_);
        FAIL() << "duplicate ids were accepted";
    } catch (const CaseLoadError& e) {
        EXPECT_EQ(std::string(e.what()), b.string() +
                                             ": /cases/0/id: duplicate case id "
                                             "\"1.1.1\" (already defined in " +
                                             a.string() + ")");
    }
}

TEST_F(MalformedCaseFileTest, DirectoryLoadSkipsSchemaAndSortsFiles) {
    write("case.schema.json", "{\"not\": \"a case file\"}");
    write("b.json", one_case("1.1.2", R"({"close": {}})"));
    write("a.json", one_case("1.1.9", R"({"close": {}})"));
    write("notes.txt", "ignored");
    auto cases = load_catalog(dir_);
    ASSERT_EQ(cases.size(), 2u);
    EXPECT_EQ(cases[0].id, "1.1.9");  // a.json first
    EXPECT_EQ(cases[1].id, "1.1.2");
    EXPECT_EQ(cases[0].source_file, (dir_ / "a.json").string());
}

TEST_F(MalformedCaseFileTest, MissingPathIsAnError) {
    try {
        load_catalog(dir_ / "nope");
        FAIL();
    } catch (const CaseLoadError& e) {
        EXPECT_EQ(std::string(e.what()), (dir_ / "nope").string() + ": no such file or directory");
    }
}

TEST_F(MalformedCaseFileTest, EventRepeatExpandsAndCloseNullMeansEmptyBody) {
    fs::path p = write("ok.json", R"({"group": "1.1", "title": "t", "cases": [
  {"id": "1.1.1", "description": "d", "rfc": ["x"], "requirement": "r", "roles": ["client"],
   "steps": [{"close": {"code": null}}],
   "expect": [{"verdict": "OK", "events": [{"type": "pong", "payload": "p", "repeat": 3},
                                           {"type": "mark", "name": "A"}]}],
   "expect_close": {}}]})");
    auto cases = load_catalog(p);
    ASSERT_EQ(cases.size(), 1u);
    const Case& c = cases[0];
    EXPECT_FALSE(std::get<CloseStep>(c.steps[0]).code.has_value());
    ASSERT_EQ(c.expect[0].events->size(), 4u);
    EXPECT_EQ((*c.expect[0].events)[2].kind, Event::Kind::pong);
    EXPECT_EQ((*c.expect[0].events)[3].kind, Event::Kind::mark);
    EXPECT_EQ((*c.expect[0].events)[3].payload.text, "A");
    EXPECT_EQ(c.expect_close.codes, std::vector<std::uint16_t>{1000});  // defaults
}

}  // namespace
}  // namespace wsspec::cases
