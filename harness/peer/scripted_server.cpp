#include "harness/peer/scripted_server.h"

#include <algorithm>

#include "harness/codec/accept_key.h"
#include "harness/codec/handshake_request.h"
#include "harness/codec/http_head.h"
#include "harness/peer/asio_transport.h"
#include "harness/peer/case_session.h"
#include "harness/peer/deflate_agreement.h"
#include "harness/peer/placeholders.h"

namespace wsspec::peer {
namespace {

constexpr std::size_t logged_head_bytes = 4096;
// A key no client sends (RFC 6455 1.3's example key) whose accept value is certainly wrong
// for the client's key; its own accept value if the client happened to send it.
constexpr std::string_view sample_key = "dGhlIHNhbXBsZSBub25jZQ==";
constexpr std::string_view other_sample_key = "AQIDBAUGBwgJCgsMDQ4PEA==";

struct Placeholders {
    std::string accept, key, protocol;
    std::string fill(std::string s) const {
        return fill_placeholders(std::move(s),
                                 {{"{accept}", accept}, {"{key}", key}, {"{protocol}", protocol}});
    }
};

// The response a client case asks for: the valid 101, edited, or raw text.
void record_request(oracle::HandshakeObservation& hs, const ClientRequest& request) {
    hs.attempted = true;
    hs.request = request.raw.substr(0, logged_head_bytes);
    for (const auto& h : request.head.headers)
        hs.headers.emplace_back(codec::to_lower_ascii(h.name), h.value);
}

}  // namespace

std::string scripted_response(const cases::HandshakeResponse& r, const codec::AcceptedRequest& req,
                              const ServerCaseSettings& settings) {
    const Placeholders ph{codec::compute_accept_key(req.key), req.key,
                          req.subprotocols.empty() ? std::string() : req.subprotocols.front()};
    if (r.raw) return ph.fill(*r.raw);
    std::vector<std::pair<std::string, std::string>> headers = r.headers;
    if (headers.empty()) {
        headers = {{"Upgrade", "websocket"},
                   {"Connection", "Upgrade"},
                   {"Sec-WebSocket-Accept", r.accept == cases::HandshakeResponse::Accept::wrong
                                                ? wrong_accept_key(req.key)
                                                : "{accept}"}};
        std::erase_if(headers, [&](const auto& h) {
            return std::any_of(
                r.remove_headers.begin(), r.remove_headers.end(),
                [&](const std::string& name) { return codec::iequals(name, h.first); });
        });
        headers.insert(headers.end(), r.add_headers.begin(), r.add_headers.end());
    }
    if (!settings.server_name.empty() &&
        std::none_of(headers.begin(), headers.end(),
                     [](const auto& h) { return codec::iequals(h.first, "Server"); })) {
        headers.emplace_back("Server", settings.server_name);
    }
    const std::string reason =
        r.reason.empty() ? std::string(codec::http_reason_phrase(r.status)) : r.reason;
    std::string out = r.http_version + " " + std::to_string(r.status) + " " + reason + "\r\n";
    for (const auto& [name, value] : headers)
        out += name + ": " + value + "\r\n";
    out += "\r\n";
    return ph.fill(out);
}

std::string wrong_accept_key(std::string_view key) {
    return codec::compute_accept_key(key == sample_key ? other_sample_key : sample_key);
}

oracle::Observation run_case_as_server(const cases::Case& c, asio::io_context& io,
                                       std::unique_ptr<ByteStream> stream,
                                       const ClientRequest& request,
                                       const ServerCaseSettings& settings) {
    oracle::Observation obs;
    obs.started = std::chrono::system_clock::now();
    const CaseClock clock = start_case_clock(c, settings.default_timeout_ms);
    const auto started = clock.started;
    const auto deadline = clock.deadline;

    CaseSession session(obs, session_settings(codec::Role::server, settings), started, deadline);
    error_code ignored;
    stream->socket().set_option(tcp::no_delay(true), ignored);
    session.attach(std::make_unique<AsioTransport>(io, std::move(stream)));
    record_request(obs.handshake, request);

    const auto finish = [&] {
        session.conclude(c.measure_throughput);
        return obs;
    };

    // RFC 6455 4.2.1: judge the client's request first; a client under test must send a
    // valid one, and the case fails if it did not.
    const codec::RequestValidation validation = codec::validate_request(request.head);
    if (!validation.ok()) {
        const std::string response = codec::build_reject_response(validation.rejection);
        obs.handshake.response = response.substr(0, logged_head_bytes);
        obs.handshake.status = validation.rejection.http_status;
        obs.handshake.failure = "the client's opening handshake is invalid (RFC 6455 " +
                                std::string(validation.rejection.rfc_section) +
                                "): " + validation.rejection.reason;
        session.write_all(response);
        session.drop("the client's opening handshake was refused");
        obs.dropped_by_me = false;  // not a close-behaviour fault
        return finish();
    }

    std::string response;
    int status = codec::http_status::switching_protocols;
    ServerDeflateAnswer deflate;
    if (c.handshake_response) {
        response = scripted_response(*c.handshake_response, validation.request, settings);
        status = c.handshake_response->raw ? 0 : c.handshake_response->status;
    } else {
        // Select no subprotocol and decline every offered extension, permessage-deflate
        // included unless the case is about it: both are allowed answers (RFC 6455 4.2.2
        // item 5.4 and 9.1).
        deflate = answer_deflate_offers(c, validation.request.extensions);
        obs.handshake.deflate = deflate.summary;
        codec::ServerAcceptOptions accept;
        if (!deflate.element.empty()) accept.extensions.push_back(deflate.element);
        if (!settings.server_name.empty())
            accept.extra_headers.push_back({"Server", settings.server_name});
        const codec::BuiltResponse built = codec::build_accept_response(validation.request, accept);
        if (!built.ok()) {
            obs.handshake.failure = "cannot build the 101 response: " + std::string(built.error);
            session.drop(obs.handshake.failure);
            return finish();
        }
        response = built.bytes;
    }
    obs.handshake.response = response.substr(0, logged_head_bytes);
    obs.handshake.status = status;
    const std::uint64_t chop = c.handshake_response ? c.handshake_response->chop : 0;
    const std::uint32_t chop_delay = c.handshake_response ? c.handshake_response->chop_delay_ms : 0;
    // In client testing "completed" means wsspec answered and treats the connection as open;
    // whether the client should have accepted the answer is what the hsc.* cases judge. A
    // client that closes the connection while the response is still being written (a head
    // beyond its limit) refused it: the steps then find the connection closed.
    obs.handshake.completed = true;
    session.steps_sent(response.size(), 0);
    if (!session.write_all(std::move(response), chop, chop_delay)) {
        session.note("the client closed the connection before the whole response was sent");
    }
    if (!deflate.element.empty()) {
        obs.handshake.deflate_agreed = true;
        if (deflate.params) session.use_deflate(*deflate.params);
    }
    session.start_websocket(request.leftover);
    run_case_steps(c, obs, session);
    return finish();
}

}  // namespace wsspec::peer

namespace wsspec::peer {
namespace {

std::vector<std::string> h2_list_elements(const std::vector<h2::Header>& headers,
                                          std::string_view name) {
    std::vector<codec::HttpHeader> as_http;
    for (const auto& h : headers) {
        if (h.name == name) as_http.push_back({h.name, h.value});
    }
    std::vector<std::string> out;
    for (std::string_view e : codec::header_list_elements(as_http, name))
        out.emplace_back(e);
    return out;
}

}  // namespace

std::string describe_h2_fields(const std::vector<h2::Header>& fields) {
    std::string out;
    for (const auto& f : fields)
        out += f.name + ": " + f.value + "\n";
    return out;
}

oracle::Observation run_case_as_h2_server(const cases::Case& c, H2ServerConnection& connection,
                                          const H2ServerConnection::Request& request,
                                          const ServerCaseSettings& settings) {
    oracle::Observation obs;
    obs.started = std::chrono::system_clock::now();
    const CaseClock clock = start_case_clock(c, settings.default_timeout_ms);
    CaseSession session(obs, session_settings(codec::Role::server, settings), clock.started,
                        clock.deadline);
    obs.handshake.attempted = true;
    obs.handshake.http2 = true;
    obs.handshake.request = describe_h2_fields(request.headers).substr(0, logged_head_bytes);
    for (const auto& h : request.headers) {
        if (!h.name.empty() && h.name.front() != ':')
            obs.handshake.headers.emplace_back(h.name, h.value);
    }
    const auto finish = [&] {
        session.conclude(c.measure_throughput);
        return obs;
    };
    session.attach(connection.stream_transport(request.stream));

    // RFC 8441 4 and 5: judge the client's extended CONNECT first (nghttp2 has checked it
    // against RFC 9113 8 already); a client under test must send a valid one.
    const h2::RequestCheck check = h2::check_websocket_request(request.headers);
    if (check.status != 0) {
        std::vector<h2::Header> answer = check.headers;
        answer.push_back({"content-length", "0"});
        connection.respond(request.stream, check.status, answer);
        obs.handshake.status = check.status;
        obs.handshake.response = ":status: " + std::to_string(check.status) + "\n";
        obs.handshake.failure =
            "the client's extended CONNECT is invalid (RFC 8441 4, 5): " + check.reason;
        session.drop("the client's extended CONNECT was refused");
        obs.dropped_by_me = false;  // not a close-behaviour fault
        return finish();
    }
    // No subprotocol selected, every extension declined unless the case is about
    // permessage-deflate: both allowed answers (RFC 6455 4.2.2 item 5.4 and 9.1, via RFC 8441 5).
    const std::vector<std::string> offers =
        h2_list_elements(request.headers, "sec-websocket-extensions");
    const ServerDeflateAnswer deflate = answer_deflate_offers(c, offers);
    obs.handshake.deflate = deflate.summary;
    std::vector<h2::Header> answer;
    if (!deflate.element.empty()) answer.push_back({"sec-websocket-extensions", deflate.element});
    if (!settings.server_name.empty()) answer.push_back({"server", settings.server_name});
    const cases::H2Response scripted = c.h2_response.value_or(cases::H2Response{});
    for (const auto& [name, value] : scripted.add_fields)
        answer.push_back({name, value});
    if (scripted.initial_window_size != 0) {
        // RFC 9113 6.9.2: the new initial window applies to the open stream too; the client
        // has it before the answer, and so before it may send any DATA. Later requests on the
        // connection must not inherit it.
        const std::string refused = connection.send_settings(
            {{h2::settings_initial_window_size, scripted.initial_window_size}});
        if (!refused.empty()) session.note(refused);
        connection.retire();
    }
    if (!connection.respond(request.stream, scripted.status, answer)) {
        obs.handshake.failure = "the stream was gone before the 200 could be sent";
        session.drop(obs.handshake.failure);
        obs.dropped_by_me = false;
        return finish();
    }
    std::vector<h2::Header> shown = {{":status", std::to_string(scripted.status)}};
    shown.insert(shown.end(), answer.begin(), answer.end());
    obs.handshake.response = describe_h2_fields(shown);
    obs.handshake.status = scripted.status;
    // As over HTTP/1.1: "completed" means wsspec answered; whether the client should have
    // taken the answer is what the h2cl.* cases judge.
    obs.handshake.completed = true;
    if (scripted.withdraw_connect_protocol) {
        // RFC 8441 3 forbids this; the case sees what the client makes of it.
        const std::string refused =
            connection.send_settings({{h2::settings_enable_connect_protocol, 0}});
        session.note(refused.empty()
                         ? "we sent SETTINGS_ENABLE_CONNECT_PROTOCOL = 0 after 1 (RFC 8441 3 "
                           "forbids it)"
                         : refused);
        connection.retire();
    }
    if (!deflate.element.empty()) {
        obs.handshake.deflate_agreed = true;
        if (deflate.params) session.use_deflate(*deflate.params);
    }
    session.start_websocket(connection.take_early_data(request.stream));
    run_case_steps(c, obs, session);
    return finish();
}

}  // namespace wsspec::peer
