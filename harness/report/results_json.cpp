#include "harness/report/results_json.h"

#include <ctime>
#include <filesystem>
#include <map>

#include "harness/codec/ascii.h"
#include "harness/codec/constants.h"
#include "harness/report/utf8_escape.h"

namespace wsspec::report {
namespace {

using nlohmann::json;
using oracle::WireEntry;

// Text for humans when the bytes are valid UTF-8 and printable; null otherwise (the wire
// log keeps the hex next to it).
json text_or_null(std::string_view bytes) {
    for (unsigned char ch : bytes) {
        if (ch < 0x20 && ch != '\n' && ch != '\r' && ch != '\t') return nullptr;
    }
    if (!is_valid_utf8(bytes)) return nullptr;
    return std::string(bytes);
}

const char* wire_kind(WireEntry::Kind k) {
    switch (k) {
        case WireEntry::Kind::tx_octets:
            return "TO";
        case WireEntry::Kind::rx_octets:
            return "RO";
        case WireEntry::Kind::tx_frame:
            return "TF";
        case WireEntry::Kind::rx_frame:
            return "RF";
        case WireEntry::Kind::note:
            return "NOTE";
    }
    return "?";
}

json wire_entry_to_json(const WireEntry& e) {
    json j = {{"t", std::round(e.at_ms * 1000) / 1000}, {"kind", wire_kind(e.kind)}};
    if (e.kind == WireEntry::Kind::note) {
        j["text"] = e.data;
    } else {
        j["length"] = e.length;
        j["hex"] = codec::to_hex(e.data);
        j["truncated"] = e.length > e.data.size();
        if (auto t = text_or_null(e.data); !t.is_null()) j["text"] = t;
    }
    if (e.kind == WireEntry::Kind::tx_frame || e.kind == WireEntry::Kind::rx_frame) {
        j["opcode"] = e.opcode;
        j["opcode_name"] = std::string(codec::opcode_name(e.opcode));
        j["fin"] = e.fin;
        j["rsv"] = e.rsv;
        j["mask"] = e.masked;
    }
    if (!e.decoded.empty()) j["decoded"] = e.decoded;
    return j;
}

// The note that stands for the entries an excerpt left out, where they were.
json excerpt_note(const WireEntry& first_left_out, const WireExcerpt& x) {
    return {{"t", std::round(first_left_out.at_ms * 1000) / 1000},
            {"kind", wire_kind(WireEntry::Kind::note)},
            {"text", "wire log excerpt (the case passed): " + x.describe() +
                         "; --full-wire-log keeps every entry"}};
}

json wire_to_json(const std::vector<WireEntry>& wire, const std::optional<WireExcerpt>& x) {
    json out = json::array();
    for (std::size_t i = 0; i < wire.size(); ++i) {
        if (x && i == x->kept_first) {
            out.push_back(excerpt_note(wire[i], *x));
            i = wire.size() - x->kept_last - 1;
            continue;
        }
        out.push_back(wire_entry_to_json(wire[i]));
    }
    return out;
}

template <typename Key>
json counts_to_json(const std::map<Key, std::uint64_t>& counts) {
    json out = json::object();
    for (const auto& [key, n] : counts)
        out[std::to_string(key)] = n;
    return out;
}

json excerpt_to_json(const WireExcerpt& x) {
    return {{"entries", x.entries},
            {"kept_first", x.kept_first},
            {"kept_last", x.kept_last},
            {"left_out", x.left_out()},
            {"rx_octets", counts_to_json(x.rx_octets)},
            {"tx_octets", counts_to_json(x.tx_octets)},
            {"rx_frames", counts_to_json(x.rx_frames)},
            {"tx_frames", counts_to_json(x.tx_frames)},
            {"rx_frame_bytes", x.rx_frame_bytes},
            {"tx_frame_bytes", x.tx_frame_bytes},
            {"notes", x.notes}};
}

json events_to_json(const std::vector<oracle::ObservedEvent>& events) {
    constexpr std::size_t kept_bytes = 256;
    json out = json::array();
    for (const auto& e : events) {
        json j = {{"description", oracle::describe(e)}};
        switch (e.kind) {
            case oracle::ObservedEvent::Kind::message:
                j["type"] = "message";
                j["binary"] = e.binary;
                break;
            case oracle::ObservedEvent::Kind::ping:
                j["type"] = "ping";
                break;
            case oracle::ObservedEvent::Kind::pong:
                j["type"] = "pong";
                break;
            case oracle::ObservedEvent::Kind::mark:
                j["type"] = "mark";
                j["name"] = e.payload;
                break;
        }
        if (e.kind != oracle::ObservedEvent::Kind::mark) {
            j["length"] = e.payload.size();
            j["hex"] = codec::to_hex(std::string_view(e.payload).substr(0, kept_bytes));
        }
        out.push_back(std::move(j));
    }
    return out;
}

}  // namespace

std::string iso_utc(std::chrono::system_clock::time_point t) {
    const std::time_t secs = std::chrono::system_clock::to_time_t(t);
    std::tm tm{};
    gmtime_r(&secs, &tm);
    char buf[32];
    std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%S", &tm);
    const auto ms =
        std::chrono::duration_cast<std::chrono::milliseconds>(t.time_since_epoch()).count() % 1000;
    char out[48];
    std::snprintf(out, sizeof out, "%s.%03lldZ", buf, static_cast<long long>(ms));
    return out;
}

// Autobahn's compression ratio: payload bytes on the wire / bytes before compression, per
// direction (null when nothing went that way).
json ratio(std::uint64_t wire, std::uint64_t plain) {
    if (plain == 0) return nullptr;
    return std::round(static_cast<double>(wire) / static_cast<double>(plain) * 10000) / 10000;
}

json compression_to_json(const oracle::CompressionStats& s) {
    return {
        {"sent_plain", s.sent_plain},
        {"sent_wire", s.sent_wire},
        {"sent_ratio", ratio(s.sent_wire, s.sent_plain)},
        {"received_plain", s.received_plain},
        {"received_wire", s.received_wire},
        {"received_ratio", ratio(s.received_wire, s.received_plain)},
    };
}

json case_to_json(const oracle::CaseOutcome& o, WireLogPolicy wire_log) {
    const auto& c = *o.c;
    const auto& obs = o.obs;
    json j = {
        {"index", o.index},
        {"id", c.id},
        {"category", case_category(c.id)},
        {"group", c.group},
        {"group_title", c.group_title},
        {"description", c.description},
        {"rfc", c.rfc},
        {"requirement", c.requirement},
        // The file name only: a report never carries the path of the machine that ran it.
        {"source", std::filesystem::path(c.source_file).filename().string()},
        {"ran", o.ran},
    };
    // Autobahn's expectedClose, so per-case reports can carry it.
    j["expected_close"] = {
        {"closed_by_me", c.expect_close.closed_by_me},
        {"close_codes", c.expect_close.codes},
        {"require_clean", c.expect_close.require_clean},
        {"not_applicable", c.expect_close.not_applicable},
    };
    if (!o.ran) return j;
    j["behavior"] = o.judgement.behavior;
    j["behavior_close"] = o.judgement.behavior_close;
    j["result"] = o.judgement.result;
    j["result_close"] = o.judgement.result_close;
    j["expected"] = o.judgement.expected;
    j["observed"] = o.judgement.observed;
    j["started"] = iso_utc(obs.started);
    j["duration_ms"] = std::round(obs.duration_ms * 1000) / 1000;
    j["bytes_sent"] = obs.bytes_sent;
    j["bytes_received"] = obs.bytes_received;
    j["throughput_mbps"] =
        c.measure_throughput ? json(std::round(obs.throughput_mbps * 100) / 100) : json(nullptr);
    j["close"] = {
        {"closed_by_me", obs.closed_by_me},
        {"failed_by_me", obs.failed_by_me},
        {"dropped_by_me", obs.dropped_by_me},
        {"was_clean", obs.close_sent && obs.close_received},
        {"local_close_code", obs.local_close_code ? json(*obs.local_close_code) : json(nullptr)},
        {"remote_close_code", obs.remote_close_code ? json(*obs.remote_close_code) : json(nullptr)},
        // Escaped like every peer string (utf8_escape.h); the wire log has the bytes.
        {"remote_close_reason", obs.remote_close_reason},
        {"peer_violation", obs.peer_violation.empty() ? json(nullptr) : json(obs.peer_violation)},
        {"timed_out", obs.timed_out},
    };
    j["handshake"] = {
        {"completed", obs.handshake.completed},
        {"status", obs.handshake.status},
        {"request", obs.handshake.request},
        {"response", obs.handshake.response},
        {"failure", obs.handshake.failure.empty() ? json(nullptr) : json(obs.handshake.failure)},
        {"deflate_agreed", obs.handshake.deflate_agreed},
        {"deflate", obs.handshake.deflate.empty() ? json(nullptr) : json(obs.handshake.deflate)},
    };
    j["frames_received"] = obs.frames_received;
    j["compression"] = obs.compression ? compression_to_json(*obs.compression) : json(nullptr);
    if (obs.series) {
        j["echo_series"] = {
            {"count", obs.series->count},
            {"echoed", obs.series->echoed},
            {"failure", obs.series->failure.empty() ? json(nullptr) : json(obs.series->failure)},
        };
    }
    // What the per-case budgets kept out of the events and the wire log (STYLE 6).
    j["dropped"] = {
        {"events", obs.dropped.events},
        {"event_bytes", obs.dropped.event_bytes},
        {"wire_entries", obs.dropped.wire_entries},
        {"pongs", obs.dropped.pongs},
    };
    if (obs.flood) {
        j["flood"] = {
            {"frames", obs.flood->frames},
            {"bytes", obs.flood->bytes},
            {"at_ms", std::round(obs.flood->at_ms * 1000) / 1000},
            {"frame_budget", obs.flood->frame_budget},
            {"byte_budget", obs.flood->byte_budget},
            {"description", obs.flood->what},
        };
    } else {
        j["flood"] = nullptr;
    }
    if (!obs.connect_error.empty()) j["connect_error"] = obs.connect_error;
    if (obs.peer_crash) j["peer_crash"] = *obs.peer_crash;
    j["events"] = events_to_json(obs.events);
    const auto excerpt = wire_excerpt_for(o, wire_log);
    j["wire"] = wire_to_json(obs.wire, excerpt);
    j["wire_excerpt"] = excerpt ? excerpt_to_json(*excerpt) : json(nullptr);
    // Agent-, header-, reason-, payload- and note text come from the peer: the one place
    // they are made safe for every report (utf8_escape.h).
    escape_invalid_utf8_in(j);
    return j;
}

const json& array_at(const json& obj, const char* key) {
    static const json empty = json::array();
    if (!obj.is_object()) return empty;
    const auto it = obj.find(key);
    return it != obj.end() && it->is_array() ? *it : empty;
}

const json& object_at(const json& obj, const char* key) {
    static const json empty = json::object();
    if (!obj.is_object()) return empty;
    const auto it = obj.find(key);
    return it != obj.end() && it->is_object() ? *it : empty;
}

std::string case_category(const std::string& id) {
    if (id.rfind("hs.", 0) == 0) return "hs";
    const auto dot = id.find('.');
    return dot == std::string::npos ? id : id.substr(0, dot);
}

bool case_passed(const json& record, bool strict) {
    if (!record.value("ran", false)) return false;
    oracle::Judgement j;
    j.behavior = record.value("behavior", "");
    j.behavior_close = record.value("behavior_close", "");
    return oracle::passed(j, strict);
}

json summarize(const json& records, bool strict) {
    std::map<std::string, int> behavior_counts;
    std::map<std::string, int> close_counts;
    std::map<std::string, std::map<std::string, int>> per_category;
    int passed = 0, failed = 0, not_run = 0;
    for (const auto& r : records) {
        if (!r.value("ran", false)) {
            ++not_run;
            continue;
        }
        const std::string behavior = r.value("behavior", "");
        ++behavior_counts[behavior];
        ++close_counts[r.value("behavior_close", "")];
        ++per_category[case_category(r.value("id", ""))][behavior];
        (case_passed(r, strict) ? passed : failed)++;
    }
    return {{"total", records.size()},
            {"passed", passed},
            {"failed", failed},
            {"not_run", not_run},
            {"behavior", behavior_counts},
            {"behavior_close", close_counts},
            {"categories", per_category}};
}

json results_to_json(const RunInfo& info, const std::vector<oracle::CaseOutcome>& outcomes,
                     bool strict, WireLogPolicy wire_log) {
    json cases = json::array();
    for (const auto& o : outcomes) {
        json record = case_to_json(o, wire_log);
        record["passed"] = o.ran && oracle::passed(o.judgement, strict);
        cases.push_back(std::move(record));
    }
    json summary = summarize(cases, strict);
    json run = {
        {"format", "wsspec-results"},
        {"format_version", results_format_version},
        {"wsspec_version", WSSPEC_VERSION},
        {"catalog_version", info.catalog_version},
        {"mode", info.mode},
        {"agent", info.agent},
        {"target", info.target},
        {"options", info.options},
        {"started", iso_utc(info.started)},
        {"finished", iso_utc(info.finished)},
        {"duration_ms",
         std::chrono::duration_cast<std::chrono::milliseconds>(info.finished - info.started)
             .count()},
        {"complete", info.complete},
        {"strict", strict},
        {"summary", std::move(summary)},
    };
    if (info.shard) {
        run["options"]["shard"] =
            std::to_string(info.shard->index) + "/" + std::to_string(info.shard->count);
        run["shard"] = {{"index", info.shard->index},
                        {"count", info.shard->count},
                        {"selected_count", info.shard->selected.size()},
                        {"selected", info.shard->selected}};
    }
    escape_invalid_utf8_in(run);  // agent, target, options (the cases are done above)
    run["cases"] = std::move(cases);
    return run;
}

}  // namespace wsspec::report
