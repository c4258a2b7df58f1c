#include "harness/peer/scripted_client.h"

#include <random>

#include "harness/codec/accept_key.h"
#include "harness/codec/handshake_request.h"
#include "harness/codec/handshake_response.h"
#include "harness/codec/http_head.h"
#include "harness/peer/asio_transport.h"
#include "harness/peer/case_session.h"
#include "harness/peer/deflate_agreement.h"
#include "harness/peer/entropy.h"
#include "harness/peer/h2_transport.h"
#include "harness/peer/placeholders.h"
#include "harness/peer/tcp_connect.h"

namespace wsspec::peer {
namespace {

constexpr std::size_t logged_head_bytes = 4096;
// Large enough for the oversized-header cases' responses; bounded against garbage streams.
constexpr std::size_t max_response_head = 64 * 1024;

struct Placeholders {
    std::string host, path, key, origin;
    std::string fill(std::string s) const {
        return fill_placeholders(
            std::move(s),
            {{"{host}", host}, {"{path}", path}, {"{key}", key}, {"{origin}", origin}});
    }
};

bool iequal(std::string_view a, std::string_view b) {
    return codec::iequals(a, b);
}

// The request a case asked for: the defaults, edited, or raw text.
std::string build_request(const cases::Case& c, const codec::ClientRequestOptions& defaults,
                          const Placeholders& ph) {
    if (!c.handshake) return codec::build_client_request(defaults);
    const cases::HandshakeRequest& hs = *c.handshake;
    if (hs.raw) return ph.fill(*hs.raw);
    std::vector<std::pair<std::string, std::string>> headers = hs.headers;
    if (headers.empty()) {
        const bool v8 = hs.ws_version == 8;
        headers = {{"Host", "{host}"},
                   {"Upgrade", "websocket"},
                   {"Connection", "Upgrade"},
                   {"Sec-WebSocket-Key", "{key}"},
                   {"Sec-WebSocket-Version", v8 ? "8" : "13"}};
        if (!ph.origin.empty())
            headers.emplace_back(v8 ? "Sec-WebSocket-Origin" : "Origin", "{origin}");
        if (!defaults.subprotocols.empty()) {
            std::string list;
            for (const auto& p : defaults.subprotocols)
                list += (list.empty() ? "" : ", ") + p;
            headers.emplace_back("Sec-WebSocket-Protocol", list);
        }
        if (!defaults.extensions.empty()) {
            std::string list;
            for (const auto& e : defaults.extensions)
                list += (list.empty() ? "" : ", ") + e;
            headers.emplace_back("Sec-WebSocket-Extensions", list);
        }
        std::erase_if(headers, [&](const auto& h) {
            return std::any_of(hs.remove_headers.begin(), hs.remove_headers.end(),
                               [&](const std::string& r) { return iequal(r, h.first); });
        });
        headers.insert(headers.end(), hs.add_headers.begin(), hs.add_headers.end());
    }
    std::string out = hs.method + " " + hs.target + " " + hs.http_version + "\r\n";
    for (const auto& [name, value] : headers)
        out += name + ": " + value + "\r\n";
    out += "\r\n";
    return ph.fill(out);
}

// With a handshake override the offers travel in the case's own header lines (hs.9.3 splits
// Sec-WebSocket-Protocol over two lines), not in the request options: the response is judged
// against what the request on the wire offered (RFC 6455 4.1, items 5 and 6 of the response
// checks). A request our parser cannot read (bare LF, obs-fold, ...) keeps the options.
void take_offers_from_request(std::string_view request, codec::ClientRequestOptions& options) {
    codec::HttpRequestHead head;
    const codec::HttpHeadLimits limits{request.size() + 1, 1000};
    if (codec::parse_request_head(request.data(), request.size(), head, limits).status !=
        codec::HeadParseStatus::complete) {
        return;
    }
    const auto elements = [&](std::string_view name) {
        std::vector<std::string> out;
        for (std::string_view e : codec::header_list_elements(head.headers, name))
            out.emplace_back(e);
        return out;
    };
    options.subprotocols = elements("Sec-WebSocket-Protocol");
    options.extensions = elements("Sec-WebSocket-Extensions");
}

void record_response(oracle::HandshakeObservation& hs, const codec::HttpResponseHead& head,
                     std::string_view raw) {
    hs.response = std::string(raw.substr(0, logged_head_bytes));
    hs.status = head.status;
    for (const auto& h : head.headers) {
        std::string name = h.name;
        for (auto& ch : name)
            ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
        hs.headers.emplace_back(std::move(name), h.value);
    }
}

// The request and response of an extended CONNECT, as text for the report (RFC 8441 has no
// HTTP/1.1 head: the header fields are listed one per line, pseudo-headers first).
std::string describe_fields(const std::vector<h2::Header>& headers) {
    std::string out;
    for (const auto& h : headers)
        out += h.name + ": " + h.value + "\n";
    return out;
}

std::vector<std::string> list_elements(const std::vector<h2::Header>& headers,
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

// The extended CONNECT's fields: the defaults for `request`, edited as an RFC 8441 case says.
std::vector<h2::Header> request_fields(const cases::H2Request& edits,
                                       const h2::WebSocketRequest& request) {
    std::vector<h2::Header> fields;
    if (!edits.fields.empty()) {
        for (const auto& [name, value] : edits.fields) {
            fields.push_back({name, fill_placeholders(value, {{"{scheme}", request.scheme},
                                                              {"{authority}", request.authority},
                                                              {"{path}", request.path}})});
        }
        return fields;
    }
    fields = h2::websocket_request_fields(request);
    std::erase_if(fields, [&](const h2::Header& f) {
        return std::find(edits.remove_fields.begin(), edits.remove_fields.end(), f.name) !=
               edits.remove_fields.end();
    });
    for (const auto& [name, value] : edits.add_fields)
        fields.push_back({name, value});
    return fields;
}

// RFC 8441: the opening handshake of a WebSocket over an HTTP/2 stream (h2c:// with prior
// knowledge, h2:// over TLS with ALPN), then the case's steps over that stream.
oracle::Observation run_case_over_h2(const cases::Case& c, const ClientSettings& settings,
                                     oracle::Observation& obs, CaseSession& session,
                                     asio::io_context& io, std::unique_ptr<ByteStream> stream,
                                     Clock::time_point deadline,
                                     const std::function<oracle::Observation()>& finish) {
    const cases::H2Request h2_case = c.h2.value_or(cases::H2Request{});
    auto owned = std::make_unique<H2Transport>(
        io, std::move(stream),
        h2_case.initial_window_size != 0 ? h2_case.initial_window_size : h2_stream_window);
    H2Transport& transport = *owned;
    h2::WebSocketRequest request;
    request.scheme = settings.url.tls ? "https" : "http";  // RFC 8441 5
    request.authority = settings.url.host_header();
    request.path = settings.url.path;
    request.subprotocols = c.offer_protocols.empty() ? settings.protocols : c.offer_protocols;
    request.extensions = c.offer_extensions;
    request.origin = settings.origin;
    transport.set_probe_request(request);
    const std::vector<h2::Header> sent = request_fields(h2_case, request);
    obs.handshake.attempted = true;
    obs.handshake.http2 = true;
    obs.handshake.request = describe_fields(sent);
    const H2Transport::OpenResult opened = transport.open(sent, !h2_case.before_settings, deadline);
    session.attach(std::move(owned));
    if (!opened.failure.empty()) {
        obs.handshake.failure = opened.failure;
        obs.handshake.stream_error_frame = opened.stream_error_frame;
        obs.handshake.stream_error = opened.stream_error;
        obs.timed_out = opened.timed_out;
        if (!opened.timed_out) {
            // A refusal leaves the connection to us: nothing more to observe on it.
            session.drop("the extended CONNECT opened no WebSocket (" + opened.failure + ")");
            obs.dropped_by_me = false;
        }
        return finish();
    }
    obs.handshake.response = describe_fields(opened.headers);
    obs.handshake.status = opened.status;
    for (const auto& h : opened.headers) {
        if (!h.name.empty() && h.name.front() != ':')
            obs.handshake.headers.emplace_back(h.name, h.value);
    }
    const auto refuse = [&](std::string why) {
        obs.handshake.failure = std::move(why);
        session.drop("the opening handshake did not complete (" + obs.handshake.failure + ")");
        obs.dropped_by_me = false;
        return finish();
    };
    // RFC 8441 5: the server accepts with 200; anything else is no WebSocket.
    if (opened.status != 200) {
        return refuse("the extended CONNECT was answered with " + std::to_string(opened.status) +
                      ", not 200 (RFC 8441 5)");
    }
    const auto protocols = list_elements(opened.headers, "sec-websocket-protocol");
    if (!protocols.empty() && (protocols.size() != 1 ||
                               std::find(request.subprotocols.begin(), request.subprotocols.end(),
                                         protocols.front()) == request.subprotocols.end())) {
        return refuse(
            "sec-websocket-protocol names a subprotocol the client did not offer "
            "(RFC 6455 4.1, via RFC 8441 5)");
    }
    const auto accepted = list_elements(opened.headers, "sec-websocket-extensions");
    const ClientDeflateOutcome deflate = check_deflate_answer(request.extensions, accepted);
    obs.handshake.deflate = deflate.summary;
    obs.handshake.deflate_leniency = deflate.leniency;
    if (!deflate.failure.empty()) return refuse(deflate.failure);
    if (deflate.params) {
        obs.handshake.deflate_agreed = true;
        session.use_deflate(*deflate.params);
    }
    obs.handshake.completed = true;
    if (h2_case.extra_streams != 0) {
        const SessionTransport::StreamEnd extra =
            transport.run_extra_streams(request, h2_case.extra_streams, deadline);
        if (!extra.failure.empty()) obs.h2_failures.push_back(extra.failure);
        if (!extra.lapse.empty()) obs.h2_lapses.push_back(extra.lapse);
        session.note(extra.note);
    }
    // (What came with the 200 reached the session when it was attached.)
    session.start_websocket({});
    run_case_steps(c, obs, session);
    return finish();
}

}  // namespace

oracle::Observation run_case_as_client(const cases::Case& c, const ClientSettings& settings) {
    oracle::Observation obs;
    obs.started = std::chrono::system_clock::now();
    const CaseClock clock = start_case_clock(c, settings.default_timeout_ms);
    const auto started = clock.started;
    const auto deadline = clock.deadline;

    asio::io_context io;
    CaseSession session(obs, session_settings(codec::Role::client, settings), started, deadline);

    const auto finish = [&] {
        session.conclude(c.measure_throughput);
        return obs;
    };

    // Connect (bounded by the case deadline).
    tcp::socket socket(io);
    obs.connect_error = connect_tcp(io, socket, settings.url, deadline);
    if (!obs.connect_error.empty()) return finish();
    if (settings.url.http2 && !settings.url.tls) {
        return run_case_over_h2(c, settings, obs, session, io,
                                std::make_unique<ByteStream>(std::move(socket)), deadline, finish);
    }

    std::unique_ptr<ByteStream> stream;
    if (settings.url.tls) {
        try {
            // RFC 9113 3.2: HTTP/2 over TLS is agreed by ALPN with the token "h2".
            auto ctx = make_client_tls_context(settings.tls, settings.url.host,
                                               settings.url.http2 ? "h2" : "");
            stream = std::make_unique<ByteStream>(std::move(socket), ctx,
                                                  asio::ssl::stream_base::client);
        } catch (const std::exception& e) {
            obs.connect_error = std::string("TLS setup failed: ") + e.what();
            return finish();
        }
        const std::string sni =
            settings.tls.server_name.empty() ? settings.url.host : settings.tls.server_name;
        error_code addr_ec;
        asio::ip::make_address(sni, addr_ec);
        if (addr_ec) stream->set_sni(sni);  // SNI carries host names, not IP literals (RFC 6066 3)
        bool done = false;
        error_code ec;
        stream->async_tls_handshake([&](error_code e) {
            ec = e;
            done = true;
        });
        io.run_until(deadline);
        io.restart();
        if (!done || ec) {
            obs.connect_error = "TLS handshake with " + settings.url.to_string() +
                                " failed: " + (done ? ec.message() : std::string("timed out"));
            stream->close();
            io.run_for(std::chrono::milliseconds(100));
            return finish();
        }
        if (settings.url.http2) {
            if (stream->alpn_selected() != "h2") {
                obs.connect_error = "the TLS server at " + settings.url.to_string() +
                                    " did not agree to \"h2\" by ALPN (RFC 9113 3.2)" +
                                    (stream->alpn_selected().empty()
                                         ? std::string(": no protocol selected")
                                         : ": it selected \"" + stream->alpn_selected() + "\"");
                stream->close();
                io.run_for(std::chrono::milliseconds(100));
                return finish();
            }
            return run_case_over_h2(c, settings, obs, session, io, std::move(stream), deadline,
                                    finish);
        }
    } else {
        stream = std::make_unique<ByteStream>(std::move(socket));
    }
    session.attach(std::make_unique<AsioTransport>(io, std::move(stream)));

    // Opening handshake.
    codec::ClientRequestOptions request;
    request.host = settings.url.host_header();
    request.target = settings.url.path;
    request.key = random_handshake_key();
    if (!settings.origin.empty()) request.origin = settings.origin;
    request.subprotocols = c.offer_protocols.empty() ? settings.protocols : c.offer_protocols;
    request.extensions = c.offer_extensions;
    if ((c.handshake && c.handshake->ws_version == 8) || (!c.handshake && settings.ws_version == 8))
        request.version = codec::HandshakeVersion::hybi10;
    const Placeholders ph{request.host, request.target, request.key, settings.origin};
    std::string request_bytes = build_request(c, request, ph);
    if (c.handshake) take_offers_from_request(request_bytes, request);
    obs.handshake.attempted = true;
    obs.handshake.request = request_bytes.substr(0, logged_head_bytes);
    if (c.handshake && !c.handshake->pipelined.empty()) request_bytes += c.handshake->pipelined;
    const std::uint64_t chop = c.handshake ? c.handshake->chop : 0;
    const std::uint32_t chop_delay = c.handshake ? c.handshake->chop_delay_ms : 0;
    session.steps_sent(request_bytes.size(), 0);
    session.write_all(std::move(request_bytes), chop, chop_delay);

    std::string raw;
    codec::HttpResponseHead head;
    codec::HeadParseResult parsed;
    const codec::HttpHeadLimits limits{max_response_head, 200};
    session.read_until(raw, [&](const std::string& bytes) {
        parsed = codec::parse_response_head(bytes.data(), bytes.size(), head, limits);
        return parsed.status != codec::HeadParseStatus::need_more;
    });
    if (parsed.status != codec::HeadParseStatus::complete) {
        obs.handshake.response = raw.substr(0, logged_head_bytes);
        if (parsed.status == codec::HeadParseStatus::error) {
            obs.handshake.failure = "malformed HTTP response: " + std::string(parsed.reason);
        } else if (!session.tcp_open()) {
            obs.handshake.failure = raw.empty()
                                        ? "the server closed the connection without a response"
                                        : "the server closed the connection mid-response";
        } else {
            obs.handshake.failure = "no complete HTTP response within the case timeout";
            obs.timed_out = true;
        }
        return finish();
    }
    record_response(obs.handshake, head, raw);
    if (const auto* accept = codec::find_header(head.headers, "Sec-WebSocket-Accept")) {
        obs.handshake.accept_key_valid = accept->value == codec::compute_accept_key(request.key);
    }
    const auto validation = codec::validate_response(head, request);
    if (!validation.ok()) {
        obs.handshake.failure = validation.error.reason.empty()
                                    ? std::string(validation.error.requirement)
                                    : validation.error.reason;
        // Not a WebSocket connection: nothing more to observe. A refused request may
        // leave the connection open (HTTP keep-alive), so we close it ourselves.
        session.drop("the opening handshake did not complete (" + obs.handshake.failure + ")");
        obs.dropped_by_me = false;  // expected after a refusal; not a close-behaviour fault
        return finish();
    }
    const ClientDeflateOutcome deflate =
        check_deflate_answer(request.extensions, validation.accepted.extensions);
    obs.handshake.deflate = deflate.summary;
    obs.handshake.deflate_leniency = deflate.leniency;
    if (!deflate.failure.empty()) {
        // RFC 7692 7: "the client MUST _Fail the WebSocket Connection_".
        obs.handshake.failure = deflate.failure;
        session.drop("the opening handshake did not complete (" + deflate.failure + ")");
        obs.dropped_by_me = false;
        return finish();
    }
    if (deflate.params) {
        obs.handshake.deflate_agreed = true;
        session.use_deflate(*deflate.params);
    }
    obs.handshake.completed = true;
    session.start_websocket(raw.substr(parsed.consumed));
    run_case_steps(c, obs, session);
    return finish();
}

}  // namespace wsspec::peer
