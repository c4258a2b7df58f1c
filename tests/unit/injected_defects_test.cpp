// The defect plumbing both reference peers share: each --inject-defect name parses to its
// own defect and nothing else, each waiver defect switches off exactly its codec rule (and
// a connection built with it then accepts what that rule rejects), and an unknown name is
// an error that lists the known ones.
#include <gtest/gtest.h>

#include <cstdint>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include "harness/client/client_defects.h"
#include "harness/codec/connection.h"
#include "harness/codec/frame_writer.h"
#include "harness/server/server_defects.h"

namespace wsspec {
namespace {

using codec::ErrorKind;
using codec::Role;

// Written out by hand, from the rule each defect is documented to break.
template <class Defect>
struct Expected {
    std::string_view name;
    Defect defect;
    ErrorKind waives;
};

const std::vector<Expected<server::Defect>> server_table = {
    {"accept-unmasked", server::Defect::accept_unmasked, ErrorKind::unmasked_client_frame},
    {"accept-reserved-bits", server::Defect::accept_reserved_bits, ErrorKind::reserved_bits_set},
    {"skip-utf8-check", server::Defect::skip_utf8_check, ErrorKind::invalid_utf8},
    {"accept-long-control", server::Defect::accept_long_control, ErrorKind::control_frame_too_long},
    {"accept-bad-close-code", server::Defect::accept_bad_close_code, ErrorKind::invalid_close_code},
    {"no-size-limit", server::Defect::no_size_limit, ErrorKind::message_too_big},
    {"no-pong", server::Defect::no_pong, ErrorKind::none},
    {"wrong-pong-payload", server::Defect::wrong_pong_payload, ErrorKind::none},
    {"no-close-reply", server::Defect::no_close_reply, ErrorKind::none},
    {"wrong-close-reply", server::Defect::wrong_close_reply, ErrorKind::none},
    {"text-as-binary", server::Defect::text_as_binary, ErrorKind::none},
    {"drop-empty-messages", server::Defect::drop_empty_messages, ErrorKind::none},
    {"fail-with-wrong-code", server::Defect::fail_with_wrong_code, ErrorKind::none},
    {"pong-after-close", server::Defect::pong_after_close, ErrorKind::none},
};

const std::vector<Expected<client::ClientDefect>> client_table = {
    {"no-mask", client::ClientDefect::no_mask, ErrorKind::none},
    {"accept-bad-accept-key", client::ClientDefect::accept_bad_accept_key, ErrorKind::none},
    {"accept-masked-frames", client::ClientDefect::accept_masked_frames,
     ErrorKind::masked_server_frame},
    {"no-pong", client::ClientDefect::no_pong, ErrorKind::none},
    {"no-close-reply", client::ClientDefect::no_close_reply, ErrorKind::none},
    {"accept-invalid-utf8", client::ClientDefect::accept_invalid_utf8, ErrorKind::invalid_utf8},
    {"accept-reserved-bits", client::ClientDefect::accept_reserved_bits,
     ErrorKind::reserved_bits_set},
    {"text-as-binary", client::ClientDefect::text_as_binary, ErrorKind::none},
    {"accept-bad-close-code", client::ClientDefect::accept_bad_close_code,
     ErrorKind::invalid_close_code},
};

std::uint32_t bit(ErrorKind kind) {
    return kind == ErrorKind::none ? 0 : 1U << static_cast<unsigned>(kind);
}

template <class Defect, class Parse, class Table>
void expect_each_name_is_its_defect_only(const std::vector<Expected<Defect>>& expected, Parse parse,
                                         Table table) {
    ASSERT_EQ(table.size(), expected.size()) << "a defect was added: list it above";
    for (const auto& e : expected) {
        SCOPED_TRACE(std::string(e.name));
        const auto set = parse(e.name);
        for (const auto& other : expected)
            EXPECT_EQ(set.has(other.defect), other.defect == e.defect) << other.name;
        codec::ConnectionLimits limits;
        set.apply(limits, table);
        EXPECT_EQ(limits.waived, bit(e.waives));
    }
}

TEST(InjectedDefectsTest, EachServerNameParsesToItsDefectAndWaivesOnlyItsRule) {
    expect_each_name_is_its_defect_only(server_table, server::parse_defects, server::all_defects());
}

TEST(InjectedDefectsTest, EachClientNameParsesToItsDefectAndWaivesOnlyItsRule) {
    expect_each_name_is_its_defect_only(client_table, client::parse_client_defects,
                                        client::all_client_defects());
}

TEST(InjectedDefectsTest, ParsesCommaSeparatedListsWithSpaces) {
    const auto set = server::parse_defects(" no-pong ,, accept-unmasked,");
    EXPECT_TRUE(set.has(server::Defect::no_pong));
    EXPECT_TRUE(set.has(server::Defect::accept_unmasked));
    EXPECT_FALSE(set.has(server::Defect::no_close_reply));
    codec::ConnectionLimits limits;
    set.apply(limits, server::all_defects());
    EXPECT_EQ(limits.waived, bit(ErrorKind::unmasked_client_frame));
    EXPECT_TRUE(client::parse_client_defects("").empty());
    EXPECT_TRUE(server::parse_defects(" , ").empty());
}

template <class Defect, class Parse>
void expect_unknown_name_lists_known_ones(Parse parse,
                                          const std::vector<Expected<Defect>>& expected) {
    try {
        parse("no-pong,no-such-defect");
        FAIL() << "no error";
    } catch (const std::invalid_argument& e) {
        const std::string msg = e.what();
        EXPECT_NE(msg.find("unknown defect 'no-such-defect'"), std::string::npos) << msg;
        for (const auto& known : expected)
            EXPECT_NE(msg.find(known.name), std::string::npos) << known.name << ": " << msg;
    }
}

TEST(InjectedDefectsTest, UnknownNameIsAnErrorListingEveryKnownName) {
    expect_unknown_name_lists_known_ones(server::parse_defects, server_table);
    expect_unknown_name_lists_known_ones(client::parse_client_defects, client_table);
    // Names are exact: no case folding, no prefixes.
    EXPECT_THROW(server::parse_defects("No-Pong"), std::invalid_argument);
    EXPECT_THROW(client::parse_client_defects("no-mas"), std::invalid_argument);
}

// --- Waivers in effect: a connection with the defect accepts what the rule rejects -------

class ErrorRecorder : public codec::ConnectionHandler {
  public:
    void on_message(codec::MessageType, std::string_view) override { ++delivered; }
    void on_ping(std::string_view) override { ++delivered; }
    void on_close(const codec::ClosePayload&) override { ++delivered; }
    void on_error(const codec::ProtocolError& e) override { error = e.kind; }
    int delivered = 0;
    ErrorKind error = ErrorKind::none;
};

std::string frame(Role sender, std::uint8_t opcode, std::string_view payload,
                  std::uint8_t rsv = 0) {
    codec::FrameSpec spec;
    spec.opcode = opcode;
    spec.rsv = rsv;
    spec.masked = sender == Role::client;
    spec.mask_key = {1, 2, 3, 4};
    std::string out;
    codec::append_frame(out, spec, payload);
    return out;
}

// Feeds `wire` to a `receiver` built with `limits`; the error reported, or none.
ErrorKind receive(Role receiver, const codec::ConnectionLimits& limits, const std::string& wire,
                  int& delivered) {
    codec::Connection connection(receiver, limits, /*mask_seed=*/1);
    ErrorRecorder recorder;
    std::vector<std::uint8_t> bytes(wire.begin(), wire.end());
    connection.receive(bytes.data(), bytes.size(), recorder);
    delivered = recorder.delivered;
    return recorder.error;
}

struct Breach {
    std::string_view defect;
    Role receiver;
    std::string wire;  // breaks exactly the rule the defect waives
};

constexpr std::uint8_t text = 0x1;
constexpr std::uint8_t close = 0x8;
constexpr std::uint8_t ping = 0x9;
constexpr std::uint8_t rsv1 = 0x4;
const std::string invalid_utf8 = "\xC0\xAF";                // overlong '/'
const std::string close_1005 = std::string("\x03\xED", 2);  // 1005: never on the wire
constexpr std::uint64_t small_message_limit = 16;

TEST(InjectedDefectsTest, ServerWaiverDefectsLetTheirBreachThrough) {
    const std::vector<Breach> breaches = {
        {"accept-unmasked", Role::server, frame(Role::server, text, "hi")},
        {"accept-reserved-bits", Role::server, frame(Role::client, text, "hi", rsv1)},
        {"skip-utf8-check", Role::server, frame(Role::client, text, invalid_utf8)},
        {"accept-long-control", Role::server, frame(Role::client, ping, std::string(126, 'p'))},
        {"accept-bad-close-code", Role::server, frame(Role::client, close, close_1005)},
        {"no-size-limit", Role::server,
         frame(Role::client, text, std::string(small_message_limit + 1, 'm'))},
    };
    for (const Breach& b : breaches) {
        SCOPED_TRACE(std::string(b.defect));
        codec::ConnectionLimits strict;
        strict.max_message_size = small_message_limit;
        codec::ConnectionLimits waived = strict;
        server::parse_defects(b.defect).apply(waived, server::all_defects());
        ErrorKind rule = ErrorKind::none;
        for (const auto& e : server_table)
            if (e.name == b.defect) rule = e.waives;
        int delivered = 0;
        EXPECT_EQ(receive(b.receiver, strict, b.wire, delivered), rule);
        EXPECT_EQ(receive(b.receiver, waived, b.wire, delivered), ErrorKind::none);
        EXPECT_EQ(delivered, 1);
    }
}

TEST(InjectedDefectsTest, ClientWaiverDefectsLetTheirBreachThrough) {
    const std::vector<Breach> breaches = {
        {"accept-masked-frames", Role::client, frame(Role::client, text, "hi")},
        {"accept-invalid-utf8", Role::client, frame(Role::server, text, invalid_utf8)},
        {"accept-reserved-bits", Role::client, frame(Role::server, text, "hi", rsv1)},
    };
    for (const Breach& b : breaches) {
        SCOPED_TRACE(std::string(b.defect));
        codec::ConnectionLimits waived;
        client::parse_client_defects(b.defect).apply(waived, client::all_client_defects());
        ErrorKind rule = ErrorKind::none;
        for (const auto& e : client_table)
            if (e.name == b.defect) rule = e.waives;
        int delivered = 0;
        EXPECT_EQ(receive(b.receiver, {}, b.wire, delivered), rule);
        EXPECT_EQ(receive(b.receiver, waived, b.wire, delivered), ErrorKind::none);
        EXPECT_EQ(delivered, 1);
    }
}

}  // namespace
}  // namespace wsspec
