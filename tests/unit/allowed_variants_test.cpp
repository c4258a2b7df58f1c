// The RFC-allowed variants of the reference peers: names parse, and what they write is
// still valid RFC 6455 that a strict receiver (the codec) reassembles into the same message.
#include "harness/peer/allowed_variants.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "harness/codec/close_payload.h"

namespace wsspec::peer {
namespace {

// Fixed, so the frames these tests inspect are the same on every run.
constexpr std::uint64_t test_mask_seed = 0x5EED;

// What a strict receiver makes of the bytes.
struct Received : codec::ConnectionHandler {
    std::vector<std::string> log;
    std::size_t frames = 0;
    void on_frame(const codec::FrameHeader&) override { ++frames; }
    void on_message(codec::MessageType type, std::string_view p) override {
        log.push_back((type == codec::MessageType::text ? "text:" : "binary:") + std::string(p));
    }
    void on_ping(std::string_view p) override { log.push_back("ping:" + std::string(p)); }
    void on_pong(std::string_view p) override { log.push_back("pong:" + std::string(p)); }
    void on_close(const codec::ClosePayload& c) override {
        log.push_back("close:" + (c.code ? std::to_string(*c.code) : std::string("none")) + ":" +
                      std::string(c.reason));
    }
    void on_error(const codec::ProtocolError& e) override {
        log.push_back("error:" + std::string(e.reason));
    }
};

Received receive_as_client(std::string bytes) {
    codec::Connection client(codec::Role::client, {}, test_mask_seed);
    Received r;
    client.receive(reinterpret_cast<std::uint8_t*>(bytes.data()), bytes.size(), r);
    return r;
}

std::string echo(const char* variants, codec::MessageType type, std::string_view payload) {
    codec::Connection server(codec::Role::server, {}, test_mask_seed);
    std::string out;
    append_echo(out, server, parse_variants(variants), type, payload);
    return out;
}

TEST(AllowedVariantsTest, ParsesNamesAndRejectsUnknownOnes) {
    const VariantSet v = parse_variants("heartbeat-ping, close-1000");
    EXPECT_TRUE(v.has(Variant::heartbeat_ping));
    EXPECT_TRUE(v.has(Variant::close_1000));
    EXPECT_FALSE(v.has(Variant::late_pong));
    try {
        parse_variants("no-such-variant");
        FAIL() << "no error";
    } catch (const std::invalid_argument& e) {
        EXPECT_NE(std::string(e.what()).find("unknown variant 'no-such-variant'"),
                  std::string::npos)
            << e.what();
    }
}

TEST(AllowedVariantsTest, FragmentedEchoesReassembleToTheSameMessage) {
    const std::string text = "κόσμε Hello, world";  // split inside code points too
    for (const char* v : {"", "fragmented-echo", "small-fragments"}) {
        const Received r = receive_as_client(echo(v, codec::MessageType::text, text));
        EXPECT_EQ(r.log, std::vector<std::string>{"text:" + text}) << v;
    }
    EXPECT_EQ(receive_as_client(echo("small-fragments", codec::MessageType::text, text)).frames,
              (text.size() + 2) / 3);
}

TEST(AllowedVariantsTest, PingBetweenFragmentsComesBeforeTheMessage) {
    const Received r = receive_as_client(
        echo("ping-in-fragments", codec::MessageType::binary, std::string("\x00\xff\x10\x20", 4)));
    EXPECT_EQ(r.log, (std::vector<std::string>{"ping:heartbeat",
                                               "binary:" + std::string("\x00\xff\x10\x20", 4)}));
}

TEST(AllowedVariantsTest, CloseRepliesAreValidCloses) {
    const auto reply = [](const char* variants, std::optional<std::uint16_t> code) {
        codec::Connection server(codec::Role::server, {}, test_mask_seed);
        std::string out;
        append_close_reply(out, server, parse_variants(variants), code);
        return receive_as_client(out).log;
    };
    EXPECT_EQ(reply("", 3000), std::vector<std::string>{"close:3000:"});
    EXPECT_EQ(reply("close-1000", 3000), std::vector<std::string>{"close:1000:"});
    EXPECT_EQ(reply("close-reason", 3000), std::vector<std::string>{"close:3000:bye"});
    EXPECT_EQ(reply("empty-close-reply", 3000), std::vector<std::string>{"close:none:"});
    EXPECT_EQ(reply("close-reason", std::nullopt), std::vector<std::string>{"close:none:"});
}

}  // namespace
}  // namespace wsspec::peer
