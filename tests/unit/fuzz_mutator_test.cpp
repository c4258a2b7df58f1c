// The live fuzzer's mutations are reproducible: one seeded RNG, so the same seed and parent
// give the same child, and every frame carries its own mask key (the octets are known).
#include "harness/fuzzer/mutator.h"

#include "harness/fuzzer/handshake_mutator.h"

#include <gtest/gtest.h>

#include <set>
#include <string>
#include <vector>

#include "harness/cases/case_loader.h"
#include "harness/cases/case_writer.h"

namespace wsspec::fuzzer {
namespace {

const char* seed_file = R"({
  "group": "t",
  "title": "seeds",
  "cases": [{
    "id": "t.1", "description": "d", "rfc": ["RFC 6455 5.4"], "requirement": "r",
    "roles": ["server"],
    "steps": [
      {"message": {"opcode": "text", "payload": "Hello, fragmented world", "fragment_size": 5}},
      {"frame": {"opcode": "ping", "payload": "p"}},
      {"sleep": {"ms": 500, "mark": "A"}},
      {"await": {"events": 2, "timeout_ms": 1000}},
      {"close": {"code": 1000}}
    ],
    "expect": [{"verdict": "OK"}],
    "expect_close": {"closed_by_me": true, "codes": [1000], "require_clean": true}
  }]
})";

std::string dump(const FuzzInput& in) {
    std::string out;
    if (in.handshake) {
        cases::Case c;
        c.handshake = in.handshake;
        out += cases::case_to_json(c).dump() + "\n";
    }
    for (const auto& s : in.steps)
        out += cases::step_to_json(s).dump() + "\n";
    for (const auto& m : in.mutations)
        out += m + ",";
    return out;
}

FuzzInput seed() {
    static const auto loaded = cases::load_catalog_from_string(seed_file, "seed.json");
    Rng rng(99);
    FuzzInput in;
    EXPECT_TRUE(seed_from_case(loaded[0], rng, {}, in));
    return in;
}

TEST(FuzzMutator, SeedsBecomeFramesWithMaskKeysShortUnmarkedSleepsAndACloseFrame) {
    const FuzzInput in = seed();
    ASSERT_EQ(in.steps.size(), 8u);  // 5 fragments, ping, sleep, close (await dropped)
    for (const auto& s : in.steps) {
        if (const auto* f = std::get_if<cases::FrameStep>(&s)) {
            EXPECT_TRUE(f->mask_key.has_value());
        } else {
            const auto& sl = std::get<cases::SleepStep>(s);
            EXPECT_LE(sl.ms, MutationLimits{}.max_sleep_ms);
            EXPECT_TRUE(sl.mark.empty());
        }
    }
    EXPECT_EQ(std::get<cases::FrameStep>(in.steps.back()).opcode, 8);
}

TEST(FuzzMutator, SameSeedGivesTheSameInputs) {
    for (std::uint64_t s = 1; s <= 200; ++s) {
        FuzzInput a = seed(), b = seed();
        Rng ra(s), rb(s);
        mutate(a, ra, {});
        mutate(b, rb, {});
        ASSERT_EQ(dump(a), dump(b)) << "seed " << s;
    }
}

TEST(FuzzMutator, DifferentSeedsGiveDifferentInputs) {
    std::set<std::string> seen;
    for (std::uint64_t s = 1; s <= 50; ++s) {
        FuzzInput a = seed();
        Rng r(s);
        mutate(a, r, {});
        seen.insert(dump(a));
    }
    EXPECT_GT(seen.size(), 40u);
}

TEST(FuzzMutator, MutatedInputsStayWithinTheLimitsAndFramesKeepMaskKeys) {
    MutationLimits limits;
    for (std::uint64_t s = 1; s <= 300; ++s) {
        FuzzInput a = seed();
        Rng r(s);
        if (!mutate(a, r, limits)) continue;
        EXPECT_LE(a.steps.size(), limits.max_steps);
        EXPECT_LE(sent_bytes(a.steps), limits.max_bytes);
        EXPECT_TRUE(within_limits(a.steps, limits));
        for (const auto& st : a.steps) {
            if (const auto* f = std::get_if<cases::FrameStep>(&st)) {
                EXPECT_TRUE(f->mask_key.has_value()) << "seed " << s;
            }
        }
    }
}

TEST(FuzzMutator, EveryKindOfMutationComesUpIncludingHandshakeAndFragmentEdits) {
    std::set<std::string> names;
    for (std::uint64_t s = 1; s <= 3000; ++s) {
        FuzzInput a = seed();
        Rng r(s);
        mutate(a, r, {});
        names.insert(a.mutations.begin(), a.mutations.end());
    }
    for (const char* want :
         {"split-with-controls", "control-between-fragments", "fragment-size", "toggle-data-type",
          "close-code", "header-duplicate", "header-name-case-upper", "header-oversized",
          "header-drop", "header-reorder", "request-method", "payload-size"}) {
        EXPECT_TRUE(names.count(want)) << want;
    }
}

TEST(FuzzMutator, HandshakeEditsStartFromTheDefaultRequestAndLoadBackFromJson) {
    cases::HandshakeRequest hs;
    Rng r(5);
    for (int i = 0; i < 20; ++i)
        mutate_handshake(hs, r);
    EXPECT_FALSE(hs.headers.empty());
    cases::Case c;
    c.id = "fz.1.1";
    c.description = "d";
    c.rfc = {"RFC 6455 4.1"};
    c.requirement = "r";
    c.roles = {cases::Role::server};
    c.handshake = hs;
    c.expect.push_back({});
    c.expect.back().verdict = "OK";
    const std::string text = cases::case_file_text("fz", "t", {c});
    const auto loaded = cases::load_catalog_from_string(text, "fz.1.1.json");
    ASSERT_EQ(loaded.size(), 1u);
    ASSERT_TRUE(loaded[0].handshake.has_value());
    EXPECT_EQ(loaded[0].handshake->headers, hs.headers);
    EXPECT_EQ(loaded[0].handshake->method, hs.method);
}

TEST(FuzzMutator, ARequestAnnouncesContentByTransferEncodingOrANonZeroContentLength) {
    cases::HandshakeRequest hs = default_handshake();
    EXPECT_FALSE(announces_body(hs));
    hs.add_headers = {{"Content-Length", " 0 "}};
    EXPECT_FALSE(announces_body(hs));
    hs.add_headers = {{"content-length", "5"}};
    EXPECT_TRUE(announces_body(hs));
    hs.add_headers = {{"TRANSFER-ENCODING", "chunked"}};
    EXPECT_TRUE(announces_body(hs));
    cases::HandshakeRequest raw;
    raw.raw = "GET / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n";
    EXPECT_TRUE(announces_body(raw));
    // After the blank line that ends the head it is content, not a field.
    raw.raw = "GET / HTTP/1.1\r\nHost: a\r\n\r\nContent-Length: 5\r\n";
    EXPECT_FALSE(announces_body(raw));
}

TEST(FuzzMutator, TheReferenceServerSaysWhichRequestsRfc6455Refuses) {
    const std::string valid =
        "GET / HTTP/1.1\r\nHost: a\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
        "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n";
    EXPECT_FALSE(reference_refuses_request(valid));
    std::string old_http = valid;
    old_http.replace(old_http.find("HTTP/1.1"), 8, "HTTP/1.0");
    EXPECT_TRUE(reference_refuses_request(old_http));
    EXPECT_FALSE(reference_refuses_request(valid.substr(0, 40)));  // a log cut short
}

TEST(FuzzMutator, CloseReasonsTakeEveryLengthAControlFrameAllows) {
    std::set<std::size_t> lengths;
    for (std::uint64_t s = 1; s <= 4000; ++s) {
        FuzzInput a = seed();
        Rng r(s);
        mutate(a, r, {});
        for (const auto& st : a.steps) {
            const auto* f = std::get_if<cases::FrameStep>(&st);
            if (f != nullptr && f->payload.kind == cases::Payload::Kind::close &&
                f->payload.close_code)
                lengths.insert(f->payload.close_reason.size());
        }
    }
    EXPECT_GT(lengths.size(), 60u);
    EXPECT_TRUE(lengths.count(123) && lengths.count(124) && lengths.count(0));
}

}  // namespace
}  // namespace wsspec::fuzzer
