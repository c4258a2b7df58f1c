#include "harness/oracle/judge.h"

#include <algorithm>

#include "harness/cases/payload_digest.h"
#include "harness/codec/ascii.h"
#include "harness/codec/http_head.h"

namespace wsspec::oracle {
namespace {

constexpr std::size_t shown_payload_bytes = 40;

bool printable(std::string_view s) {
    return std::all_of(s.begin(), s.end(), [](char ch) {
        const auto u = static_cast<unsigned char>(ch);
        return u >= 0x20 && u < 0x7F;
    });
}

std::string show_bytes(std::string_view s) {
    const std::string_view head = s.substr(0, shown_payload_bytes);
    std::string out;
    if (printable(head)) {
        out = "\"" + std::string(head) + "\"";
    } else {
        out = "0x" + codec::to_hex(head);
    }
    if (s.size() > head.size()) out += "...";
    return out;
}

std::string kind_name(ObservedEvent::Kind k) {
    switch (k) {
        case ObservedEvent::Kind::message:
            return "message";
        case ObservedEvent::Kind::ping:
            return "ping";
        case ObservedEvent::Kind::pong:
            return "pong";
        case ObservedEvent::Kind::mark:
            return "mark";
    }
    return "?";
}

std::string describe_parts(const std::string& kind, bool binary, std::string_view payload) {
    if (kind == "mark") return "mark " + std::string(payload);
    std::string out = kind + "(";
    if (kind == "message") out += binary ? "binary, " : "text, ";
    out += std::to_string(payload.size()) + " bytes)";
    if (!payload.empty()) out += " " + show_bytes(payload);
    return out;
}

ObservedEvent::Kind to_observed(cases::Event::Kind k) {
    switch (k) {
        case cases::Event::Kind::message:
            return ObservedEvent::Kind::message;
        case cases::Event::Kind::ping:
            return ObservedEvent::Kind::ping;
        case cases::Event::Kind::pong:
            return ObservedEvent::Kind::pong;
        case cases::Event::Kind::mark:
            return ObservedEvent::Kind::mark;
    }
    return ObservedEvent::Kind::message;
}

bool event_matches(const cases::Event& want, const ObservedEvent& got) {
    if (to_observed(want.kind) != got.kind) return false;
    if (want.kind == cases::Event::Kind::mark) return want.payload.text == got.payload;
    if (want.kind == cases::Event::Kind::message && want.binary != got.binary) return false;
    if (got.payload.size() < got.size) {  // cut on arrival: matched by size and digest
        return !got.digest.empty() && want.payload.size() == got.size &&
               cases::digest_of(want.payload) == got.digest;
    }
    return want.payload.matches(got.payload);
}

// The trace an expectation is compared with: the recorded events less the heartbeats it
// does not count (Expectation::count_unsolicited_pongs), and how many of each were left out.
struct CountedTrace {
    std::vector<ObservedEvent> events;
    std::size_t peer_pings = 0;         // Pings the peer sent on its own (RFC 6455 5.5.2)
    std::size_t unsolicited_pongs = 0;  // Pongs answering no Ping of ours (5.5.3)
};

CountedTrace counted_trace(const cases::Expectation& want, const std::vector<ObservedEvent>& got) {
    // A case that lists Pings from the peer is about them; none in the catalog does yet.
    const bool count_pings =
        want.events && std::any_of(want.events->begin(), want.events->end(), [](const auto& e) {
            return e.kind == cases::Event::Kind::ping;
        });
    CountedTrace out;
    for (const auto& e : got) {
        if (e.kind == ObservedEvent::Kind::ping && !count_pings) {
            ++out.peer_pings;
        } else if (e.kind == ObservedEvent::Kind::pong && e.unsolicited &&
                   !want.count_unsolicited_pongs) {
            ++out.unsolicited_pongs;
        } else {
            out.events.push_back(e);
        }
    }
    return out;
}

bool events_match(const std::vector<cases::Event>& want, const std::vector<ObservedEvent>& got) {
    if (want.size() != got.size()) return false;
    for (std::size_t i = 0; i < want.size(); ++i) {
        if (!event_matches(want[i], got[i])) return false;
    }
    return true;
}

// EventsMatch::subsequence_with_last: `got` is non-empty, each event matches a later one of
// `want` than the one before, and the last matches the last of `want`.
bool events_match_subsequence_with_last(const std::vector<cases::Event>& want,
                                        const std::vector<ObservedEvent>& got) {
    if (got.empty() || got.size() > want.size()) return false;
    std::size_t w = 0;
    for (std::size_t g = 0; g < got.size(); ++g) {
        // The last observed event must match the last expected one; earlier ones the first
        // expected event they can, leaving room for the rest.
        if (g + 1 == got.size()) return event_matches(want.back(), got[g]);
        while (w + 1 < want.size() && !event_matches(want[w], got[g]))
            ++w;
        if (w + 1 >= want.size()) return false;
        ++w;
    }
    return false;
}

// EventsMatch::interleaved: the Pongs of `got` match those of `want` in order, and the
// other events the others, in order; with `prefixes` (interleaved_prefixes) each kind may
// stop short.
bool events_match_interleaved(const std::vector<cases::Event>& want,
                              const std::vector<ObservedEvent>& got, bool prefixes) {
    if (prefixes ? got.size() > want.size() : want.size() != got.size()) return false;
    const auto is_pong = [](const auto& e, auto pong) { return e.kind == pong; };
    for (const bool pongs : {true, false}) {
        std::size_t w = 0;
        for (const auto& g : got) {
            if (is_pong(g, ObservedEvent::Kind::pong) != pongs) continue;
            while (w < want.size() && is_pong(want[w], cases::Event::Kind::pong) != pongs)
                ++w;
            if (w == want.size() || !event_matches(want[w], g)) return false;
            ++w;
        }
        while (w < want.size() && is_pong(want[w], cases::Event::Kind::pong) != pongs)
            ++w;
        if (w != want.size() && !prefixes) return false;
    }
    return true;
}

bool expectation_events_match(const cases::Expectation& want, const CountedTrace& trace) {
    if (!want.events) return true;
    switch (want.match) {
        case cases::EventsMatch::exact:
            return events_match(*want.events, trace.events);
        case cases::EventsMatch::subsequence_with_last:
            return events_match_subsequence_with_last(*want.events, trace.events);
        case cases::EventsMatch::interleaved:
            return events_match_interleaved(*want.events, trace.events, false);
        case cases::EventsMatch::interleaved_prefixes:
            return events_match_interleaved(*want.events, trace.events, true);
    }
    return false;
}

// " Noted, not counted: 1 Ping the peer sent on its own (...)." -- empty when nothing was
// left out.
std::string heartbeat_note(const CountedTrace& trace) {
    std::string out;
    const auto add = [&out](std::size_t n, const char* one, const char* many) {
        if (n == 0) return;
        out += (out.empty() ? "" : ", ") + std::to_string(n) + " " + (n == 1 ? one : many);
    };
    add(trace.peer_pings, "Ping the peer sent on its own", "Pings the peer sent on its own");
    add(trace.unsolicited_pongs, "unsolicited Pong", "unsolicited Pongs");
    if (out.empty()) return out;
    return " Noted, not counted: " + out + " (RFC 6455 5.5.2/5.5.3 allow them at any time).";
}

template <class Events>
std::string list(const Events& events) {
    if (events.empty()) return "no events";
    std::string out;
    constexpr std::size_t shown = 8;
    for (std::size_t i = 0; i < events.size() && i < shown; ++i) {
        if (i) out += ", ";
        out += describe(events[i]);
    }
    if (events.size() > shown) out += ", ... (" + std::to_string(events.size()) + " events)";
    return out;
}

// The elements of every `name` header's comma-separated list (the codec's splitting: OWS
// trimmed, empty elements skipped, commas inside quoted-strings kept).
std::vector<std::string> tokens_of(const HandshakeObservation& hs, std::string_view name) {
    std::vector<std::string> out;
    for (const auto& [n, v] : hs.headers) {
        if (!codec::iequals(n, name)) continue;
        for (const auto element : codec::split_header_list(v))
            out.emplace_back(element);
    }
    return out;
}

// Empty string: matches; otherwise why not.
std::string handshake_mismatch(const cases::HandshakeMatch& m, const HandshakeObservation& hs) {
    if (!m.stream_error.empty()) {
        if (hs.stream_error.empty()) {
            return hs.status == 0 ? "no RST_STREAM or GOAWAY"
                                  : "status " + std::to_string(hs.status);
        }
        if (std::find(m.stream_error.begin(), m.stream_error.end(), hs.stream_error) ==
            m.stream_error.end()) {
            return hs.stream_error_frame + " " + hs.stream_error;
        }
        return {};
    }
    if (m.no_response) {
        if (!hs.stream_error.empty()) return hs.stream_error_frame + " " + hs.stream_error;
        return hs.status == 0 ? std::string{} : "status " + std::to_string(hs.status);
    }
    const std::string status =
        hs.status == 0 ? "no HTTP response" : "status " + std::to_string(hs.status);
    // RFC 8441 5: over HTTP/2 a completed extended CONNECT (200) is what 101 is over HTTP/1.1.
    constexpr int switching_protocols = 101;
    const int judged = hs.http2 && hs.completed ? switching_protocols : hs.status;
    const auto listed = [&](int code) {
        return std::find(m.status.begin(), m.status.end(), code) != m.status.end();
    };
    // The RFC 8441 cases name the 200 itself.
    const bool in_status = listed(judged) || (hs.http2 && listed(hs.status));
    const bool in_class = std::find(m.status_class.begin(), m.status_class.end(), judged / 100) !=
                          m.status_class.end();
    // Both lists given: a status in either is allowed.
    if (!m.status.empty() && !m.status_class.empty()) {
        if (!in_status && !in_class) return status;
    } else if ((!m.status.empty() && !in_status) || (!m.status_class.empty() && !in_class)) {
        return status;
    }
    if (hs.status == 0) return status;
    constexpr int connect_ok = 200;  // RFC 8441 5
    const bool wants_upgrade = listed(switching_protocols) || (hs.http2 && listed(connect_ok));
    if ((m.accept_key_valid || wants_upgrade) && !hs.completed) {
        return "status " + std::to_string(hs.status) +
               " but the handshake is invalid: " + hs.failure;
    }
    for (const auto& [name, token] : m.header_has_token) {
        const auto toks = tokens_of(hs, name);
        const std::string_view wanted = token;  // clang before 16 cannot capture a binding
        if (std::none_of(toks.begin(), toks.end(),
                         [wanted](const std::string& t) { return codec::iequals(t, wanted); })) {
            return "header " + name + " does not list " + token;
        }
    }
    for (const auto& [name, allowed] : m.header_in) {
        std::vector<std::string> values;
        for (const auto& [n, v] : hs.headers) {
            if (codec::iequals(n, name)) values.push_back(v);
        }
        if (values.size() != 1) {
            return "header " + name + " present " + std::to_string(values.size()) +
                   " times (expected once)";
        }
        if (std::find(allowed.begin(), allowed.end(), values[0]) == allowed.end()) {
            return "header " + name + " is \"" + values[0] + "\", not one of those offered";
        }
    }
    for (const auto& name : m.header_absent) {
        for (const auto& [n, v] : hs.headers) {
            if (codec::iequals(n, name)) return "header " + name + " present (\"" + v + "\")";
        }
    }
    // A handshake that failed on the deflate answer matches neither "agreed" nor "declined".
    if (m.deflate_agreed && !hs.completed) return "the handshake failed: " + hs.failure;
    if (m.deflate_agreed && *m.deflate_agreed != hs.deflate_agreed) {
        return "permessage-deflate " + hs.deflate;
    }
    return {};
}

std::string describe_handshake_match(const cases::HandshakeMatch& m) {
    std::string out;
    if (!m.status.empty()) {
        out += "status ";
        for (std::size_t i = 0; i < m.status.size(); ++i)
            out += (i ? " or " : "") + std::to_string(m.status[i]);
    }
    if (!m.status_class.empty()) {
        out += out.empty() ? "status " : ", status ";
        for (std::size_t i = 0; i < m.status_class.size(); ++i) {
            out += (i ? " or " : "") + std::to_string(m.status_class[i]) + "xx";
        }
    }
    if (!m.stream_error.empty()) {
        out = "RST_STREAM or GOAWAY with";
        for (std::size_t i = 0; i < m.stream_error.size(); ++i)
            out += (i ? " or " : " ") + m.stream_error[i];
        return out;
    }
    if (m.no_response) return "no HTTP response (connection closed or silent)";
    if (m.accept_key_valid) out += ", valid Sec-WebSocket-Accept";
    for (const auto& [name, values] : m.header_in) {
        out += ", " + name + " one of";
        for (const auto& v : values)
            out += " " + v;
    }
    for (const auto& [name, token] : m.header_has_token)
        out += ", " + name + " lists " + token;
    for (const auto& name : m.header_absent)
        out += ", no " + name;
    if (m.deflate_agreed)
        out += *m.deflate_agreed ? ", permessage-deflate agreed" : ", permessage-deflate declined";
    return out.empty() ? "any response" : out;
}

std::string describe_observed_handshake(const HandshakeObservation& hs) {
    if (hs.status == 0) return hs.failure.empty() ? "no HTTP response" : hs.failure;
    std::string out = "HTTP " + std::to_string(hs.status);
    if (hs.completed)
        out += " (valid upgrade)";
    else if (!hs.failure.empty())
        out += " (" + hs.failure + ")";
    if (hs.completed && !hs.deflate.empty()) out += ", permessage-deflate " + hs.deflate;
    return out;
}

// What happened, briefly: the events (or the handshake answer) and how the connection
// ended, for the reason of a passing verdict.
std::string observed_outcome(const Observation& obs, bool handshake_case) {
    std::string out =
        handshake_case ? describe_observed_handshake(obs.handshake) : list(obs.events);
    if (handshake_case && !obs.events.empty()) out += "; " + list(obs.events);
    if (obs.failed_by_me) {
        out += "; wsspec failed the connection: " + obs.peer_violation;
    } else if (obs.close_received) {
        out += obs.remote_close_code
                   ? "; the peer's Close carried " + std::to_string(*obs.remote_close_code)
                   : std::string("; the peer's Close carried no status code");
        if (!obs.closed_by_me) out += " (the peer closed first)";
    } else if (obs.peer_closed_tcp && obs.handshake.completed) {
        out += "; the peer closed TCP without a Close";
    } else if (obs.timed_out) {
        out += "; " + (obs.timeout_note.empty() ? std::string("timed out") : obs.timeout_note);
    }
    return out;
}

std::string codes_text(const std::vector<std::uint16_t>& codes) {
    std::string out;
    for (std::size_t i = 0; i < codes.size(); ++i)
        out += (i ? ", " : "") + std::to_string(codes[i]);
    return out.empty() ? "none" : out;
}

// The peer broke a rule the case does not tolerate (CloseExpectation::tolerated_violations).
// Handshake cases whose close is not judged (hs.*, hsc.1-hsc.5) judge the answer to the
// handshake only: after a response it must refuse, a client's bytes are no WebSocket frames
// at all (aiohttp sends its next HTTP request on the same connection), and what a server
// sends after an upgrade it may refuse is checked by the listed events.
bool untolerated_violation(const cases::Case& c, const Observation& obs) {
    if (!obs.failed_by_me || c.expect_close.not_applicable) return false;
    const auto& tolerated = c.expect_close.tolerated_violations;
    return obs.peer_violation_kind.empty() || std::find(tolerated.begin(), tolerated.end(),
                                                        obs.peer_violation_kind) == tolerated.end();
}

// `refusal_allowed`: the handshake did not complete and an expectation that allows that
// (a refused handshake) matched, so there was no connection whose close could be judged.
void judge_close(const cases::Case& c, const Observation& obs, cases::Role under_test, Judgement& j,
                 bool refusal_allowed = false) {
    const auto& want = c.expect_close;
    if (want.not_applicable || (refusal_allowed && !obs.handshake.completed)) {
        // Handshake cases: what matters is the answer to the request; how the connection
        // ends afterwards is not what the case checks.
        j.behavior_close = verdict::ok;
        j.result_close =
            obs.handshake.completed
                ? "The closing handshake is not judged in this handshake case."
                : "No WebSocket connection was opened, so there was no closing handshake to judge.";
        return;
    }
    if (!obs.handshake.completed) {
        j.behavior_close = verdict::failed;
        j.result_close = "The opening handshake did not complete.";
        return;
    }
    const bool was_clean = obs.close_sent && obs.close_received;
    // 1. The right side must start the close.
    if (want.closed_by_me != obs.closed_by_me) {
        j.behavior_close = verdict::failed;
        std::string peer_ending;  // what ended the connection instead of our Close
        if (obs.remote_close_code) {
            peer_ending =
                "the peer did (close code " + std::to_string(*obs.remote_close_code) + ")";
        } else if (obs.close_received) {
            peer_ending = "the peer did (close frame without a code)";
        } else if (obs.peer_closed_tcp) {
            peer_ending = "the peer did (TCP closed, no close frame)";
        } else {
            peer_ending = "the case ended first (no close frame from either side)";
        }
        j.result_close =
            want.closed_by_me
                ? "Expected wsspec to close the connection, but " + peer_ending + "."
                : "Expected the peer to fail the connection, but it did not; wsspec closed it.";
        if (want.wrong_endpoint_is_fatal) {
            j.behavior = verdict::failed;
            // The event match alone (e.g. "no echo") does not describe this outcome: say
            // what the peer did instead of failing the connection.
            j.result =
                "The peer did not fail the connection as required; " +
                (obs.peer_violation.empty()
                     ? std::string(obs.timed_out ? "it stayed silent until the timeout."
                                                 : "wsspec closed it.")
                     : "instead it sent what wsspec had to refuse: " + obs.peer_violation + ".");
        }
        return;
    }
    // 2. A clean closing handshake where one is required.
    if (want.require_clean && !was_clean) {
        j.behavior_close = verdict::unclean;
        j.result_close =
            std::string("The closing handshake did not complete: ") +
            (obs.close_received ? "wsspec sent no close frame." : "no close frame from the peer.");
        return;
    }
    // 3. A close code from the allowed list (a missing code is accepted).
    if (obs.remote_close_code && std::find(want.codes.begin(), want.codes.end(),
                                           *obs.remote_close_code) == want.codes.end()) {
        j.behavior_close = verdict::wrong_code;
        j.result_close = "The close code should have been " + codes_text(want.codes) +
                         " or empty, but was " + std::to_string(*obs.remote_close_code) + ".";
        if (want.wrong_code_is_fatal) {
            j.behavior = verdict::failed;
            // The matched expectation's note describes a pass; say what went wrong instead.
            j.result = "Wrong close code, which fails this case: " + j.result_close;
        }
        return;
    }
    // 4. When testing a server, the server should close TCP (RFC 6455 7.1.1).
    if (under_test == cases::Role::server && obs.dropped_by_me) {
        j.behavior_close = verdict::failed_by_client;
        j.result_close =
            obs.peer_violation.empty()
                ? (obs.open_at_deadline && !obs.close_received && !obs.closed_by_me
                       ? "The server sent no Close frame and kept the connection open until "
                         "wsspec dropped it at the case timeout; it should have failed the "
                         "connection (and then closed TCP, RFC 6455 7.1.1)."
                       : "wsspec had to drop the TCP connection; the server should close it "
                         "(RFC 6455 7.1.1).")
                : "The server sent what wsspec had to refuse (" + obs.peer_violation +
                      "), so wsspec dropped the TCP connection; the server should have closed "
                      "it after a valid closing handshake (RFC 6455 7.1.1).";
        return;
    }
    // 5. When testing a client that had to fail the connection: no Close and no TCP close
    // until the case timeout is not failing it. (wsspec, the server, closes TCP first
    // anyway, RFC 6455 7.1.1, so dropped_by_me alone says nothing here.)
    if (under_test == cases::Role::client && !want.closed_by_me && obs.open_at_deadline &&
        !obs.close_received && !obs.failed_by_me) {
        j.behavior_close = verdict::failed;
        j.result_close =
            "The client sent no Close frame and kept the connection open until wsspec dropped "
            "it at the case timeout; it should have failed the connection (RFC 6455 7.1.7).";
        return;
    }
    // 6. When testing a client, a rule it broke made wsspec fail the connection: the wrong
    // endpoint failed it (Autobahn's FAILED), whatever else matched. (A server is already
    // FAILED BY CLIENT above, since wsspec then drops TCP.)
    if (under_test == cases::Role::client && untolerated_violation(c, obs)) {
        j.behavior_close = verdict::failed;
        j.result_close = "The client sent what wsspec had to refuse (" + obs.peer_violation +
                         "), so wsspec failed the connection: it was failed by the wrong "
                         "endpoint.";
        return;
    }
    j.behavior_close = verdict::ok;
    j.result_close = "Connection was properly closed.";
}

}  // namespace

std::string describe(const ObservedEvent& e) {
    std::string out = describe_parts(kind_name(e.kind), e.binary, e.payload);
    if (e.size > e.payload.size()) {
        out = describe_parts(kind_name(e.kind), e.binary, e.payload.substr(0, shown_payload_bytes));
        const auto open = out.find('(');
        const auto bytes = out.find(" bytes)");
        out.replace(
            open + 1, bytes - open - 1,
            (e.kind == ObservedEvent::Kind::message ? std::string(e.binary ? "binary, " : "text, ")
                                                    : "") +
                std::to_string(e.size));
        if (out.size() < 4 || out.substr(out.size() - 3) != "...") out += "...";
    }
    if (e.kind == ObservedEvent::Kind::pong && e.unsolicited) out += " (unsolicited)";
    return out;
}

std::string describe(const cases::Event& e) {
    if (e.kind == cases::Event::Kind::mark) return "mark " + e.payload.text;
    const std::string kind = kind_name(to_observed(e.kind));
    if (e.payload.kind == cases::Payload::Kind::pattern && e.payload.length > shown_payload_bytes) {
        return kind + "(" + (kind == "message" ? (e.binary ? "binary, " : "text, ") : "") +
               std::to_string(e.payload.size()) + " bytes)";
    }
    return describe_parts(kind, e.binary, e.payload.materialize());
}

namespace {
Judgement judge_conversation(const cases::Case& c, const Observation& obs, cases::Role under_test);
}  // namespace

// A case with resource limits (a fuzz finding's leak) fails when the supervised peer kept
// more than they allow; without a measurement (no --exec) only the conversation is judged.
Judgement judge(const cases::Case& c, const Observation& obs, cases::Role under_test) {
    Judgement j = judge_conversation(c, obs, under_test);
    if (!c.resource_limits) return j;
    if (!obs.resources) {
        j.result += " (resource limits not checked: the peer is not supervised; use --exec)";
        return j;
    }
    const auto& r = *obs.resources;
    std::string over;
    if (const auto& kib = c.resource_limits->rss_growth_kib;
        kib && r.rss_after > r.rss_before + *kib * 1024) {
        over = "its resident memory grew by " +
               std::to_string((r.rss_after - r.rss_before) / 1024) + " KiB (this case allows " +
               std::to_string(*kib) + " KiB)";
    }
    if (const auto& fds = c.resource_limits->fd_growth; fds && r.fds_after > r.fds_before + *fds) {
        over += (over.empty() ? "" : " and ") + std::string("its open descriptors grew by ") +
                std::to_string(r.fds_after - r.fds_before) + " (this case allows " +
                std::to_string(*fds) + ")";
    }
    if (over.empty()) return j;
    j.behavior = verdict::failed;
    j.result = "The peer kept resources after the case: " + over + ". " + j.result;
    return j;
}

namespace {
Judgement judge_conversation(const cases::Case& c, const Observation& obs, cases::Role under_test) {
    Judgement j;
    j.observed = obs.handshake.attempted ? describe_observed_handshake(obs.handshake) + "; " : "";
    j.observed += list(obs.events);
    if (obs.remote_close_code) j.observed += "; close " + std::to_string(*obs.remote_close_code);
    if (obs.failed_by_me) j.observed += "; peer violated: " + obs.peer_violation;

    for (std::size_t i = 0; i < c.expect.size(); ++i) {
        const auto& e = c.expect[i];
        if (i) j.expected += " | ";
        j.expected += e.verdict + ": ";
        if (e.handshake) j.expected += describe_handshake_match(*e.handshake) + "; ";
        j.expected += e.events ? list(*e.events) : std::string("any events");
        if (e.events && e.match == cases::EventsMatch::subsequence_with_last)
            j.expected += " (or an in-order part of them ending with the last)";
        if (e.events && e.match == cases::EventsMatch::interleaved)
            j.expected += " (Pongs and messages each in order, in any interleaving)";
        if (e.events && e.match == cases::EventsMatch::interleaved_prefixes)
            j.expected += " (or the first of its Pongs and of its messages, in any interleaving)";
        if (e.count_unsolicited_pongs) j.expected += " (unsolicited Pongs counted)";
    }

    // The peer sent far more than the case could cause (peer::ReceiveBudget); wsspec stopped
    // reading, so the events are incomplete and neither verdict can rest on them.
    if (obs.flood) {
        j.behavior = j.behavior_close = verdict::failed;
        j.result = "The peer flooded the connection: " + obs.flood->what +
                   "; wsspec stopped reading and closed it.";
        j.result_close = j.result;
        return j;
    }
    if (obs.peer_crash) {
        j.behavior = j.behavior_close = verdict::failed;
        j.result = "The peer under test died during the case: " + *obs.peer_crash;
        j.result_close = j.result;
        return j;
    }
    if (!obs.connect_error.empty()) {
        j.behavior = j.behavior_close = verdict::failed;
        j.result = j.result_close = obs.connect_error;
        return j;
    }

    // Autobahn 12.*/13.*: a case about permessage-deflate with a peer that did not agree to
    // it says nothing about the peer's compression (UNIMPLEMENTED), unless the case judges
    // the negotiation itself (a handshake expectation).
    const bool judges_negotiation = std::any_of(
        c.expect.begin(), c.expect.end(), [](const auto& e) { return e.handshake.has_value(); });
    // Without the agreement wsspec skipped the steps and closed with 1000 (run_case_steps):
    // that close is judged as such, not as the one the case expects after its steps (e.g. a
    // peer that must fail the connection).
    const bool steps_skipped = c.permessage_deflate && c.permessage_deflate->required &&
                               obs.handshake.completed && !obs.handshake.deflate_agreed;
    cases::Case skipped_close;
    const cases::Case& close_case = steps_skipped ? skipped_close : c;
    if (steps_skipped && !judges_negotiation) {
        j.behavior = verdict::unimplemented;
        j.result =
            "permessage-deflate was not agreed (" +
            (obs.handshake.deflate.empty() ? std::string("declined") : obs.handshake.deflate) +
            "), so the case did not run.";
        judge_close(close_case, obs, under_test, j);
        return j;
    }
    // An echo series (12.*/13.*) checked its echoes as they came; its first mismatch, or
    // missing echoes, fail the case whatever else matched.
    if (obs.series && !obs.series->failure.empty()) {
        j.behavior = verdict::failed;
        j.result = "Expected " + std::to_string(obs.series->count) +
                   " echoes of the messages sent; " + std::to_string(obs.series->echoed) +
                   " matched, then " + obs.series->failure + ".";
        if (obs.failed_by_me) j.result += " The peer broke a rule: " + obs.peer_violation + ".";
        judge_close(c, obs, under_test, j);
        return j;
    }

    std::string first_mismatch;
    bool refusal_allowed = false;
    for (const auto& e : c.expect) {
        if (e.handshake) {
            const std::string why = handshake_mismatch(*e.handshake, obs.handshake);
            if (!why.empty()) {
                if (first_mismatch.empty()) first_mismatch = "handshake: " + why;
                continue;
            }
        } else if (!obs.handshake.completed) {
            continue;  // every other expectation needs an open WebSocket connection
        }
        // What the peer may send at any time (its own Pings, unsolicited Pongs) is left out
        // unless this expectation counts it (STYLE: allowed alternatives never fail a case).
        const CountedTrace trace = counted_trace(e, obs.events);
        if (!expectation_events_match(e, trace)) {
            if (first_mismatch.empty()) first_mismatch = "events differ";
            continue;
        }
        j.behavior = e.verdict;
        refusal_allowed = !obs.handshake.completed;
        // The case's note says why this outcome gets this verdict; what was observed follows,
        // so the reason never claims more than the wire log shows.
        j.result = e.note.empty() ? "Actual events match at least one expected." : e.note;
        if (!j.result.empty() && j.result.back() != '.') j.result += '.';
        j.result += " Observed: " + observed_outcome(obs, e.handshake.has_value()) + ".";
        j.result += heartbeat_note(trace);
        break;
    }
    if (j.behavior.empty()) {
        j.behavior = verdict::failed;
        if (!obs.handshake.completed &&
            std::none_of(c.expect.begin(), c.expect.end(),
                         [](const auto& e) { return e.handshake.has_value(); })) {
            j.result = "The opening handshake failed: " + obs.handshake.failure;
        } else {
            j.result = "Expected " + j.expected + ". Observed " + j.observed + ".";
        }
        if (obs.timed_out && !obs.timeout_note.empty()) j.result += " (" + obs.timeout_note + ")";
    }
    judge_close(close_case, obs, under_test, j, refusal_allowed);
    // RFC 8441 cases: what the HTTP/2 layer checked on streams beside the case's own.
    if (!obs.h2_failures.empty()) {
        std::string all;
        for (const auto& f : obs.h2_failures)
            all += (all.empty() ? "" : "; ") + f;
        j.behavior = verdict::failed;
        j.result = "On the HTTP/2 connection: " + all + ".";
    } else if (!obs.h2_lapses.empty() && j.behavior == verdict::ok) {
        std::string all;
        for (const auto& l : obs.h2_lapses)
            all += (all.empty() ? "" : "; ") + l;
        j.behavior = verdict::non_strict;
        j.result += " On the HTTP/2 connection: " + all + ".";
    }
    const bool behavior_passed = j.behavior != verdict::failed;
    // A rule the peer broke never ends OK in either role (RFC 6455 7.1.7: the endpoint that
    // detects it MUST _Fail the WebSocket Connection_, here wsspec). Only a case that
    // tolerates exactly that rule (7.13.*: an echoed code 5000) lets it pass.
    if (behavior_passed && untolerated_violation(c, obs)) {
        j.result = "The peer broke a rule, so wsspec failed the connection: " + obs.peer_violation +
                   ". Expected no broken rule; the events alone matched (" + j.behavior + ").";
        j.behavior = verdict::failed;
    } else if (j.behavior == verdict::ok && c.expect_close.require_code && obs.close_received &&
               !obs.remote_close_code) {
        // Autobahn accepts the empty Close ("or empty"); it cannot be told from a plain reply
        // by a peer that never noticed the Close was malformed.
        j.behavior = verdict::non_strict;
        j.result = "Expected the peer to fail the connection with close code " +
                   codes_text(c.expect_close.codes) +
                   "; it answered with an empty Close. Lenient, not conforming: RFC 6455 7.1.7 "
                   "says the endpoint failing the connection SHOULD send a Close frame with an "
                   "appropriate status code.";
    }
    // An answer wsspec could follow but that is not in RFC 7692's form (it left out a
    // server-side parameter of the offer): lenient, not conforming.
    if (j.behavior == verdict::ok && !obs.handshake.deflate_leniency.empty()) {
        j.behavior = verdict::non_strict;
        j.result += " Non-strict: " + obs.handshake.deflate_leniency + ".";
    }
    // Autobahn (7.1.6, 7.13.*) reports both verdicts as INFORMATIONAL: where the RFC leaves
    // the outcome open, it leaves how the connection ends open too (7.13.*: a peer that echoes
    // code 5000 gets dropped by us, which is no fault of its own). result_close still says
    // what happened.
    if (c.informational && (j.behavior == verdict::ok || j.behavior == verdict::non_strict ||
                            j.behavior == verdict::informational)) {
        j.behavior = verdict::informational;
        j.behavior_close = verdict::informational;
    }
    return j;
}
}  // namespace

bool passed(const Judgement& j, bool strict) {
    const auto fine = [strict](const std::string& v) {
        return v == verdict::ok || v == verdict::informational || v == verdict::unimplemented ||
               (!strict && v == verdict::non_strict);
    };
    return fine(j.behavior) && fine(j.behavior_close);
}

}  // namespace wsspec::oracle
