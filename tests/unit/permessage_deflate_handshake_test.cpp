// permessage-deflate from the opening handshake to the first compressed message: the
// client's offers go out with build_client_request, the server negotiates on what
// validate_request returned and answers with build_accept_response, the client checks the
// answer after validate_response, and both put the agreed extension in their Connection.
// This is how a session enables the extension (harness/codec/permessage_deflate*.h).
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "harness/codec/accept_key.h"
#include "harness/codec/connection.h"
#include "harness/codec/handshake_request.h"
#include "harness/codec/handshake_response.h"
#include "harness/codec/http_head.h"
#include "harness/codec/permessage_deflate.h"

namespace wsspec::codec {
namespace {

struct Received : ConnectionHandler {
    void on_frame(const FrameHeader& h) override { rsv.push_back(h.rsv); }
    void on_message(MessageType, std::string_view payload) override {
        messages.emplace_back(payload);
    }
    void on_error(const ProtocolError& e) override { errors.push_back(e.kind); }
    std::vector<std::uint8_t> rsv;
    std::vector<std::string> messages;
    std::vector<ErrorKind> errors;
};

bool feed(Connection& c, const std::string& bytes, ConnectionHandler& h) {
    std::vector<std::uint8_t> buffer(bytes.begin(), bytes.end());
    return c.receive(buffer.data(), buffer.size(), h);
}

struct Negotiated {
    std::optional<PerMessageDeflateParams> server_side;
    std::optional<PerMessageDeflateParams> client_side;
    std::string response_element;
};

Negotiated handshake(const std::vector<PerMessageDeflateOffer>& offers,
                     const PerMessageDeflateServerPolicy& policy) {
    ClientRequestOptions request;
    request.host = "localhost:9001";
    request.key = make_key({});
    for (const auto& offer : offers)
        request.extensions.push_back(format_offer(offer));
    const std::string request_bytes = build_client_request(request);

    // Server.
    HttpRequestHead request_head;
    EXPECT_TRUE(
        parse_request_head(request_bytes.data(), request_bytes.size(), request_head).complete());
    const RequestValidation validation = validate_request(request_head);
    EXPECT_TRUE(validation.ok());
    const ServerNegotiation chosen =
        negotiate_permessage_deflate(validation.request.extensions, policy);
    ServerAcceptOptions accept;
    if (chosen.agreed) accept.extensions.push_back(chosen.response);
    const BuiltResponse response = build_accept_response(validation.request, accept);
    EXPECT_TRUE(response.ok());

    // Client.
    HttpResponseHead response_head;
    EXPECT_TRUE(parse_response_head(response.bytes.data(), response.bytes.size(), response_head)
                    .complete());
    const ResponseValidation checked = validate_response(response_head, request);
    EXPECT_TRUE(checked.ok()) << checked.error.reason;
    const ClientNegotiation agreed =
        check_permessage_deflate_response(checked.accepted.extensions, offers);
    EXPECT_TRUE(agreed.ok()) << agreed.error.reason;
    return {chosen.agreed, agreed.agreed, chosen.response};
}

TEST(DeflateHandshake, AutobahnOffersThroughTheHandshakeToCompressedMessages) {
    PerMessageDeflateOffer first;  // Autobahn 13.7's first offer
    first.client_no_context_takeover = true;
    first.client_max_window_bits = true;
    first.server_no_context_takeover = true;
    first.server_max_window_bits = 9;
    PerMessageDeflateOffer fallback;
    fallback.client_max_window_bits = true;
    PerMessageDeflateServerPolicy policy;
    policy.client_max_window_bits = 10;

    const Negotiated n = handshake({first, fallback}, policy);
    ASSERT_TRUE(n.server_side && n.client_side);
    EXPECT_EQ(*n.server_side, *n.client_side);
    EXPECT_EQ(n.response_element,
              "permessage-deflate; server_no_context_takeover; client_no_context_takeover; "
              "server_max_window_bits=9; client_max_window_bits=10");

    Connection client(Role::client, {}, 7);
    client.use_extension(make_permessage_deflate(Role::client, *n.client_side));
    Connection server(Role::server, {}, 8);
    server.use_extension(make_permessage_deflate(Role::server, *n.server_side));

    std::string to_server, to_client;
    const std::string text = "{\"hello\": \"world\", \"hello\": \"again\"}";
    for (int i = 0; i < 3; ++i) {
        ASSERT_EQ(client.write_message(to_server, MessageType::text, text), WriteStatus::written);
        ASSERT_EQ(server.write_message(to_client, MessageType::text, text), WriteStatus::written);
    }
    Received at_server, at_client;
    ASSERT_TRUE(feed(server, to_server, at_server));
    ASSERT_TRUE(feed(client, to_client, at_client));
    EXPECT_EQ(at_server.messages, std::vector<std::string>(3, text));
    EXPECT_EQ(at_client.messages, std::vector<std::string>(3, text));
    EXPECT_EQ(at_server.rsv, std::vector<std::uint8_t>(3, rsv1));
    EXPECT_EQ(at_client.rsv, std::vector<std::uint8_t>(3, rsv1));
}

TEST(DeflateHandshake, DeclinedOffersLeaveThePlainConnection) {
    PerMessageDeflateOffer offer;
    offer.server_max_window_bits = 9;
    ClientRequestOptions request;
    request.host = "localhost";
    request.key = make_key({});
    request.extensions = {"permessage-deflate; server_max_window_bits=7"};
    const std::string bytes = build_client_request(request);
    HttpRequestHead head;
    ASSERT_TRUE(parse_request_head(bytes.data(), bytes.size(), head).complete());
    const RequestValidation v = validate_request(head);
    ASSERT_TRUE(v.ok());
    const ServerNegotiation chosen = negotiate_permessage_deflate(v.request.extensions);
    EXPECT_FALSE(chosen.agreed);
    ASSERT_EQ(chosen.declined.size(), 1U);
    EXPECT_FALSE(chosen.declined[0].reason.empty());
    // A server that answers anyway is caught by the client's check.
    const std::vector<std::string> answered{"permessage-deflate; server_max_window_bits=12"};
    const ClientNegotiation c = check_permessage_deflate_response(answered, {&offer, 1});
    EXPECT_EQ(c.error.kind, DeflateResponseErrorKind::does_not_fit_offer);
}

}  // namespace
}  // namespace wsspec::codec
