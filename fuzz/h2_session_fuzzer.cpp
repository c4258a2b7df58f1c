// The HTTP/2 adaptation layer of RFC 8441 (harness/h2/h2_session.h), either role, fed the
// byte stream of a peer and driven the way wsspec's h2 transport and `wsspec serve` drive it:
// a server answers each extended CONNECT from its handler (check_websocket_request, then 200
// or the refusal) and echoes the stream's DATA; a client opens a WebSocket stream when the
// server's SETTINGS arrive and echoes what comes back. Both end a stream when the peer ends
// it, or reset it instead.
//
// Input: [config][chunk plan] + the peer's bytes.
//   config bit 0     role: 0 server (the input starts with a client preface), 1 client
//   config bit 1     on the peer's END_STREAM: 0 end ours, 1 RST_STREAM (CANCEL)
//   config bits 2-3  our stream window: 65535, 16, 1, 16384 (flow control smaller than a frame)
//   config bits 4-7  the status a server gives an acceptable request: 200 or another one
//                    (non-200 2xx, 1xx, 4xx, 5xx, nonsense), to exercise every respond() path
//   chunk plan       the reads the peer's bytes arrive in (chunk_plan.h)
//
// Properties besides "no crash, no sanitizer report, no leak":
//   - what we write is our connection preface (client) and then whole HTTP/2 frames;
//   - we send DATA only on streams we opened (client) or accepted with a 2xx (server), never
//     more than the stream was given, and never on stream 0;
//   - requests reach a server's handler once per stream, on odd client-initiated streams;
//     responses and DATA reach the handler only on streams that exist on our side;
//   - once receive() has failed it keeps failing, and the session is no longer alive().
#include <algorithm>
#include <array>
#include <cstdint>
#include <map>
#include <set>
#include <string>
#include <string_view>

#include "fuzz/chunk_plan.h"
#include "fuzz/fuzz_check.h"
#include "harness/h2/h2_session.h"

namespace h2 = wsspec::h2;

namespace {

constexpr std::string_view client_preface = "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n";  // RFC 9113 3.4
constexpr std::size_t frame_header_size = 9;                                     // RFC 9113 4.1
constexpr std::uint8_t frame_type_data = 0x0;
// A masked text message "hi" (RFC 6455 5.7), all-zero mask.
constexpr std::string_view own_message{"\x81\x82\x00\x00\x00\x00hi", 8};
constexpr std::uint32_t error_cancel = 0x8;  // RFC 9113 7
constexpr std::array<std::uint32_t, 4> stream_windows = {h2::default_window_size, 16, 1, 16384};
constexpr std::array<int, 16> statuses = {200, 200, 200, 200, 200, 200, 200, 200,
                                          204, 206, 101, 100, 400, 404, 501, 999};

class Driver : public h2::H2Handler {
  public:
    explicit Driver(std::uint8_t config)
        : role_(config & 1 ? h2::Role::client : h2::Role::server),
          reset_on_end_((config & 2) != 0),
          status_(statuses[config >> 4]),
          session_(role_, options_for(config), *this) {}

    h2::H2Session& session() { return session_; }

    void on_settings() override {
        if (role_ != h2::Role::client || opened_ != 0 || !session_.connect_protocol_enabled())
            return;
        h2::WebSocketRequest request;
        request.authority = "127.0.0.1";
        request.path = "/fuzz";
        request.subprotocols = {"chat"};
        const std::int32_t stream = session_.open_websocket(request);
        if (stream > 0) {
            opened_ = stream;
            tunnels_.insert(stream);
            session_.send(stream, own_message);
        }
    }

    void on_request(std::int32_t stream, const std::vector<h2::Header>& headers) override {
        FUZZ_CHECK(role_ == h2::Role::server, "a request reached a client");
        FUZZ_CHECK(stream > 0 && stream % 2 == 1, "a request on a server-initiated stream");
        FUZZ_CHECK(requests_.insert(stream).second, "two requests on one stream");
        const h2::RequestCheck check = h2::check_websocket_request(headers);
        const int status = check.status != 0 ? check.status : status_;
        std::vector<h2::Header> answer = check.headers;
        if (status != 200) answer.push_back({"content-length", "0"});
        if (session_.respond(stream, status, answer) && status >= 200 && status < 300)
            tunnels_.insert(stream);
    }

    void on_response(std::int32_t stream, int status, const std::vector<h2::Header>&) override {
        FUZZ_CHECK(role_ == h2::Role::client, "a response reached a server");
        FUZZ_CHECK(stream == opened_, "a response on a stream we did not open");
        FUZZ_CHECK(status >= 200 && status <= 999, "a non-final or impossible status");
    }

    void on_data(std::int32_t stream, std::span<const std::uint8_t> bytes) override {
        FUZZ_CHECK(role_ == h2::Role::server ? requests_.count(stream) == 1 : stream == opened_,
                   "DATA delivered on a stream we do not know");
        if (tunnels_.count(stream) == 0) return;
        const std::string_view echo(reinterpret_cast<const char*>(bytes.data()), bytes.size());
        session_.send(stream, echo);
        given_[stream] += bytes.size();
    }

    void on_remote_end(std::int32_t stream) override {
        if (reset_on_end_) {
            session_.reset(stream, error_cancel);
        } else {
            session_.end_stream(stream);
        }
    }

    void on_stream_closed(std::int32_t stream, std::uint32_t) override {
        // What the transports do with a stream that is gone: nothing more can be queued.
        session_.send(stream, "late");
        session_.end_stream(stream);
        FUZZ_CHECK(session_.unsent(stream) == 0, "bytes queued on a closed stream");
    }

    // Checks what take_output() wrote, after what was written before and not yet walked.
    void check_output(const std::string& out) {
        pending_ += out;
        if (!preface_seen_) {
            if (role_ == h2::Role::client) {
                const std::size_t n = std::min(pending_.size(), client_preface.size());
                FUZZ_CHECK(std::string_view(pending_).substr(0, n) == client_preface.substr(0, n),
                           "the client does not start with the connection preface");
                if (pending_.size() < client_preface.size()) return;
                pending_.erase(0, client_preface.size());
            }
            preface_seen_ = true;
        }
        std::size_t at = 0;
        while (at + frame_header_size <= pending_.size()) {
            const auto* p = reinterpret_cast<const std::uint8_t*>(pending_.data() + at);
            const std::size_t length = (std::size_t{p[0]} << 16) | (std::size_t{p[1]} << 8) | p[2];
            if (at + frame_header_size + length > pending_.size()) break;
            const std::uint8_t type = p[3];
            const auto stream = static_cast<std::int32_t>((std::uint32_t{p[5]} & 0x7F) << 24 |
                                                          std::uint32_t{p[6]} << 16 |
                                                          std::uint32_t{p[7]} << 8 | p[8]);
            if (type == frame_type_data) {
                FUZZ_CHECK(stream != 0, "DATA on stream 0");
                FUZZ_CHECK(tunnels_.count(stream) == 1, "DATA on a stream we did not accept");
                sent_[stream] += length;  // we never pad
                const std::size_t own = stream == opened_ ? own_message.size() : 0;
                FUZZ_CHECK(sent_[stream] <= given_[stream] + own, "DATA we were never given");
            }
            at += frame_header_size + length;
        }
        pending_.erase(0, at);  // memory stays flat on long inputs
    }

    // Whole frames only, once everything has been taken.
    [[nodiscard]] bool ends_on_frame_boundary() const { return preface_seen_ && pending_.empty(); }

  private:
    static h2::SessionOptions options_for(std::uint8_t config) {
        h2::SessionOptions options;
        options.stream_window = stream_windows[(config >> 2) & 3];
        return options;
    }

    h2::Role role_;
    bool reset_on_end_;
    int status_;
    h2::H2Session session_;
    std::int32_t opened_ = 0;
    std::set<std::int32_t> requests_;
    std::set<std::int32_t> tunnels_;
    std::map<std::int32_t, std::size_t> given_;
    std::map<std::int32_t, std::size_t> sent_;
    std::string pending_;
    bool preface_seen_ = false;
};

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    if (size < 2) return 0;
    Driver driver(data[0]);
    wsspec::fuzz::ChunkPlan plan(data[1]);
    h2::H2Session& session = driver.session();
    driver.check_output(session.take_output());
    std::size_t at = 2;
    bool failed = false;
    while (at < size) {
        const std::size_t n = plan.next(size - at);
        const bool ok = session.receive({data + at, n});
        at += n;
        if (!ok) {
            failed = true;
            FUZZ_CHECK(!session.error().empty(), "receive() failed without saying why");
            FUZZ_CHECK(!session.alive(), "alive after a failed receive()");
            break;
        }
        driver.check_output(session.take_output());
    }
    if (failed) {
        const std::uint8_t more = 0;
        FUZZ_CHECK(!session.receive({&more, 1}), "receive() works again after failing");
    }
    driver.check_output(session.take_output());
    FUZZ_CHECK(driver.ends_on_frame_boundary(), "take_output() ended inside a frame");
    return 0;
}
