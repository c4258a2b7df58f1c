// Each bug the live fuzzer finds is reported once: crash signatures come from the sanitizer
// report (the last one, addresses dropped) or the Python exception, and judge/hang findings
// are named by where the peer's behaviour parted from the derived expectations, not by the
// shape of the input that reached it.
#include "harness/fuzzer/finding_signature.h"

#include <gtest/gtest.h>

#include "harness/oracle/judge.h"

namespace wsspec::fuzzer {
namespace {

constexpr const char* old_report =
    R"(stderr: ==7==ERROR: AddressSanitizer: stack-buffer-overflow on address 0x1
stderr:     #0 0x55 in format_reason server.cc:3
SUMMARY: AddressSanitizer: stack-buffer-overflow server.cc in format_reason
)";

constexpr const char* report = R"(stdout: listening on 127.0.0.1:9001
stderr: ==12==ERROR: AddressSanitizer: heap-buffer-overflow on address 0x602000000010
stderr: READ of size 1 at 0x602000000010 thread T0
stderr:     #0 0x4f5e2a in reassemble /src/frames.cc:10:3
stderr:     #1 0x4f5f00 in on_frame(int) /src/frames.cc:40
stderr:     #2 0x4f6000 in run_loop /src/server.cc:7
stderr:     #3 0x4f6100 in main /src/main.cc:2
stderr: 0x602000000010 is located 0 bytes after 16-byte region
stderr:     #0 0x4a0000 in malloc
stderr: SUMMARY: AddressSanitizer: heap-buffer-overflow /src/frames.cc:10:3 in reassemble
)";

TEST(FuzzFindingSignature, ACrashIsNamedByTheLastSanitizerReportsKindAndTopFrames) {
    EXPECT_EQ(crash_signature(std::string("killed by signal 6; last output:\n") + report),
              "AddressSanitizer:heap-buffer-overflow@reassemble<on_frame<run_loop");
    EXPECT_EQ(
        crash_signature(std::string("exited with status 1; last output:\n") + old_report + report),
        "AddressSanitizer:heap-buffer-overflow@reassemble<on_frame<run_loop");
}

TEST(FuzzFindingSignature, APythonCrashIsNamedByItsExceptionAndInnermostFrame) {
    const std::string out = R"(Traceback (most recent call last):
  File "server.py", line 10, in main
  File "server.py", line 22, in on_close
IndexError: list index out of range)";
    EXPECT_EQ(crash_signature("exited with status 1; last output:\n" + out), "IndexError@on_close");
}

TEST(FuzzFindingSignature, WithoutAReportACrashIsNamedByHowItDied) {
    EXPECT_EQ(crash_signature("killed by signal 11 (SIGSEGV); last output:\nbye"),
              "killed by signal 11 (SIGSEGV)");
}

cases::Event message(std::string bytes) {
    cases::Event e;
    e.payload.kind = cases::Payload::Kind::hex;
    e.payload.bytes = std::move(bytes);
    return e;
}

oracle::ObservedEvent observed(std::string bytes) {
    oracle::ObservedEvent e;
    e.size = bytes.size();
    e.payload = std::move(bytes);
    return e;
}

TEST(FuzzFindingSignature, AWrongEchoIsNamedTheSameWhateverTheInputsOutcome) {
    for (const auto outcome : {DerivedOutcome::clean_close, DerivedOutcome::fail}) {
        Derivation d;
        d.outcome = outcome;
        d.error = codec::ErrorKind::reserved_opcode;
        d.answers = {message("hello")};
        d.c.expect_close.codes = {1000, 1002};
        oracle::Observation obs;
        obs.events = {observed("hellO")};
        obs.close_received = true;
        obs.remote_close_code = 1000;
        obs.peer_closed_tcp = true;
        oracle::Judgement j;
        j.behavior = oracle::verdict::failed;
        EXPECT_EQ(divergence(d, obs, j), "wrong-bytes");
    }
}

TEST(FuzzFindingSignature, AnEchoThatIsNoLongerUtf8IsAWrongEchoToo) {
    Derivation d;
    d.outcome = DerivedOutcome::clean_close;
    d.answers = {message("caf\xC3\xA9")};
    d.c.expect_close.codes = {1000};
    oracle::Observation obs;  // the session refused the text message and failed
    obs.peer_violation_kind = "invalid_utf8";
    obs.failed_by_me = true;
    oracle::Judgement j;
    j.behavior = oracle::verdict::failed;
    EXPECT_EQ(divergence(d, obs, j), "wrong-bytes");
    obs.peer_violation_kind = "masked_server_frame";
    EXPECT_EQ(divergence(d, obs, j), "sent:masked_server_frame");
}

TEST(FuzzFindingSignature, AServerThatStoppedAnsweringIsNamedByTheFirstMissingAnswer) {
    Derivation d;
    d.outcome = DerivedOutcome::fail;
    d.error = codec::ErrorKind::reserved_bits_set;
    cases::Event pong = message("p");
    pong.kind = cases::Event::Kind::pong;
    d.answers = {pong, message("m")};
    d.c.expect_close.codes = {1002};
    oracle::Observation obs;  // nothing came back, and the connection stayed open
    obs.timed_out = true;
    oracle::Judgement j;
    j.behavior = oracle::verdict::non_strict;  // failing before answering is NON-STRICT
    EXPECT_EQ(divergence(d, obs, j), "missing-pong");
    d.answers.clear();
    EXPECT_EQ(divergence(d, obs, j), "accepted:reserved_bits_set");
}

TEST(FuzzFindingSignature, APeerThatTookTheBadFrameIsOneFindingPerRuleHoweverItWentOn) {
    Derivation d;
    d.outcome = DerivedOutcome::fail;
    d.error = codec::ErrorKind::unmasked_client_frame;
    d.c.expect_close.codes = {1002};
    oracle::Judgement j;
    j.behavior = oracle::verdict::failed;
    oracle::Observation echoed;  // answered the unmasked Ping
    echoed.events.push_back({});
    echoed.events.back().kind = oracle::ObservedEvent::Kind::pong;
    echoed.events.back().payload = "y";
    echoed.events.back().size = 1;
    EXPECT_EQ(divergence(d, echoed, j), "accepted:unmasked_client_frame");
    oracle::Observation normal_close;  // answered an unmasked Close as a normal one
    normal_close.close_received = true;
    normal_close.remote_close_code = 1000;
    EXPECT_EQ(divergence(d, normal_close, j), "accepted:unmasked_client_frame");
    d.close_code_if_taken = 4185;  // the code of the unmasked Close, echoed: taken too
    oracle::Observation echoed_close;
    echoed_close.close_received = true;
    echoed_close.remote_close_code = 4185;
    EXPECT_EQ(divergence(d, echoed_close, j), "accepted:unmasked_client_frame");
    oracle::Observation wrong_code;  // failed, with a code of no error there: not the same
    wrong_code.close_received = true;
    wrong_code.remote_close_code = 1011;
    EXPECT_EQ(divergence(d, wrong_code, j), "fail-code:1011");
}

TEST(FuzzFindingSignature, AValidInputFailedWithACodeIsNamedByTheCode) {
    Derivation d;
    d.outcome = DerivedOutcome::clean_close;
    d.answers = {message("a")};
    d.c.expect_close.codes = {1000};
    oracle::Observation obs;
    obs.close_received = true;
    obs.remote_close_code = 1002;
    oracle::Judgement j;
    j.behavior = oracle::verdict::failed;
    EXPECT_EQ(divergence(d, obs, j), "close-code:1002");
}

}  // namespace
}  // namespace wsspec::fuzzer
