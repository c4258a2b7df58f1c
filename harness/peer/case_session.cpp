#include "harness/peer/case_session.h"

#include <algorithm>
#include <random>
#include <utility>

#include <openssl/sha.h>

#include "harness/cases/frame_step_spec.h"
#include "harness/cases/payload_digest.h"
#include "harness/codec/ascii.h"
#include "harness/codec/frame_writer.h"
#include "harness/codec/permessage_deflate.h"
#include "harness/peer/entropy.h"

namespace wsspec::peer {
namespace {

using oracle::WireEntry;

codec::ConnectionLimits observer_limits(const SessionSettings& s) {
    codec::ConnectionLimits limits;
    limits.max_message_size = s.max_message_size;
    return limits;
}

// The header the wire log shows for a frame we wrote.
codec::FrameHeader logged_header(const codec::FrameSpec& spec, std::uint64_t payload_length) {
    codec::FrameHeader h;
    h.fin = spec.fin;
    h.rsv = spec.rsv;
    h.opcode = spec.opcode;
    h.masked = spec.masked;
    h.payload_length = payload_length;
    return h;
}

// "5.2" -> "RFC 6455 5.2"; "7.2.2 (RFC 7692)" -> "RFC 7692 7.2.2".
std::string rfc_reference(std::string_view section) {
    constexpr std::string_view other = " (RFC 7692)";
    if (section.size() > other.size() && section.substr(section.size() - other.size()) == other) {
        return "RFC 7692 " + std::string(section.substr(0, section.size() - other.size()));
    }
    return "RFC 6455 " + std::string(section);
}

std::string hex_digest(std::string_view bytes) {
    unsigned char digest[SHA_DIGEST_LENGTH];
    SHA1(reinterpret_cast<const unsigned char*>(bytes.data()), bytes.size(), digest);
    return codec::to_hex(std::string_view(reinterpret_cast<const char*>(digest), sizeof digest));
}

std::optional<std::uint16_t> close_code_of(std::string_view body) {
    if (body.size() < 2) return std::nullopt;
    return static_cast<std::uint16_t>((static_cast<std::uint8_t>(body[0]) << 8) |
                                      static_cast<std::uint8_t>(body[1]));
}

}  // namespace

void run_case_steps(const cases::Case& c, const oracle::Observation& obs, CaseSession& session) {
    if (c.permessage_deflate && c.permessage_deflate->required && !obs.handshake.deflate_agreed) {
        session.note("permessage-deflate was not agreed (" + obs.handshake.deflate +
                     "): the case's steps are skipped");
        session.run_steps({cases::CloseStep{}});
        return;
    }
    session.run_steps(c.steps);
}

SessionSettings session_settings(codec::Role role, const CaseLimits& limits) {
    SessionSettings s;
    s.role = role;
    s.max_message_size = limits.max_message_size;
    s.wire_data_bytes = limits.wire_data_bytes;
    s.wire_entries = limits.wire_entries;
    return s;
}

CaseClock start_case_clock(const cases::Case& c, std::uint32_t default_timeout_ms) {
    const auto started = Clock::now();
    const std::uint32_t timeout_ms = c.timeout_ms != 0 ? c.timeout_ms : default_timeout_ms;
    return {started, started + std::chrono::milliseconds(timeout_ms)};
}

CaseSession::CaseSession(oracle::Observation& obs, const SessionSettings& settings,
                         Clock::time_point started, Clock::time_point deadline)
    : obs_(obs),
      settings_(settings),
      started_(started),
      deadline_(deadline),
      codec_(settings.role, observer_limits(settings), random_mask_seed()),
      budget_(settings.receive_budget) {}

double CaseSession::elapsed_ms() const {
    return std::chrono::duration<double, std::milli>(Clock::now() - started_).count();
}

void CaseSession::note(std::string text) {
    WireEntry e;
    e.kind = WireEntry::Kind::note;
    e.data = std::move(text);
    add_wire(std::move(e));
}

bool CaseSession::wire_full() {
    if (!wire_full_) return false;
    ++obs_.dropped.wire_entries;
    return true;
}

void CaseSession::add_wire(WireEntry e) {
    if (wire_full()) return;
    e.at_ms = elapsed_ms();
    if (obs_.wire.size() >= settings_.wire_entries ||
        wire_bytes_ + e.data.size() > settings_.wire_bytes) {
        // The last entry says where the log stops; what follows is only counted.
        ++obs_.dropped.wire_entries;
        wire_full_ = true;
        e = WireEntry{};
        e.at_ms = elapsed_ms();
        e.data = "wire log truncated: more than " + std::to_string(settings_.wire_entries) +
                 " entries or " + std::to_string(settings_.wire_bytes) + " bytes";
    }
    wire_bytes_ += e.data.size();
    obs_.wire.push_back(std::move(e));
}

void CaseSession::log_octets(WireEntry::Kind kind, const std::uint8_t* data, std::size_t n) {
    if (wire_paused_ || wire_full()) return;
    WireEntry e;
    e.kind = kind;
    e.length = n;
    e.data.assign(reinterpret_cast<const char*>(data), std::min(n, settings_.wire_data_bytes));
    add_wire(std::move(e));
}

void CaseSession::log_frame(WireEntry::Kind kind, const codec::FrameHeader& h,
                            std::string_view payload) {
    if (wire_paused_ || wire_full()) return;
    WireEntry e;
    e.kind = kind;
    e.length = h.payload_length;
    e.opcode = h.opcode;
    e.fin = h.fin;
    e.rsv = h.rsv;
    e.masked = h.masked;
    e.data = std::string(payload.substr(0, settings_.wire_data_bytes));
    add_wire(std::move(e));
}

// ---- budgets -----------------------------------------------------------------------------

void CaseSession::record_event(oracle::ObservedEvent::Kind kind, bool binary,
                               std::string_view payload, EventRole role) {
    if (flooded_) return;
    // Counted even when the event itself is not kept, so awaits still see the answer.
    if (role == EventRole::answer) ++answers_;
    if (obs_.events.size() >= settings_.max_events) {
        ++obs_.dropped.events;
        obs_.dropped.event_bytes += payload.size();
        return;
    }
    // Past the byte budget an event keeps its size but only the part of the payload that
    // fits, and the whole payload's digest: a case may expect a message larger than the
    // budget (pmd.3.23: 128 MiB), and the judge matches it by size and digest.
    const std::uint64_t room =
        settings_.max_event_bytes > event_bytes_ ? settings_.max_event_bytes - event_bytes_ : 0;
    const std::string_view kept =
        payload.substr(0, static_cast<std::size_t>(std::min<std::uint64_t>(room, payload.size())));
    obs_.dropped.event_bytes += payload.size() - kept.size();
    event_bytes_ += kept.size();
    oracle::ObservedEvent& e = obs_.events.emplace_back();
    e.kind = kind;
    e.binary = binary;
    e.payload = std::string(kept);
    e.size = payload.size();
    e.unsolicited = role == EventRole::unsolicited_pong;
    if (kept.size() < payload.size()) e.digest = cases::digest_of(payload);
}

void CaseSession::steps_sent(std::uint64_t bytes, std::uint64_t frames) {
    budget_.steps_sent(bytes, frames);
}

void CaseSession::stop_flood() {
    if (flooded_) return;
    flooded_ = true;
    oracle::FloodObservation f;
    f.frames = budget_.frames();
    f.bytes = budget_.bytes();
    f.at_ms = elapsed_ms();
    f.frame_budget = budget_.frame_allowance();
    f.byte_budget = budget_.byte_allowance();
    f.what = std::to_string(f.frames) + " frames / " + std::to_string(f.bytes) + " bytes in " +
             std::to_string(static_cast<std::uint64_t>(f.at_ms)) + " ms (this case allows " +
             std::to_string(f.frame_budget) + " frames / " + std::to_string(f.byte_budget) +
             " bytes)";
    obs_.flood = f;
    // The verdict rests on the flood, not on the events: the report shows how it began.
    if (obs_.events.size() > settings_.events_kept_after_flood) {
        for (std::size_t i = settings_.events_kept_after_flood; i < obs_.events.size(); ++i) {
            ++obs_.dropped.events;
            obs_.dropped.event_bytes += obs_.events[i].payload.size();
        }
        obs_.events.resize(settings_.events_kept_after_flood);
        obs_.events.shrink_to_fit();
    }
    // We stop reading at once; a Close frame (7.1.7's SHOULD) could only wait behind the
    // peer's unread data, so the connection is dropped.
    drop("the peer flooded: " + f.what);
}

// ---- I/O ---------------------------------------------------------------------------------

void CaseSession::attach(std::unique_ptr<SessionTransport> transport) {
    transport_ = std::move(transport);
    tcp_open_ = true;
    transport_->start({[this](std::span<std::uint8_t> bytes) { on_received(bytes); },
                       [this](bool eof, const std::string& why) { on_ended(eof, why); }});
}

void CaseSession::start_websocket(std::string leftover) {
    pre_handshake_ = false;
    websocket_ = true;
    // Bytes read since attach() that no read_until() consumed (a server reads the request
    // before attaching, so frames may follow the response) come after `leftover`.
    leftover += read_into_;
    read_into_.clear();
    if (!leftover.empty()) {
        codec_.receive(reinterpret_cast<std::uint8_t*>(leftover.data()), leftover.size(), *this);
    }
}

void CaseSession::on_ended(bool eof, const std::string& why) {
    if (!tcp_open_) return;
    tcp_open_ = false;
    obs_.peer_closed_tcp = true;
    note(eof ? "peer closed the TCP connection" : "TCP connection ended: " + why);
}

void CaseSession::on_received(std::span<std::uint8_t> bytes) {
    const std::size_t n = bytes.size();
    obs_.bytes_received += n;
    log_octets(WireEntry::Kind::rx_octets, bytes.data(), n);
    if (!budget_.received_bytes(n)) return stop_flood();  // which closes: read no more
    if (pre_handshake_) {
        read_into_.append(reinterpret_cast<const char*>(bytes.data()), n);
    } else if (websocket_ && codec_.state() != codec::ConnectionState::failed) {
        codec_.receive(bytes.data(), n, *this);
    }
}

void CaseSession::queue_write(std::string bytes, bool pong) {
    if (!tcp_open_ || bytes.empty()) return;
    obs_.bytes_sent += bytes.size();
    log_octets(WireEntry::Kind::tx_octets, reinterpret_cast<const std::uint8_t*>(bytes.data()),
               bytes.size());
    tx_queue_.push_back({std::move(bytes), pong});
    pump_writes();
}

// RFC 6455 5.5.3: while an earlier Pong still waits to be written, answering only the most
// recent Ping is allowed. A peer that pings faster than it reads our answers then cannot
// grow the send queue by more than one Pong.
void CaseSession::queue_pong(std::string bytes) {
    if (flooded_ || !tcp_open_) return;
    for (auto& waiting : tx_queue_) {
        if (!waiting.pong) continue;
        obs_.bytes_sent = obs_.bytes_sent - waiting.bytes.size() + bytes.size();
        waiting.bytes = std::move(bytes);
        ++obs_.dropped.pongs;
        return;
    }
    queue_write(std::move(bytes), true);
}

void CaseSession::pump_writes() {
    if (writing_ || tx_queue_.empty() || !tcp_open_) return;
    writing_ = true;
    std::string bytes = std::move(tx_queue_.front().bytes);
    tx_queue_.pop_front();
    transport_->write(std::move(bytes), [this](const std::string& error) {
        writing_ = false;
        if (!error.empty()) {
            if (!write_failed_) note("write failed: " + error);
            write_failed_ = true;
            tx_queue_.clear();
            return;
        }
        pump_writes();
    });
}

bool CaseSession::pump_until(const std::function<bool()>& done, Clock::time_point deadline) {
    return transport_ ? transport_->run_until(done, deadline) : done();
}

bool CaseSession::pump_for(std::chrono::milliseconds d) {
    pump_until([this] { return !still_open(); }, std::min(deadline_, Clock::now() + d));
    return Clock::now() < deadline_;
}

Clock::time_point CaseSession::step_deadline(std::uint32_t timeout_ms) const {
    if (timeout_ms == 0) return deadline_;
    return std::min(deadline_, Clock::now() + std::chrono::milliseconds(timeout_ms));
}

bool CaseSession::write_all(std::string bytes, std::uint64_t chop, std::uint32_t chop_delay_ms) {
    const auto idle = [this] {
        return (!writing_ && tx_queue_.empty()) || !tcp_open_ || write_failed_;
    };
    if (chop == 0 || chop >= bytes.size()) {
        queue_write(std::move(bytes));
        if (!pump_until(idle, deadline_)) return false;
    } else {
        const bool outermost = !mid_frame_;
        mid_frame_ = true;
        struct PiecesWritten {
            CaseSession& s;
            bool outermost;
            ~PiecesWritten() {
                if (outermost) s.release_held_pongs();
            }
        } pieces_written{*this, outermost};
        for (std::size_t at = 0; at < bytes.size() && tcp_open_ && !write_failed_; at += chop) {
            queue_write(bytes.substr(at, chop));
            if (!pump_until(idle, deadline_)) return false;
            if (chop_delay_ms > 0 && at + chop < bytes.size()) {
                if (!pump_for(std::chrono::milliseconds(chop_delay_ms))) return false;
            }
        }
    }
    return tcp_open_ && !write_failed_;
}

bool CaseSession::read_until(std::string& into,
                             const std::function<bool(const std::string&)>& complete) {
    const bool ok = pump_until([&] { return complete(read_into_) || !tcp_open_; }, deadline_);
    into = read_into_;
    read_into_.clear();
    return ok && complete(into);
}

void CaseSession::drop(const std::string& why) {
    if (!tcp_open_) return;
    obs_.dropped_by_me = true;
    note("we closed the TCP connection: " + why);
    tcp_open_ = false;
    transport_->close();
}

void CaseSession::mark_close_sent(std::optional<std::uint16_t> code) {
    if (obs_.close_sent) return;
    obs_.close_sent = true;
    obs_.closed_by_me = !obs_.close_received;
    obs_.local_close_code = code;
}

// ---- steps -------------------------------------------------------------------------------

bool CaseSession::still_open() const {
    return tcp_open_ && !obs_.close_received && !obs_.failed_by_me && !write_failed_;
}

void CaseSession::run_steps(const std::vector<cases::Step>& steps) {
    iteration_base_ = answers_;
    for (const auto& step : steps) {
        if (!still_open()) break;
        if (!run_step(step)) break;
    }
    // The peer decides how the connection ends; we wait for it, within the case deadline.
    if (tcp_open_ && Clock::now() < deadline_) await_close(0);
}

bool CaseSession::run_step(const cases::Step& step) {
    if (const auto* f = std::get_if<cases::FrameStep>(&step)) return send_frame(*f);
    if (const auto* m = std::get_if<cases::MessageStep>(&step)) return send_message(*m);
    if (const auto* e = std::get_if<cases::EchoSeriesStep>(&step)) return echo_series(*e);
    if (const auto* r = std::get_if<cases::RawStep>(&step)) {
        steps_sent(r->bytes.size(), 0);
        write_all(r->bytes, r->chop, r->chop_delay_ms);
        return Clock::now() < deadline_;
    }
    if (const auto* s = std::get_if<cases::SleepStep>(&step)) return sleep(*s);
    if (const auto* a = std::get_if<cases::AwaitStep>(&step)) return await_events(*a);
    if (const auto* c = std::get_if<cases::CloseStep>(&step)) return close(*c);
    if (const auto* w = std::get_if<cases::AwaitCloseStep>(&step))
        return await_close(w->timeout_ms);
    if (const auto* st = std::get_if<cases::StreamStep>(&step)) return end_stream(*st);
    if (const auto* rep = std::get_if<cases::RepeatStep>(&step)) {
        const std::size_t outer_base = iteration_base_;
        bool in_time = true;
        for (std::uint32_t i = 0; i < rep->times && in_time && still_open(); ++i) {
            iteration_base_ = answers_;
            for (const auto& inner : rep->steps) {
                if (!still_open()) break;
                if (!run_step(inner)) {
                    in_time = false;
                    break;
                }
            }
        }
        iteration_base_ = outer_base;
        return in_time;
    }
    return true;
}

bool CaseSession::end_stream(const cases::StreamStep& s) {
    // What is queued goes first: the step ends the stream after the frames before it.
    pump_until([this] { return (!writing_ && tx_queue_.empty()) || !tcp_open_ || write_failed_; },
               deadline_);
    if (!tcp_open_) return false;
    const SessionTransport::StreamEnd end =
        transport_->end_stream(s.reset, s.error_code, deadline_);
    if (!end.note.empty()) note(end.note);
    if (!end.failure.empty()) obs_.h2_failures.push_back(end.failure);
    if (!end.lapse.empty()) obs_.h2_lapses.push_back(end.lapse);
    if (s.reset) {
        // RFC 8441 5: an abortive close of the stream; the WebSocket is gone, ended by us.
        obs_.dropped_by_me = true;
        tcp_open_ = false;
        return false;
    }
    return Clock::now() < deadline_;
}

bool CaseSession::send_frame(const cases::FrameStep& f) {
    std::string payload = f.payload.materialize();
    std::uint64_t credit = 0;  // what the peer may echo beyond the frame's own bytes
    if (f.compress) {
        const std::uint64_t plain = payload.size();
        std::uint8_t rsv = 0;
        if (!compress(f.opcode == 2 ? codec::MessageType::binary : codec::MessageType::text,
                      payload, rsv)) {
            return false;
        }
        credit = plain;
    }
    const codec::FrameSpec spec =
        cases::frame_spec_of(f, settings_.role == codec::Role::client, codec_.next_mask_key());
    std::string bytes;
    codec::append_frame(bytes, spec, payload);
    log_frame(WireEntry::Kind::tx_frame, logged_header(spec, f.length.value_or(payload.size())),
              payload);
    // A Close frame starts our closing handshake; one with reserved bits set is not a Close
    // in the protocol's sense but a broken frame (3.7), so it does not count as ours.
    if (f.opcode == static_cast<std::uint8_t>(codec::Opcode::close) && f.rsv == 0) {
        mark_close_sent(close_code_of(payload));
    }
    // Every Ping we send, broken ones too: a Pong that answers one is never a heartbeat.
    if (f.opcode == static_cast<std::uint8_t>(codec::Opcode::ping)) {
        unanswered_pings_.push_back(payload);
    }
    const std::size_t payload_size = payload.size();
    std::string().swap(payload);  // the frame holds its own copy; keep memory to one
    steps_sent(bytes.size() + credit, 1);
    if (f.pauses.empty()) {
        write_all(std::move(bytes), f.chop, f.chop_delay_ms);
        return Clock::now() < deadline_;
    }
    // Pauses inside the frame (6.4.3/6.4.4): write up to each pause point, sleep, go on.
    mid_frame_ = true;
    struct FrameWritten {
        CaseSession& s;
        ~FrameWritten() { s.release_held_pongs(); }
    } frame_written{*this};
    const std::size_t header_size = bytes.size() - payload_size;
    std::size_t at = 0;
    for (const auto& pause : f.pauses) {
        const std::size_t upto =
            std::min(bytes.size(), header_size + static_cast<std::size_t>(pause.after));
        if (upto > at && !write_all(bytes.substr(at, upto - at), f.chop, f.chop_delay_ms)) {
            return Clock::now() < deadline_;
        }
        at = std::max(at, upto);
        if (!sleep({pause.ms, pause.mark})) return false;
        if (!still_open()) return true;
    }
    if (at < bytes.size()) write_all(bytes.substr(at), f.chop, f.chop_delay_ms);
    return Clock::now() < deadline_;
}

bool CaseSession::send_message(const cases::MessageStep& m) {
    std::string payload = m.payload.materialize();
    std::uint8_t rsv = 0;
    std::uint64_t credit = 0;
    if (m.compress) {
        credit = payload.size();
        const auto type = m.opcode == 2 ? codec::MessageType::binary : codec::MessageType::text;
        if (!compress(type, payload, rsv)) return false;
    }
    std::uint64_t frames = 0;
    std::string bytes = frame_message(m.opcode, rsv, payload, m.fragment_size, frames);
    std::string().swap(payload);
    steps_sent(bytes.size() + credit, frames);
    write_all(std::move(bytes), m.chop, m.chop_delay_ms);
    return Clock::now() < deadline_;
}

bool CaseSession::compress(codec::MessageType type, std::string& payload, std::uint8_t& rsv) {
    std::string encoded;
    const auto status = codec_.encode_message(type, payload, encoded, rsv);
    if (status != codec::WriteStatus::written) {
        note(status == codec::WriteStatus::extension_failed
                 ? "could not compress the message: the compressor could not be allocated"
                 : "could not compress the message: the connection is closing");
        return false;
    }
    if (obs_.compression) {
        obs_.compression->sent_plain += payload.size();
        obs_.compression->sent_wire += encoded.size();
    }
    payload.swap(encoded);
    return true;
}

std::string CaseSession::frame_message(std::uint8_t opcode, std::uint8_t rsv,
                                       const std::string& payload, std::uint64_t fragment_size,
                                       std::uint64_t& frames) {
    const std::size_t piece = fragment_size == 0 ? std::max<std::size_t>(payload.size(), 1)
                                                 : static_cast<std::size_t>(fragment_size);
    std::string bytes;
    bytes.reserve(payload.size() + (payload.size() / piece + 1) * codec::max_frame_header_size);
    std::size_t at = 0;
    frames = 0;
    do {
        const std::size_t n = std::min(piece, payload.size() - at);
        codec::FrameSpec spec;
        spec.opcode = at == 0 ? opcode : static_cast<std::uint8_t>(codec::Opcode::continuation);
        spec.rsv = at == 0 ? rsv : 0;  // RFC 7692 6: RSV1 on the first frame only
        spec.fin = at + n >= payload.size();
        spec.masked = settings_.role == codec::Role::client;
        if (spec.masked) spec.mask_key = codec_.next_mask_key();
        const std::string_view part = std::string_view(payload).substr(at, n);
        codec::append_frame(bytes, spec, part);
        log_frame(WireEntry::Kind::tx_frame, logged_header(spec, n), part);
        at += n;
        ++frames;
    } while (at < payload.size());
    return bytes;
}

void CaseSession::use_deflate(const codec::PerMessageDeflateParams& agreed) {
    // How hard wsspec compresses says nothing about the peer under test, and 12.*/13.* move
    // about 11 GB each way: zlib's fastest level keeps the tester's share of the work small.
    // Everything else (windows, context takeover, exact distance checks) follows `agreed`.
    codec::PerMessageDeflateOptions options;
    options.compression_level = 1;
    codec_.use_extension(codec::make_permessage_deflate(settings_.role, agreed, options));
    obs_.compression.emplace();
}

bool CaseSession::echo_series(const cases::EchoSeriesStep& e) {
    auto& series = obs_.series.emplace();
    series.count = e.count;
    // Like Autobahn (12.*/13.* turn the wire log off while messages flow): 1000 round trips
    // of up to 128 KiB in up to 512 frames each would only fill the log with look-alikes.
    note("echo series: " + std::to_string(e.count) + " messages of " + std::to_string(e.length) +
         " bytes of \"" + e.data_set + "\"; the wire log resumes after it");
    wire_paused_ = true;
    struct Resume {
        bool& paused;
        ~Resume() { paused = false; }
    } resume{wire_paused_};
    series.binary = e.opcode == 2;
    std::uint64_t offset = 0;
    for (std::uint32_t i = 0; i < e.count; ++i) {
        if (!still_open()) {
            series.failure = "the connection ended after " + std::to_string(series.echoed) +
                             " of " + std::to_string(e.count) + " echoes";
            return true;
        }
        std::string payload = cases::data_window(e.data_set, offset, e.length);
        offset += e.length;
        series_expected_ = payload;  // compared with the echo as it arrives, then dropped
        series_waiting_ = true;
        std::uint8_t rsv = 0;
        std::uint64_t credit = 0;
        if (e.compress) {
            credit = payload.size();
            const auto type = series.binary ? codec::MessageType::binary : codec::MessageType::text;
            if (!compress(type, payload, rsv)) return false;
        }
        std::uint64_t frames = 0;
        std::string bytes = frame_message(e.opcode, rsv, payload, e.fragment_size, frames);
        steps_sent(bytes.size() + credit, frames);
        write_all(std::move(bytes));
        pump_until(
            [&] {
                return !series_waiting_ || !tcp_open_ || obs_.close_received || obs_.failed_by_me;
            },
            deadline_);
        if (!series.failure.empty()) return true;
        if (series_waiting_) {
            series_waiting_ = false;
            const bool late = Clock::now() >= deadline_;
            series.failure = (late ? "no echo of message "
                                   : "the connection ended before the echo of message ") +
                             std::to_string(i + 1) + " of " + std::to_string(e.count) +
                             (late ? " within the case timeout" : "");
            if (late) {
                obs_.timed_out = true;
                obs_.timeout_note = series.failure;
            }
            return !late;
        }
    }
    std::string().swap(series_expected_);
    return true;
}

// An echo of the series' current message: Autobahn compares type, length and SHA-1.
void CaseSession::check_series_echo(bool binary, std::string_view payload) {
    auto& series = *obs_.series;
    series_waiting_ = false;
    if (binary != series.binary) {
        series.failure = "echo " + std::to_string(series.echoed + 1) + " is " +
                         (binary ? "binary" : "text") + ", sent " +
                         (series.binary ? "binary" : "text");
    } else if (payload.size() != series_expected_.size()) {
        series.failure = "echo " + std::to_string(series.echoed + 1) + " has " +
                         std::to_string(payload.size()) + " bytes, sent " +
                         std::to_string(series_expected_.size());
    } else if (payload != series_expected_) {
        series.failure = "echo " + std::to_string(series.echoed + 1) +
                         " differs from what was sent (SHA-1 " + hex_digest(payload) + ", sent " +
                         hex_digest(series_expected_) + ")";
    } else {
        ++series.echoed;
        return;
    }
    // The first mismatch ends the series: kept as an event so the report shows it.
    wire_paused_ = false;
    note("echo series stopped: " + series.failure);
    record_event(oracle::ObservedEvent::Kind::message, binary, payload, EventRole::answer);
}

bool CaseSession::sleep(const cases::SleepStep& s) {
    const bool in_time = pump_for(std::chrono::milliseconds(s.ms));
    // Autobahn's continueLater tags: recorded only if the connection is still up.
    if (still_open() && !s.mark.empty()) {
        record_event(oracle::ObservedEvent::Kind::mark, false, s.mark, EventRole::answer);
    }
    return in_time;
}

bool CaseSession::await_events(const cases::AwaitStep& a) {
    const std::size_t target = a.more ? iteration_base_ + *a.more : a.events;
    const bool ok = pump_until(
        [&] {
            return answers_ >= target || !tcp_open_ || obs_.close_received || obs_.failed_by_me;
        },
        step_deadline(a.timeout_ms));
    if (!ok && tcp_open_) {
        note("waited " + std::to_string(a.timeout_ms) + " ms for event " + std::to_string(target) +
             "; got " + std::to_string(answers_));
    }
    return Clock::now() < deadline_;
}

bool CaseSession::close(const cases::CloseStep& c) {
    if (!obs_.close_sent) {
        codec::FrameSpec spec;
        spec.opcode = static_cast<std::uint8_t>(codec::Opcode::close);
        spec.masked = settings_.role == codec::Role::client;
        if (spec.masked) spec.mask_key = codec_.next_mask_key();
        const std::string body = codec::close_payload(c.code, c.reason);
        std::string bytes;
        codec::append_frame(bytes, spec, body);
        log_frame(WireEntry::Kind::tx_frame, logged_header(spec, body.size()), body);
        mark_close_sent(c.code);
        steps_sent(bytes.size(), 1);
        write_all(std::move(bytes));
    }
    return await_close(0);
}

bool CaseSession::await_close(std::uint32_t timeout_ms) {
    const auto limit = step_deadline(timeout_ms);
    const auto server_may_close = [this] {
        // RFC 6455 7.1.1: once the closing handshake is done, the server closes TCP first.
        return settings_.role == codec::Role::server && obs_.close_sent && obs_.close_received &&
               !writing_ && tx_queue_.empty();
    };
    pump_until([&] { return !tcp_open_ || server_may_close() || (obs_.failed_by_me && !writing_); },
               limit);
    if (tcp_open_ && server_may_close()) {
        tcp_open_ = false;
        obs_.dropped_by_me = true;
        note("closing handshake complete; we (the server) closed the TCP connection");
        transport_->close();
    } else if (tcp_open_ && obs_.failed_by_me) {
        drop("the peer broke a rule (" + obs_.peer_violation + ")");
    }
    return Clock::now() < deadline_;
}

void CaseSession::finish() {
    if (tcp_open_) {
        if (!obs_.timed_out) {
            obs_.timed_out = true;
            obs_.timeout_note = "the peer did not close the connection within the case timeout";
        }
        obs_.open_at_deadline = true;
        drop("case timeout reached with the connection still open");
    }
    // Let the aborted operations run their handlers before this object goes away.
    if (transport_) transport_->settle();
}

void CaseSession::conclude(bool measure_throughput) {
    finish();
    obs_.duration_ms = elapsed_ms();
    if (measure_throughput && obs_.duration_ms > 0) {
        obs_.throughput_mbps = static_cast<double>(obs_.bytes_sent + obs_.bytes_received) /
                               (obs_.duration_ms / 1000.0) / 1e6;
    }
}

// ---- the peer's frames -------------------------------------------------------------------

// Once the peer has flooded, the rest of the chunk being decoded is ignored: every handler
// below returns at once (record_event and queue_pong check it).
void CaseSession::on_frame(const codec::FrameHeader& header) {
    ++obs_.frames_received;
    if (flooded_) return;
    if (!budget_.received_frame()) return stop_flood();
    if (obs_.compression && header.opcode < 8) {
        obs_.compression->received_wire += header.payload_length;
    }
    const std::size_t before = obs_.wire.size();
    log_frame(WireEntry::Kind::rx_frame, header, {});
    const bool logged =
        obs_.wire.size() > before && obs_.wire.back().kind == WireEntry::Kind::rx_frame;
    // The frame whose payload the next codec event describes: a control frame's own, or the
    // first frame of a data message (its continuations keep the message's place).
    if (header.opcode >= 8) {
        last_rx_control_ = logged ? obs_.wire.size() - 1 : no_entry;
    } else if (header.opcode != 0) {
        message_first_frame_ = logged ? obs_.wire.size() - 1 : no_entry;
        message_compressed_ = header.rsv != 0;
    }
}

void CaseSession::release_held_pongs() {
    mid_frame_ = false;
    if (!held_pongs_.empty()) queue_pong(std::exchange(held_pongs_, {}));
}

void CaseSession::describe_rx(std::size_t& entry, std::string_view payload, std::string decoded) {
    if (entry == no_entry || entry >= obs_.wire.size()) return;
    WireEntry& e = obs_.wire[entry];
    entry = no_entry;
    const std::size_t n = std::min(payload.size(), settings_.wire_data_bytes);
    if (wire_bytes_ + n + decoded.size() > settings_.wire_bytes) return;
    wire_bytes_ += n + decoded.size();
    e.data.assign(payload.substr(0, n));
    e.decoded = std::move(decoded);
}

void CaseSession::on_message(codec::MessageType type, std::string_view payload) {
    {
        std::string what = std::string(type == codec::MessageType::binary ? "binary" : "text") +
                           " message, " + std::to_string(payload.size()) + " bytes";
        if (message_compressed_) what += " inflated (payload shown inflated)";
        message_compressed_ = false;
        describe_rx(message_first_frame_, payload, std::move(what));
    }
    if (obs_.compression) obs_.compression->received_plain += payload.size();
    if (series_waiting_) {
        return check_series_echo(type == codec::MessageType::binary, payload);
    }
    record_event(oracle::ObservedEvent::Kind::message, type == codec::MessageType::binary, payload,
                 EventRole::answer);
}

void CaseSession::on_ping(std::string_view payload) {
    describe_rx(last_rx_control_, payload, "ping, " + std::to_string(payload.size()) + " bytes");
    // The peer's own Ping: recorded, answered, but not an answer to anything of ours.
    record_event(oracle::ObservedEvent::Kind::ping, false, payload, EventRole::heartbeat);
    if (obs_.close_sent) return;  // 5.5.1: after our Close we send nothing more
    std::string out;
    codec_.write_pong(out, payload);
    if (mid_frame_) {
        // Only the latest: RFC 6455 5.5.3 lets us answer just the most recent Ping, and the
        // peer cannot make us keep more than one Pong.
        held_pongs_ = std::move(out);
    } else {
        queue_pong(std::move(out));
    }
}

void CaseSession::on_pong(std::string_view payload) {
    describe_rx(last_rx_control_, payload, "pong, " + std::to_string(payload.size()) + " bytes");
    // RFC 6455 5.5.3: a Pong carries the data of the Ping it answers, and may answer only
    // the most recent of several; so it answers the oldest unanswered Ping with its data,
    // and the Pings before that one are no longer waiting. Any other Pong is unsolicited.
    const auto answered = std::find(unanswered_pings_.begin(), unanswered_pings_.end(), payload);
    if (answered == unanswered_pings_.end()) {
        record_event(oracle::ObservedEvent::Kind::pong, false, payload,
                     EventRole::unsolicited_pong);
        return;
    }
    unanswered_pings_.erase(unanswered_pings_.begin(), answered + 1);
    record_event(oracle::ObservedEvent::Kind::pong, false, payload, EventRole::answer);
}

void CaseSession::on_close(const codec::ClosePayload& close) {
    if (flooded_) return;
    {
        std::string what = "close";
        std::string body;
        if (close.code) {
            what += " " + std::to_string(*close.code);
            body.push_back(static_cast<char>(*close.code >> 8));
            body.push_back(static_cast<char>(*close.code & 0xFF));
            body += close.reason;
        }
        if (!close.reason.empty()) what += " \"" + std::string(close.reason) + "\"";
        if (!close.code) what += " (no status code)";
        describe_rx(last_rx_control_, body, std::move(what));
    }
    obs_.close_received = true;
    obs_.remote_close_code = close.code;
    obs_.remote_close_reason = std::string(close.reason);
    if (obs_.close_sent) return;
    // 5.5.1: answer with a Close; echo the status code as endpoints typically do.
    std::string out;
    codec_.write_close(out, close.code, {});
    mark_close_sent(close.code);
    queue_write(std::move(out));
}

void CaseSession::on_error(const codec::ProtocolError& error) {
    if (flooded_) return;
    obs_.failed_by_me = true;
    obs_.peer_violation = std::string(error.reason) + " (" + rfc_reference(error.rfc_section) + ")";
    obs_.peer_violation_kind = std::string(codec::error_kind_name(error.kind));
    note("the peer broke a rule: " + obs_.peer_violation);
    if (obs_.close_sent) return;
    std::string out;
    codec_.write_close(out, error.close_code, {});
    mark_close_sent(error.close_code);
    queue_write(std::move(out));
}

}  // namespace wsspec::peer
