#include "harness/fuzzer/expectation_derivation.h"

#include <algorithm>
#include <bit>
#include <limits>
#include <memory>
#include <set>
#include <string_view>

#include "harness/codec/connection.h"
#include "harness/codec/frame_header.h"
#include "harness/fuzzer/step_bytes.h"

namespace wsspec::fuzzer {
namespace {

// The appended Close: code 1000 (RFC 6455 7.4.1 "normal closure"), a fixed mask key so the
// octets are known in advance.
constexpr std::uint32_t terminator_mask_key = 0x5A17C0DE;
// The case deadline is the answer timeout plus this margin, so that the await_close step
// (not the case deadline) is what gives up on a silent server.
constexpr std::uint32_t case_timeout_margin_ms = 250;
// How long a server that may wait for the rest of a message (server_may_wait) is given to
// fail the connection anyway.
constexpr std::uint32_t may_wait_ms = 100;
// Ignored by the reference codec in this role, but Connection needs one.
constexpr std::uint64_t unused_mask_seed = 1;
// What wsspec sends after the Close the peer accepted, at most. The peer owes nothing then
// and may stop reading while it waits for the TCP close (RFC 6455 7.1.1); octets it does
// not read hide the FIN behind them (python-websockets then waits out its close timeout,
// 10 s, twice as a client), and the fuzzer would call a peer that did nothing wrong dead
// (fuzz-client) or leaking descriptors (fuzz-server's resource oracle).
constexpr std::size_t after_close_bytes_limit = 16 * 1024;
// Close codes IANA registered after RFC 6455 (1012 service restart, 1013 try again later,
// 1014 bad gateway), which its 7.4.1 does not define.
constexpr std::uint16_t first_registered_later_code = 1012;
constexpr std::uint16_t last_registered_later_code = 1014;
// Close codes from here up are outside every range RFC 6455 7.4.2 defines.
constexpr std::uint16_t undefined_close_codes_from = 5000;

// What the reference server side saw.
class Recorder : public codec::ConnectionHandler {
  public:
    void on_message(codec::MessageType type, std::string_view payload) override {
        cases::Event e;
        e.kind = cases::Event::Kind::message;
        e.binary = type == codec::MessageType::binary;
        e.payload.kind = cases::Payload::Kind::hex;
        e.payload.bytes = std::string(payload);
        largest = std::max<std::uint64_t>(largest, payload.size());
        events.push_back(std::move(e));
    }
    void on_ping(std::string_view payload) override {
        cases::Event e;
        e.kind = cases::Event::Kind::pong;  // RFC 6455 5.5.2: a Pong with the same data
        e.payload.kind = cases::Payload::Kind::hex;
        e.payload.bytes = std::string(payload);
        events.push_back(std::move(e));
    }
    void on_close(const codec::ClosePayload& close) override {
        if (!closed) {
            close_end = framed;  // (the Close is the last frame seen)
            message_at_close = in_message;
        }
        closed = true;
        close_code = close.code;
        close_reason = std::string(close.reason);
    }
    void on_error(const codec::ProtocolError& e) override {
        error = e;
        // The header announced 2^63 octets or more: a peer may refuse it as too big (10.4).
        if (e.kind == codec::ErrorKind::length_msb_set)
            announced = std::numeric_limits<std::uint64_t>::max();
    }
    void on_frame(const codec::FrameHeader& header) override {
        framed += header.header_size + header.payload_length;
        if (header.opcode == static_cast<std::uint8_t>(codec::Opcode::text) ||
            header.opcode == static_cast<std::uint8_t>(codec::Opcode::binary)) {
            in_message = !header.fin;
        } else if (header.opcode == static_cast<std::uint8_t>(codec::Opcode::continuation) &&
                   header.fin) {
            in_message = false;
        }
        announced = std::max(announced, header.payload_length);
        // (Frame steps say so themselves; raw octets only here.)
        if (header.non_minimal_length) non_minimal_length = true;
    }

    std::vector<cases::Event> events;
    bool closed = false;
    std::optional<std::uint16_t> close_code;
    std::string close_reason;
    codec::ProtocolError error;
    std::uint64_t largest = 0;
    std::uint64_t announced = 0;
    bool non_minimal_length = false;
    std::uint64_t framed = 0;       // octets of the frames whose headers were read
    std::uint64_t close_end = 0;    // where the first Close frame ends in the octets read
    bool in_message = false;        // a fragmented message is in progress
    bool message_at_close = false;  // ... when the first Close came
};

bool is_close_frame_step(const cases::Step& s) {
    const auto* f = std::get_if<cases::FrameStep>(&s);
    // The session counts a Close it sends with RSV 0 as starting the closing handshake,
    // whatever the server makes of it (case_session.cpp, send_frame).
    return f != nullptr && f->opcode == static_cast<std::uint8_t>(codec::Opcode::close) &&
           f->rsv == 0;
}

bool has_non_minimal_length(const cases::Step& s) {
    const auto* f = std::get_if<cases::FrameStep>(&s);
    if (f == nullptr || !f->length_form) return false;
    const std::uint64_t n = f->length.value_or(f->payload.size());
    const int minimal = n <= 125 ? 7 : n <= codec::max_16bit_payload ? 16 : 64;
    return *f->length_form > minimal;
}

codec::Role codec_role(cases::Role r);

// Where the frame that holds the protocol error ends, relative to the octets sent. A
// server may read a whole frame before judging it (a length that lies, or an opcode it
// checks only once the payload is in, leaves it waiting), so an error the reference codec
// sees inside a frame the steps do not complete requires no answer.
struct ErrorFrame {
    bool complete = false;  // its header and payload are all sent
    bool header_complete = false;
    bool fin = false;
};

ErrorFrame locate_error_frame(const std::vector<cases::Step>& sent,
                              const codec::ConnectionLimits& limits, cases::Role peer) {
    const cases::Role sender =
        peer == cases::Role::server ? cases::Role::client : cases::Role::server;
    std::string before;
    for (std::size_t i = 0; i + 1 < sent.size(); ++i)
        before += step_bytes(sent[i], sender);
    const std::string last = sent.empty() ? std::string() : step_bytes(sent.back(), sender);
    // The error is reported on the first prefix that shows it: bisect for that octet.
    const auto fails = [&](std::size_t k) {
        codec::Connection c(codec_role(peer), limits, unused_mask_seed);
        Recorder r;
        std::string bytes = before + last.substr(0, k);
        c.receive(reinterpret_cast<std::uint8_t*>(bytes.data()), bytes.size(), r);
        return static_cast<bool>(r.error);
    };
    std::size_t lo = 1, hi = last.size();
    if (hi == 0 || !fails(hi)) return {};
    while (lo < hi) {
        const std::size_t mid = lo + (hi - lo) / 2;
        if (fails(mid))
            hi = mid;
        else
            lo = mid + 1;
    }
    const std::string all = before + last;
    const std::size_t at = before.size() + lo - 1;
    const auto byte = [&](std::size_t i) { return static_cast<std::uint8_t>(all[i]); };
    // Walk the frames as the codec framed them (RFC 6455 5.2): every frame before the
    // error was parsed without one, so the boundaries agree.
    for (std::size_t start = 0;;) {
        if (start + 2 > all.size()) return {};
        const std::uint8_t len7 = byte(start + 1) & 0x7F;
        const std::size_t ext = len7 == 126 ? 2 : len7 == 127 ? 8 : 0;
        const std::size_t header = 2 + ext + ((byte(start + 1) & 0x80) != 0 ? 4 : 0);
        if (start + header > all.size()) return {};
        std::uint64_t length = len7;
        if (ext != 0) {
            length = 0;
            for (std::size_t i = 0; i < ext; ++i)
                length = length << 8 | byte(start + 2 + i);
        }
        const bool fin = (byte(start) & 0x80) != 0;
        if (length > all.size() - start - header) return {false, true, fin};
        const std::size_t end = start + header + static_cast<std::size_t>(length);
        if (at < end) return {true, true, fin};
        start = end;
    }
}

codec::Role codec_role(cases::Role r) {
    return r == cases::Role::server ? codec::Role::server : codec::Role::client;
}

std::uint32_t bit(codec::ErrorKind kind) {
    return 1U << static_cast<unsigned>(kind);
}

// The reference codec's view of `bytes` when the errors in `waived` are no errors (it reads
// nothing after an error or a Close, as a peer need not).
Recorder replay_waiving(std::string bytes, codec::ConnectionLimits limits, cases::Role peer,
                        std::uint32_t waived) {
    limits.waived |= waived;
    codec::Connection c(codec_role(peer), limits, unused_mask_seed);
    Recorder r;
    c.receive(reinterpret_cast<std::uint8_t*>(bytes.data()), bytes.size(), r);
    return r;
}

std::string bytes_of(const std::vector<cases::Step>& steps, cases::Role peer) {
    const cases::Role sender =
        peer == cases::Role::server ? cases::Role::client : cases::Role::server;
    std::string bytes;
    for (const auto& step : steps)
        bytes += step_bytes(step, sender);
    return bytes;
}

// Adds to `codes` the close codes of `first`, the error the reference codec finds in
// `bytes`, and of every error behind it: RFC 6455 7.1.7 asks a peer to fail the connection,
// with "an appropriate status code", and a peer may meet the errors in another order --
// check a frame's mask before the UTF-8 of its payload, or read every frame that arrived
// before it judges a whole message (aiohttp parses a whole read before it validates the
// text) -- and fail on whichever comes first. A Close whose code is invalid and whose
// reason is not UTF-8 either: the codec stops at the code, a peer that checks the reason
// first fails with 1007. Returns the largest length a frame header announced on the way.
std::uint64_t add_codes_of_every_error(const std::string& bytes,
                                       const codec::ConnectionLimits& limits, cases::Role peer,
                                       codec::ErrorKind first, std::vector<std::uint16_t>& codes) {
    const auto add = [&](codec::ErrorKind kind) {
        for (const auto code : allowed_fail_codes(kind))
            if (std::find(codes.begin(), codes.end(), code) == codes.end()) codes.push_back(code);
    };
    std::uint64_t announced = 0;
    std::uint32_t waived = 0;
    constexpr int most_errors = 4;
    // (Some errors cannot be waived: one found again ends the search.)
    for (codec::ErrorKind kind = first; kind != codec::ErrorKind::none &&
                                        (waived & bit(kind)) == 0 &&
                                        std::popcount(waived) < most_errors;) {
        add(kind);
        waived |= bit(kind);
        const Recorder later = replay_waiving(bytes, limits, peer, waived);
        announced = std::max(announced, later.announced);
        if (kind == codec::ErrorKind::invalid_close_code && later.closed &&
            !codec::Utf8Validator::is_valid(
                reinterpret_cast<const std::uint8_t*>(later.close_reason.data()),
                later.close_reason.size()) &&
            std::find(codes.begin(), codes.end(), codec::close_code::invalid_payload) ==
                codes.end()) {
            codes.push_back(codec::close_code::invalid_payload);
        }
        kind = later.error.kind;
    }
    return announced;
}

// The code of the Close that `steps` fail on for its code (none if that is not the error).
std::optional<std::uint16_t> invalid_close_code_sent(const std::vector<cases::Step>& steps,
                                                     const codec::ConnectionLimits& limits,
                                                     cases::Role peer) {
    const Recorder r = replay_waiving(bytes_of(steps, peer), limits, peer,
                                      bit(codec::ErrorKind::invalid_close_code));
    return r.closed ? r.close_code : std::nullopt;
}

struct AfterClose {
    std::vector<std::uint16_t> codes;  // of every error met there (none: nothing wrong)
    std::uint64_t announced = 0;
};

// The largest payload length any frame header in `bytes` announces, walking the frames by
// their headers alone (RFC 6455 5.2) as a peer that parses a whole read before it acts on
// it does.
std::uint64_t largest_length_announced(std::string_view bytes) {
    std::uint64_t largest = 0;
    for (std::size_t at = 0; at + 2 <= bytes.size();) {
        const auto byte = [&](std::size_t i) { return static_cast<std::uint8_t>(bytes[i]); };
        const std::uint8_t len7 = byte(at + 1) & 0x7F;
        const std::size_t ext = len7 == 126 ? 2 : len7 == 127 ? 8 : 0;
        const std::size_t header = 2 + ext + ((byte(at + 1) & 0x80) != 0 ? 4 : 0);
        if (at + 2 + ext > bytes.size()) break;
        std::uint64_t length = len7;
        if (ext != 0) {
            length = 0;
            for (std::size_t i = 0; i < ext; ++i)
                length = length << 8 | byte(at + 2 + i);
        }
        largest = std::max(largest, length);
        if (length > bytes.size() - std::min(bytes.size(), at + header)) break;
        at += header + static_cast<std::size_t>(length);
    }
    return largest;
}

// What a peer that reads on past our Close meets in `rest`, the octets after it: the close
// codes of the protocol errors there, in whatever order it meets them (as
// codes_of_every_error), past further Closes too (the reference codec stops at a Close), and
// the largest length a frame header there announces (the 1009 a peer may answer with).
AfterClose read_past_close(std::string rest, const codec::ConnectionLimits& limits,
                           cases::Role peer, bool in_message) {
    AfterClose out;
    out.announced = largest_length_announced(rest);
    // A fresh reference codec, told first of the message in progress at the Close (an
    // empty fragment), so that a new data frame after it is the error it is.
    const cases::Role sender =
        peer == cases::Role::server ? cases::Role::client : cases::Role::server;
    cases::FrameStep open_message;
    open_message.opcode = static_cast<std::uint8_t>(codec::Opcode::binary);
    open_message.fin = false;
    open_message.mask_key = terminator_mask_key;
    const std::string opening = frame_bytes(open_message, sender);
    constexpr int most_closes = 4;
    for (int n = 0; n < most_closes && !rest.empty(); ++n) {
        const std::string prefix = in_message ? opening : std::string();
        const Recorder r = replay_waiving(prefix + rest, limits, peer, 0);
        out.announced = std::max(out.announced, r.announced);
        if (r.error) {
            out.announced = std::max(
                out.announced,
                add_codes_of_every_error(prefix + rest, limits, peer, r.error.kind, out.codes));
            break;
        }
        if (!r.closed) break;
        rest.erase(0, static_cast<std::size_t>(r.close_end) - prefix.size());
        in_message = r.message_at_close;
    }
    return out;
}

std::string rule_of(const codec::ProtocolError& e) {
    return "RFC 6455 " + std::string(e.rfc_section) + ": " + std::string(e.reason);
}

cases::Expectation expectation(const char* verdict, std::vector<cases::Event> events,
                               std::string note) {
    cases::Expectation e;
    e.verdict = verdict;
    // Pongs come from the peer's protocol layer, echoes from its application: RFC 6455 puts
    // no order between them (each kind keeps its own order).
    const auto pong = [](const cases::Event& ev) { return ev.kind == cases::Event::Kind::pong; };
    if (std::any_of(events.begin(), events.end(), pong) &&
        !std::all_of(events.begin(), events.end(), pong)) {
        e.match = cases::EventsMatch::interleaved;
    }
    e.events = std::move(events);
    e.note = std::move(note);
    return e;
}

}  // namespace

std::vector<std::uint16_t> allowed_fail_codes(codec::ErrorKind kind) {
    switch (kind) {
        case codec::ErrorKind::invalid_utf8:
            return {codec::close_code::invalid_payload};
        case codec::ErrorKind::invalid_close_reason_utf8:
            return {codec::close_code::protocol_error, codec::close_code::invalid_payload};
        case codec::ErrorKind::message_too_big:
        case codec::ErrorKind::control_frame_over_limit:
            return {codec::close_code::message_too_big};
        default:
            return {codec::close_code::protocol_error};
    }
}

Derivation derive_expectations(const std::vector<cases::Step>& body,
                               const DerivationSettings& settings) {
    Derivation d;
    codec::ConnectionLimits limits;  // as `wsspec serve`: strict, nothing waived
    limits.max_message_size = settings.max_message_size;
    const cases::Role peer = settings.peer;
    const cases::Role sender =
        peer == cases::Role::server ? cases::Role::client : cases::Role::server;
    codec::Connection reference(codec_role(peer), limits, unused_mask_seed);
    Recorder rec;

    std::vector<cases::Step> steps;
    std::optional<std::size_t> close_step;  // index of the step holding the accepted Close
    bool close_frame_sent = false;          // a Close frame step (RSV 0) was sent so far
    bool close_frame_before_accepted = false;
    // The session tells a Pong that answers one of our Pings from an unsolicited one by its
    // payload (case_session.cpp, on_pong), knowing only the Pings sent as frame steps. A
    // Ping the server parsed differently (raw octets, a length that lies) is answered by a
    // Pong the session calls unsolicited; the judge must then count those.
    std::multiset<std::string> ping_payloads;
    std::size_t pongs_checked = 0;
    bool unrecognized_pong = false;
    std::size_t answers_before_close = 0;  // answers due before the Close the peer accepted
    std::size_t after_close_bytes = 0;
    for (std::size_t i = 0; i < body.size(); ++i) {
        const cases::Step& step = body[i];
        const std::size_t answers_before_step = rec.events.size();
        if (close_step && !close_frame_before_accepted) {
            // The Close the server accepted came as raw octets: a Close frame step after it
            // would race with the server's reply to decide who closed first.
            break;
        }
        if (close_step) {
            after_close_bytes += step_bytes(step, sender).size();
            if (after_close_bytes > after_close_bytes_limit) break;
        }
        steps.push_back(step);
        if (is_close_frame_step(step)) close_frame_sent = true;
        if (has_non_minimal_length(step)) d.non_minimal_length = true;
        if (const auto* f = std::get_if<cases::FrameStep>(&step);
            f != nullptr && f->opcode == static_cast<std::uint8_t>(codec::Opcode::ping)) {
            ping_payloads.insert(f->payload.materialize());
        }
        if (close_step) continue;  // after the Close nothing is processed (5.5.1)
        std::string bytes = step_bytes(step, sender);
        if (!bytes.empty()) {
            reference.receive(reinterpret_cast<std::uint8_t*>(bytes.data()), bytes.size(), rec);
        }
        for (; pongs_checked < rec.events.size(); ++pongs_checked) {
            const auto& e = rec.events[pongs_checked];
            if (e.kind != cases::Event::Kind::pong) continue;
            const auto known = ping_payloads.find(e.payload.bytes);
            if (known == ping_payloads.end())
                unrecognized_pong = true;
            else
                ping_payloads.erase(known);
        }
        if (rec.error) {
            d.error_step = i;
            break;  // the steps after the error are not sent
        }
        if (rec.closed) {
            close_step = i;
            answers_before_close = answers_before_step;
            close_frame_before_accepted = close_frame_sent;
        }
    }

    bool terminated = false;
    if (!rec.error && !rec.closed) {
        // Our own Close 1000 ends the sequence.
        cases::FrameStep close;
        close.opcode = static_cast<std::uint8_t>(codec::Opcode::close);
        close.mask_key = terminator_mask_key;
        close.payload.kind = cases::Payload::Kind::close;
        close.payload.close_code = codec::close_code::normal;
        std::string bytes = frame_bytes(close, sender);
        reference.receive(reinterpret_cast<std::uint8_t*>(bytes.data()), bytes.size(), rec);
        answers_before_close = rec.events.size();
        close_step = steps.size();
        steps.emplace_back(close);
        close_frame_sent = true;
        terminated = true;
        if (rec.closed) close_frame_before_accepted = true;
        if (rec.error) d.error_step = body.size();
    }
    d.largest_message = rec.largest;
    d.largest_announced = rec.announced;
    if (rec.non_minimal_length) d.non_minimal_length = true;
    d.answers = rec.events;

    cases::Case& c = d.c;
    c.id = "fz.0";
    const auto finish_expectations = [&] {
        for (auto& e : c.expect)
            e.count_unsolicited_pongs = unrecognized_pong;
    };
    c.roles = {peer};
    c.timeout_ms = settings.answer_timeout_ms + case_timeout_margin_ms;
    cases::AwaitCloseStep wait;
    wait.timeout_ms = settings.answer_timeout_ms;

    if (rec.error) {
        const ErrorFrame frame = locate_error_frame(steps, limits, peer);
        // A length with its top bit set is wrong in itself (5.2): no payload to wait for.
        if (!frame.complete &&
            !(frame.header_complete && rec.error.kind == codec::ErrorKind::length_msb_set)) {
            d.outcome = DerivedOutcome::incomplete;
            d.error = rec.error.kind;
            c.steps = std::move(steps);
            return d;
        }
        if (rec.error.kind == codec::ErrorKind::invalid_close_code) {
            // Codes from 5000 up are in none of the ranges RFC 6455 7.4.2 defines, and it
            // says nothing of what a peer does with them (the catalog's 7.13 is
            // informational): failing and answering are both right.
            const auto code = invalid_close_code_sent(steps, limits, peer);
            if (code && *code >= undefined_close_codes_from) {
                d.outcome = DerivedOutcome::undefined;
                d.error = rec.error.kind;
                c.steps = std::move(steps);
                return d;
            }
        }
        // RFC 6455 8.1 says to fail on text that is not UTF-8, not when: a server may
        // validate a message once it is whole, and the rest of it is never sent.
        d.server_may_wait = rec.error.kind == codec::ErrorKind::invalid_utf8 && !frame.fin;
        d.outcome = DerivedOutcome::fail;
        d.error = rec.error.kind;
        d.rule = rule_of(rec.error);
        d.closed_by_me = close_frame_sent;
        const std::string sent = bytes_of(steps, peer);
        add_codes_of_every_error(sent, limits, peer, rec.error.kind, d.codes);
        if (const Recorder taken = replay_waiving(sent, limits, peer, bit(rec.error.kind));
            taken.closed) {
            d.close_code_if_taken = taken.close_code;
        }
        if (rec.error.kind == codec::ErrorKind::data_frame_inside_fragmented_message) {
            // A peer may take the intruding frame for a message of its own and judge its
            // text first: 1007 when it is a whole text frame that is not UTF-8.
            const auto* f = std::get_if<cases::FrameStep>(&steps.back());
            if (f != nullptr && f->fin &&
                f->opcode == static_cast<std::uint8_t>(codec::Opcode::text)) {
                const std::string text = f->payload.materialize();
                if (!codec::Utf8Validator::is_valid(
                        reinterpret_cast<const std::uint8_t*>(text.data()), text.size()) &&
                    std::find(d.codes.begin(), d.codes.end(), codec::close_code::invalid_payload) ==
                        d.codes.end()) {
                    d.codes.push_back(codec::close_code::invalid_payload);
                }
            }
        }
        c.rfc = {"RFC 6455 " + std::string(rec.error.rfc_section), "RFC 6455 7.1.7"};
        c.requirement = d.rule +
                        "; on such a frame the server MUST _Fail the WebSocket Connection_ "
                        "(RFC 6455 7.1.7), after answering what came before it.";
        c.description = "Fuzzed steps with a protocol error (" +
                        std::string(codec::error_kind_name(rec.error.kind)) +
                        "); the server must fail the connection.";
        c.expect.push_back(expectation(
            "OK", rec.events,
            "the answers to the valid frames before the error arrived in order, then the "
            "connection was failed (" +
                d.rule + ")"));
        // Failing before every earlier answer was written: NON-STRICT, as in the catalog
        // (3.2, 4.1.3: Autobahn accepts it).
        if (c.expect.back().match == cases::EventsMatch::interleaved) {
            // Pongs and echoes in any interleaving: the ones written before the failure are
            // the first of each kind.
            c.expect.push_back(expectation(
                "NON-STRICT", rec.events,
                "the connection was failed before every answer to the valid frames preceding "
                "the error was written"));
            c.expect.back().match = cases::EventsMatch::interleaved_prefixes;
        } else {
            for (std::size_t n = rec.events.size(); n-- > 0;) {
                c.expect.push_back(expectation(
                    "NON-STRICT",
                    std::vector<cases::Event>(rec.events.begin(),
                                              rec.events.begin() + static_cast<std::ptrdiff_t>(n)),
                    "the connection was failed before every answer to the valid frames preceding "
                    "the error was written"));
            }
        }
        c.expect_close.closed_by_me = d.closed_by_me;
        c.expect_close.codes = d.codes;
        c.expect_close.require_clean = false;
        if (d.closed_by_me) {
            // Our Close was the broken frame (7.3.2, 7.9.*): the reply must carry the code.
            c.expect_close.wrong_code_is_fatal = true;
            c.expect_close.require_code = true;
        } else {
            c.expect_close.wrong_endpoint_is_fatal = true;
        }
        // A server that may wait (see server_may_wait) is given a short while, not the whole
        // answer timeout: either answer is right, and a fail-fast server answers at once.
        // With nothing else to wait for, the whole case is that short.
        if (d.server_may_wait) {
            wait.timeout_ms = std::min(wait.timeout_ms, may_wait_ms);
            if (rec.events.empty()) c.timeout_ms = std::min(c.timeout_ms, 2 * may_wait_ms);
        }
        steps.emplace_back(wait);
        c.steps = std::move(steps);
        finish_expectations();
        return d;
    }
    if (!rec.closed) {
        d.outcome = DerivedOutcome::incomplete;
        c.steps = std::move(steps);
        return d;
    }
    d.outcome = DerivedOutcome::clean_close;
    d.closed_by_me = close_frame_before_accepted;
    // Octets after our Close that make a protocol error: a peer may read them before it
    // answers the Close (aiohttp parses a whole read before it acts on a frame in it).
    std::vector<std::uint16_t> codes_after_close;
    if (close_step) {
        const std::string sent = bytes_of(steps, peer);
        const AfterClose after =
            read_past_close(sent.substr(static_cast<std::size_t>(rec.close_end)), limits, peer,
                            rec.message_at_close);
        // (A length it reads there counts for the 1009 a peer may answer too big a frame with.)
        d.largest_announced = std::max(d.largest_announced, after.announced);
        codes_after_close = after.codes;
    }
    // A peer echoes from its application, which may see our Close only after its library
    // answered it; then the echoes still queued are owed no more (RFC 6455 5.5.1: no data
    // frames after a Close; python-websockets' server and client both do this). Either the
    // case waits for them first, as the catalog's cases do (await, then close), or the
    // echoes written before the Close reply are enough (NON-STRICT, below).
    const bool await_answers = settings.await_answers_before_close || peer == cases::Role::client;
    if (await_answers && close_step && answers_before_close > 0) {
        cases::AwaitStep answers;
        answers.events = answers_before_close;
        answers.timeout_ms = settings.answer_timeout_ms;
        steps.insert(steps.begin() + static_cast<std::ptrdiff_t>(*close_step), answers);
    }
    d.codes = {codec::close_code::normal};
    if (rec.close_code && *rec.close_code != codec::close_code::normal)
        d.codes.push_back(*rec.close_code);
    if (rec.close_code && *rec.close_code >= first_registered_later_code &&
        *rec.close_code <= last_registered_later_code) {
        // 1012-1014 were registered with IANA after RFC 6455, whose 7.4.1 does not list them
        // (the catalog leaves them out of 7.7 and 7.9): a peer may take them or fail on them.
        d.codes.push_back(codec::close_code::protocol_error);
    }
    if (!codes_after_close.empty()) {
        // Its reply may then carry such an error's code (5.5.1: a reply "typically" echoes
        // the code received; it need not).
        for (const auto code : codes_after_close)
            if (std::find(d.codes.begin(), d.codes.end(), code) == d.codes.end())
                d.codes.push_back(code);
    }
    c.rfc = {"RFC 6455 5.5.1", "RFC 6455 5.5.2", "RFC 6455 7.1.2"};
    c.requirement =
        "A conforming echo server answers every valid message with the same message and every "
        "Ping with a Pong carrying its data (RFC 6455 5.5.2, 5.5.3), and answers a Close with "
        "a Close, then closes the connection (5.5.1); nothing after a Close is processed.";
    c.description = terminated ? "Fuzzed valid steps, then a Close; expect every answer, then a "
                                 "clean close."
                               : "Fuzzed valid steps including a Close; expect every answer "
                                 "before it, then a clean close.";
    c.expect.push_back(expectation("OK", rec.events,
                                   "every answer arrived in order, then the connection was "
                                   "closed cleanly"));
    if (!codes_after_close.empty() && !rec.events.empty()) {
        // ... and it may fail on that error before it writes the answers it owes to what
        // came before our Close: once it has read the Close, a Ping is owed no Pong (5.5.2
        // "unless it already received a Close frame"), an echo no message (5.5.1).
        c.expect.push_back(expectation("NON-STRICT", rec.events,
                                       "the peer read past our Close, failed on the error the "
                                       "octets after it make, and did not write every answer "
                                       "owed before it"));
        c.expect.back().match = cases::EventsMatch::interleaved_prefixes;
    }
    if (!await_answers && close_step && answers_before_close > 0) {
        // Every Pong still (the library answers a Ping as it reads it, before the Close), and
        // the first k echoes, for each k below all of them.
        std::vector<cases::Event> pongs, messages;
        for (const auto& e : rec.events)
            (e.kind == cases::Event::Kind::pong ? pongs : messages).push_back(e);
        for (std::size_t k = messages.size(); k-- > 0;) {
            std::vector<cases::Event> events = pongs;
            events.insert(events.end(), messages.begin(),
                          messages.begin() + static_cast<std::ptrdiff_t>(k));
            c.expect.push_back(expectation(
                "NON-STRICT", events,
                "our Close was answered before every echo was written; the rest was owed no "
                "more (RFC 6455 5.5.1: no data frames after a Close)"));
            c.expect.back().match = cases::EventsMatch::interleaved;
        }
    }
    c.expect_close.closed_by_me = d.closed_by_me;
    c.expect_close.codes = d.codes;
    // (A peer that fails on an error after our Close may drop the connection instead of
    // answering it: 7.1.7 only says it SHOULD send a Close.)
    c.expect_close.require_clean = codes_after_close.empty();
    c.expect_close.wrong_code_is_fatal = true;
    steps.emplace_back(wait);
    c.steps = std::move(steps);
    finish_expectations();
    return d;
}

void expect_response_refused(Derivation& d, const codec::ResponseError& error,
                             std::uint32_t answer_timeout_ms) {
    d.outcome = DerivedOutcome::fail;
    d.error = codec::ErrorKind::none;
    d.rule = "RFC 6455 " + std::string(error.rfc_section) + ": " + std::string(error.requirement) +
             " (" + error.reason + ")";
    d.response_error = codec::response_error_kind_name(error.kind);
    d.codes.clear();
    d.answers.clear();
    d.closed_by_me = false;
    cases::Case& c = d.c;
    cases::FrameStep probe;
    probe.opcode = static_cast<std::uint8_t>(codec::Opcode::text);
    probe.payload.kind = cases::Payload::Kind::hex;
    probe.payload.bytes = "wsspec fuzz response check";
    cases::AwaitStep await;
    await.events = 1;
    await.timeout_ms = answer_timeout_ms;
    cases::AwaitCloseStep wait;
    wait.timeout_ms = answer_timeout_ms;
    c.steps = {probe, await, wait};
    c.timeout_ms = 2 * answer_timeout_ms + case_timeout_margin_ms;
    c.rfc = {"RFC 6455 " + std::string(error.rfc_section)};
    c.requirement = d.rule +
                    "; on such a response the client MUST _Fail the WebSocket Connection_ "
                    "(RFC 6455 4.1): send no data, close the connection.";
    c.description = "Fuzzed opening handshake response (" +
                    std::string(codec::response_error_kind_name(error.kind)) +
                    "); the client must fail the connection.";
    c.expect.clear();
    c.expect.push_back(expectation("OK", {},
                                   "the client did not go on after the bad response: it sent no "
                                   "message, Ping or Pong"));
    c.expect_close = {};
    c.expect_close.closed_by_me = false;
    c.expect_close.codes.clear();
    c.expect_close.not_applicable = true;
    c.expect_close.require_clean = false;
}

}  // namespace wsspec::fuzzer
