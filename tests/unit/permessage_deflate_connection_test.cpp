// permessage-deflate in the Connection (RFC 7692 6, 7.2): round trips between a client and a
// server Connection for every agreed parameter combination, the RFC's own examples, RSV1
// rules, fragmentation at every byte, a decompression bomb against the message size limit,
// UTF-8 judged on inflated bytes, corrupt and truncated data, window and context-takeover
// violations.
#include <gtest/gtest.h>
#include <malloc.h>
#include <zlib.h>

#include <cstdint>
#include <functional>
#include <memory>
#include <random>
#include <string>
#include <vector>

#include "harness/codec/connection.h"
#include "harness/codec/frame_writer.h"
#include "harness/codec/permessage_deflate.h"
#include "tests/unit/deflate_streams.h"

namespace wsspec::codec {
namespace {

// ---- helpers ------------------------------------------------------------------------------

struct Received {
    MessageType type;
    std::string payload;
    bool operator==(const Received&) const = default;
};

class Recorder : public ConnectionHandler {
  public:
    void on_frame(const FrameHeader& h) override { frames.push_back(h); }
    void on_message(MessageType type, std::string_view payload) override {
        messages.push_back({type, std::string(payload)});
    }
    void on_ping(std::string_view payload) override { pings.emplace_back(payload); }
    void on_error(const ProtocolError& e) override {
        errors.push_back(e.kind);
        close_code = e.close_code;
        if (on_error_hook) on_error_hook();
    }

    std::vector<FrameHeader> frames;
    std::vector<Received> messages;
    std::vector<std::string> pings;
    std::vector<ErrorKind> errors;
    std::uint16_t close_code = 0;
    std::function<void()> on_error_hook;
};

bool feed(Connection& c, std::string_view data, Recorder& r) {
    std::vector<std::uint8_t> buffer(data.begin(), data.end());
    return c.receive(buffer.data(), buffer.size(), r);
}

std::string hex(std::initializer_list<int> values) {
    std::string out;
    for (const int v : values)
        out.push_back(static_cast<char>(v));
    return out;
}

// A frame with every header bit chosen (masked when a client sends it).
std::string frame(Role sender, std::uint8_t opcode, std::uint8_t rsv, bool fin,
                  std::string_view payload) {
    FrameSpec spec;
    spec.opcode = opcode;
    spec.rsv = rsv;
    spec.fin = fin;
    spec.masked = sender == Role::client;
    spec.mask_key = {0x37, 0xfa, 0x21, 0x3d};
    std::string out;
    append_frame(out, spec, payload);
    return out;
}

constexpr std::uint64_t test_mask_seed = 0x5EED;

constexpr std::uint8_t op_text = 0x1;
constexpr std::uint8_t op_binary = 0x2;
constexpr std::uint8_t op_cont = 0x0;
constexpr std::uint8_t op_ping = 0x9;

Role other(Role r) {
    return r == Role::client ? Role::server : Role::client;
}

// A connection with permessage-deflate in use.
std::unique_ptr<Connection> deflate_connection(Role role, const PerMessageDeflateParams& agreed,
                                               ConnectionLimits limits = {},
                                               const PerMessageDeflateOptions& options = {}) {
    auto c = std::make_unique<Connection>(role, limits, test_mask_seed);
    c->use_extension(make_permessage_deflate(role, agreed, options));
    return c;
}

// Raw DEFLATE of `data` as zlib makes it with these settings, flush tail removed.
std::string raw_deflate(std::string_view data, int window_bits = 15, int level = 6) {
    z_stream z{};
    EXPECT_EQ(deflateInit2(&z, level, Z_DEFLATED, -window_bits, 8, Z_DEFAULT_STRATEGY), Z_OK);
    std::string out(deflateBound(&z, data.size()) + 64, '\0');
    z.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(data.data()));
    z.avail_in = static_cast<uInt>(data.size());
    z.next_out = reinterpret_cast<Bytef*>(out.data());
    z.avail_out = static_cast<uInt>(out.size());
    EXPECT_EQ(deflate(&z, Z_SYNC_FLUSH), Z_OK);
    out.resize(out.size() - z.avail_out);
    deflateEnd(&z);
    EXPECT_GE(out.size(), 4U);
    out.resize(out.size() - 4);
    return out;
}

std::string random_bytes(std::size_t n, unsigned seed) {
    std::mt19937 rng(seed);
    std::string s(n, '\0');
    for (auto& c : s)
        c = static_cast<char>(rng() & 0xFF);
    return s;
}

// Text that compresses: words from a small vocabulary.
std::string compressible_text(std::size_t n, unsigned seed) {
    static const char* words[] = {
        "alpha ",       "beta ", "gamma ", "delta ", "websocket ", "deflate ", "\xC3\xA9t\xC3\xA9 ",
        "\xE2\x82\xAC "};
    std::mt19937 rng(seed);
    std::string s;
    while (s.size() < n)
        s += words[rng() % 8];
    return s;
}

// ---- round trips ------------------------------------------------------------------------

struct Combination {
    bool snct, cnct;
    int smwb, cmwb;
};

std::string name_of(const Combination& c) {
    return std::string(c.snct ? "Snct" : "") + (c.cnct ? "Cnct" : "") + "S" +
           std::to_string(c.smwb) + "C" + std::to_string(c.cmwb);
}

class DeflateRoundTrip : public ::testing::TestWithParam<Combination> {};

TEST_P(DeflateRoundTrip, EveryMessageArrivesAsSentInBothDirections) {
    const Combination& k = GetParam();
    const PerMessageDeflateParams agreed{k.snct, k.cnct, static_cast<std::uint8_t>(k.smwb),
                                         static_cast<std::uint8_t>(k.cmwb)};
    const std::vector<Received> sent = {
        {MessageType::text, "Hello"},
        {MessageType::text, "Hello"},
        {MessageType::text, ""},
        {MessageType::text, ""},
        {MessageType::binary, random_bytes(3000, 1)},
        {MessageType::text, compressible_text(70000, 2)},
        {MessageType::binary, std::string(200000, 'z')},
        {MessageType::text, ""},
        {MessageType::binary, random_bytes(40000, 3) + random_bytes(40000, 3)},
        {MessageType::text, compressible_text(5000, 4)},
    };
    for (const Role sender : {Role::client, Role::server}) {
        auto tx = deflate_connection(sender, agreed);
        auto rx = deflate_connection(other(sender), agreed);
        std::string wire;
        for (const auto& m : sent)
            ASSERT_EQ(tx->write_message(wire, m.type, m.payload), WriteStatus::written);
        // A fragmented one too, with an empty middle fragment.
        const std::string big = compressible_text(30000, 5);
        ASSERT_EQ(tx->write_fragment(wire, MessageType::text, big.substr(0, 10000), false),
                  WriteStatus::written);
        ASSERT_EQ(tx->write_fragment(wire, MessageType::text, "", false), WriteStatus::written);
        ASSERT_EQ(tx->write_fragment(wire, MessageType::binary, big.substr(10000), true),
                  WriteStatus::written);
        Recorder r;
        ASSERT_TRUE(feed(*rx, wire, r))
            << error_kind_name(r.errors.empty() ? ErrorKind::none : r.errors[0]);
        std::vector<Received> expected = sent;
        expected.push_back({MessageType::text, big});
        EXPECT_EQ(r.messages, expected);
        // RSV1 on every first frame (and only there), the compressed size far below the raw.
        for (const auto& h : r.frames)
            EXPECT_EQ(h.rsv, h.opcode == op_cont ? 0 : rsv1);
        EXPECT_LT(wire.size(), 240000U);
    }
}

std::vector<Combination> all_combinations() {
    std::vector<Combination> out;
    for (bool snct : {false, true})
        for (bool cnct : {false, true})
            for (int smwb : {8, 9, 12, 15})
                for (int cmwb : {8, 9, 12, 15})
                    out.push_back({snct, cnct, smwb, cmwb});
    return out;
}

INSTANTIATE_TEST_SUITE_P(AllAgreedParameters, DeflateRoundTrip,
                         ::testing::ValuesIn(all_combinations()),
                         [](const auto& info) { return name_of(info.param); });

TEST(DeflateEncoder, WindowBits8CompressesLiteralsOnly) {
    PerMessageDeflate server(Role::server, {false, false, 8, 15});
    EXPECT_TRUE(server.deflate_literals_only());
    EXPECT_EQ(server.deflate_window_bits(), 9);
    PerMessageDeflate client(Role::client, {false, false, 8, 15});
    EXPECT_FALSE(client.deflate_literals_only());
    EXPECT_EQ(client.deflate_window_bits(), 15);
    PerMessageDeflate client8(Role::client, {false, false, 15, 8});
    EXPECT_TRUE(client8.deflate_literals_only());

    // Literals only: a 256-byte window inflater takes a highly repetitive message whole.
    std::string wire;
    ASSERT_EQ(server.begin_outbound_message(true), rsv1);
    ASSERT_TRUE(server.encode(std::string(5000, 'a') + random_bytes(1000, 9), true, wire));
    z_stream z{};
    ASSERT_EQ(inflateInit2(&z, -8), Z_OK);
    wire += hex({0x00, 0x00, 0xff, 0xff});
    std::string out(7000, '\0');
    z.next_in = reinterpret_cast<Bytef*>(wire.data());
    z.avail_in = static_cast<uInt>(wire.size());
    // One byte of output per call: zlib's distance check is then exact (see the header).
    std::size_t produced = 0;
    int ret = Z_OK;
    while (ret == Z_OK && produced < out.size()) {
        z.next_out = reinterpret_cast<Bytef*>(out.data() + produced);
        z.avail_out = 1;
        ret = inflate(&z, Z_SYNC_FLUSH);
        produced += 1 - z.avail_out;
        if (z.avail_out == 1) break;
    }
    EXPECT_NE(ret, Z_DATA_ERROR);
    EXPECT_EQ(produced, 6000U);
    inflateEnd(&z);
}

// ---- RFC 7692 7.2.3 examples ----------------------------------------------------------------

const std::string hello_compressed = hex({0xf2, 0x48, 0xcd, 0xc9, 0xc9, 0x07, 0x00});

TEST(DeflateRfcExamples, EncoderProducesTheRfcBytesForHello) {
    auto client = deflate_connection(Role::server, {});
    std::string wire;
    ASSERT_EQ(client->write_message(wire, MessageType::text, "Hello"), WriteStatus::written);
    // 7.2.3.1, unmasked server frame: 0xc1 0x07 then the compressed bytes.
    EXPECT_EQ(wire, hex({0xc1, 0x07}) + hello_compressed);
    wire.clear();
    ASSERT_EQ(client->write_message(wire, MessageType::text, "Hello"), WriteStatus::written);
    // 7.2.3.2: the second "Hello" refers to the first.
    EXPECT_EQ(wire, hex({0xc1, 0x05, 0xf2, 0x00, 0x11, 0x00, 0x00}));
}

TEST(DeflateRfcExamples, NoContextTakeoverRepeatsTheFirstEncoding) {
    auto server = deflate_connection(Role::server, {true, false, 15, 15});
    std::string a, b;
    server->write_message(a, MessageType::text, "Hello");
    server->write_message(b, MessageType::text, "Hello");
    EXPECT_EQ(a, b);
}

struct ExampleRow {
    const char* name;
    std::vector<std::string> frames;  // payloads; the first carries RSV1
};

class DeflateRfcDecoding : public ::testing::TestWithParam<ExampleRow> {};

TEST_P(DeflateRfcDecoding, DecodesToHello) {
    const ExampleRow& row = GetParam();
    auto client = deflate_connection(Role::client, {});
    std::string wire;
    for (std::size_t i = 0; i < row.frames.size(); ++i) {
        wire += frame(Role::server, i == 0 ? op_text : op_cont, i == 0 ? rsv1 : 0,
                      i + 1 == row.frames.size(), row.frames[i]);
    }
    Recorder r;
    ASSERT_TRUE(feed(*client, wire, r)) << error_kind_name(r.errors.at(0));
    ASSERT_EQ(r.messages.size(), 1U);
    EXPECT_EQ(r.messages[0].payload, "Hello");
}

INSTANTIATE_TEST_SUITE_P(
    Rfc7692Section7_2_3, DeflateRfcDecoding,
    ::testing::Values(
        ExampleRow{"OneBlock", {hello_compressed}},
        ExampleRow{"Fragmented", {hex({0xf2, 0x48, 0xcd}), hex({0xc9, 0xc9, 0x07, 0x00})}},
        ExampleRow{"NoCompressionBlock",
                   {hex({0x00, 0x05, 0x00, 0xfa, 0xff, 0x48, 0x65, 0x6c, 0x6c, 0x6f, 0x00})}},
        ExampleRow{"BfinalBlock", {hex({0xf3, 0x48, 0xcd, 0xc9, 0xc9, 0x07, 0x00, 0x00})}},
        // Not in the RFC: the same final block without the 0x00 that 7.2.3.4 adds. The
        // message ends with the DEFLATE stream; wsspec takes it (see permessage_deflate.h).
        ExampleRow{"BfinalBlockWithoutTrailingEmptyBlock",
                   {hex({0xf3, 0x48, 0xcd, 0xc9, 0xc9, 0x07, 0x00})}},
        ExampleRow{
            "TwoBlocks",
            {hex({0xf2, 0x48, 0x05, 0x00, 0x00, 0x00, 0xff, 0xff, 0xca, 0xc9, 0xc9, 0x07, 0x00})}},
        ExampleRow{"EmptyFragments", {"", hello_compressed, "", ""}},
        // The sender kept the flush tail (7.2.1 says to remove it): nothing is lost, the
        // payload ends on a block boundary and is taken as it is.
        ExampleRow{"TailNotRemoved", {hello_compressed + hex({0x00, 0x00, 0xff, 0xff})}},
        ExampleRow{"TailNotRemovedSplit",
                   {hello_compressed + hex({0x00, 0x00}), hex({0xff, 0xff})}}),
    [](const auto& info) { return std::string(info.param.name); });

TEST(DeflateRfcExamples, BfinalThenMoreBlocksKeepsTheWindow) {
    // "Hel" in a final block, then a new run of blocks in the same message, then a second
    // message that refers back into the first (context takeover).
    auto client = deflate_connection(Role::client, {});
    const std::string first = hex({0xf3, 0x48, 0xcd, 0xc9, 0xc9, 0x07, 0x00}) + hello_compressed;
    Recorder r;
    ASSERT_TRUE(feed(*client, frame(Role::server, op_text, rsv1, true, first), r));
    ASSERT_TRUE(feed(
        *client, frame(Role::server, op_text, rsv1, true, hex({0xf2, 0x00, 0x11, 0x00, 0x00})), r));
    ASSERT_EQ(r.messages.size(), 2U);
    EXPECT_EQ(r.messages[0].payload, "HelloHello");
    EXPECT_EQ(r.messages[1].payload, "Hello");
}

TEST(DeflateRfcExamples, MessageEndingWithAFinalBlockKeepsTheWindowForTheNext) {
    // Found by fuzz/connection_deflate: the next message's bytes were once dropped.
    auto client = deflate_connection(Role::client, {});
    Recorder r;
    ASSERT_TRUE(feed(
        *client,
        frame(Role::server, op_text, rsv1, true, hex({0xf3, 0x48, 0xcd, 0xc9, 0xc9, 0x07, 0x00})) +
            frame(Role::server, op_text, rsv1, true, hex({0xf2, 0x00, 0x11, 0x00, 0x00})),
        r));
    EXPECT_EQ(r.messages,
              (std::vector<Received>{{MessageType::text, "Hello"}, {MessageType::text, "Hello"}}));
}

// A fixed-Huffman block holding "\xC3\xA9\xC3\xA9" and its end-of-block code: 46 bits, so
// the payload's last byte carries 2 bits after the block. A sync flush never ends like that
// (its empty stored block follows), and RFC 7692 7.2.2 says what the receiver does with any
// payload: append 0x00 0x00 0xff 0xff and inflate. The 2 bits then start the next block
// header, so they decide the message, not the next one. Found by fuzz/deflate_diff: the
// tail was once skipped at every block boundary, leaving the 2 bits in front of the next
// message's data (a valid "Hello" failed as "distance too far" or "invalid data").
std::string two_e_acute_then_bits(std::uint8_t last_two_bits) {
    return hex({0x3a, 0xbc, 0xf2, 0xf0, 0x4a}) +
           hex({static_cast<std::uint8_t>(last_two_bits << 6)});
}

TEST(DeflateTail, BitsAfterABlockBoundaryAreDecodedWithTheTail) {
    // Bits 1, 1 and the tail's first bit: a final fixed block, and the tail's zeros its
    // end-of-block code. The message is complete; the next one starts a new run of blocks.
    auto client = deflate_connection(Role::client, {});
    Recorder r;
    ASSERT_TRUE(feed(*client,
                     frame(Role::server, op_text, rsv1, true, two_e_acute_then_bits(0x3)) +
                         frame(Role::server, op_text, rsv1, true, hello_compressed),
                     r));
    EXPECT_EQ(r.messages, (std::vector<Received>{{MessageType::text, "\xC3\xA9\xC3\xA9"},
                                                 {MessageType::text, "Hello"}}));
}

TEST(DeflateTail, ZeroBitsAfterABlockBoundaryLeaveTheMessageTruncated) {
    // Bits 0, 0 and the tail's first bit: a stored block whose length the tail cannot
    // complete. The message that ends so is the broken one, not the next.
    auto client = deflate_connection(Role::client, {});
    Recorder r;
    EXPECT_FALSE(feed(*client,
                      frame(Role::server, op_text, rsv1, true, two_e_acute_then_bits(0x0)) +
                          frame(Role::server, op_text, rsv1, true, hello_compressed),
                      r));
    EXPECT_TRUE(r.messages.empty());
    EXPECT_EQ(r.errors, std::vector<ErrorKind>{ErrorKind::deflate_truncated});
    EXPECT_EQ(r.close_code, close_code::invalid_payload);
}

TEST(DeflateUtf8, InvalidTextBeforeCorruptDataIsReportedFirst) {
    // The verdict follows the stream, whatever the reads: bad UTF-8 that inflated before
    // the corrupt block wins. Stored block "ab\xFF" then a reserved block type.
    const std::string payload = hex({0x00, 0x03, 0x00, 0xfc, 0xff, 'a', 'b', 0xff, 0x06});
    for (std::size_t step : {1U, 2U, 5U, 100U}) {
        auto server = deflate_connection(Role::server, {});
        const std::string wire = frame(Role::client, op_text, rsv1, true, payload);
        Recorder r;
        for (std::size_t pos = 0; pos < wire.size(); pos += step) {
            if (!feed(*server, wire.substr(pos, step), r)) break;
        }
        EXPECT_EQ(r.errors, std::vector<ErrorKind>{ErrorKind::invalid_utf8}) << step;
    }
}

TEST(DeflateEmptyMessages, EmptyCompressedPayloadIsAnEmptyMessage) {
    auto server = deflate_connection(Role::server, {});
    Recorder r;
    ASSERT_TRUE(feed(*server, frame(Role::client, op_binary, rsv1, true, ""), r));
    ASSERT_TRUE(feed(*server, frame(Role::client, op_text, rsv1, true, hex({0x00})), r));
    ASSERT_TRUE(feed(*server, frame(Role::client, op_text, rsv1, true, hex({0x02, 0x00})), r));
    EXPECT_EQ(r.messages,
              (std::vector<Received>{
                  {MessageType::binary, ""}, {MessageType::text, ""}, {MessageType::text, ""}}));
}

TEST(DeflateEmptyMessages, EmptyMessageCompressesToOneZeroOctet) {
    for (const bool reset : {false, true}) {
        auto client = deflate_connection(Role::client, {false, reset, 15, 15});
        Recorder r;
        std::string wire;
        client->write_message(wire, MessageType::text, "x");
        const std::size_t before = wire.size();
        client->write_message(wire, MessageType::text, "");
        client->write_message(wire, MessageType::text, "");
        // Masked client frame: 2 header bytes, 4 mask bytes, 1 payload byte (0x00 masked).
        EXPECT_EQ(wire.size() - before, 2 * 7U);
    }
}

TEST(DeflateUncompressed, MessageWithoutRsv1IsDeliveredAsIs) {
    auto server = deflate_connection(Role::server, {});
    Recorder r;
    ASSERT_TRUE(feed(*server, frame(Role::client, op_text, 0, true, "plain"), r));
    ASSERT_TRUE(feed(*server, frame(Role::client, op_text, rsv1, true, hello_compressed), r));
    EXPECT_EQ(r.messages,
              (std::vector<Received>{{MessageType::text, "plain"}, {MessageType::text, "Hello"}}));
}

TEST(DeflateUncompressed, CompressOutboundOffSendsPlainFrames) {
    PerMessageDeflateOptions options;
    options.compress_outbound = false;
    Connection client(Role::client, {}, test_mask_seed);
    client.use_extension(make_permessage_deflate(Role::client, {}, options));
    std::string wire;
    client.write_message(wire, MessageType::text, "Hello");
    auto server = deflate_connection(Role::server, {});
    Recorder r;
    ASSERT_TRUE(feed(*server, wire, r));
    EXPECT_EQ(r.frames.at(0).rsv, 0);
    EXPECT_EQ(r.messages.at(0).payload, "Hello");
}

// ---- RSV1 rules (RFC 7692 6, RFC 6455 5.2) --------------------------------------------------

void expect_error(Connection& c, const std::string& wire, ErrorKind kind, std::uint16_t code) {
    Recorder r;
    EXPECT_FALSE(feed(c, wire, r));
    ASSERT_EQ(r.errors.size(), 1U);
    EXPECT_EQ(r.errors[0], kind) << error_kind_name(r.errors[0]);
    EXPECT_EQ(r.close_code, code);
    EXPECT_EQ(c.state(), ConnectionState::failed);
    EXPECT_TRUE(r.messages.empty());
}

TEST(DeflateRsv1, OnContinuationFrameFails1002) {
    auto server = deflate_connection(Role::server, {});
    expect_error(*server,
                 frame(Role::client, op_text, rsv1, false, hex({0xf2, 0x48})) +
                     frame(Role::client, op_cont, rsv1, true, hex({0xcd, 0xc9, 0xc9, 0x07, 0x00})),
                 ErrorKind::compressed_bit_on_continuation, close_code::protocol_error);
}

TEST(DeflateRsv1, OnContinuationOfUncompressedMessageFails1002) {
    auto server = deflate_connection(Role::server, {});
    expect_error(*server,
                 frame(Role::client, op_text, 0, false, "He") +
                     frame(Role::client, op_cont, rsv1, true, "llo"),
                 ErrorKind::compressed_bit_on_continuation, close_code::protocol_error);
}

TEST(DeflateRsv1, OnControlFrameFails1002) {
    for (const std::uint8_t op : {0x8, 0x9, 0xA}) {
        auto client = deflate_connection(Role::client, {});
        expect_error(*client, frame(Role::server, op, rsv1, true, ""),
                     ErrorKind::compressed_bit_on_control, close_code::protocol_error);
    }
}

TEST(DeflateRsv1, PingBetweenFragmentsDoesNotArmCompression) {
    auto server = deflate_connection(Role::server, {});
    Recorder r;
    ASSERT_TRUE(
        feed(*server,
             frame(Role::client, op_text, rsv1, false, hex({0xf2, 0x48})) +
                 frame(Role::client, op_ping, 0, true, "p") +
                 frame(Role::client, op_cont, 0, true, hex({0xcd, 0xc9, 0xc9, 0x07, 0x00})) +
                 frame(Role::client, op_text, 0, true, "plain"),
             r));
    EXPECT_EQ(r.pings, std::vector<std::string>{"p"});
    EXPECT_EQ(r.messages,
              (std::vector<Received>{{MessageType::text, "Hello"}, {MessageType::text, "plain"}}));
}

TEST(DeflateRsv1, WithoutNegotiationFails1002) {
    Connection server(Role::server, {}, test_mask_seed);
    expect_error(server, frame(Role::client, op_text, rsv1, true, hello_compressed),
                 ErrorKind::reserved_bits_set, close_code::protocol_error);
}

TEST(DeflateRsv1, Rsv2And3StayReserved) {
    for (const std::uint8_t rsv : {rsv2, rsv3}) {
        auto server = deflate_connection(Role::server, {});
        expect_error(*server, frame(Role::client, op_text, rsv, true, "x"),
                     ErrorKind::reserved_bits_set, close_code::protocol_error);
    }
}

TEST(DeflateWriters, Rsv1OnlyOnTheFirstFrameOfAFragmentedMessage) {
    auto client = deflate_connection(Role::client, {});
    std::string wire;
    ASSERT_EQ(client->write_fragment(wire, MessageType::binary, "abc", false),
              WriteStatus::written);
    EXPECT_EQ(client->write_message(wire, MessageType::text, "no"),
              WriteStatus::message_in_progress);
    ASSERT_EQ(client->write_ping(wire, "between"), WriteStatus::written);
    ASSERT_EQ(client->write_fragment(wire, MessageType::binary, "def", false),
              WriteStatus::written);
    ASSERT_EQ(client->write_fragment(wire, MessageType::binary, "ghi", true), WriteStatus::written);
    ASSERT_EQ(client->write_message(wire, MessageType::text, "next"), WriteStatus::written);
    auto server = deflate_connection(Role::server, {});
    Recorder r;
    ASSERT_TRUE(feed(*server, wire, r));
    ASSERT_EQ(r.frames.size(), 5U);
    EXPECT_EQ(r.frames[0].rsv, rsv1);
    EXPECT_EQ(r.frames[1].rsv, 0);  // ping
    EXPECT_EQ(r.frames[2].rsv, 0);
    EXPECT_EQ(r.frames[3].rsv, 0);
    EXPECT_EQ(r.frames[4].rsv, rsv1);
    EXPECT_EQ(r.messages, (std::vector<Received>{{MessageType::binary, "abcdefghi"},
                                                 {MessageType::text, "next"}}));
}

TEST(DeflateWriters, FragmentsWithoutExtensionAreContinuations) {
    Connection client(Role::client, {}, test_mask_seed);
    std::string wire;
    client.write_fragment(wire, MessageType::text, "ab", false);
    client.write_fragment(wire, MessageType::text, "cd", true);
    Connection server(Role::server, {}, test_mask_seed);
    Recorder r;
    ASSERT_TRUE(feed(server, wire, r));
    EXPECT_EQ(r.frames.at(1).opcode, op_cont);
    EXPECT_EQ(r.messages.at(0).payload, "abcd");
}

// ---- fragmentation at every byte ------------------------------------------------------------

TEST(DeflateFragmentation, SplitAtEveryByteOfTheCompressedPayload) {
    const std::string text = "Hello, hello, h\xC3\xA9llo \xE2\x82\xAC world world world!";
    const std::string compressed = raw_deflate(text);
    for (std::size_t cut = 0; cut <= compressed.size(); ++cut) {
        for (std::size_t cut2 = cut; cut2 <= compressed.size(); ++cut2) {
            auto server = deflate_connection(Role::server, {});
            const std::string wire =
                frame(Role::client, op_text, rsv1, false, compressed.substr(0, cut)) +
                frame(Role::client, op_cont, 0, false, compressed.substr(cut, cut2 - cut)) +
                frame(Role::client, op_cont, 0, true, compressed.substr(cut2));
            // And every split of the bytes into two receive() calls.
            for (std::size_t read = 0; read <= wire.size(); read += (cut == cut2 ? 1 : 7)) {
                auto s = deflate_connection(Role::server, {});
                Recorder r;
                ASSERT_TRUE(feed(*s, wire.substr(0, read), r));
                ASSERT_TRUE(feed(*s, wire.substr(read), r));
                ASSERT_EQ(r.messages.size(), 1U) << cut << "/" << cut2 << "/" << read;
                ASSERT_EQ(r.messages[0].payload, text);
            }
        }
    }
}

TEST(DeflateFragmentation, ByteAtATimeReceive) {
    auto client = deflate_connection(Role::client, {});
    auto server = deflate_connection(Role::server, {});
    std::string wire;
    const std::string text = compressible_text(20000, 7);
    client->write_message(wire, MessageType::text, text);
    client->write_message(wire, MessageType::text, text);
    Recorder r;
    for (const char c : wire)
        ASSERT_TRUE(feed(*server, std::string_view(&c, 1), r));
    ASSERT_EQ(r.messages.size(), 2U);
    EXPECT_EQ(r.messages[1].payload, text);
}

// ---- size limit on inflated bytes -----------------------------------------------------------

// Bytes the allocator has handed out and not taken back (glibc; every malloc and new).
std::size_t heap_in_use() {
    const struct mallinfo2 m = mallinfo2();
    return m.uordblks + m.hblkhd;
}

#if defined(__SANITIZE_ADDRESS__)
constexpr bool heap_measurable = false;
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
constexpr bool heap_measurable = false;
#else
constexpr bool heap_measurable = true;
#endif
#else
constexpr bool heap_measurable = true;
#endif

// 1 GiB of zeros as one raw DEFLATE stream: 4.5 MiB at zlib level 1, which builds it in
// about a second (level 9 gets near DEFLATE's ceiling of ~1032:1, 1 MiB, but takes four).
// No DEFLATE stream inflates a 1 KiB frame beyond about 1 MiB. Made once per test run.
std::string make_gigabyte_bomb() {
    z_stream z{};
    EXPECT_EQ(deflateInit2(&z, 1, Z_DEFLATED, -15, 9, Z_DEFAULT_STRATEGY), Z_OK);
    const std::string zeros(1 << 20, '\0');
    std::string out;
    std::string buf(1 << 16, '\0');
    for (int i = 0; i < 1024; ++i) {
        z.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(zeros.data()));
        z.avail_in = static_cast<uInt>(zeros.size());
        const int flush = i == 1023 ? Z_SYNC_FLUSH : Z_NO_FLUSH;
        do {
            z.next_out = reinterpret_cast<Bytef*>(buf.data());
            z.avail_out = static_cast<uInt>(buf.size());
            deflate(&z, flush);
            out.append(buf.data(), buf.size() - z.avail_out);
        } while (z.avail_out == 0);
    }
    deflateEnd(&z);
    out.resize(out.size() - 4);
    return out;
}

const std::string& gigabyte_bomb() {
    static const std::string bomb = make_gigabyte_bomb();
    return bomb;
}

TEST(DeflateSizeLimit, GigabyteBombStopsAtTheLimitWithoutAllocatingIt) {
    const std::string& bomb = gigabyte_bomb();
    ASSERT_LT(bomb.size(), 5U << 20);
    ConnectionLimits limits;
    limits.max_message_size = 1 << 20;
    auto server = deflate_connection(Role::server, {}, limits);
    std::vector<std::uint8_t> wire;
    {
        const std::string w = frame(Role::client, op_binary, rsv1, true, bomb);
        wire.assign(w.begin(), w.end());
    }
    Recorder r;
    const std::size_t before = heap_in_use();
    std::size_t at_error = 0;
    r.on_error_hook = [&] { at_error = heap_in_use(); };
    EXPECT_FALSE(server->receive(wire.data(), wire.size(), r));
    ASSERT_EQ(r.errors, std::vector<ErrorKind>{ErrorKind::message_too_big});
    EXPECT_EQ(r.close_code, close_code::message_too_big);
    EXPECT_TRUE(r.messages.empty());
    if (heap_measurable) {
        // The reassembly buffer (up to twice the limit as a string grows) and zlib's state.
        EXPECT_LT(at_error - before, 2 * limits.max_message_size + (256U << 10))
            << "heap grew by " << (at_error - before);
    }
}

TEST(DeflateSizeLimit, BombSplitAcrossFramesAndReadsStopsToo) {
    const std::string bomb = gigabyte_bomb().substr(0, 300000);
    ConnectionLimits limits;
    limits.max_message_size = 4 << 20;
    auto client = deflate_connection(Role::client, {}, limits);
    const std::string wire = frame(Role::server, op_text, rsv1, false, bomb.substr(0, 1000)) +
                             frame(Role::server, op_cont, 0, true, bomb.substr(1000));
    Recorder r;
    bool ok = true;
    for (std::size_t pos = 0; ok && pos < wire.size(); pos += 4096)
        ok = feed(*client, wire.substr(pos, 4096), r);
    EXPECT_FALSE(ok);
    EXPECT_EQ(r.errors, std::vector<ErrorKind>{ErrorKind::message_too_big});
}

TEST(DeflateSizeLimit, ExactlyAtTheLimitIsDelivered) {
    ConnectionLimits limits;
    limits.max_message_size = 1000;
    for (const std::size_t size : {999U, 1000U, 1001U}) {
        auto server = deflate_connection(Role::server, {}, limits);
        Recorder r;
        const bool ok = feed(
            *server,
            frame(Role::client, op_binary, rsv1, true, raw_deflate(std::string(size, 'q'))), r);
        EXPECT_EQ(ok, size <= 1000) << size;
        EXPECT_EQ(r.messages.size(), size <= 1000 ? 1U : 0U);
    }
}

TEST(DeflateSizeLimit, CompressedSizeAboveTheLimitIsFineWhenInflatedFits) {
    // Incompressible data grows a little when "compressed"; the limit is on what inflates.
    ConnectionLimits limits;
    limits.max_message_size = 10000;
    const std::string data = random_bytes(10000, 11);
    const std::string compressed = raw_deflate(data);
    ASSERT_GT(compressed.size(), data.size());
    auto server = deflate_connection(Role::server, {}, limits);
    Recorder r;
    ASSERT_TRUE(feed(*server, frame(Role::client, op_binary, rsv1, true, compressed), r));
    EXPECT_EQ(r.messages.at(0).payload, data);
}

// ---- UTF-8 after inflation ------------------------------------------------------------------

TEST(DeflateUtf8, InvalidOnlyAfterInflationFails1007) {
    auto server = deflate_connection(Role::server, {});
    expect_error(*server, frame(Role::client, op_text, rsv1, true, raw_deflate("abc\xFF")),
                 ErrorKind::invalid_utf8, close_code::invalid_payload);
}

TEST(DeflateUtf8, CodePointSplitAcrossCompressedFragments) {
    auto client = deflate_connection(Role::client, {});
    std::string wire;
    client->write_fragment(wire, MessageType::text, "price: \xE2\x82", false);
    client->write_fragment(wire, MessageType::text, "\xAC 5", true);
    auto server = deflate_connection(Role::server, {});
    Recorder r;
    ASSERT_TRUE(feed(*server, wire, r));
    EXPECT_EQ(r.messages.at(0).payload, "price: \xE2\x82\xAC 5");

    auto client2 = deflate_connection(Role::client, {});
    wire.clear();
    client2->write_fragment(wire, MessageType::text, "price: \xE2\x82", false);
    client2->write_fragment(wire, MessageType::text, "x", true);
    auto server2 = deflate_connection(Role::server, {});
    expect_error(*server2, wire, ErrorKind::invalid_utf8, close_code::invalid_payload);
}

TEST(DeflateUtf8, CutInsideACodePointAtTheEndFails) {
    auto server = deflate_connection(Role::server, {});
    expect_error(*server, frame(Role::client, op_text, rsv1, true, raw_deflate("ok \xE2\x82")),
                 ErrorKind::invalid_utf8, close_code::invalid_payload);
}

TEST(DeflateUtf8, FailsFastBeforeTheMessageEnds) {
    // The first fragment already inflates to invalid text: fail there, not at the end.
    auto server = deflate_connection(Role::server, {});
    Recorder r;
    EXPECT_FALSE(feed(*server,
                      frame(Role::client, op_text, rsv1, false,
                            raw_deflate(std::string("\xC0\xAF") + std::string(5000, 'a'))),
                      r));
    EXPECT_EQ(r.errors, std::vector<ErrorKind>{ErrorKind::invalid_utf8});
}

TEST(DeflateUtf8, BinaryMessagesAreNotChecked) {
    auto server = deflate_connection(Role::server, {});
    Recorder r;
    ASSERT_TRUE(
        feed(*server, frame(Role::client, op_binary, rsv1, true, raw_deflate("\xFF\xFE")), r));
    EXPECT_EQ(r.messages.at(0).payload, "\xFF\xFE");
}

// ---- corrupt data, window and context violations -------------------------------------------

TEST(DeflateCorrupt, ReservedBlockTypeFails1007) {
    auto server = deflate_connection(Role::server, {});
    expect_error(*server, frame(Role::client, op_binary, rsv1, true, hex({0x06, 0x00})),
                 ErrorKind::deflate_invalid_data, close_code::invalid_payload);
}

TEST(DeflateCorrupt, StoredBlockLengthMismatchFails1007) {
    auto server = deflate_connection(Role::server, {});
    expect_error(*server,
                 frame(Role::client, op_binary, rsv1, true,
                       hex({0x00, 0x05, 0x00, 0xfb, 0xff, 'H', 'e', 'l', 'l', 'o', 0x00})),
                 ErrorKind::deflate_invalid_data, close_code::invalid_payload);
}

TEST(DeflateCorrupt, MessageEndingInsideABlockFails1007) {
    auto server = deflate_connection(Role::server, {});
    // A stored block announcing 10 bytes and carrying 2 (the appended tail makes 6).
    expect_error(
        *server,
        frame(Role::client, op_binary, rsv1, true, hex({0x00, 0x0a, 0x00, 0xf5, 0xff, 'H', 'e'})),
        ErrorKind::deflate_truncated, close_code::invalid_payload);
}

TEST(DeflateCorrupt, EveryTruncationOfAMessageIsCaughtOrDecodesToAPrefix) {
    const std::string text = compressible_text(3000, 12);
    const std::string compressed = raw_deflate(text);
    for (std::size_t n = 1; n < compressed.size(); ++n) {
        auto server = deflate_connection(Role::server, {});
        Recorder r;
        const bool ok =
            feed(*server, frame(Role::client, op_binary, rsv1, true, compressed.substr(0, n)), r);
        if (ok) {
            // Cut on a block boundary: a shorter but well-formed message.
            ASSERT_EQ(r.messages.size(), 1U);
            EXPECT_EQ(text.compare(0, r.messages[0].payload.size(), r.messages[0].payload), 0);
        } else {
            EXPECT_EQ(r.close_code, close_code::invalid_payload) << n;
        }
    }
}

TEST(DeflateCorrupt, GarbageNeverCrashesAndAlwaysFailsWith1007Or1009OrDecodes) {
    std::mt19937 rng(42);
    for (int i = 0; i < 2000; ++i) {
        const std::string junk = random_bytes(1 + rng() % 64, static_cast<unsigned>(i));
        auto server = deflate_connection(Role::server, {});
        Recorder r;
        if (!feed(*server, frame(Role::client, op_binary, rsv1, true, junk), r)) {
            EXPECT_TRUE(r.close_code == close_code::invalid_payload ||
                        r.close_code == close_code::message_too_big);
        }
    }
}

// A stream whose back-references reach `distance` bytes back: random filler, then a
// repeat of the first 200 bytes.
std::string far_reference_message(std::size_t distance) {
    const std::string head = random_bytes(200, 21);
    return head + random_bytes(distance - 200, 22) + head;
}

TEST(DeflateWindow, BackReferenceBeyondAgreedWindowFails1007) {
    // Agreed: the client compresses with at most 9 bits (512 bytes). This client uses 15.
    const PerMessageDeflateParams agreed{false, false, 15, 9};
    const std::string message = far_reference_message(1000);
    const std::string cheating = raw_deflate(message, 15);
    ASSERT_LT(cheating.size(), message.size() - 100) << "the stream must use the far match";
    auto server = deflate_connection(Role::server, agreed);
    expect_error(*server, frame(Role::client, op_binary, rsv1, true, cheating),
                 ErrorKind::deflate_distance_too_far, close_code::invalid_payload);

    // The same message compressed within the window decodes.
    auto honest = deflate_connection(Role::client, agreed);
    std::string wire;
    honest->write_message(wire, MessageType::binary, message);
    auto server2 = deflate_connection(Role::server, agreed);
    Recorder r;
    ASSERT_TRUE(feed(*server2, wire, r));
    EXPECT_EQ(r.messages.at(0).payload, message);
}

TEST(DeflateWindow, DistanceJustInsideTheWindowDecodes) {
    // 9 bits: a reference exactly 512 back is allowed, one further is not.
    const PerMessageDeflateParams agreed{false, false, 9, 15};
    for (const std::size_t distance : {400U, 512U}) {
        const std::string message = far_reference_message(distance);
        auto client = deflate_connection(Role::client, agreed);
        Recorder r;
        ASSERT_TRUE(
            feed(*client, frame(Role::server, op_binary, rsv1, true, raw_deflate(message, 15)), r))
            << distance;
        EXPECT_EQ(r.messages.at(0).payload, message);
    }
    const std::string message = far_reference_message(600);
    auto client = deflate_connection(Role::client, agreed);
    expect_error(*client, frame(Role::server, op_binary, rsv1, true, raw_deflate(message, 15)),
                 ErrorKind::deflate_distance_too_far, close_code::invalid_payload);
}

TEST(DeflateContextTakeover, PeerKeepingContextAfterAgreeingNotToFails1007) {
    // Agreed client_no_context_takeover; the client's compressor keeps its window anyway.
    const PerMessageDeflateParams agreed{false, true, 15, 15};
    auto cheater = deflate_connection(Role::client, {false, false, 15, 15});
    std::string wire;
    cheater->write_message(wire, MessageType::text, "Hello");
    cheater->write_message(wire, MessageType::text, "Hello");
    auto server = deflate_connection(Role::server, agreed);
    Recorder r;
    EXPECT_FALSE(feed(*server, wire, r));
    EXPECT_EQ(r.messages, (std::vector<Received>{{MessageType::text, "Hello"}}));
    EXPECT_EQ(r.errors, std::vector<ErrorKind>{ErrorKind::deflate_distance_too_far});
    EXPECT_EQ(r.close_code, close_code::invalid_payload);
}

TEST(DeflateContextTakeover, ServerKeepingContextAfterAgreeingNotToFails1007) {
    const PerMessageDeflateParams agreed{true, false, 15, 15};
    auto client = deflate_connection(Role::client, agreed);
    Recorder r;
    EXPECT_FALSE(
        feed(*client,
             frame(Role::server, op_text, rsv1, true, hello_compressed) +
                 frame(Role::server, op_text, rsv1, true, hex({0xf2, 0x00, 0x11, 0x00, 0x00})),
             r));
    EXPECT_EQ(r.errors, std::vector<ErrorKind>{ErrorKind::deflate_distance_too_far});
}

TEST(DeflateContextTakeover, UncompressedMessagesDoNotTouchTheWindow) {
    auto client = deflate_connection(Role::client, {});
    Recorder r;
    ASSERT_TRUE(
        feed(*client,
             frame(Role::server, op_text, rsv1, true, hello_compressed) +
                 frame(Role::server, op_text, 0, true, "zzzzzzzz") +
                 frame(Role::server, op_text, rsv1, true, hex({0xf2, 0x00, 0x11, 0x00, 0x00})),
             r));
    EXPECT_EQ(r.messages.size(), 3U);
    EXPECT_EQ(r.messages[2].payload, "Hello");
}

// ---- the exact window check below 15 bits (deflate_window_checker.h) -----------------------

using testing::deflate_messages;
using testing::deflate_stream;
using testing::DeflateSettings;
using testing::unique_trigrams;
using testing::unique_trigrams_text;
using testing::with_repeat;
using testing::without_flush_tail;

// Agreed: the server compresses with a window of at most `bits` (RFC 7692 7.1.2.1).
PerMessageDeflateParams server_window(int bits, bool no_context_takeover = false) {
    return {no_context_takeover, false, static_cast<std::uint8_t>(bits), max_window_bits};
}

struct Delivery {
    std::vector<Received> messages;
    std::vector<ErrorKind> errors;
    bool operator==(const Delivery&) const = default;
};

struct Feeding {
    std::size_t read = 0;        // bytes per receive() (0: all at once)
    std::size_t frame_size = 0;  // payload bytes per frame (0: a message in one frame)
    std::uint8_t opcode = op_binary;
    PerMessageDeflateOptions options;
    ConnectionLimits limits;
};

// What a client that agreed `agreed` makes of the server's compressed `payloads`, one
// message each.
Delivery deliver(const PerMessageDeflateParams& agreed, const std::vector<std::string>& payloads,
                 const Feeding& how = {}) {
    std::string wire;
    for (const std::string& p : payloads) {
        const std::size_t step =
            how.frame_size == 0 ? std::max<std::size_t>(p.size(), 1) : how.frame_size;
        std::size_t done = 0;
        do {
            const std::size_t n = std::min(step, p.size() - done);
            wire += frame(Role::server, done == 0 ? how.opcode : op_cont, done == 0 ? rsv1 : 0,
                          done + n == p.size(), p.substr(done, n));
            done += n;
        } while (done < p.size());
    }
    auto client = deflate_connection(Role::client, agreed, how.limits, how.options);
    Recorder r;
    const std::size_t read = how.read == 0 ? wire.size() : how.read;
    for (std::size_t at = 0; at < wire.size(); at += read)
        if (!feed(*client, std::string_view(wire).substr(at, read), r)) break;
    return {r.messages, r.errors};
}

std::vector<Received> binary_messages(const std::vector<std::string>& payloads) {
    std::vector<Received> out;
    for (const std::string& p : payloads)
        out.push_back({MessageType::binary, p});
    return out;
}

const std::vector<ErrorKind> too_far = {ErrorKind::deflate_distance_too_far};

TEST(DeflateExactWindow, DistanceOfExactlyTheWindowIsAllowedAtTheStartOfTheSession) {
    for (const int bits : {8, 9, 10, 12, 14}) {
        const std::size_t window = std::size_t{1} << bits;
        const std::size_t at = window + 300;
        for (const std::size_t distance : {window, window + 1}) {
            // A peer that agreed `bits` and compresses with 15 (RFC 7692 7.1.2.1).
            const std::string message = with_repeat(unique_trigrams(at + 200), at, distance);
            const Delivery d =
                deliver(server_window(bits), {without_flush_tail(deflate_stream(message))});
            const std::string what = std::to_string(bits) + " bits, " + std::to_string(distance);
            if (distance == window) {
                EXPECT_EQ(d, (Delivery{binary_messages({message}), {}})) << what;
            } else {
                EXPECT_EQ(d, (Delivery{{}, too_far})) << what;
            }
        }
    }
}

TEST(DeflateExactWindow, DistanceOfExactlyTheWindowIsAllowedAfterTheWindowHasFilled) {
    for (const int bits : {9, 12}) {
        const std::size_t window = std::size_t{1} << bits;
        const std::vector<std::size_t> sizes = {window * 3 / 2, window, window / 2 + 100, window};
        for (const std::size_t distance : {window, window + 1}) {
            // The last message repeats bytes of the earlier ones (context takeover).
            std::string all = unique_trigrams(window * 4 + 100);
            const std::size_t last = sizes[0] + sizes[1] + sizes[2];
            all = with_repeat(std::move(all), last + 10, distance);
            std::vector<std::string> messages;
            for (std::size_t i = 0, at = 0; i < sizes.size(); at += sizes[i], ++i)
                messages.push_back(all.substr(at, sizes[i]));
            const Delivery d = deliver(server_window(bits), deflate_messages(messages));
            const std::string what = std::to_string(bits) + " bits, " + std::to_string(distance);
            if (distance == window) {
                EXPECT_EQ(d, (Delivery{binary_messages(messages), {}})) << what;
            } else {
                messages.pop_back();
                EXPECT_EQ(d, (Delivery{binary_messages(messages), too_far})) << what;
            }
        }
    }
}

TEST(DeflateExactWindow, ViolationInTheBlindSpotOfOrdinaryChunksIsCaught) {
    // 600 back at byte 5000 of a 16 KiB output chunk: zlib's check in ordinary chunks only
    // sees distances beyond window + position in the chunk (512 + 5000), so without the exact
    // check the message passes -- with the correct bytes, as zlib's window holds them.
    const std::string message = with_repeat(unique_trigrams(6000), 5000, 600);
    const std::vector<std::string> payload = {without_flush_tail(deflate_stream(message))};
    Feeding cheap;
    cheap.options.exact_window_check = false;
    EXPECT_EQ(deliver(server_window(9), payload, cheap),
              (Delivery{binary_messages({message}), {}}));
    EXPECT_EQ(deliver(server_window(9), payload), (Delivery{{}, too_far}));
    // Just past the window, one byte into a chunk.
    Feeding small_chunks;
    small_chunks.options.inflate_chunk = 1000;
    const std::string edge = with_repeat(unique_trigrams(3000), 2001, 513);
    EXPECT_EQ(deliver(server_window(9), {without_flush_tail(deflate_stream(edge))}, small_chunks),
              (Delivery{{}, too_far}));
}

TEST(DeflateExactWindow, PeerKeepingItsWindowWithoutContextTakeoverIsCaught) {
    // Agreed server_no_context_takeover with 9 bits; the second message refers 300 bytes
    // back, into the first: within the window, but the window was to start empty (7.1.1).
    const std::string first = unique_trigrams(400);
    const std::string second = unique_trigrams(200, 1000) + first.substr(300, 64);
    const std::vector<std::string> cheating = deflate_messages({first, second});
    EXPECT_EQ(deliver(server_window(9, true), cheating),
              (Delivery{binary_messages({first}), too_far}));
    // The same messages compressed each on its own pass.
    const std::vector<std::string> honest = {without_flush_tail(deflate_stream(first)),
                                             without_flush_tail(deflate_stream(second)),
                                             without_flush_tail(deflate_stream(first))};
    EXPECT_EQ(deliver(server_window(9, true), honest),
              (Delivery{binary_messages({first, second, first}), {}}));
}

TEST(DeflateExactWindow, FinalBlocksKeepTheWindowForTheCheck) {
    // A message ending with a final block (RFC 7692 7.2.3.4), then data referring back into
    // it: across two messages, and within one after the final block.
    const std::string first = unique_trigrams(1000);
    DeflateSettings finish;
    finish.flush = Z_FINISH;
    const std::string final_stream = deflate_stream(first, finish);
    DeflateSettings after_first;
    after_first.dictionary = first;
    for (const std::size_t distance : {512U, 513U}) {
        const std::string second = first.substr(first.size() - distance, 64);
        const std::string more = without_flush_tail(deflate_stream(second, after_first));
        const bool within = distance == 512;
        EXPECT_EQ(deliver(server_window(9), {final_stream, more}),
                  (within ? Delivery{binary_messages({first, second}), {}}
                          : Delivery{binary_messages({first}), too_far}))
            << distance;
        EXPECT_EQ(
            deliver(server_window(9), {final_stream + more}),
            (within ? Delivery{binary_messages({first + second}), {}} : Delivery{{}, too_far}))
            << distance;
    }
}

TEST(DeflateExactWindow, VerdictDoesNotDependOnHowTheMessagesAreSplit) {
    const std::string a = unique_trigrams(900);
    const std::string b = unique_trigrams(700, 2000) + a.substr(500, 100);  // 1100 back
    const std::string c = unique_trigrams(800, 4000) + b.substr(200, 80);   // 1300 back
    const std::vector<std::string> payloads = deflate_messages({a, b, c});
    for (const int bits : {10, 11}) {
        const Delivery whole = deliver(server_window(bits), payloads);
        if (bits == 10) {
            EXPECT_EQ(whole, (Delivery{binary_messages({a}), too_far}));
        } else {
            EXPECT_EQ(whole, (Delivery{binary_messages({a, b, c}), {}}));
        }
        for (const auto& [read, frame_size] : std::vector<std::pair<std::size_t, std::size_t>>{
                 {1, 0}, {0, 1}, {1, 1}, {3, 7}, {100, 13}}) {
            Feeding how;
            how.read = read;
            how.frame_size = frame_size;
            EXPECT_EQ(deliver(server_window(bits), payloads, how), whole)
                << bits << " bits, reads of " << read << ", frames of " << frame_size;
        }
    }
}

TEST(DeflateExactWindow, FirstFaultInTheMessageWins) {
    // The distance too far is at byte 3000; invalid UTF-8 or the size limit before it win,
    // after it they do not (as with zlib judging byte by byte).
    const std::string message = with_repeat(unique_trigrams_text(4000), 3000, 600);
    const auto verdict = [&](std::string text, std::uint64_t limit) {
        Feeding how;
        how.opcode = op_text;
        how.limits.max_message_size = limit;
        return deliver(server_window(9), {without_flush_tail(deflate_stream(text))}, how).errors;
    };
    std::string early = message;
    early[1000] = '\xff';
    std::string late = message;
    late[3500] = '\xff';
    EXPECT_EQ(verdict(early, 1 << 20), std::vector<ErrorKind>{ErrorKind::invalid_utf8});
    EXPECT_EQ(verdict(late, 1 << 20), too_far);
    EXPECT_EQ(verdict(message, 2999), std::vector<ErrorKind>{ErrorKind::message_too_big});
    EXPECT_EQ(verdict(message, 3000), too_far);
}

}  // namespace
}  // namespace wsspec::codec
