// One case on one connection, after the opening handshake: executes the steps, reads the
// peer's frames with the codec, answers pings and closes the way a well-behaved peer
// would, and records the Observation. The role is ours (client when testing a server),
// so the same session serves server testing and client testing.
#pragma once

#include <chrono>
#include <cstdint>
#include <deque>
#include <functional>
#include <memory>
#include <span>
#include <string>

#include "harness/cases/case.h"
#include "harness/codec/connection.h"
#include "harness/codec/permessage_deflate_negotiation.h"
#include "harness/oracle/observation.h"
#include "harness/peer/receive_budget.h"
#include "harness/peer/session_transport.h"

namespace wsspec::peer {

// Budgets on what one case keeps of what the peer sends (STYLE 6); what does not fit is
// counted in Observation::dropped. The catalog's largest legitimate answers are a 16 MiB
// message and 1000 small round trips, well inside these.
struct SessionSettings {
    codec::Role role = codec::Role::client;  // our role
    std::uint64_t max_message_size = 256ULL << 20;
    std::size_t wire_data_bytes = 64;  // of each wire log entry (Autobahn: 64)
    std::size_t wire_entries = 2000;
    std::size_t wire_bytes = 256 * 1024;          // data and note text across the wire log
    std::size_t max_events = 10000;               // events recorded (9.7/9.8: 1000 round trips)
    std::uint64_t max_event_bytes = 64ULL << 20;  // payload bytes across the events
    ReceiveBudgetLimits receive_budget;           // beyond it the peer floods: case FAILED
    std::size_t events_kept_after_flood = 100;
};

// What a case run takes in either role: the default timeout and what the session keeps.
struct CaseLimits {
    std::uint32_t default_timeout_ms = 5000;
    std::uint64_t max_message_size = 256ULL << 20;
    std::size_t wire_data_bytes = 64;  // bytes of each wire log entry kept (Autobahn: 64)
    std::size_t wire_entries = 2000;   // entries kept per case
};

// Session settings for our `role` under `limits`.
SessionSettings session_settings(codec::Role role, const CaseLimits& limits);

// When a case starts and when it must be over (its own timeout, or the default).
struct CaseClock {
    Clock::time_point started;
    Clock::time_point deadline;
};
CaseClock start_case_clock(const cases::Case& c, std::uint32_t default_timeout_ms);

class CaseSession : codec::ConnectionHandler {
  public:
    CaseSession(oracle::Observation& obs, const SessionSettings& settings,
                Clock::time_point started, Clock::time_point deadline);

    // The connection is established: take its transport (Asio in a run, memory in tests)
    // and start reading.
    void attach(std::unique_ptr<SessionTransport> transport);
    void start_websocket(std::string leftover);

    // Pre-handshake helpers for the handshake code of the two roles.
    bool write_all(std::string bytes, std::uint64_t chop = 0, std::uint32_t chop_delay_ms = 0);
    // Reads raw bytes into `into` until `complete(into)` says the head is whole, the peer
    // closes, or the deadline passes.
    bool read_until(std::string& into, const std::function<bool(const std::string&)>& complete);

    // Runs the steps, then waits for the peer to close (dropping TCP at the deadline).
    void run_steps(const std::vector<cases::Step>& steps);
    // permessage-deflate was agreed in the opening handshake: from now on our side of the
    // connection follows `agreed` (before start_websocket).
    void use_deflate(const codec::PerMessageDeflateParams& agreed);
    void finish();
    // finish(), then the case's duration and (for measured cases) its throughput.
    void conclude(bool measure_throughput);
    void drop(const std::string& why);

    bool tcp_open() const { return tcp_open_; }
    // TCP is up and neither side has started closing or failing the connection.
    bool still_open() const;
    double elapsed_ms() const;
    void note(std::string text);
    // What the case sent outside its steps (the handshake, frames pipelined with it): the
    // peer's answers to it are within its receive budget.
    void steps_sent(std::uint64_t bytes, std::uint64_t frames);

  private:
    // steps
    bool run_step(const cases::Step& step);
    bool send_frame(const cases::FrameStep& f);
    bool send_message(const cases::MessageStep& m);
    bool echo_series(const cases::EchoSeriesStep& e);
    void check_series_echo(bool binary, std::string_view payload);
    // Replaces `payload` with its encoding by the agreed extension; `rsv`: its bits.
    bool compress(codec::MessageType type, std::string& payload, std::uint8_t& rsv);
    // The frames of one message (`fragment_size` 0: one frame), RSV bits on the first.
    std::string frame_message(std::uint8_t opcode, std::uint8_t rsv, const std::string& payload,
                              std::uint64_t fragment_size, std::uint64_t& frames);
    bool sleep(const cases::SleepStep& s);
    bool await_events(const cases::AwaitStep& a);
    bool close(const cases::CloseStep& c);
    bool await_close(std::uint32_t timeout_ms);
    bool end_stream(const cases::StreamStep& s);

    // I/O
    void on_received(std::span<std::uint8_t> bytes);
    void on_ended(bool eof, const std::string& why);
    void queue_write(std::string bytes, bool pong = false);
    void queue_pong(std::string bytes);
    void pump_writes();
    bool pump_until(const std::function<bool()>& done, Clock::time_point deadline);
    bool pump_for(std::chrono::milliseconds d);
    Clock::time_point step_deadline(std::uint32_t timeout_ms) const;

    // codec events (the peer under test's frames)
    void on_frame(const codec::FrameHeader& header) override;
    void on_message(codec::MessageType type, std::string_view payload) override;
    void on_ping(std::string_view payload) override;
    void on_pong(std::string_view payload) override;
    void on_close(const codec::ClosePayload& close) override;
    void on_error(const codec::ProtocolError& error) override;

    // budgets
    // Records what the peer did within the event budgets (counting what does not fit).
    // Keeps an event within the budgets. An `answer` (an echo, a mark, a Pong to one of our
    // Pings) counts for awaits; heartbeats do not. `unsolicited`: a Pong that answers nothing.
    enum class EventRole : std::uint8_t { answer, heartbeat, unsolicited_pong };
    void record_event(oracle::ObservedEvent::Kind kind, bool binary, std::string_view payload,
                      EventRole role);
    void stop_flood();

    // wire log
    void log_octets(oracle::WireEntry::Kind kind, const std::uint8_t* data, std::size_t n);
    void log_frame(oracle::WireEntry::Kind kind, const codec::FrameHeader& h,
                   std::string_view payload);
    void add_wire(oracle::WireEntry e);
    bool wire_full();  // true (and counted as dropped) once the log is at its budget
    void mark_close_sent(std::optional<std::uint16_t> code);

    oracle::Observation& obs_;
    SessionSettings settings_;
    Clock::time_point started_;
    Clock::time_point deadline_;
    std::unique_ptr<SessionTransport> transport_;
    codec::Connection codec_;
    bool websocket_ = false;
    bool tcp_open_ = false;
    std::string read_into_;  // pre-handshake reads land here
    bool pre_handshake_ = true;
    struct Pending {
        std::string bytes;
        bool pong = false;  // an automatic answer a newer Pong may replace (5.5.3)
    };
    std::deque<Pending> tx_queue_;
    bool writing_ = false;
    bool write_failed_ = false;
    ReceiveBudget budget_;
    bool flooded_ = false;
    std::uint64_t event_bytes_ = 0;  // payload bytes kept in obs_.events
    std::uint64_t wire_bytes_ = 0;   // data bytes kept in obs_.wire
    bool wire_full_ = false;
    bool wire_paused_ = false;  // during an echo series
    // Received frames in the wire log whose payload a codec event will describe.
    static constexpr std::size_t no_entry = static_cast<std::size_t>(-1);
    std::size_t last_rx_control_ = no_entry;
    std::size_t message_first_frame_ = no_entry;
    bool message_compressed_ = false;
    void describe_rx(std::size_t& entry, std::string_view payload, std::string decoded);
    // Awaits count answers: every recorded event except heartbeats (Pings the peer sent on
    // its own, unsolicited Pongs), which a peer MAY send at any time (RFC 6455 5.5.2, 5.5.3)
    // and which must not end a wait before the answer arrives.
    std::size_t answers_ = 0;
    std::size_t iteration_base_ = 0;  // answers recorded when the current repeat began
    // Payloads of the Pings we sent that no Pong answered yet, oldest first.
    std::deque<std::string> unanswered_pings_;
    // Pongs to the peer's Pings wait here while one of our frames is half written (chops,
    // pauses): a frame must not be cut by another (RFC 6455 5.4 allows control frames only
    // between frames).
    bool mid_frame_ = false;
    std::string held_pongs_;  // the latest such Pong
    // Echo series (Autobahn 12/13): the message whose echo is awaited.
    bool series_waiting_ = false;
    std::string series_expected_;
    void release_held_pongs();
};

// Runs the case's steps after the opening handshake; a case that needs permessage-deflate
// but did not get it is UNIMPLEMENTED, and wsspec just closes with 1000 (Autobahn 12/13).
void run_case_steps(const cases::Case& c, const oracle::Observation& obs, CaseSession& session);

}  // namespace wsspec::peer
