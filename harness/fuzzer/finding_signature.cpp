#include "harness/fuzzer/finding_signature.h"

#include <algorithm>
#include <regex>
#include <vector>

#include "harness/codec/constants.h"

namespace wsspec::fuzzer {
namespace {

// Frames beyond these say more about how the server was reached than about the bug.
constexpr std::size_t signature_frames = 3;

std::string event_name(cases::Event::Kind k) {
    switch (k) {
        case cases::Event::Kind::message:
            return "message";
        case cases::Event::Kind::ping:
            return "ping";
        case cases::Event::Kind::pong:
            return "pong";
        case cases::Event::Kind::mark:
            return "mark";
    }
    return "?";
}

std::string event_name(oracle::ObservedEvent::Kind k) {
    switch (k) {
        case oracle::ObservedEvent::Kind::message:
            return "message";
        case oracle::ObservedEvent::Kind::ping:
            return "ping";
        case oracle::ObservedEvent::Kind::pong:
            return "pong";
        case oracle::ObservedEvent::Kind::mark:
            return "mark";
    }
    return "?";
}

bool same_kind(cases::Event::Kind a, oracle::ObservedEvent::Kind b) {
    return event_name(a) == event_name(b);
}

// The answers compared in order: messages and the Pongs that answer our Pings. The peer's
// own Pings and unsolicited Pongs are heartbeats (RFC 6455 5.5.2, 5.5.3), not answers.
std::string events_divergence(const Derivation& d, const oracle::Observation& obs) {
    // Pongs the session could not match to a Ping step are answers too when the derivation
    // says so (a Ping sent as raw octets).
    const bool count_unsolicited =
        !d.c.expect.empty() && d.c.expect.front().count_unsolicited_pongs;
    std::vector<const oracle::ObservedEvent*> seen;
    for (const auto& e : obs.events) {
        if (e.kind == oracle::ObservedEvent::Kind::ping ||
            e.kind == oracle::ObservedEvent::Kind::mark ||
            (e.kind == oracle::ObservedEvent::Kind::pong && e.unsolicited && !count_unsolicited)) {
            continue;
        }
        seen.push_back(&e);
    }
    // Messages and Pongs each in their own order: RFC 6455 puts none between the two kinds
    // (EventsMatch::interleaved). The answers are taken in the order they were due.
    std::vector<const oracle::ObservedEvent*> got_kind[2];
    for (const auto* e : seen)
        got_kind[e->kind == oracle::ObservedEvent::Kind::pong ? 1 : 0].push_back(e);
    std::size_t next[2] = {0, 0};
    for (const auto& want : d.answers) {
        const int k = want.kind == cases::Event::Kind::pong ? 1 : 0;
        if (next[k] >= got_kind[k].size()) return "missing-" + event_name(want.kind);
        const auto& got = *got_kind[k][next[k]++];
        if (!same_kind(want.kind, got.kind)) return "unexpected-" + event_name(got.kind);
        if (got.kind == oracle::ObservedEvent::Kind::message && got.binary != want.binary)
            return "wrong-type";
        if (got.size != want.payload.size()) return "wrong-length";
        if (got.payload.size() == got.size && !want.payload.matches(got.payload))
            return "wrong-bytes";
    }
    for (int k : {0, 1}) {
        if (got_kind[k].size() > next[k]) return "extra-" + event_name(got_kind[k][next[k]]->kind);
    }
    return {};
}

}  // namespace

std::string sanitizer_signature(std::string_view output) {
    const std::string text(output);
    // "==12==ERROR: AddressSanitizer: heap-buffer-overflow on address ..." (or, when the
    // head of a long report was not kept, its "SUMMARY: AddressSanitizer: ..." line)
    static const std::regex error_line(R"((?:ERROR|SUMMARY): (\w+Sanitizer): ([\w-]+))");
    // "    #0 0x4f5e2a in parse_frame /src/x.cc:10:3"
    static const std::regex frame(R"(#(\d+) 0x[0-9a-fA-F]+ in ([^\s(]+))");
    // Python: '  File "x.py", line 12, in handler' (innermost last) and the exception line.
    static const std::regex py_frame(R"re(File "[^"]*", line \d+, in (\S+))re");
    static const std::regex py_error(R"((?:^|\n)(\w+(?:Error|Exception)):)");
    // The last report is this crash's: a process may print reports and live on (UBSan).
    std::ptrdiff_t from = -1;
    std::string kind;
    for (auto it = std::sregex_iterator(text.begin(), text.end(), error_line);
         it != std::sregex_iterator(); ++it) {
        const std::string k = (*it)[1].str() + ":" + (*it)[2].str();
        if (text.compare(static_cast<std::size_t>(it->position()), 8, "SUMMARY:") == 0) {
            // The end of the report begun by the last ERROR line; without one (cut off), the
            // frames are wherever the kept output has them.
            if (from < 0 || kind != k) from = 0;
        } else {
            from = it->position();
        }
        kind = k;
    }
    if (from >= 0) {
        std::string frames;
        std::size_t n = 0;
        for (auto it = std::sregex_iterator(text.begin() + from, text.end(), frame);
             it != std::sregex_iterator() && n < signature_frames; ++it) {
            if ((*it)[1].str() == "0" && n > 0) break;  // a second stack (allocation site)
            frames += (n++ == 0 ? "@" : "<") + (*it)[2].str();
        }
        return kind + frames;
    }
    std::smatch m;
    std::string innermost;
    for (auto it = std::sregex_iterator(text.begin(), text.end(), py_frame);
         it != std::sregex_iterator(); ++it) {
        innermost = (*it)[1].str();
    }
    if (std::regex_search(text, m, py_error))
        return m[1].str() + (innermost.empty() ? "" : "@" + innermost);
    return {};
}

std::string crash_signature(std::string_view description) {
    if (std::string s = sanitizer_signature(description); !s.empty()) return s;
    const std::string d(description);
    return d.substr(0, d.find(';'));
}

std::string divergence(const Derivation& d, const oracle::Observation& obs,
                       const oracle::Judgement& j) {
    if (!obs.peer_violation_kind.empty()) {
        // Text that is not UTF-8 where the echo of a valid text message was due: the echo
        // was wrong (the session refused it, so it is missing from the events).
        if (obs.peer_violation_kind == codec::error_kind_name(codec::ErrorKind::invalid_utf8) &&
            events_divergence(d, obs) == "missing-message")
            return "wrong-bytes";
        return "sent:" + obs.peer_violation_kind;
    }
    const auto& allowed = d.c.expect_close.codes;
    const bool code_allowed =
        !obs.remote_close_code ||
        std::find(allowed.begin(), allowed.end(), *obs.remote_close_code) != allowed.end();
    std::string close;
    if (d.outcome == DerivedOutcome::fail) {
        if (!obs.close_received && !obs.peer_closed_tcp)
            close = "no-fail:" + std::string(codec::error_kind_name(d.error));
        else if (!code_allowed)
            close = "fail-code:" + std::to_string(*obs.remote_close_code);
    } else {
        if (!code_allowed)
            close = "close-code:" + std::to_string(*obs.remote_close_code);
        else if (!obs.close_received)
            close = obs.peer_closed_tcp ? "dropped" : "no-close-reply";
        else if (d.closed_by_me && !obs.closed_by_me)
            close = "closed-first";
    }
    const std::string events = events_divergence(d, obs);
    // A peer that took the frame it had to fail on -- answered it or what followed, never
    // failed, or answered our malformed Close as a normal one -- shows one bug however the
    // input goes on: one signature per rule it let pass.
    if (d.outcome == DerivedOutcome::fail && d.error != codec::ErrorKind::none) {
        const bool answered_past = events.rfind("extra-", 0) == 0;
        const bool never_failed =
            close.rfind("no-fail:", 0) == 0 && events.rfind("missing-", 0) != 0;
        const bool closed_normally = !code_allowed && obs.remote_close_code &&
                                     (*obs.remote_close_code == codec::close_code::normal ||
                                      obs.remote_close_code == d.close_code_if_taken);
        if (answered_past || never_failed || closed_normally)
            return "accepted:" + std::string(codec::error_kind_name(d.error));
    }
    // A close code the server should not have sent says more than the answers it then
    // never gave (it failed a valid input).
    if (close.rfind("close-code:", 0) == 0 || close.rfind("fail-code:", 0) == 0) return close;
    if (j.behavior == oracle::verdict::failed && !events.empty()) return events;
    // A server that stopped answering before the error (it hangs) never fails on it either:
    // the first answer missing is what it did wrong.
    if (close.rfind("no-fail:", 0) == 0 && events.rfind("missing-", 0) == 0) return events;
    return close;
}

}  // namespace wsspec::fuzzer
