// The judge on its own: small synthetic cases and observations, no sockets. Every behavior
// verdict (OK, NON-STRICT, INFORMATIONAL, UNIMPLEMENTED, FAILED) and every close verdict
// (OK, WRONG CODE, UNCLEAN, FAILED BY CLIENT, FAILED), in both roles, with the reasons.
#include "harness/oracle/judge.h"

#include "harness/cases/payload_digest.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace wsspec::oracle {
namespace {

using cases::Role;
using ::testing::HasSubstr;

constexpr Role both_roles[] = {Role::server, Role::client};

cases::Payload text(std::string s) {
    cases::Payload p;
    p.kind = cases::Payload::Kind::text;
    p.text = std::move(s);
    return p;
}

cases::Event want_message(std::string s) {
    cases::Event e;
    e.kind = cases::Event::Kind::message;
    e.payload = text(std::move(s));
    return e;
}

cases::Event want_pong(std::string s) {
    cases::Event e;
    e.kind = cases::Event::Kind::pong;
    e.payload = text(std::move(s));
    return e;
}

cases::Event want_ping(std::string s) {
    cases::Event e;
    e.kind = cases::Event::Kind::ping;
    e.payload = text(std::move(s));
    return e;
}

cases::Expectation alternative(std::string verdict, std::vector<cases::Event> events,
                               std::string note = {}) {
    cases::Expectation e;
    e.verdict = std::move(verdict);
    e.events = std::move(events);
    e.note = std::move(note);
    return e;
}

// An echo case: send "Hello", expect it back, close with 1000 (the usual shape).
cases::Case echo_case() {
    cases::Case c;
    c.id = "t.1";
    c.roles = {Role::server, Role::client};
    c.expect = {alternative("OK", {want_message("Hello")}, "the message was echoed")};
    return c;
}

// A case where we send a malformed Close and the peer must fail the connection (7.9.*).
cases::Case malformed_close_case() {
    cases::Case c;
    c.id = "t.7.9";
    c.expect = {alternative("OK", {}, "the invalid code was rejected")};
    c.expect_close.closed_by_me = true;
    c.expect_close.codes = {1002};
    c.expect_close.require_clean = false;
    c.expect_close.wrong_code_is_fatal = true;
    c.expect_close.require_code = true;
    return c;
}

ObservedEvent message(std::string s) {
    ObservedEvent e;
    e.kind = ObservedEvent::Kind::message;
    e.size = s.size();
    e.payload = std::move(s);
    return e;
}

ObservedEvent ping(std::string s) {
    ObservedEvent e;
    e.kind = ObservedEvent::Kind::ping;
    e.size = s.size();
    e.payload = std::move(s);
    return e;
}

ObservedEvent pong(std::string s, bool unsolicited = false) {
    ObservedEvent e;
    e.kind = ObservedEvent::Kind::pong;
    e.size = s.size();
    e.payload = std::move(s);
    e.unsolicited = unsolicited;
    return e;
}

// We closed with 1000, the peer answered 1000, and the side that closes TCP first did.
Observation clean_close(Role under_test, std::vector<ObservedEvent> events = {}) {
    Observation o;
    o.handshake.attempted = under_test == Role::server;
    o.handshake.completed = true;
    o.handshake.status = 101;
    o.events = std::move(events);
    o.closed_by_me = true;
    o.close_sent = o.close_received = true;
    o.local_close_code = 1000;
    o.remote_close_code = 1000;
    // RFC 6455 7.1.1: the server closes TCP first; testing a client, that is wsspec.
    o.peer_closed_tcp = under_test == Role::server;
    o.dropped_by_me = under_test == Role::client;
    return o;
}

// The peer broke a rule; wsspec failed the connection (and, as client, dropped TCP).
void peer_broke(Observation& o, Role under_test, std::string kind, std::string rule) {
    o.failed_by_me = true;
    o.peer_violation = std::move(rule);
    o.peer_violation_kind = std::move(kind);
    o.close_received = false;
    o.remote_close_code.reset();
    o.dropped_by_me = true;
    o.peer_closed_tcp = false;
    (void)under_test;
}

std::string role_name(Role r) {
    return r == Role::server ? "server" : "client";
}

// ---- behavior verdicts ---------------------------------------------------------------------

TEST(Judge, MatchingAlternativeGivesItsVerdictAndNote) {
    for (const Role r : both_roles) {
        const Judgement j = judge(echo_case(), clean_close(r, {message("Hello")}), r);
        EXPECT_EQ(j.behavior, verdict::ok) << role_name(r);
        EXPECT_EQ(j.result,
                  "the message was echoed. Observed: message(text, 5 bytes) \"Hello\"; the "
                  "peer's Close carried 1000.");
        EXPECT_EQ(j.behavior_close, verdict::ok);
        EXPECT_EQ(j.result_close, "Connection was properly closed.");
        EXPECT_TRUE(passed(j, true));
    }
}

TEST(Judge, FirstMatchingAlternativeWinsAndNonStrictPassesOnlyWhenNotStrict) {
    cases::Case c = echo_case();
    c.expect.push_back(alternative("NON-STRICT", {}, "failed before echoing"));
    for (const Role r : both_roles) {
        const Judgement j = judge(c, clean_close(r), r);
        EXPECT_EQ(j.behavior, verdict::non_strict) << role_name(r);
        EXPECT_THAT(j.result, ::testing::StartsWith("failed before echoing. Observed: "));
        EXPECT_TRUE(passed(j, false));
        EXPECT_FALSE(passed(j, true));
    }
}

TEST(Judge, UnimplementedAlternativePasses) {
    cases::Case c = echo_case();
    c.expect.push_back(alternative("UNIMPLEMENTED", {}, "no support for this"));
    for (const Role r : both_roles) {
        const Judgement j = judge(c, clean_close(r), r);
        EXPECT_EQ(j.behavior, verdict::unimplemented) << role_name(r);
        EXPECT_TRUE(passed(j, true));
    }
}

TEST(Judge, InformationalCaseReportsBothVerdictsInformational) {
    cases::Case c = echo_case();
    c.informational = true;
    for (const Role r : both_roles) {
        Observation o = clean_close(r, {message("Hello")});
        o.remote_close_code = 1002;  // would be WRONG CODE in a normal case
        const Judgement j = judge(c, o, r);
        EXPECT_EQ(j.behavior, verdict::informational) << role_name(r);
        EXPECT_EQ(j.behavior_close, verdict::informational);
        EXPECT_THAT(j.result_close, HasSubstr("was 1002"));
    }
}

TEST(Judge, NoMatchingAlternativeIsFailedWithExpectedAndObserved) {
    for (const Role r : both_roles) {
        const Judgement j = judge(echo_case(), clean_close(r, {message("Bye")}), r);
        EXPECT_EQ(j.behavior, verdict::failed) << role_name(r);
        EXPECT_THAT(j.result, HasSubstr("Expected OK: message(text, 5 bytes) \"Hello\"."));
        EXPECT_THAT(j.result, HasSubstr("Observed "));
        EXPECT_THAT(j.result, HasSubstr("message(text, 3 bytes) \"Bye\"; close 1000."));
        EXPECT_FALSE(passed(j, false));
    }
}

TEST(Judge, TimeoutIsNamedInTheFailedReason) {
    Observation o = clean_close(Role::server);
    o.timed_out = true;
    o.timeout_note = "the peer did not close the connection within the case timeout";
    const Judgement j = judge(echo_case(), o, Role::server);
    EXPECT_EQ(j.behavior, verdict::failed);
    EXPECT_THAT(j.result, HasSubstr("(the peer did not close the connection within the case"));
}

TEST(Judge, PeerCrashFailsBothVerdicts) {
    Observation o = clean_close(Role::client, {message("Hello")});
    o.peer_crash = "exited with status 3";
    const Judgement j = judge(echo_case(), o, Role::client);
    EXPECT_EQ(j.behavior, verdict::failed);
    EXPECT_EQ(j.behavior_close, verdict::failed);
    EXPECT_THAT(j.result, HasSubstr("died during the case: exited with status 3"));
}

// ---- close verdicts ------------------------------------------------------------------------

TEST(Judge, CloseCodeOutsideTheListIsWrongCode) {
    for (const Role r : both_roles) {
        Observation o = clean_close(r, {message("Hello")});
        o.remote_close_code = 1001;
        const Judgement j = judge(echo_case(), o, r);
        EXPECT_EQ(j.behavior, verdict::ok) << role_name(r);
        EXPECT_EQ(j.behavior_close, verdict::wrong_code);
        EXPECT_EQ(j.result_close, "The close code should have been 1000 or empty, but was 1001.");
        EXPECT_FALSE(passed(j, false));
    }
}

TEST(Judge, WrongCodeIsFatalAlsoFailsBehavior) {
    cases::Case c = echo_case();
    c.expect_close.wrong_code_is_fatal = true;
    Observation o = clean_close(Role::server, {message("Hello")});
    o.remote_close_code = 1011;
    const Judgement j = judge(c, o, Role::server);
    EXPECT_EQ(j.behavior, verdict::failed);
    EXPECT_EQ(j.result,
              "Wrong close code, which fails this case: The close code should have been 1000 "
              "or empty, but was 1011.");
}

TEST(Judge, MissingCloseFrameIsUnclean) {
    for (const Role r : both_roles) {
        Observation o = clean_close(r, {message("Hello")});
        o.close_received = false;
        o.remote_close_code.reset();
        const Judgement j = judge(echo_case(), o, r);
        EXPECT_EQ(j.behavior_close, verdict::unclean) << role_name(r);
        EXPECT_EQ(j.result_close,
                  "The closing handshake did not complete: no close frame from the peer.");
    }
}

TEST(Judge, ServerThatLeavesTcpToUsIsFailedByClient) {
    Observation o = clean_close(Role::server, {message("Hello")});
    o.peer_closed_tcp = false;
    o.dropped_by_me = true;
    const Judgement j = judge(echo_case(), o, Role::server);
    EXPECT_EQ(j.behavior_close, verdict::failed_by_client);
    EXPECT_THAT(j.result_close, HasSubstr("the server should close it (RFC 6455 7.1.1)"));
}

TEST(Judge, ServerThatNeverFailsTheConnectionIsToldSo) {
    // pmd.3.14 against a server whose inflate error escaped its frame loop: no events (what
    // the case expects), but no Close and no TCP close either until the case timeout.
    cases::Case c;
    c.expect = {alternative("OK", {}, "failed the connection")};
    c.expect_close.closed_by_me = false;
    c.expect_close.codes = {1007};
    c.expect_close.require_clean = false;
    Observation o;
    o.handshake.attempted = o.handshake.completed = true;
    o.handshake.status = 101;
    o.timed_out = true;
    o.open_at_deadline = true;
    o.dropped_by_me = true;
    const Judgement j = judge(c, o, Role::server);
    EXPECT_EQ(j.behavior_close, verdict::failed_by_client);
    EXPECT_THAT(j.result_close, HasSubstr("sent no Close frame and kept the connection open"));
    EXPECT_FALSE(passed(j, false));
    // The same silence from a client (pmdc.3.6 against a client that ignored corrupt DEFLATE
    // data): wsspec, the server, drops TCP in any case, so only the deadline tells; FAILED.
    const Judgement client = judge(c, o, Role::client);
    EXPECT_EQ(client.behavior_close, verdict::failed);
    EXPECT_THAT(client.result_close, HasSubstr("The client sent no Close frame"));
    EXPECT_FALSE(passed(client, false));
    // A client that failed the connection in time passes, with wsspec closing TCP after it.
    Observation failed_in_time = o;
    failed_in_time.open_at_deadline = failed_in_time.timed_out = false;
    failed_in_time.close_received = failed_in_time.close_sent = true;
    failed_in_time.remote_close_code = 1007;
    EXPECT_EQ(judge(c, failed_in_time, Role::client).behavior_close, verdict::ok);
}

TEST(Judge, WsspecClosingTcpIsRightWhenTestingAClient) {
    // RFC 6455 7.1.1: wsspec is the server then, and the server closes TCP first.
    const Judgement j =
        judge(echo_case(), clean_close(Role::client, {message("Hello")}), Role::client);
    EXPECT_EQ(j.behavior_close, verdict::ok);
}

TEST(Judge, CloseStartedByTheWrongEndpointIsFailed) {
    for (const Role r : both_roles) {
        Observation o = clean_close(r, {message("Hello")});
        o.closed_by_me = false;
        const Judgement j = judge(echo_case(), o, r);
        EXPECT_EQ(j.behavior_close, verdict::failed) << role_name(r);
        EXPECT_EQ(j.result_close,
                  "Expected wsspec to close the connection, but the peer did (close code 1000).");
    }
}

TEST(Judge, PeerThatDoesNotFailWhenItMustIsFailedWhenWrongEndpointIsFatal) {
    cases::Case c;
    c.expect = {alternative("OK", {})};
    c.expect_close = {};
    c.expect_close.closed_by_me = false;
    c.expect_close.codes = {1007};
    c.expect_close.require_clean = false;
    c.expect_close.wrong_endpoint_is_fatal = true;
    for (const Role r : both_roles) {
        Observation o = clean_close(r);
        o.timed_out = true;
        const Judgement j = judge(c, o, r);
        EXPECT_EQ(j.behavior, verdict::failed) << role_name(r);
        EXPECT_EQ(j.behavior_close, verdict::failed);
        EXPECT_EQ(j.result,
                  "The peer did not fail the connection as required; it stayed silent until the "
                  "timeout.");
    }
}

TEST(Judge, UnfinishedOpeningHandshakeFailsTheClose) {
    Observation o;
    o.handshake.attempted = true;
    o.handshake.failure = "no HTTP response";
    const Judgement j = judge(echo_case(), o, Role::server);
    EXPECT_EQ(j.behavior, verdict::failed);
    EXPECT_EQ(j.result, "The opening handshake failed: no HTTP response");
    EXPECT_EQ(j.behavior_close, verdict::failed);
    EXPECT_EQ(j.result_close, "The opening handshake did not complete.");
}

// ---- a rule the peer broke -----------------------------------------------------------------

// 7.9.*: we send Close 1005; a peer that echoes the invalid code instead of failing the
// connection makes wsspec fail it ("close code ... not allowed on the wire"). RFC 6455 7.4.1:
// 1005 "MUST NOT be set as a status code in a Close control frame by an endpoint".
TEST(Judge, ViolationByPeerNeverEndsOk) {
    const std::string rule =
        "close code that is reserved or not allowed on the wire (RFC 6455 7.4)";
    for (const Role r : both_roles) {
        Observation o = clean_close(r);
        peer_broke(o, r, "invalid_close_code", rule);
        const Judgement j = judge(malformed_close_case(), o, r);
        EXPECT_EQ(j.behavior, verdict::failed) << role_name(r);
        EXPECT_EQ(j.result, "The peer broke a rule, so wsspec failed the connection: " + rule +
                                ". Expected no broken rule; the events alone matched (OK).");
        EXPECT_FALSE(passed(j, false));
        EXPECT_THAT(j.observed, HasSubstr("peer violated: " + rule));
    }
}

TEST(Judge, ViolationByServerIsFailedByClient) {
    Observation o = clean_close(Role::server);
    peer_broke(o, Role::server, "invalid_close_code", "close code ... (RFC 6455 7.4)");
    const Judgement j = judge(malformed_close_case(), o, Role::server);
    EXPECT_EQ(j.behavior_close, verdict::failed_by_client);
    EXPECT_THAT(j.result_close, HasSubstr("The server sent what wsspec had to refuse (close code"));
}

TEST(Judge, ViolationByClientFailsTheClose) {
    Observation o = clean_close(Role::client);
    peer_broke(o, Role::client, "invalid_close_code", "close code ... (RFC 6455 7.4)");
    const Judgement j = judge(malformed_close_case(), o, Role::client);
    EXPECT_EQ(j.behavior_close, verdict::failed);
    EXPECT_EQ(j.result_close,
              "The client sent what wsspec had to refuse (close code ... (RFC 6455 7.4)), so "
              "wsspec failed the connection: it was failed by the wrong endpoint.");
}

TEST(Judge, ViolationOfUnknownKindIsNotTolerated) {
    cases::Case c = echo_case();
    c.expect_close.tolerated_violations = {"invalid_close_code"};
    for (const Role r : both_roles) {
        Observation o = clean_close(r, {message("Hello")});
        peer_broke(o, r, "", "something (RFC 6455 5.2)");
        EXPECT_EQ(judge(c, o, r).behavior, verdict::failed) << role_name(r);
    }
}

TEST(Judge, OtherViolationThanTheToleratedOneFails) {
    cases::Case c = echo_case();
    c.expect_close.require_clean = false;  // else UNCLEAN comes first: no Close from the peer
    c.expect_close.tolerated_violations = {"invalid_close_code"};
    Observation o = clean_close(Role::client, {message("Hello")});
    peer_broke(o, Role::client, "unmasked_client_frame", "unmasked frame (RFC 6455 5.1)");
    const Judgement j = judge(c, o, Role::client);
    EXPECT_EQ(j.behavior, verdict::failed);
    EXPECT_EQ(j.behavior_close, verdict::failed);
}

// 7.13.*: echoing code 5000 is what the case asks about; wsspec refuses that Close, but the
// case tolerates exactly that rule and stays INFORMATIONAL.
TEST(Judge, ToleratedViolationKeepsTheCaseInformational) {
    cases::Case c;
    c.informational = true;
    c.expect = {alternative("INFORMATIONAL", {}, "RFC 6455 does not define what happens")};
    c.expect[0].events.reset();
    c.expect_close.codes = {1000, 5000, 1002};
    c.expect_close.require_clean = false;
    c.expect_close.tolerated_violations = {"invalid_close_code"};
    for (const Role r : both_roles) {
        Observation o = clean_close(r);
        peer_broke(o, r, "invalid_close_code", "close code ... (RFC 6455 7.4)");
        const Judgement j = judge(c, o, r);
        EXPECT_EQ(j.behavior, verdict::informational) << role_name(r);
        EXPECT_EQ(j.behavior_close, verdict::informational);
        EXPECT_TRUE(passed(j, true));
    }
}

// ---- judgement call: an empty Close in answer to a malformed Close -------------------------

TEST(Judge, EmptyCloseAnsweringMalformedCloseIsNonStrict) {
    for (const Role r : both_roles) {
        Observation o = clean_close(r);
        o.remote_close_code.reset();  // an empty Close
        const Judgement j = judge(malformed_close_case(), o, r);
        EXPECT_EQ(j.behavior, verdict::non_strict) << role_name(r);
        EXPECT_EQ(j.result,
                  "Expected the peer to fail the connection with close code 1002; it answered "
                  "with an empty Close. Lenient, not conforming: RFC 6455 7.1.7 says the "
                  "endpoint failing the connection SHOULD send a Close frame with an "
                  "appropriate status code.");
        EXPECT_EQ(j.behavior_close, verdict::ok);
        EXPECT_TRUE(passed(j, false));
        EXPECT_FALSE(passed(j, true));
    }
}

TEST(Judge, FailingTheMalformedCloseWithItsCodeIsOk) {
    for (const Role r : both_roles) {
        Observation o = clean_close(r);
        o.remote_close_code = 1002;
        const Judgement j = judge(malformed_close_case(), o, r);
        EXPECT_EQ(j.behavior, verdict::ok) << role_name(r);
        EXPECT_EQ(j.behavior_close, verdict::ok);
    }
}

TEST(Judge, EmptyCloseAnsweringAValidCloseIsOk) {
    // RFC 6455 5.5.1: the reply only "typically" echoes the code; an empty body is allowed.
    for (const Role r : both_roles) {
        Observation o = clean_close(r, {message("Hello")});
        o.remote_close_code.reset();
        const Judgement j = judge(echo_case(), o, r);
        EXPECT_EQ(j.behavior, verdict::ok) << role_name(r);
        EXPECT_EQ(j.behavior_close, verdict::ok);
    }
}

// ---- what a peer may do at any time --------------------------------------------------------

TEST(Judge, PeerPingIsNotedButNotCounted) {
    for (const Role r : both_roles) {
        const Judgement j =
            judge(echo_case(), clean_close(r, {ping("heartbeat"), message("Hello")}), r);
        EXPECT_EQ(j.behavior, verdict::ok) << role_name(r);
        EXPECT_EQ(j.result,
                  "the message was echoed. Observed: ping(9 bytes) \"heartbeat\", "
                  "message(text, 5 bytes) \"Hello\"; the peer's Close carried 1000. Noted, not "
                  "counted: 1 Ping the peer sent on its own (RFC 6455 5.5.2/5.5.3 allow them at "
                  "any time).");
    }
}

TEST(Judge, UnsolicitedPongsAreNotedButNotCounted) {
    for (const Role r : both_roles) {
        const Judgement j = judge(
            echo_case(),
            clean_close(r, {pong("hb", true), message("Hello"), pong("hb", true), ping("")}), r);
        EXPECT_EQ(j.behavior, verdict::ok) << role_name(r);
        EXPECT_THAT(j.result, HasSubstr("Noted, not counted: 1 Ping the peer sent on its own, "
                                        "2 unsolicited Pongs (RFC"));
        EXPECT_THAT(j.observed, HasSubstr("pong(2 bytes) \"hb\" (unsolicited)"));
    }
}

TEST(Judge, PongAnsweringOurPingAlwaysCounts) {
    // A Pong to a Ping we sent is never a heartbeat (7.1.3: a Ping after our Close must not
    // be answered).
    cases::Case c = echo_case();
    c.expect = {alternative("OK", {})};
    const Judgement j = judge(c, clean_close(Role::server, {pong("")}), Role::server);
    EXPECT_EQ(j.behavior, verdict::failed);
    EXPECT_THAT(j.result, HasSubstr("Observed HTTP 101"));
}

TEST(Judge, PongWithOtherDataThanOurPingDoesNotAnswerIt) {
    // wrong-pong-payload: the session classifies it unsolicited; the expected Pong is missing.
    cases::Case c = echo_case();
    c.expect = {alternative("OK", {want_pong("Hello")})};
    const Judgement j = judge(c, clean_close(Role::server, {pong("", true)}), Role::server);
    EXPECT_EQ(j.behavior, verdict::failed);
    EXPECT_THAT(j.result, HasSubstr("Expected OK: pong(5 bytes) \"Hello\"."));
    EXPECT_THAT(j.result, HasSubstr("pong(0 bytes) (unsolicited)"));
}

TEST(Judge, ExpectationListingPingsCountsThePeersPings) {
    cases::Case c = echo_case();
    c.expect = {alternative("OK", {want_ping("x")}, "the peer pinged")};
    EXPECT_EQ(judge(c, clean_close(Role::client, {ping("x")}), Role::client).behavior, verdict::ok);
    EXPECT_EQ(judge(c, clean_close(Role::client, {}), Role::client).behavior, verdict::failed);
}

// 2.7/2.8: the case is about unsolicited Pongs, so its first alternatives count them.
cases::Case unsolicited_pong_case() {
    cases::Case c;
    c.expect = {alternative("OK", {}, "nothing was sent in reply"),
                alternative("NON-STRICT", {want_pong("p")}, "looks like an answer"),
                alternative("OK", {}, "heartbeats do not count")};
    c.expect[0].count_unsolicited_pongs = true;
    c.expect[1].count_unsolicited_pongs = true;
    return c;
}

TEST(Judge, CaseAboutUnsolicitedPongsCountsThem) {
    for (const Role r : both_roles) {
        const cases::Case c = unsolicited_pong_case();
        EXPECT_THAT(judge(c, clean_close(r), r).result,
                    ::testing::StartsWith("nothing was sent in reply. Observed: no events"));
        const Judgement answered = judge(c, clean_close(r, {pong("p", true)}), r);
        EXPECT_EQ(answered.behavior, verdict::non_strict) << role_name(r);
        EXPECT_THAT(answered.result, ::testing::StartsWith("looks like an answer. Observed: "));
        const Judgement heartbeat = judge(c, clean_close(r, {pong("hb", true)}), r);
        EXPECT_EQ(heartbeat.behavior, verdict::ok);
        EXPECT_THAT(heartbeat.result, HasSubstr("heartbeats do not count. Observed: "));
        EXPECT_THAT(heartbeat.result, HasSubstr("Noted, not counted: 1 unsolicited Pong (RFC"));
    }
}

// 2.10: ten Pings; RFC 6455 5.5.3 lets a peer answer only the most recent of those waiting.
cases::Case ten_pings_case() {
    cases::Case c;
    std::vector<cases::Event> pongs;
    for (int i = 0; i < 10; ++i)
        pongs.push_back(want_pong("payload-" + std::to_string(i)));
    c.expect = {alternative("OK", pongs, "every Ping was answered"),
                alternative("NON-STRICT", pongs,
                            "MAY elect to send a Pong frame for only the "
                            "most recently processed Ping frame")};
    c.expect[1].match = cases::EventsMatch::subsequence_with_last;
    return c;
}

TEST(Judge, PongsForOnlyTheLatestPingsAreNonStrict) {
    for (const Role r : both_roles) {
        const cases::Case c = ten_pings_case();
        const Judgement latest = judge(c, clean_close(r, {pong("payload-9")}), r);
        EXPECT_EQ(latest.behavior, verdict::non_strict) << role_name(r);
        EXPECT_THAT(latest.result, HasSubstr("most recently processed Ping frame"));
        const Judgement some =
            judge(c, clean_close(r, {pong("payload-2"), pong("payload-5"), pong("payload-9")}), r);
        EXPECT_EQ(some.behavior, verdict::non_strict);
    }
}

TEST(Judge, PongsOutOfOrderOrWithoutTheLastAreFailed) {
    const cases::Case c = ten_pings_case();
    const Judgement j = judge(c, clean_close(Role::server, {pong("payload-8")}), Role::server);
    EXPECT_EQ(j.behavior, verdict::failed);
    EXPECT_THAT(j.result, HasSubstr("(or an in-order part of them ending with the last). Observed "
                                    "HTTP 101 (valid upgrade); pong(9 bytes) \"payload-8\";"));
    EXPECT_EQ(
        judge(c,
              clean_close(Role::server, {pong("payload-5"), pong("payload-2"), pong("payload-9")}),
              Role::server)
            .behavior,
        verdict::failed);
    EXPECT_EQ(judge(c, clean_close(Role::server, {}), Role::server).behavior, verdict::failed);
}

TEST(Judge, InterleavedAcceptsAPongBeforeAnEarlierEchoButKeepsEachKindInOrder) {
    cases::Case c;
    c.expect = {alternative("OK", {want_message("a"), want_message("b"), want_pong("p")},
                            "every answer arrived")};
    c.expect[0].match = cases::EventsMatch::interleaved;
    for (const Role r : both_roles) {
        EXPECT_EQ(judge(c, clean_close(r, {pong("p"), message("a"), message("b")}), r).behavior,
                  verdict::ok)
            << role_name(r);
        EXPECT_EQ(judge(c, clean_close(r, {message("a"), pong("p"), message("b")}), r).behavior,
                  verdict::ok);
        EXPECT_EQ(judge(c, clean_close(r, {message("b"), pong("p"), message("a")}), r).behavior,
                  verdict::failed);
        EXPECT_EQ(judge(c, clean_close(r, {message("a"), message("b")}), r).behavior,
                  verdict::failed);
        EXPECT_EQ(judge(c, clean_close(r, {message("a"), pong("p"), message("b"), pong("p")}), r)
                      .behavior,
                  verdict::failed);
    }
}

TEST(Judge, InterleavedPrefixesAcceptTheFirstOfEachKind) {
    cases::Case c;
    c.expect = {alternative("NON-STRICT", {want_message("a"), want_pong("p"), want_message("b")},
                            "failed before every answer was written")};
    c.expect[0].match = cases::EventsMatch::interleaved_prefixes;
    const Role r = Role::server;
    EXPECT_EQ(judge(c, clean_close(r, {pong("p")}), r).behavior, verdict::non_strict);
    EXPECT_EQ(judge(c, clean_close(r, {pong("p"), message("a")}), r).behavior, verdict::non_strict);
    EXPECT_EQ(judge(c, clean_close(r, {}), r).behavior, verdict::non_strict);
    EXPECT_EQ(judge(c, clean_close(r, {message("b")}), r).behavior, verdict::failed);
}

TEST(Judge, EchoSplitDifferentlyIsStillTheSameMessage) {
    // Fragmentation is reassembled before the judge sees it: one message event either way.
    const Judgement j =
        judge(echo_case(), clean_close(Role::client, {message("Hello")}), Role::client);
    EXPECT_EQ(j.behavior, verdict::ok);
}

TEST(Judge, CloseAnsweredWith1000InsteadOfTheEchoIsOk) {
    // RFC 6455 5.5.1: the reply "typically" echoes the code; 7.7.* list 1000 and the code.
    cases::Case c = echo_case();
    c.expect_close.codes = {1000, 3000};
    c.expect_close.wrong_code_is_fatal = true;
    Observation o = clean_close(Role::server, {message("Hello")});
    o.local_close_code = 3000;
    EXPECT_EQ(judge(c, o, Role::server).behavior_close, verdict::ok);
}

// ---- handshake cases -----------------------------------------------------------------------

cases::Case handshake_case() {
    cases::Case c;
    c.roles = {Role::server};
    cases::Expectation accepted;
    accepted.verdict = "OK";
    accepted.handshake.emplace();
    accepted.handshake->status = {101};
    accepted.handshake->accept_key_valid = true;
    accepted.handshake->header_has_token = {{"sec-websocket-extensions", "x-ok"}};
    accepted.note = "accepted";
    cases::Expectation refused;
    refused.verdict = "NON-STRICT";
    refused.handshake.emplace();
    refused.handshake->status_class = {4};
    refused.note = "refused a valid request";
    c.expect = {accepted, refused};
    c.expect_close.not_applicable = true;
    return c;
}

Observation handshake_answer(int status, std::vector<std::pair<std::string, std::string>> h) {
    Observation o;
    o.handshake.attempted = true;
    o.handshake.status = status;
    o.handshake.completed = status == 101;
    o.handshake.accept_key_valid = status == 101;
    o.handshake.headers = std::move(h);
    return o;
}

TEST(Judge, HeaderTokensAreSplitLikeTheCodecDoes) {
    // A comma inside a quoted-string does not split (RFC 7230 3.2.6); names and tokens
    // compare case-insensitively.
    const Judgement j = judge(
        handshake_case(),
        handshake_answer(101, {{"Sec-WebSocket-Extensions", "a; p=\"1,2\" , X-OK"}}), Role::server);
    EXPECT_EQ(j.behavior, verdict::ok);
    EXPECT_EQ(j.behavior_close, verdict::ok);
    const Judgement quoted = judge(
        handshake_case(), handshake_answer(101, {{"sec-websocket-extensions", "a; p=\"x,x-ok\""}}),
        Role::server);
    EXPECT_EQ(quoted.behavior, verdict::failed);
    EXPECT_THAT(quoted.result, HasSubstr("Expected OK: status 101, valid Sec-WebSocket-Accept"));
}

TEST(Judge, RefusalMatchingAnAlternativeGetsItsVerdict) {
    const Judgement j = judge(handshake_case(), handshake_answer(426, {}), Role::server);
    EXPECT_EQ(j.behavior, verdict::non_strict);
    EXPECT_THAT(j.result, ::testing::StartsWith("refused a valid request. Observed: HTTP "));
    EXPECT_EQ(j.behavior_close, verdict::ok);
    EXPECT_EQ(j.result_close,
              "No WebSocket connection was opened, so there was no closing handshake to judge.");
}

TEST(Judge, AllowedRefusalSkipsTheCloseOfACaseThatJudgesItsUpgradedConnection) {
    // pmd.4.5: an upgraded connection must close cleanly with 1000, but a refusal the case
    // allows (NON-STRICT 4xx) opened no connection: its close is not judged.
    cases::Case c = handshake_case();
    c.expect_close = {};
    c.expect_close.closed_by_me = true;
    c.expect_close.codes = {1000};
    const Judgement refused = judge(c, handshake_answer(400, {}), Role::server);
    EXPECT_EQ(refused.behavior, verdict::non_strict);
    EXPECT_EQ(refused.behavior_close, verdict::ok);
    EXPECT_EQ(refused.result_close,
              "No WebSocket connection was opened, so there was no closing handshake to judge.");
    // A refusal no alternative allows still fails both.
    const Judgement server_error = judge(c, handshake_answer(500, {}), Role::server);
    EXPECT_EQ(server_error.behavior, verdict::failed);
    EXPECT_EQ(server_error.behavior_close, verdict::failed);
}

TEST(Judge, MessageCutOnArrivalIsMatchedByItsDigest) {
    // pmd.3.23 expects a 128 MiB echo, more than a session keeps: the event holds a prefix,
    // its size and the whole payload's digest.
    cases::Payload zeros;
    zeros.kind = cases::Payload::Kind::pattern;
    zeros.bytes = std::string(1, '\0');
    zeros.length = 3 * 1024 * 1024 + 7;
    cases::Case c = echo_case();
    cases::Event want;
    want.kind = cases::Event::Kind::message;
    want.binary = true;
    want.payload = zeros;
    c.expect = {alternative("OK", {want}, "echoed")};
    const std::string whole = zeros.materialize();
    ObservedEvent got = message(whole.substr(0, 1024));
    got.binary = true;
    got.size = whole.size();
    got.digest = cases::digest_of(whole);
    EXPECT_EQ(judge(c, clean_close(Role::server, {got}), Role::server).behavior, verdict::ok);

    ObservedEvent changed = got;  // one octet differs past the kept prefix
    std::string other = whole;
    other[2 * 1024 * 1024] = '\1';
    changed.digest = cases::digest_of(other);
    EXPECT_EQ(judge(c, clean_close(Role::server, {changed}), Role::server).behavior,
              verdict::failed);
    ObservedEvent no_digest = got;  // cut without a digest: nothing to match it by
    no_digest.digest.clear();
    EXPECT_EQ(judge(c, clean_close(Role::server, {no_digest}), Role::server).behavior,
              verdict::failed);
}

TEST(Judge, BytesAfterARefusedClientHandshakeAreNotJudgedAsFrames) {
    // hsc.3.1: wsspec answers 101 without Upgrade; aiohttp refuses it and sends its next HTTP
    // request on the same connection, which the frame parser reads as RSV bits.
    cases::Case c;
    c.roles = {Role::client};
    c.expect = {alternative("OK", {}, "the client did not proceed")};
    c.expect_close.not_applicable = true;
    Observation o;
    o.handshake.completed = true;
    peer_broke(o, Role::client, "reserved_bits_set", "RSV bit set (RFC 6455 5.2)");
    const Judgement j = judge(c, o, Role::client);
    EXPECT_EQ(j.behavior, verdict::ok);
    EXPECT_EQ(j.behavior_close, verdict::ok);
    EXPECT_THAT(j.observed, HasSubstr("peer violated: RSV bit set"));
}

TEST(Judge, RefusingAValidRequestWithNoAlternativeForItIsFailed) {
    // hs.7.2: OWS around values; RFC 9110 5.5 "MUST exclude such whitespace prior to
    // evaluating the field value", so the case lists no refusal alternative.
    cases::Case c = handshake_case();
    c.expect.pop_back();
    const Judgement j = judge(c, handshake_answer(426, {}), Role::server);
    EXPECT_EQ(j.behavior, verdict::failed);
    EXPECT_THAT(j.result, HasSubstr("Observed HTTP 426"));
}

// ---- permessage-deflate ----------------------------------------------------------------------

cases::Case deflate_series_case() {
    cases::Case c;
    c.id = "12.1.1";
    c.permessage_deflate.emplace();
    c.expect.push_back(alternative("OK", {}));
    return c;
}

TEST(Judge, ADeflateCaseWithoutDeflateAgreedIsUnimplementedInBothRoles) {
    for (const Role r : both_roles) {
        Observation o = clean_close(r);
        o.handshake.deflate = "declined by the server";
        const Judgement j = judge(deflate_series_case(), o, r);
        EXPECT_EQ(j.behavior, verdict::unimplemented) << role_name(r);
        EXPECT_THAT(j.result, HasSubstr("permessage-deflate was not agreed (declined"));
        EXPECT_EQ(j.behavior_close, verdict::ok);
        EXPECT_TRUE(passed(j, true));
    }
}

TEST(Judge, AnEchoSeriesThatStoppedIsFailedWithWhatDiffered) {
    Observation o = clean_close(Role::server);
    o.handshake.deflate_agreed = true;
    o.series.emplace();
    o.series->count = 1000;
    o.series->echoed = 41;
    o.series->failure = "echo 42 has 15 bytes, sent 16";
    const Judgement j = judge(deflate_series_case(), o, Role::server);
    EXPECT_EQ(j.behavior, verdict::failed);
    EXPECT_THAT(j.result, HasSubstr("Expected 1000 echoes"));
    EXPECT_THAT(j.result, HasSubstr("41 matched, then echo 42 has 15 bytes, sent 16"));

    o.series->failure.clear();
    o.series->echoed = 1000;
    EXPECT_EQ(judge(deflate_series_case(), o, Role::server).behavior, verdict::ok);
}

TEST(Judge, AHandshakeMatchCanRequireDeflateAgreedOrDeclined) {
    cases::Case c;
    c.id = "pmd.1.1";
    c.permessage_deflate.emplace();
    cases::Expectation declined;
    declined.verdict = "OK";
    declined.handshake.emplace();
    declined.handshake->status = {101};
    declined.handshake->deflate_agreed = false;
    c.expect.push_back(declined);
    c.expect_close.not_applicable = true;

    Observation o = clean_close(Role::server);
    o.handshake.deflate = "declined by the server";
    EXPECT_EQ(judge(c, o, Role::server).behavior, verdict::ok);

    o.handshake.deflate_agreed = true;
    o.handshake.deflate = "agreed: permessage-deflate";
    const Judgement j = judge(c, o, Role::server);
    EXPECT_EQ(j.behavior, verdict::failed);
    EXPECT_THAT(j.expected, HasSubstr("permessage-deflate declined"));
}

// RFC 8441 cases: a malformed extended CONNECT answered by RST_STREAM PROTOCOL_ERROR is OK;
// the same request accepted with 200 matches nothing and is FAILED.
TEST(Judge, AStreamErrorMatchTakesTheResetCodeAndRefusesA200) {
    cases::Case c;
    c.id = "h2.4.1";
    cases::Expectation reset;
    reset.verdict = "OK";
    reset.handshake.emplace();
    reset.handshake->stream_error = {"PROTOCOL_ERROR"};
    c.expect.push_back(reset);
    c.expect_close.not_applicable = true;

    Observation o;
    o.handshake.attempted = true;
    o.handshake.http2 = true;
    o.handshake.failure = "RST_STREAM PROTOCOL_ERROR instead of a response";
    o.handshake.stream_error_frame = "RST_STREAM";
    o.handshake.stream_error = "PROTOCOL_ERROR";
    EXPECT_EQ(judge(c, o, Role::server).behavior, verdict::ok);

    o.handshake.stream_error = "CANCEL";
    EXPECT_EQ(judge(c, o, Role::server).behavior, verdict::failed);

    Observation accepted = clean_close(Role::server);
    accepted.handshake.http2 = true;
    accepted.handshake.status = 200;
    const Judgement j = judge(c, accepted, Role::server);
    EXPECT_EQ(j.behavior, verdict::failed);
    EXPECT_THAT(j.expected, HasSubstr("RST_STREAM or GOAWAY with PROTOCOL_ERROR"));
}

// What the HTTP/2 layer found on streams beside the case's own: a failure fails the case, a
// lapse makes an OK NON-STRICT.
TEST(Judge, Http2FailuresFailAndLapsesDowngradeAnOk) {
    cases::Case c;
    c.id = "h2.7.1";
    cases::Expectation any;
    any.verdict = "OK";
    c.expect.push_back(any);
    Observation o = clean_close(Role::server);
    o.h2_lapses.push_back("stream 3: answered 503");
    EXPECT_EQ(judge(c, o, Role::server).behavior, verdict::non_strict);
    o.h2_failures.push_back("stream 5 echoed \"x\"");
    const Judgement j = judge(c, o, Role::server);
    EXPECT_EQ(j.behavior, verdict::failed);
    EXPECT_THAT(j.result, HasSubstr("stream 5 echoed"));
}

TEST(Judge, AnAnswerFollowedLenientlyMakesAPassingCaseNonStrict) {
    Observation o = clean_close(Role::server);
    o.handshake.deflate_agreed = true;
    o.series.emplace();
    o.series->count = 1000;
    o.series->echoed = 1000;
    o.handshake.deflate_leniency = "the answer leaves out server_no_context_takeover";
    const Judgement j = judge(deflate_series_case(), o, Role::server);
    EXPECT_EQ(j.behavior, verdict::non_strict);
    EXPECT_THAT(j.result,
                HasSubstr("Non-strict: the answer leaves out server_no_context_takeover"));
    EXPECT_FALSE(passed(j, true));
    EXPECT_TRUE(passed(j, false));

    o.series->echoed = 41;  // a failure stays a failure
    o.series->failure = "echo 42 has 15 bytes, sent 16";
    EXPECT_EQ(judge(deflate_series_case(), o, Role::server).behavior, verdict::failed);
}

}  // namespace
}  // namespace wsspec::oracle
