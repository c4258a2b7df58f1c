#include "harness/h2/h2_session.h"

#include "harness/codec/http2_error_codes.h"

#include <nghttp2/nghttp2.h>

#include <algorithm>
#include <array>
#include <cstring>

namespace wsspec::h2 {
namespace {

constexpr std::int32_t connection_stream = 0;
constexpr int status_ok = 200;
constexpr int status_informational_end = 200;  // 1xx are not final (RFC 9110 15.2)
constexpr int status_success_end = 300;
constexpr std::string_view websocket_protocol = "websocket";
constexpr std::string_view websocket_version = "13";  // RFC 6455 4.1, item 9

H2Session& self_of(void* user_data) {
    return *static_cast<H2Session*>(user_data);
}

int on_begin_headers(nghttp2_session*, const nghttp2_frame* frame, void* user_data) {
    if (frame->hd.type == NGHTTP2_HEADERS) self_of(user_data).incoming()[frame->hd.stream_id];
    return 0;
}

int on_header(nghttp2_session*, const nghttp2_frame* frame, const std::uint8_t* name,
              std::size_t namelen, const std::uint8_t* value, std::size_t valuelen, std::uint8_t,
              void* user_data) {
    if (frame->hd.type != NGHTTP2_HEADERS) return 0;
    auto& in = self_of(user_data).incoming()[frame->hd.stream_id];
    in.headers.push_back({std::string(reinterpret_cast<const char*>(name), namelen),
                          std::string(reinterpret_cast<const char*>(value), valuelen)});
    return 0;
}

int status_of(const std::vector<Header>& headers) {
    const std::string* s = find_header(headers, ":status");
    if (!s || s->size() != 3) return 0;
    int v = 0;
    for (const char c : *s) {
        if (c < '0' || c > '9') return 0;
        v = v * 10 + (c - '0');
    }
    return v;
}

int on_frame_recv(nghttp2_session*, const nghttp2_frame* frame, void* user_data) {
    H2Session& self = self_of(user_data);
    const std::int32_t stream = frame->hd.stream_id;
    switch (frame->hd.type) {
        case NGHTTP2_SETTINGS:
            if ((frame->hd.flags & NGHTTP2_FLAG_ACK) == 0) {
                self.note_settings();
                self.handler().on_settings();
            }
            break;
        case NGHTTP2_HEADERS: {
            auto it = self.incoming().find(stream);
            if (it == self.incoming().end()) break;
            std::vector<Header> headers = std::move(it->second.headers);
            it->second.headers.clear();
            if (self.role() == Role::server) {
                if (frame->headers.cat == NGHTTP2_HCAT_REQUEST)
                    self.handler().on_request(stream, headers);
            } else {
                const int status = status_of(headers);
                if (status >= status_informational_end)
                    self.handler().on_response(stream, status, headers);
            }
            break;
        }
        case NGHTTP2_GOAWAY:
            self.handler().on_goaway(frame->goaway.error_code);
            break;
        case NGHTTP2_RST_STREAM:
            self.handler().on_reset(stream, frame->rst_stream.error_code);
            break;
        default:
            break;
    }
    if ((frame->hd.type == NGHTTP2_HEADERS || frame->hd.type == NGHTTP2_DATA) &&
        (frame->hd.flags & NGHTTP2_FLAG_END_STREAM) != 0) {
        self.handler().on_remote_end(stream);
    }
    return 0;
}

int on_data_chunk(nghttp2_session*, std::uint8_t, std::int32_t stream, const std::uint8_t* data,
                  std::size_t len, void* user_data) {
    self_of(user_data).handler().on_data(stream, {data, len});
    return 0;
}

int on_stream_close(nghttp2_session*, std::int32_t stream, std::uint32_t error_code,
                    void* user_data) {
    H2Session& self = self_of(user_data);
    self.outgoing().erase(stream);
    self.incoming().erase(stream);
    self.handler().on_stream_closed(stream, error_code);
    return 0;
}

int on_invalid_frame_recv(nghttp2_session*, const nghttp2_frame* frame, int lib_error_code,
                          void* user_data) {
    static constexpr std::array<const char*, 10> names = {
        "DATA",         "HEADERS", "PRIORITY", "RST_STREAM",    "SETTINGS",
        "PUSH_PROMISE", "PING",    "GOAWAY",   "WINDOW_UPDATE", "CONTINUATION"};
    const std::uint8_t type = frame->hd.type;
    self_of(user_data).note_invalid_frame(
        std::string(type < names.size() ? names[type] : "an unknown") + " frame on stream " +
        std::to_string(frame->hd.stream_id) + ": " + nghttp2_strerror(lib_error_code));
    return 0;
}

int on_frame_send(nghttp2_session*, const nghttp2_frame* frame, void* user_data) {
    if (frame->hd.type == NGHTTP2_GOAWAY)
        self_of(user_data).note_goaway_sent(frame->goaway.error_code);
    return 0;
}

ssize_t read_stream_bytes(nghttp2_session*, std::int32_t stream, std::uint8_t* buf,
                          std::size_t length, std::uint32_t* data_flags, nghttp2_data_source*,
                          void* user_data) {
    auto& all = self_of(user_data).outgoing();
    const auto it = all.find(stream);
    if (it == all.end()) {
        *data_flags |= NGHTTP2_DATA_FLAG_EOF;
        return 0;
    }
    H2Session::Outgoing& out = it->second;
    const std::size_t n = std::min(length, out.bytes.size() - out.offset);
    std::memcpy(buf, out.bytes.data() + out.offset, n);
    out.offset += n;
    if (out.offset == out.bytes.size()) {
        out.bytes.clear();
        out.offset = 0;
        if (out.end) {
            *data_flags |= NGHTTP2_DATA_FLAG_EOF;
        } else if (n == 0) {
            out.deferred = true;
            return NGHTTP2_ERR_DEFERRED;
        }
    }
    return static_cast<ssize_t>(n);
}

nghttp2_nv make_nv(std::string_view name, std::string_view value) {
    // nghttp2 copies names and values (no NO_COPY flags), so views into locals are fine.
    return {reinterpret_cast<std::uint8_t*>(const_cast<char*>(name.data())),
            reinterpret_cast<std::uint8_t*>(const_cast<char*>(value.data())), name.size(),
            value.size(), NGHTTP2_NV_FLAG_NONE};
}

bool equals_ignoring_case(std::string_view a, std::string_view b) {
    return std::equal(a.begin(), a.end(), b.begin(), b.end(), [](char x, char y) {
        const auto lower = [](char c) { return c >= 'A' && c <= 'Z' ? char(c - 'A' + 'a') : c; };
        return lower(x) == lower(y);
    });
}

std::string join(const std::vector<std::string>& items) {
    std::string out;
    for (const auto& i : items)
        out += (out.empty() ? "" : ", ") + i;
    return out;
}

}  // namespace

const std::string* find_header(const std::vector<Header>& headers, std::string_view name) {
    for (const auto& h : headers) {
        if (h.name == name) return &h.value;
    }
    return nullptr;
}

H2Session::H2Session(Role role, const SessionOptions& options, H2Handler& handler)
    : role_(role), handler_(&handler) {
    nghttp2_session_callbacks* cb = nullptr;
    nghttp2_session_callbacks_new(&cb);
    nghttp2_session_callbacks_set_on_begin_headers_callback(cb, on_begin_headers);
    nghttp2_session_callbacks_set_on_header_callback(cb, on_header);
    nghttp2_session_callbacks_set_on_frame_recv_callback(cb, on_frame_recv);
    nghttp2_session_callbacks_set_on_data_chunk_recv_callback(cb, on_data_chunk);
    nghttp2_session_callbacks_set_on_stream_close_callback(cb, on_stream_close);
    nghttp2_session_callbacks_set_on_invalid_frame_recv_callback(cb, on_invalid_frame_recv);
    nghttp2_session_callbacks_set_on_frame_send_callback(cb, on_frame_send);
    const int rv = role == Role::client ? nghttp2_session_client_new(&session_, cb, this)
                                        : nghttp2_session_server_new(&session_, cb, this);
    nghttp2_session_callbacks_del(cb);
    if (rv != 0) {
        error_ = std::string("nghttp2 session: ") + nghttp2_strerror(rv);
        session_ = nullptr;
        return;
    }
    std::vector<nghttp2_settings_entry> settings = {
        {NGHTTP2_SETTINGS_INITIAL_WINDOW_SIZE, options.stream_window}};
    if (role == Role::client) {
        settings.push_back({NGHTTP2_SETTINGS_ENABLE_PUSH, 0});
    } else {
        settings.push_back({NGHTTP2_SETTINGS_ENABLE_CONNECT_PROTOCOL, 1});  // RFC 8441 3
    }
    if (options.max_concurrent_streams) {
        settings.push_back(
            {NGHTTP2_SETTINGS_MAX_CONCURRENT_STREAMS, *options.max_concurrent_streams});
    }
    nghttp2_submit_settings(session_, NGHTTP2_FLAG_NONE, settings.data(), settings.size());
    if (options.connection_window != default_window_size) {
        nghttp2_session_set_local_window_size(session_, NGHTTP2_FLAG_NONE, connection_stream,
                                              static_cast<std::int32_t>(options.connection_window));
    }
}

H2Session::~H2Session() {
    if (session_) nghttp2_session_del(session_);
}

bool H2Session::receive(std::span<const std::uint8_t> bytes) {
    if (!session_ || !error_.empty()) return false;
    const ssize_t rv = nghttp2_session_mem_recv(session_, bytes.data(), bytes.size());
    if (rv < 0) {
        error_ = std::string("HTTP/2: ") + nghttp2_strerror(static_cast<int>(rv));
        return false;
    }
    return true;
}

std::string H2Session::take_output() {
    std::string out;
    if (!session_) return out;
    for (;;) {
        const std::uint8_t* data = nullptr;
        const ssize_t n = nghttp2_session_mem_send(session_, &data);
        if (n < 0) {
            error_ = std::string("HTTP/2: ") + nghttp2_strerror(static_cast<int>(n));
            break;
        }
        if (n == 0) break;
        out.append(reinterpret_cast<const char*>(data), static_cast<std::size_t>(n));
    }
    return out;
}

void H2Session::note_goaway_sent(std::uint32_t error_code) {
    constexpr std::uint32_t no_error = 0;
    if (error_code == no_error || !error_.empty()) return;
    // RFC 9113 5.4.1: a connection error; nghttp2 said GOAWAY and the connection is over.
    error_ = "HTTP/2: the peer broke the protocol, wsspec ended the connection with GOAWAY " +
             error_code_name(error_code) + " (RFC 9113 5.4.1)" +
             (invalid_frame_.empty() ? std::string() : ": " + invalid_frame_);
}

bool H2Session::alive() const {
    return session_ && error_.empty() &&
           (nghttp2_session_want_read(session_) != 0 || nghttp2_session_want_write(session_) != 0);
}

bool H2Session::connect_protocol_enabled() const {
    return session_ && nghttp2_session_get_remote_settings(
                           session_, NGHTTP2_SETTINGS_ENABLE_CONNECT_PROTOCOL) == 1;
}

std::vector<Header> websocket_request_fields(const WebSocketRequest& request) {
    // RFC 8441 4: :method CONNECT with :protocol, :scheme, :path and :authority; RFC 8441 5:
    // sec-websocket-version as in RFC 6455, no Sec-WebSocket-Key, no Upgrade/Connection.
    std::vector<Header> fields = {{":method", "CONNECT"},
                                  {":protocol", std::string(websocket_protocol)},
                                  {":scheme", request.scheme},
                                  {":path", request.path},
                                  {":authority", request.authority},
                                  {"sec-websocket-version", std::string(websocket_version)}};
    const std::string subprotocols = join(request.subprotocols);
    const std::string extensions = join(request.extensions);
    if (!subprotocols.empty()) fields.push_back({"sec-websocket-protocol", subprotocols});
    if (!extensions.empty()) fields.push_back({"sec-websocket-extensions", extensions});
    if (!request.origin.empty()) fields.push_back({"origin", request.origin});
    return fields;
}

std::int32_t H2Session::open_websocket(const WebSocketRequest& request) {
    return open_stream(websocket_request_fields(request));
}

std::int32_t H2Session::open_stream(const std::vector<Header>& fields) {
    if (!session_) return -1;
    // nghttp2 lower-cases the names it copies; conformance cases send upper case on purpose
    // (RFC 9113 8.2.1), so the names are passed uncopied and kept alive here until the
    // session ends (a case opens a handful of streams).
    sent_fields_.push_back(fields);
    std::vector<nghttp2_nv> nva;
    nva.reserve(fields.size());
    for (const auto& f : sent_fields_.back()) {
        nghttp2_nv nv = make_nv(f.name, f.value);
        nv.flags = NGHTTP2_NV_FLAG_NO_COPY_NAME;
        nva.push_back(nv);
    }
    nghttp2_data_provider provider{};
    provider.read_callback = read_stream_bytes;
    const std::int32_t stream =
        nghttp2_submit_request(session_, nullptr, nva.data(), nva.size(), &provider, nullptr);
    if (stream < 0) {
        error_ = std::string("HTTP/2 request: ") + nghttp2_strerror(stream);
        return -1;
    }
    outgoing_[stream].provider_attached = true;
    return stream;
}

bool H2Session::respond(std::int32_t stream, int status, const std::vector<Header>& headers) {
    if (!session_) return false;
    const std::string status_text = std::to_string(status);
    std::vector<nghttp2_nv> nva = {make_nv(":status", status_text)};
    for (const auto& h : headers)
        nva.push_back(make_nv(h.name, h.value));
    const bool tunnel = status >= status_ok && status < status_success_end;
    nghttp2_data_provider provider{};
    provider.read_callback = read_stream_bytes;
    const int rv = nghttp2_submit_response(session_, stream, nva.data(), nva.size(),
                                           tunnel ? &provider : nullptr);
    if (rv != 0) return false;
    if (tunnel) outgoing_[stream].provider_attached = true;
    return true;
}

bool H2Session::submit_settings(
    const std::vector<std::pair<std::int32_t, std::uint32_t>>& settings) {
    if (!session_) return false;
    std::vector<nghttp2_settings_entry> entries;
    for (const auto& [id, value] : settings)
        entries.push_back({id, value});
    const int rv =
        nghttp2_submit_settings(session_, NGHTTP2_FLAG_NONE, entries.data(), entries.size());
    if (rv != 0) error_note_ = std::string("SETTINGS not sent: ") + nghttp2_strerror(rv);
    return rv == 0;
}

void H2Session::terminate(std::uint32_t error_code) {
    if (session_) nghttp2_session_terminate_session(session_, error_code);
}

void H2Session::reset(std::int32_t stream, std::uint32_t error_code) {
    if (session_) nghttp2_submit_rst_stream(session_, NGHTTP2_FLAG_NONE, stream, error_code);
}

void H2Session::send(std::int32_t stream, std::string_view bytes) {
    const auto it = outgoing_.find(stream);
    if (it == outgoing_.end() || it->second.end) return;
    it->second.bytes.append(bytes);
    resume(stream);
}

void H2Session::end_stream(std::int32_t stream) {
    const auto it = outgoing_.find(stream);
    if (it == outgoing_.end() || it->second.end) return;
    it->second.end = true;
    resume(stream);
}

void H2Session::resume(std::int32_t stream) {
    Outgoing& out = outgoing_[stream];
    if (!out.deferred) return;
    out.deferred = false;
    nghttp2_session_resume_data(session_, stream);
}

std::size_t H2Session::unsent(std::int32_t stream) const {
    const auto it = outgoing_.find(stream);
    return it == outgoing_.end() ? 0 : it->second.bytes.size() - it->second.offset;
}

bool H2Session::stream_open(std::int32_t stream) const {
    return session_ && nghttp2_session_find_stream(session_, stream) != nullptr;
}

std::string error_code_name(std::uint32_t code) {
    const std::string_view name = codec::http2_error_code_name(code);
    if (!name.empty()) return std::string(name);
    return "error " + std::to_string(code);
}

RequestCheck check_websocket_request(const std::vector<Header>& headers) {
    const std::string* method = find_header(headers, ":method");
    const std::string* protocol = find_header(headers, ":protocol");
    // RFC 8441 4: a WebSocket is asked for with the extended CONNECT only; this server is no
    // proxy, so a plain CONNECT or any other method finds nothing here.
    if (!method || *method != "CONNECT")
        return {405, "only the extended CONNECT of RFC 8441 is served here", {}};
    if (!protocol) return {405, "CONNECT without :protocol (a proxy request) is not served", {}};
    // RFC 8441 4 leaves an unsupported :protocol's status open; 501 (RFC 9110 15.6.2).
    // RFC 9110 7.8: protocol names SHOULD compare case-insensitively.
    if (!equals_ignoring_case(*protocol, websocket_protocol))
        return {501, ":protocol '" + *protocol + "' is not supported (only websocket)", {}};
    const std::string* version = find_header(headers, "sec-websocket-version");
    // RFC 8441 5 keeps RFC 6455's version check: 13, else refuse (RFC 6455 4.2.2).
    if (!version || *version != websocket_version)
        return {400,
                "sec-websocket-version must be 13 (RFC 6455 4.1)",
                {{"sec-websocket-version", std::string(websocket_version)}}};
    return {};
}

}  // namespace wsspec::h2
