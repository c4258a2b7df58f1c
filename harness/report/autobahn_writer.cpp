#include "harness/report/autobahn_writer.h"

#include <openssl/evp.h>

#include <cctype>
#include <cmath>
#include <fstream>
#include <map>
#include <set>

#include "harness/codec/ascii.h"
#include "harness/report/atomic_file.h"
#include "harness/report/deferred_members.h"
#include "harness/report/results_json.h"
#include "harness/report/utf8_escape.h"

namespace wsspec::report {
namespace {

using nlohmann::json;

// ATS writes index.json with json.dumps(sort_keys=True, indent=3); nlohmann objects are
// already sorted by key, and ensure_ascii matches Python's default escaping.
constexpr int autobahn_indent = 3;

json null_if_missing(const json& obj, const char* key) {
    const auto it = obj.find(key);
    return it == obj.end() ? json(nullptr) : *it;
}

long long duration_ms(const json& c) {
    return std::llround(c.value("duration_ms", 0.0));
}

// A frame's payload as ATS logs it: the text when it is text, else hex.
json frame_payload(const json& entry) {
    if (entry.contains("text")) return entry["text"];
    return entry.value("hex", "");
}

// ATS wirelog tuples: ("RO", (len, hex)), ("TO", (len, hex), sync),
// ("RF", (len, payload), opcode, fin, rsv, masked, mask),
// ("TF", (len, payload), opcode, fin, rsv, mask, payload_len, chopsize, sync).
json wire_tuple(const json& e) {
    const std::string kind = e.value("kind", "");
    const auto length = e.value("length", 0ULL);
    if (kind == "RO") return {"RO", {length, e.value("hex", "")}};
    if (kind == "TO") return {"TO", {length, e.value("hex", "")}, false};
    if (kind == "RF") {
        return {"RF",
                {length, frame_payload(e)},
                e.value("opcode", 0),
                e.value("fin", true),
                e.value("rsv", 0),
                e.value("mask", false),
                nullptr};
    }
    if (kind == "TF") {
        return {"TF",
                {length, frame_payload(e)},
                e.value("opcode", 0),
                e.value("fin", true),
                e.value("rsv", 0),
                nullptr,
                nullptr,
                nullptr,
                false};
    }
    return {kind, e.value("text", "")};  // wsspec notes: not an ATS tag
}

// Where an excerpted log (wire_excerpt.h) has its note for the entries left out; npos when
// the log is whole.
std::size_t excerpt_note_at(const json& c) {
    const json& x = object_at(c, "wire_excerpt");
    const auto it = x.find("kept_first");
    if (it == x.end() || !it->is_number_unsigned()) return std::string::npos;
    return it->get<std::size_t>();
}

json wirelog(const json& c) {
    const json& wire = array_at(c, "wire");
    const std::size_t gap = excerpt_note_at(c);
    json out = json::array();
    for (std::size_t i = 0; i < wire.size(); ++i) {
        if (i == gap && wire[i].value("kind", "") == "NOTE") {
            // ATS marks the stretch it did not log (9.* cases) with "WLM" (wire log mode)
            // rows, shown as WIRELOG DISABLED / ENABLED; the note between them has the counts.
            out.push_back({"WLM", false});
            out.push_back(wire_tuple(wire[i]));
            out.push_back({"WLM", true});
            continue;
        }
        out.push_back(wire_tuple(wire[i]));
    }
    return out;
}

// rx/tx octet chunk histograms (size -> count) and frame histograms (opcode -> count), over
// the entries kept and, for an excerpt, those it left out.
void traffic_stats(const json& c, json& result) {
    std::map<std::string, long long> rx_octets, tx_octets, rx_frames, tx_frames;
    for (const auto& e : array_at(c, "wire")) {
        const std::string kind = e.value("kind", "");
        const std::string size = std::to_string(e.value("length", 0ULL));
        const std::string opcode = std::to_string(e.value("opcode", 0));
        if (kind == "RO") ++rx_octets[size];
        if (kind == "TO") ++tx_octets[size];
        if (kind == "RF") ++rx_frames[opcode];
        if (kind == "TF") ++tx_frames[opcode];
    }
    const json& excerpt = object_at(c, "wire_excerpt");
    const auto add = [&](const char* key, std::map<std::string, long long>& into) {
        for (const auto& [k, n] : object_at(excerpt, key).items()) {
            if (n.is_number_integer()) into[k] += n.get<long long>();
        }
    };
    add("rx_octets", rx_octets);
    add("tx_octets", tx_octets);
    add("rx_frames", rx_frames);
    add("tx_frames", tx_frames);
    result["rxOctetStats"] = rx_octets;
    result["txOctetStats"] = tx_octets;
    result["rxFrameStats"] = rx_frames;
    result["txFrameStats"] = tx_frames;
}

// ATS "trafficStats" for permessage-deflate cases (reportCompressionRatio): octets at the
// application level (before compression) and at the WebSocket level (payload on the wire).
json autobahn_traffic_stats(const json& c) {
    const auto it = c.find("compression");
    if (it == c.end() || !it->is_object()) return nullptr;
    const json& s = *it;
    return {
        {"outgoingOctetsAppLevel", s.value("sent_plain", 0ULL)},
        {"outgoingOctetsWebSocketLevel", s.value("sent_wire", 0ULL)},
        {"outgoingCompressionRatio", s.value("sent_ratio", json(nullptr))},
        {"incomingOctetsAppLevel", s.value("received_plain", 0ULL)},
        {"incomingOctetsWebSocketLevel", s.value("received_wire", 0ULL)},
        {"incomingCompressionRatio", s.value("received_ratio", json(nullptr))},
    };
}

// ATS "received": [("message", payload, binary), ("ping", payload), ("pong", payload),
// ("timeout", tag)]; payloads here are wsspec's short descriptions.
json received(const json& events) {
    json out = json::array();
    for (const auto& e : events) {
        const std::string type = e.value("type", "");
        if (type == "message") {
            out.push_back({"message", e.value("description", ""), e.value("binary", false)});
        } else if (type == "mark") {
            out.push_back({"timeout", e.value("name", "")});
        } else {
            out.push_back({type, e.value("description", "")});
        }
    }
    return out;
}

// Per-case file names stay far below NAME_MAX (255 bytes): an ATS-style agent part of at
// most this many characters is used as it is; a longer one is cut and hashed.
constexpr std::size_t max_ats_stem_chars = 64;
constexpr std::size_t hashed_stem_prefix_chars = 40;
// 128 bits of SHA-256: two agent names a client chooses cannot be made to share a file.
constexpr std::size_t stem_digest_hex_chars = 32;

std::string sha256_hex(std::string_view bytes) {
    unsigned char digest[EVP_MAX_MD_SIZE];
    unsigned int size = 0;
    EVP_Digest(bytes.data(), bytes.size(), digest, &size, EVP_sha256(), nullptr);
    return codec::to_hex({reinterpret_cast<const char*>(digest), size});
}

std::string not_clean_reason(const json& c) {
    const json& close = object_at(c, "close");
    if (close.value("was_clean", false)) return "";
    if (auto v = close.value("peer_violation", json(nullptr)); v.is_string())
        return v.get<std::string>();
    const json& hs = object_at(c, "handshake");
    if (auto f = hs.value("failure", json(nullptr)); f.is_string()) return f.get<std::string>();
    if (c.contains("connect_error")) return c.value("connect_error", "");
    if (close.value("dropped_by_me", false))
        return "wsspec dropped the TCP connection after the closing handshake did not complete";
    return "peer dropped the TCP connection without previous WebSocket closing handshake";
}

}  // namespace

std::string clean_for_filename(std::string_view agent) {
    std::string s;
    for (char ch : agent) {
        const auto c = static_cast<unsigned char>(std::tolower(static_cast<unsigned char>(ch)));
        s += (std::isdigit(c) || (c >= 'a' && c <= 'z')) ? static_cast<char>(c) : ' ';
    }
    const auto first = s.find_first_not_of(' ');
    if (first == std::string::npos) return "";
    s = s.substr(first, s.find_last_not_of(' ') - first + 1);
    for (char& ch : s) {
        if (ch == ' ') ch = '_';
    }
    return s;
}

std::string autobahn_agent_stem(std::string_view agent, bool ats_name_unique) {
    const std::string clean = clean_for_filename(agent);
    if (ats_name_unique && !clean.empty() && clean.size() <= max_ats_stem_chars) return clean;
    // '-' never occurs in a cleanForFilename result, so a hashed stem cannot equal an
    // ATS-style one; the digest of the raw name tells different agents apart.
    const std::string prefix =
        clean.empty() ? std::string("agent") : clean.substr(0, hashed_stem_prefix_chars);
    return prefix + "-" + sha256_hex(agent).substr(0, stem_digest_hex_chars);
}

std::string autobahn_case_file_part(std::string_view case_id) {
    std::string id(case_id);
    bool plain = !id.empty() && id.size() <= max_ats_stem_chars;
    for (char& ch : id) {
        if (ch == '.') ch = '_';
        const auto c = static_cast<unsigned char>(ch);
        if (!(std::isalnum(c) || c == '_' || c == '-')) plain = false;
    }
    // Catalog ids always are plain; an id read from a results file may not be.
    return plain ? id : "id-" + sha256_hex(case_id).substr(0, stem_digest_hex_chars);
}

std::string autobahn_report_filename(std::string_view agent, std::string_view case_id) {
    return autobahn_agent_stem(agent, true) + "_case_" + autobahn_case_file_part(case_id) + ".json";
}

namespace {

// Each agent's stem for a set of runs (see autobahn_agent_stem).
std::map<std::string, std::string> autobahn_agent_stems(const std::vector<json>& runs) {
    std::map<std::string, int> ats_names;
    for (const auto& run : runs)
        ++ats_names[clean_for_filename(run.value("agent", ""))];
    std::map<std::string, std::string> stems;
    for (const auto& run : runs) {
        const std::string agent = run.value("agent", "");
        stems[agent] = autobahn_agent_stem(agent, ats_names[clean_for_filename(agent)] == 1);
    }
    return stems;
}

}  // namespace

json autobahn_index(const std::vector<json>& runs) {
    const auto stems = autobahn_agent_stems(runs);
    json index = json::object();
    for (const auto& run : runs) {
        const std::string agent = run.value("agent", "");
        json& cases = index[agent];
        cases = json::object();
        for (const auto& c : array_at(run, "cases")) {
            if (!c.value("ran", false)) continue;
            const std::string id = c.value("id", "");
            cases[id] = {
                {"behavior", c.value("behavior", "")},
                {"behaviorClose", c.value("behavior_close", "")},
                {"duration", duration_ms(c)},
                {"remoteCloseCode", null_if_missing(object_at(c, "close"), "remote_close_code")},
                {"reportfile", stems.at(agent) + "_case_" + autobahn_case_file_part(id) + ".json"},
            };
        }
    }
    return index;
}

json autobahn_case(const json& run, const json& c) {
    const json& close = object_at(c, "close");
    const json& hs = object_at(c, "handshake");
    const json& expected_close = object_at(c, "expected_close");
    const std::string reason = not_clean_reason(c);
    json r = {
        {"case", c.value("index", 0)},
        {"id", c.value("id", "")},
        {"description", c.value("description", "")},
        {"expectation", c.value("expected", "")},
        {"agent", run.value("agent", "")},
        {"started", c.value("started", "")},
        {"duration", duration_ms(c)},
        {"reportTime", false},
        {"reportCompressionRatio", false},
        {"behavior", c.value("behavior", "")},
        {"behaviorClose", c.value("behavior_close", "")},
        // ATS keeps pickled event lists here; wsspec states the expectation in words.
        {"expected", c.value("expected", "")},
        {"expectedClose",
         {{"closeCode", array_at(expected_close, "close_codes")},
          {"closedByMe", expected_close.value("closed_by_me", true)},
          {"requireClean", expected_close.value("require_clean", true)}}},
        {"received", received(array_at(c, "events"))},
        {"result", c.value("result", "")},
        {"resultClose", c.value("result_close", "")},
        {"wirelog", wirelog(c)},
        {"createWirelog", true},
        {"closedByMe", close.value("closed_by_me", false)},
        {"failedByMe", close.value("failed_by_me", false)},
        {"droppedByMe", close.value("dropped_by_me", false)},
        {"wasClean", close.value("was_clean", false)},
        {"wasNotCleanReason", reason.empty() ? json(nullptr) : json(reason)},
        {"wasServerConnectionDropTimeout", false},
        {"wasOpenHandshakeTimeout",
         !hs.value("completed", false) && close.value("timed_out", false)},
        {"wasCloseHandshakeTimeout", hs.value("completed", false) &&
                                         close.value("timed_out", false) &&
                                         !close.value("was_clean", false)},
        {"localCloseCode", null_if_missing(close, "local_close_code")},
        {"localCloseReason", nullptr},
        {"remoteCloseCode", null_if_missing(close, "remote_close_code")},
        {"remoteCloseReason", null_if_missing(close, "remote_close_reason")},
        {"isServer", run.value("mode", "") == "test-client"},
        {"createStats", true},
        {"httpRequest", null_if_missing(hs, "request")},
        {"httpResponse", null_if_missing(hs, "response")},
        {"trafficStats", autobahn_traffic_stats(c)},
        // What ATS does not have: where the case comes from in the RFC.
        {"wsspec",
         {{"category", c.value("category", "")},
          {"rfc", array_at(c, "rfc")},
          {"requirement", c.value("requirement", "")},
          {"observed", c.value("observed", "")},
          {"passed", c.value("passed", false)}}},
    };
    traffic_stats(c, r);
    return r;
}

std::string autobahn_index_text(const std::vector<json>& runs) {
    return autobahn_index(runs).dump(autobahn_indent, ' ', true, last_resort);
}

namespace {

// The per-case files an earlier index.json in `dir` points to (plain file names only).
std::set<std::string> previous_report_files(const std::filesystem::path& dir) {
    std::set<std::string> files;
    std::ifstream in(dir / "index.json", std::ios::binary);
    if (!in) return files;
    const json index = json::parse(in, nullptr, false);
    if (!index.is_object()) return files;
    for (const auto& [agent, cases] : index.items()) {
        if (!cases.is_object()) continue;
        for (const auto& [id, entry] : cases.items()) {
            if (!entry.is_object()) continue;
            const auto it = entry.find("reportfile");
            if (it == entry.end() || !it->is_string()) continue;
            const std::string name = it->get<std::string>();
            if (name.find('/') == std::string::npos && name.find("_case_") != std::string::npos &&
                name.size() > 5 && name.compare(name.size() - 5, 5, ".json") == 0)
                files.insert(name);
        }
    }
    return files;
}

}  // namespace

AutobahnWriter::AutobahnWriter(const std::vector<json>& runs, std::filesystem::path dir)
    : runs_(runs),
      dir_(std::move(dir)),
      stems_(autobahn_agent_stems(runs)),
      // A new agent can change another one's file names (two agents that clean to the same
      // name are both hashed); files only the previous index.json listed are removed last.
      stale_(previous_report_files(dir_)) {}

void AutobahnWriter::add_case(const json& run, const json& record) {
    if (!record.value("ran", false)) return;
    const std::string name = stems_.at(run.value("agent", "")) + "_case_" +
                             autobahn_case_file_part(record.value("id", "")) + ".json";
    stale_.erase(name);
    write_file_atomically(dir_ / name,
                          autobahn_case(run, record).dump(autobahn_indent, ' ', true, last_resort));
}

std::size_t AutobahnWriter::finish() {
    const std::string index = autobahn_index_text(runs_);
    write_file_atomically(dir_ / "index.json", index);
    for (const auto& name : stale_) {
        std::error_code ec;
        std::filesystem::remove(dir_ / name, ec);
    }
    return index.size();
}

void write_autobahn_reports(const std::vector<json>& runs, const std::filesystem::path& dir) {
    AutobahnWriter writer(runs, dir);
    for (const auto& run : runs) {
        for (const auto& c : array_at(run, "cases")) {
            json storage;
            writer.add_case(run, whole_case(c, storage));
        }
    }
    writer.finish();
}

}  // namespace wsspec::report
