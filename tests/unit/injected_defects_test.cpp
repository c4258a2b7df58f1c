// The defect plumbing both reference peers share: name lists, and defects that are codec
// rule waivers.
#include <gtest/gtest.h>

#include "harness/client/client_defects.h"
#include "harness/server/server_defects.h"

namespace wsspec {
namespace {

TEST(InjectedDefectsTest, ParsesCommaSeparatedNamesOfEitherPeer) {
    const auto client = client::parse_client_defects("no-pong, accept-masked-frames");
    EXPECT_TRUE(client.has(client::ClientDefect::no_pong));
    EXPECT_TRUE(client.has(client::ClientDefect::accept_masked_frames));
    EXPECT_FALSE(client.has(client::ClientDefect::no_mask));
    const auto server = server::parse_defects("no-pong");
    EXPECT_TRUE(server.has(server::Defect::no_pong));
    EXPECT_TRUE(client::parse_client_defects("").empty());
}

TEST(InjectedDefectsTest, UnknownNameListsTheKnownOnes) {
    try {
        client::parse_client_defects("no-pong,no-such-defect");
        FAIL() << "no error";
    } catch (const std::invalid_argument& e) {
        const std::string msg = e.what();
        EXPECT_NE(msg.find("unknown defect 'no-such-defect'"), std::string::npos) << msg;
        EXPECT_NE(msg.find("accept-invalid-utf8"), std::string::npos) << msg;
    }
}

TEST(InjectedDefectsTest, WaiverDefectsSwitchOffTheirCodecRuleOnly) {
    codec::ConnectionLimits limits;
    client::parse_client_defects("accept-masked-frames,no-pong")
        .apply(limits, client::all_client_defects());
    EXPECT_TRUE(limits.waives(codec::ErrorKind::masked_server_frame));
    EXPECT_FALSE(limits.waives(codec::ErrorKind::invalid_utf8));
    codec::ConnectionLimits server_limits;
    server::parse_defects("skip-utf8-check").apply(server_limits, server::all_defects());
    EXPECT_TRUE(server_limits.waives(codec::ErrorKind::invalid_utf8));
    EXPECT_FALSE(server_limits.waives(codec::ErrorKind::unmasked_client_frame));
}

TEST(InjectedDefectsTest, ClientHasTheSixRequiredDefects) {
    for (const char* name : {"no-mask", "accept-bad-accept-key", "accept-masked-frames", "no-pong",
                             "no-close-reply", "accept-invalid-utf8"}) {
        EXPECT_NO_THROW(client::parse_client_defects(name)) << name;
    }
}

}  // namespace
}  // namespace wsspec
