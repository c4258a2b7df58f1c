// The live fuzzer's oracle input: what a conforming server must answer to a sequence of
// client steps, derived with the reference codec. One test per outcome class: valid echoes,
// fragmented echoes with a Ping between fragments, each protocol error class (the required
// failure and its close codes), frames after a Close, and octets that end inside a frame.
#include "harness/fuzzer/expectation_derivation.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "harness/cases/case_loader.h"
#include "harness/cases/case_writer.h"
#include "harness/fuzzer/step_bytes.h"

namespace wsspec::fuzzer {
namespace {

using cases::Event;
using cases::FrameStep;
using cases::Step;
using ::testing::ElementsAre;

constexpr std::uint8_t text_op = 1, binary_op = 2, cont_op = 0, close_op = 8, ping_op = 9;

FrameStep frame(std::uint8_t opcode, std::string payload, bool fin = true) {
    FrameStep f;
    f.opcode = opcode;
    f.fin = fin;
    f.mask_key = 0x01020304;
    f.payload.kind = cases::Payload::Kind::hex;
    f.payload.bytes = std::move(payload);
    return f;
}

FrameStep close_frame(std::optional<std::uint16_t> code, std::string reason = {}) {
    FrameStep f = frame(close_op, "");
    f.payload.kind = cases::Payload::Kind::close;
    f.payload.close_code = code;
    f.payload.close_reason = std::move(reason);
    return f;
}

std::string describe_answers(const std::vector<Event>& events) {
    std::string out;
    for (const auto& e : events) {
        out += e.kind == Event::Kind::pong ? "pong:" : (e.binary ? "binary:" : "text:");
        out += e.payload.materialize() + ";";
    }
    return out;
}

bool is_await_close(const Step& s) {
    return std::holds_alternative<cases::AwaitCloseStep>(s);
}

TEST(FuzzExpectationDerivation, ValidMessagesAreEchoedThenOurCloseIsAnsweredCleanly) {
    const auto d = derive_expectations({frame(text_op, "Hello"), frame(binary_op, "\x01\x02")});
    EXPECT_EQ(d.outcome, DerivedOutcome::clean_close);
    EXPECT_EQ(describe_answers(d.answers), "text:Hello;binary:\x01\x02;");
    ASSERT_EQ(d.c.steps.size(), 4u);  // the two frames, our Close 1000, await_close
    const auto& close = std::get<FrameStep>(d.c.steps[2]);
    EXPECT_EQ(close.opcode, close_op);
    EXPECT_EQ(close.payload.close_code, std::optional<std::uint16_t>(1000));
    EXPECT_TRUE(is_await_close(d.c.steps[3]));
    // A peer's application may see our Close only after its library answered it: echoes
    // cut short by the Close reply are NON-STRICT (5.5.1).
    ASSERT_EQ(d.c.expect.size(), 3u);  // both echoes, the first, none
    EXPECT_EQ(d.c.expect[0].verdict, "OK");
    EXPECT_EQ(d.c.expect[1].verdict, "NON-STRICT");
    EXPECT_EQ(d.c.expect[1].events->size(), 1u);
    EXPECT_EQ(d.c.expect[2].events->size(), 0u);
    DerivationSettings waiting;
    waiting.await_answers_before_close = true;
    const auto w =
        derive_expectations({frame(text_op, "Hello"), frame(binary_op, "\x01\x02")}, waiting);
    ASSERT_EQ(w.c.steps.size(), 5u);  // an await for both echoes before our Close
    EXPECT_EQ(std::get<cases::AwaitStep>(w.c.steps[2]).events, 2u);
    EXPECT_EQ(w.c.expect.size(), 1u);
    EXPECT_TRUE(d.c.expect_close.closed_by_me);
    EXPECT_TRUE(d.c.expect_close.require_clean);
    EXPECT_THAT(d.c.expect_close.codes, ElementsAre(1000));
}

TEST(FuzzExpectationDerivation, FragmentedTextIsEchoedWholeAndAPingBetweenFragmentsAnsweredFirst) {
    // The euro sign is cut between the fragments: validity is judged over the message.
    const auto d = derive_expectations(
        {frame(text_op, "a\xE2\x82", false), frame(ping_op, "p"), frame(cont_op, "\xAC")});
    EXPECT_EQ(d.outcome, DerivedOutcome::clean_close);
    EXPECT_EQ(describe_answers(d.answers), "pong:p;text:a\xE2\x82\xAC;");
    EXPECT_FALSE(d.c.expect[0].count_unsolicited_pongs);
}

struct ErrorCase {
    const char* name;
    std::vector<Step> body;
    codec::ErrorKind kind;
    std::vector<std::uint16_t> codes;
    bool closed_by_me;
};

std::vector<ErrorCase> error_cases() {
    FrameStep rsv = frame(text_op, "x");
    rsv.rsv = 4;
    FrameStep unmasked = frame(text_op, "x");
    unmasked.mask = false;
    FrameStep msb = frame(binary_op, "x");
    msb.length = (std::uint64_t{1} << 63) | 1;
    msb.length_form = 64;
    return {
        {"reserved bits", {rsv}, codec::ErrorKind::reserved_bits_set, {1002}, false},
        {"reserved opcode", {frame(3, "x")}, codec::ErrorKind::reserved_opcode, {1002}, false},
        {"unmasked", {unmasked}, codec::ErrorKind::unmasked_client_frame, {1002}, false},
        {"invalid utf-8", {frame(text_op, "a\xFF")}, codec::ErrorKind::invalid_utf8, {1007}, false},
        {"text cut in a code point",
         {frame(text_op, "a\xE2\x82")},
         codec::ErrorKind::invalid_utf8,
         {1007},
         false},
        {"fragmented ping",
         {frame(ping_op, "p", false)},
         codec::ErrorKind::control_frame_fragmented,
         {1002},
         false},
        {"long ping",
         {frame(ping_op, std::string(126, 'p'))},
         codec::ErrorKind::control_frame_too_long,
         {1002},
         false},
        {"lone continuation",
         {frame(cont_op, "x")},
         codec::ErrorKind::continuation_without_start,
         {1002},
         false},
        {"text inside a fragmented message",
         {frame(text_op, "a", false), frame(text_op, "b")},
         codec::ErrorKind::data_frame_inside_fragmented_message,
         {1002},
         false},
        {"length msb", {msb}, codec::ErrorKind::length_msb_set, {1002}, false},
        {"close code 1005",
         {close_frame(1005)},
         codec::ErrorKind::invalid_close_code,
         {1002},
         true},
        {"close reason not utf-8",
         {close_frame(1000, "\xFF")},
         codec::ErrorKind::invalid_close_reason_utf8,
         {1002, 1007},
         true},
        {"one-byte close",
         {frame(close_op, "\x03")},
         codec::ErrorKind::close_payload_one_byte,
         {1002},
         true},
    };
}

TEST(FuzzExpectationDerivation, EachProtocolErrorRequiresTheServerToFailTheConnection) {
    for (const auto& ec : error_cases()) {
        SCOPED_TRACE(ec.name);
        const auto d = derive_expectations(ec.body);
        EXPECT_EQ(d.outcome, DerivedOutcome::fail);
        EXPECT_EQ(d.error, ec.kind);
        EXPECT_EQ(d.c.expect_close.codes, ec.codes);
        EXPECT_EQ(d.c.expect_close.closed_by_me, ec.closed_by_me);
        EXPECT_FALSE(d.c.expect_close.require_clean);
        // The wrong endpoint closing is fatal, or (our Close was the bad frame) the reply
        // must carry the right code.
        EXPECT_EQ(d.c.expect_close.wrong_endpoint_is_fatal, !ec.closed_by_me);
        EXPECT_EQ(d.c.expect_close.require_code, ec.closed_by_me);
        EXPECT_TRUE(is_await_close(d.c.steps.back()));
        EXPECT_THAT(d.c.requirement, ::testing::HasSubstr("RFC 6455"));
        EXPECT_THAT(d.c.requirement, ::testing::HasSubstr("MUST _Fail the WebSocket Connection_"));
    }
}

TEST(FuzzExpectationDerivation, AnswersBeforeTheErrorAreExpectedAndStepsAfterItAreNotSent) {
    FrameStep bad = frame(text_op, "bad");
    bad.rsv = 2;
    const auto d = derive_expectations({frame(text_op, "first"), bad, frame(ping_op, "late")});
    ASSERT_EQ(d.outcome, DerivedOutcome::fail);
    EXPECT_EQ(d.error_step, 1u);
    EXPECT_EQ(describe_answers(d.answers), "text:first;");
    ASSERT_EQ(d.c.steps.size(), 3u);  // first, bad, await_close: the Ping is dropped
    ASSERT_EQ(d.c.expect.size(), 2u);
    EXPECT_EQ(d.c.expect[0].verdict, "OK");
    EXPECT_EQ(d.c.expect[0].events->size(), 1u);
    EXPECT_EQ(d.c.expect[1].verdict, "NON-STRICT");  // failed before echoing (catalog 3.2)
    EXPECT_TRUE(d.c.expect[1].events->empty());
}

TEST(FuzzExpectationDerivation, FramesAfterOurCloseAreIgnored) {
    const auto d =
        derive_expectations({frame(text_op, "a"), close_frame(3000), frame(ping_op, "after")});
    EXPECT_EQ(d.outcome, DerivedOutcome::clean_close);
    EXPECT_EQ(describe_answers(d.answers), "text:a;");
    EXPECT_TRUE(d.c.expect_close.closed_by_me);
    EXPECT_THAT(d.c.expect_close.codes, ElementsAre(1000, 3000));  // echo or 1000
    EXPECT_EQ(d.c.steps.size(), 4u);  // everything sent, no Close appended
}

TEST(FuzzExpectationDerivation, AReplyToOurCloseMayCarryTheCodeOfAnErrorAfterIt) {
    // A peer that reads the reserved opcode behind our Close before it answers may answer
    // with 1002 (5.5.1: the reply only "typically" echoes the code).
    const auto d = derive_expectations({close_frame(3000), frame(3, "x")});
    EXPECT_EQ(d.outcome, DerivedOutcome::clean_close);
    EXPECT_THAT(d.c.expect_close.codes, ElementsAre(1000, 3000, 1002));
    EXPECT_TRUE(d.c.expect_close.wrong_code_is_fatal);
    // ... and, having read the Close, it owes the Ping before it no Pong (5.5.2).
    const auto p = derive_expectations({frame(ping_op, "p"), close_frame(3000), frame(3, "x")});
    ASSERT_EQ(p.c.expect.size(), 2u);
    EXPECT_EQ(p.c.expect[1].verdict, "NON-STRICT");
    EXPECT_EQ(p.c.expect[1].match, cases::EventsMatch::interleaved_prefixes);
    // Nothing wrong after the Close: the Pong is owed.
    EXPECT_EQ(derive_expectations({frame(ping_op, "p"), close_frame(3000)}).c.expect.size(), 1u);
}

TEST(FuzzExpectationDerivation, EveryErrorInTheOctetsSentGivesAnAllowedCode) {
    // One frame, two errors: unmasked (1002) and text that is not UTF-8 (1007); a peer may
    // check either first.
    FrameStep unmasked = frame(text_op, "a\xFF");
    unmasked.mask = false;
    EXPECT_THAT(derive_expectations({unmasked}).c.expect_close.codes, ElementsAre(1002, 1007));
    // A whole text message that is not UTF-8 and, in the same write, a frame with a reserved
    // opcode: a peer that parses the whole read before it validates the text fails with 1002.
    cases::RawStep both;
    both.bytes = client_frame_bytes(frame(text_op, "a\xFF")) + client_frame_bytes(frame(3, "x"));
    EXPECT_THAT(derive_expectations({both}).c.expect_close.codes, ElementsAre(1007, 1002));
    // The same frames as two steps: the second is not sent, only 1007 is right.
    EXPECT_THAT(derive_expectations({frame(text_op, "a\xFF"), frame(3, "x")}).c.expect_close.codes,
                ElementsAre(1007));
}

TEST(FuzzExpectationDerivation, ErrorsAfterASecondCloseCountToo) {
    FrameStep rsv = frame(text_op, "x");
    rsv.rsv = 4;
    EXPECT_THAT(
        derive_expectations({close_frame(1000), close_frame(1000), rsv}).c.expect_close.codes,
        ElementsAre(1000, 1002));
}

TEST(FuzzExpectationDerivation, OctetsAfterTheCloseInTheSameStepCountToo) {
    // An empty Close whose mask key is the next frame's first octets, and what is left of
    // that frame reads as a continuation with RSV1 set.
    cases::RawStep head;
    head.bytes = std::string("\x88\x80", 2);
    EXPECT_THAT(derive_expectations({head, close_frame(1000)}).c.expect_close.codes,
                ::testing::Contains(1002));
}

TEST(FuzzExpectationDerivation, EveryErrorAfterTheCloseCountsInWhateverOrderAPeerMeetsThem) {
    // After the Close: text that is not UTF-8 (1007, or read on: a peer that validates whole
    // messages meets the too-long Ping first, 1002) ...
    const auto d = derive_expectations(
        {close_frame(1000), frame(text_op, "\xFF", false), frame(ping_op, std::string(126, 'p'))});
    EXPECT_THAT(d.c.expect_close.codes, ElementsAre(1000, 1007, 1002));
    // ... and a continuation announcing 2^63 octets: a peer may refuse it as too big.
    FrameStep huge = frame(cont_op, "x");
    huge.length = (std::uint64_t{1} << 63) | 126;
    huge.length_form = 64;
    const auto big = derive_expectations({close_frame(1003), huge});
    EXPECT_GE(big.largest_announced, std::uint64_t{1} << 20);
}

TEST(FuzzExpectationDerivation, AfterTheCloseTheMessageInProgressStillCounts) {
    // A Close between fragments, then a new text frame: an error to a peer that reads on
    // (the message is still open), which may then drop the connection instead of answering.
    const auto d =
        derive_expectations({frame(text_op, "a", false), close_frame(1000), frame(text_op, "b")});
    EXPECT_EQ(d.outcome, DerivedOutcome::clean_close);
    EXPECT_THAT(d.c.expect_close.codes, ElementsAre(1000, 1002));
    EXPECT_FALSE(d.c.expect_close.require_clean);
    EXPECT_TRUE(derive_expectations({frame(text_op, "a"), close_frame(1000), frame(text_op, "b")})
                    .c.expect_close.require_clean);
}

TEST(FuzzExpectationDerivation, CloseCodesRegisteredAfterRfc6455MayBeTakenOrFailed) {
    EXPECT_THAT(derive_expectations({close_frame(1013)}).c.expect_close.codes,
                ElementsAre(1000, 1013, 1002));
    EXPECT_THAT(derive_expectations({close_frame(1011)}).c.expect_close.codes,
                ElementsAre(1000, 1011));
}

TEST(FuzzExpectationDerivation, OctetsAfterACloseSentAsRawOctetsCountToo) {
    // A Close 1000 and, in the same raw step, a frame with RSV1 and a reserved opcode.
    cases::RawStep raw;
    raw.bytes = client_frame_bytes(close_frame(1000)) + std::string("\xC6\x8D\xC6", 3);
    EXPECT_THAT(derive_expectations({raw}).c.expect_close.codes, ElementsAre(1000, 1002));
    // A header announcing 2^63 octets behind a second Close: a peer parsing ahead may say 1009.
    cases::RawStep huge;
    huge.bytes = std::string("\x81\xFF\x80\x00\x00\x00\x00\x00\x00\x02", 10);
    FrameStep bad_close = close_frame(std::nullopt);
    bad_close.payload.kind = cases::Payload::Kind::hex;
    bad_close.payload.bytes = std::string("\x00\xFE", 2);
    const auto d = derive_expectations({close_frame(1000), bad_close, huge});
    EXPECT_GE(d.largest_announced, std::uint64_t{1} << 62);
}

TEST(FuzzExpectationDerivation, AWholeTextFrameInsideAFragmentedMessageMayFailAsNotUtf8) {
    const auto d = derive_expectations({frame(binary_op, "", false), frame(text_op, "a\xE2\x82")});
    EXPECT_EQ(d.error, codec::ErrorKind::data_frame_inside_fragmented_message);
    EXPECT_THAT(d.c.expect_close.codes, ElementsAre(1002, 1007));
    // Valid text: only 1002.
    EXPECT_THAT(derive_expectations({frame(binary_op, "", false), frame(text_op, "ok")})
                    .c.expect_close.codes,
                ElementsAre(1002));
}

TEST(FuzzExpectationDerivation, TheCodeOfACloseThePeerShouldHaveRefusedIsKept) {
    FrameStep unmasked = close_frame(4185, "r");
    unmasked.mask = false;
    EXPECT_EQ(derive_expectations({unmasked}).close_code_if_taken, 4185);
    FrameStep rsv = frame(text_op, "x");
    rsv.rsv = 4;
    EXPECT_FALSE(derive_expectations({rsv}).close_code_if_taken);
}

TEST(FuzzExpectationDerivation, CloseCodesFrom5000UpAreNotJudged) {
    // RFC 6455 7.4.2 defines ranges up to 4999 and no answer to the codes above them.
    EXPECT_EQ(derive_expectations({close_frame(5000)}).outcome, DerivedOutcome::undefined);
    EXPECT_EQ(derive_expectations({close_frame(65535)}).outcome, DerivedOutcome::undefined);
    EXPECT_EQ(derive_expectations({close_frame(4999)}).outcome, DerivedOutcome::clean_close);
    EXPECT_EQ(derive_expectations({close_frame(2999)}).outcome, DerivedOutcome::fail);
}

TEST(FuzzExpectationDerivation, ACloseSentAsRawOctetsIsTheServersToAnswerAndEndsTheSteps) {
    cases::RawStep raw;
    raw.bytes = client_frame_bytes(close_frame(1000));
    const auto d = derive_expectations({raw, close_frame(1000)});
    EXPECT_EQ(d.outcome, DerivedOutcome::clean_close);
    EXPECT_FALSE(d.c.expect_close.closed_by_me);  // the session did not see itself close
    EXPECT_EQ(d.c.steps.size(), 2u);              // the Close frame step would race: dropped
}

TEST(FuzzExpectationDerivation, OctetsEndingInsideAFrameAreNotJudged) {
    FrameStep lie = frame(binary_op, "x");
    lie.length = 500;  // our Close is swallowed as payload; the frame never ends
    const auto d = derive_expectations({lie});
    EXPECT_EQ(d.outcome, DerivedOutcome::incomplete);
}

TEST(FuzzExpectationDerivation, AnErrorInsideAFrameTheStepsDoNotCompleteIsNotJudged) {
    // The length lies short: the text frame's last octet reads as the next frame's first,
    // whose RSV bits the reference codec rejects at once -- but a server may wait for that
    // frame's header and payload, which never come.
    FrameStep shortened = frame(text_op, "ab\xF0");
    shortened.length = 2;
    const auto d = derive_expectations({shortened});
    EXPECT_EQ(d.outcome, DerivedOutcome::incomplete);
    EXPECT_EQ(d.error, codec::ErrorKind::reserved_bits_set);
}

TEST(FuzzExpectationDerivation, InvalidUtf8BeforeTheLastFragmentMayWaitForTheMessageEnd) {
    const auto early = derive_expectations({frame(text_op, "a\xFF", false)});
    ASSERT_EQ(early.outcome, DerivedOutcome::fail);
    EXPECT_TRUE(early.server_may_wait);
    EXPECT_LT(std::get<cases::AwaitCloseStep>(early.c.steps.back()).timeout_ms, 1000u);
    const auto last = derive_expectations({frame(text_op, "a\xFF")});
    ASSERT_EQ(last.outcome, DerivedOutcome::fail);
    EXPECT_FALSE(last.server_may_wait);
}

TEST(FuzzExpectationDerivation, APongTheSessionCannotMatchToAPingStepIsCounted) {
    cases::RawStep raw;
    raw.bytes = client_frame_bytes(frame(ping_op, "raw"));
    const auto d = derive_expectations({raw});
    EXPECT_EQ(describe_answers(d.answers), "pong:raw;");
    EXPECT_TRUE(d.c.expect[0].count_unsolicited_pongs);
}

TEST(FuzzExpectationDerivation, DerivedCaseWrittenAsJsonLoadsBackTheSame) {
    FrameStep bad = frame(text_op, "caf\xC3");
    bad.chop = 2;
    auto d = derive_expectations({frame(binary_op, std::string("\x00\xFF", 2)), bad});
    d.c.id = "fz.1.1";
    d.c.description = "one line";
    const std::string text = cases::case_file_text("fz", "finding", {d.c});
    const auto loaded = cases::load_catalog_from_string(text, "fz.1.1.json");
    ASSERT_EQ(loaded.size(), 1u);
    EXPECT_EQ(cases::case_to_json(loaded[0]), cases::case_to_json(d.c));
    EXPECT_EQ(client_step_bytes(loaded[0].steps[1]), client_step_bytes(d.c.steps[1]));
}

}  // namespace
}  // namespace wsspec::fuzzer
