#include "harness/cases/case_writer.h"

#include <cstdio>

#include "harness/codec/ascii.h"
#include "harness/codec/utf8_validator.h"

namespace wsspec::cases {
namespace {

using nlohmann::json;

bool valid_utf8(const std::string& s) {
    return codec::Utf8Validator::is_valid(reinterpret_cast<const std::uint8_t*>(s.data()),
                                          s.size());
}

std::string opcode_text(std::uint8_t opcode) {
    switch (opcode) {
        case 0:
            return "continuation";
        case 1:
            return "text";
        case 2:
            return "binary";
        case 8:
            return "close";
        case 9:
            return "ping";
        case 10:
            return "pong";
        default:
            return {};
    }
}

json opcode_json(std::uint8_t opcode) {
    const std::string name = opcode_text(opcode);
    return name.empty() ? json(opcode) : json(name);
}

// Bytes as the loader reads them: text when valid UTF-8, otherwise hex.
void put_bytes(json& obj, const char* text_key, const char* hex_key, const std::string& bytes) {
    if (valid_utf8(bytes))
        obj[text_key] = bytes;
    else
        obj[hex_key] = codec::to_hex(bytes);
}

std::string mask_key_hex(std::uint32_t key) {
    char buf[9];
    std::snprintf(buf, sizeof buf, "%08x", static_cast<unsigned>(key));
    return buf;
}

json events_to_json(const std::vector<Event>& events) {
    json out = json::array();
    for (const auto& e : events) {
        json j;
        switch (e.kind) {
            case Event::Kind::message:
                j["type"] = "message";
                j["binary"] = e.binary;
                break;
            case Event::Kind::ping:
                j["type"] = "ping";
                break;
            case Event::Kind::pong:
                j["type"] = "pong";
                break;
            case Event::Kind::mark:
                j["type"] = "mark";
                j["name"] = e.payload.text;
                out.push_back(std::move(j));
                continue;
        }
        if (e.payload.size() > 0) j["payload"] = payload_to_json(e.payload);
        out.push_back(std::move(j));
    }
    return out;
}

json expectation_to_json(const Expectation& e) {
    json j;
    j["verdict"] = e.verdict;
    if (e.events) j["events"] = events_to_json(*e.events);
    if (e.match == EventsMatch::subsequence_with_last) j["match"] = "subsequence_with_last";
    if (e.match == EventsMatch::interleaved) j["match"] = "interleaved";
    if (e.match == EventsMatch::interleaved_prefixes) j["match"] = "interleaved_prefixes";
    if (e.count_unsolicited_pongs) j["count_unsolicited_pongs"] = true;
    if (!e.note.empty()) j["note"] = e.note;
    return j;
}

json close_expectation_to_json(const CloseExpectation& c) {
    json j;
    j["closed_by_me"] = c.closed_by_me;
    j["codes"] = c.codes;
    j["require_clean"] = c.require_clean;
    if (c.wrong_endpoint_is_fatal) j["wrong_endpoint_is_fatal"] = true;
    if (c.wrong_code_is_fatal) j["wrong_code_is_fatal"] = true;
    if (c.not_applicable) j["not_applicable"] = true;
    if (c.require_code) j["require_code"] = true;
    if (!c.tolerated_violations.empty()) j["tolerated_violations"] = c.tolerated_violations;
    return j;
}

json deflate_case_to_json(const DeflateCase& d) {
    json j = json::object();
    if (!d.required) j["required"] = false;
    if (d.response) j["response"] = *d.response;
    if (!d.needs.empty()) j["needs"] = d.needs;
    if (!d.lacks.empty()) j["lacks"] = d.lacks;
    if (d.response_fits) j["response_fits"] = *d.response_fits;
    if (!d.accept.empty()) {
        json list = json::array();
        for (const auto& policy : d.accept) {
            json a = json::object();
            if (policy.server_no_context_takeover) a["server_no_context_takeover"] = true;
            if (policy.client_no_context_takeover) a["client_no_context_takeover"] = true;
            if (policy.server_max_window_bits != 15)
                a["server_max_window_bits"] = policy.server_max_window_bits;
            if (policy.client_max_window_bits)
                a["client_max_window_bits"] = *policy.client_max_window_bits;
            if (!policy.needs.empty()) a["needs"] = policy.needs;
            list.push_back(std::move(a));
        }
        j["accept"] = std::move(list);
    }
    return j;
}

void put_chop(json& j, std::uint64_t chop, std::uint32_t delay) {
    if (chop != 0) j["chop"] = chop;
    if (delay != 0) j["chop_delay_ms"] = delay;
}

json header_lines_to_json(const std::vector<std::pair<std::string, std::string>>& headers) {
    json out = json::array();
    for (const auto& [name, value] : headers) {
        Payload p;
        p.kind = Payload::Kind::hex;
        p.bytes = value;
        out.push_back(json::array({name, payload_to_json(p)}));
    }
    return out;
}

// Only what differs from the defaults, as a case author would write it.
json handshake_request_to_json(const HandshakeRequest& h) {
    const HandshakeRequest defaults;
    json j = json::object();
    if (h.raw) {
        j["raw"] = *h.raw;
    } else {
        if (h.method != defaults.method) j["method"] = h.method;
        if (h.target != defaults.target) j["target"] = h.target;
        if (h.http_version != defaults.http_version) j["http_version"] = h.http_version;
        if (h.ws_version != defaults.ws_version) j["ws_version"] = h.ws_version;
        if (!h.headers.empty()) j["headers"] = header_lines_to_json(h.headers);
        if (!h.add_headers.empty()) j["add_headers"] = header_lines_to_json(h.add_headers);
        if (!h.remove_headers.empty()) j["remove_headers"] = h.remove_headers;
    }
    put_chop(j, h.chop, h.chop_delay_ms);
    if (!h.pipelined.empty()) j["pipelined_hex"] = codec::to_hex(h.pipelined);
    return j;
}

json handshake_response_to_json(const HandshakeResponse& h) {
    const HandshakeResponse defaults;
    json j = json::object();
    if (h.raw) {
        j["raw"] = *h.raw;
    } else {
        if (h.status != defaults.status) j["status"] = h.status;
        if (h.reason != defaults.reason) j["reason"] = h.reason;
        if (h.http_version != defaults.http_version) j["http_version"] = h.http_version;
        if (h.accept == HandshakeResponse::Accept::wrong) j["accept"] = "wrong";
        if (!h.headers.empty()) j["headers"] = header_lines_to_json(h.headers);
        if (!h.add_headers.empty()) j["add_headers"] = header_lines_to_json(h.add_headers);
        if (!h.remove_headers.empty()) j["remove_headers"] = h.remove_headers;
    }
    put_chop(j, h.chop, h.chop_delay_ms);
    return j;
}

json h2_request_to_json(const H2Request& h) {
    json j = json::object();
    if (!h.fields.empty()) j["fields"] = header_lines_to_json(h.fields);
    if (!h.add_fields.empty()) j["add_fields"] = header_lines_to_json(h.add_fields);
    if (!h.remove_fields.empty()) j["remove_fields"] = h.remove_fields;
    if (h.before_settings) j["before_settings"] = true;
    if (h.initial_window_size != 0) j["initial_window_size"] = h.initial_window_size;
    if (h.extra_streams != 0) j["extra_streams"] = h.extra_streams;
    return j;
}

json h2_response_to_json(const H2Response& h) {
    json j = json::object();
    if (h.status != H2Response{}.status) j["status"] = h.status;
    if (!h.add_fields.empty()) j["add_fields"] = header_lines_to_json(h.add_fields);
    if (h.withdraw_connect_protocol) j["withdraw_connect_protocol"] = true;
    if (h.initial_window_size != 0) j["initial_window_size"] = h.initial_window_size;
    return j;
}

}  // namespace

json payload_to_json(const Payload& p) {
    json j = json::object();
    switch (p.kind) {
        case Payload::Kind::text:
        case Payload::Kind::hex: {
            const std::string bytes = p.materialize();
            if (valid_utf8(bytes)) return json(bytes);
            j["hex"] = codec::to_hex(bytes);
            return j;
        }
        case Payload::Kind::pattern:
            put_bytes(j, "pattern", "pattern_hex", p.bytes);
            j["length"] = p.length;
            return j;
        case Payload::Kind::close:
            if (!p.close_code) {
                // An empty close body: no payload at all.
                const std::string bytes = p.close_reason;
                if (valid_utf8(bytes)) return json(bytes);
                j["hex"] = codec::to_hex(bytes);
                return j;
            }
            j["close_code"] = *p.close_code;
            if (!p.close_reason.empty()) put_bytes(j, "reason", "reason_hex", p.close_reason);
            return j;
        case Payload::Kind::data:
            j["data"] = p.data_set;
            if (p.offset != 0) j["offset"] = p.offset;
            j["length"] = p.length;
            return j;
    }
    return j;
}

json step_to_json(const Step& s) {
    json j;
    if (const auto* f = std::get_if<FrameStep>(&s)) {
        json b;
        b["opcode"] = opcode_json(f->opcode);
        if (!f->fin) b["fin"] = false;
        if (f->rsv != 0) b["rsv"] = f->rsv;
        if (f->mask) b["mask"] = *f->mask;
        if (f->mask_key) b["mask_key"] = mask_key_hex(*f->mask_key);
        if (f->payload.size() > 0) b["payload"] = payload_to_json(f->payload);
        if (f->length) b["length"] = *f->length;
        if (f->length_form) b["length_form"] = *f->length_form;
        put_chop(b, f->chop, f->chop_delay_ms);
        if (f->compress) b["compress"] = true;
        if (!f->pauses.empty()) {
            json pauses = json::array();
            for (const auto& p : f->pauses) {
                json pj{{"after", p.after}, {"ms", p.ms}};
                if (!p.mark.empty()) pj["mark"] = p.mark;
                pauses.push_back(std::move(pj));
            }
            b["pauses"] = std::move(pauses);
        }
        j["frame"] = std::move(b);
    } else if (const auto* m = std::get_if<MessageStep>(&s)) {
        json b;
        b["opcode"] = opcode_json(m->opcode);
        if (m->payload.size() > 0) b["payload"] = payload_to_json(m->payload);
        if (m->fragment_size != 0) b["fragment_size"] = m->fragment_size;
        put_chop(b, m->chop, m->chop_delay_ms);
        if (m->compress) b["compress"] = true;
        j["message"] = std::move(b);
    } else if (const auto* e = std::get_if<EchoSeriesStep>(&s)) {
        json b{{"count", e->count},
               {"opcode", opcode_json(e->opcode)},
               {"data", e->data_set},
               {"length", e->length}};
        if (e->fragment_size != 0) b["fragment_size"] = e->fragment_size;
        if (e->compress) b["compress"] = true;
        j["echo_series"] = std::move(b);
    } else if (const auto* r = std::get_if<RawStep>(&s)) {
        json b;
        b["hex"] = codec::to_hex(r->bytes);
        put_chop(b, r->chop, r->chop_delay_ms);
        j["raw"] = std::move(b);
    } else if (const auto* sl = std::get_if<SleepStep>(&s)) {
        json b{{"ms", sl->ms}};
        if (!sl->mark.empty()) b["mark"] = sl->mark;
        j["sleep"] = std::move(b);
    } else if (const auto* a = std::get_if<AwaitStep>(&s)) {
        json b;
        if (a->more)
            b["more"] = *a->more;
        else
            b["events"] = a->events;
        if (a->timeout_ms != 0) b["timeout_ms"] = a->timeout_ms;
        j["await"] = std::move(b);
    } else if (const auto* c = std::get_if<CloseStep>(&s)) {
        json b;
        b["code"] = c->code ? json(*c->code) : json(nullptr);
        if (!c->reason.empty()) b["reason"] = c->reason;
        j["close"] = std::move(b);
    } else if (const auto* w = std::get_if<AwaitCloseStep>(&s)) {
        json b = json::object();
        if (w->timeout_ms != 0) b["timeout_ms"] = w->timeout_ms;
        j["await_close"] = std::move(b);
    } else if (const auto* st = std::get_if<StreamStep>(&s)) {
        j["h2_stream"] = st->reset ? json{{"reset", st->error_code}} : json{{"end", true}};
    } else if (const auto* rep = std::get_if<RepeatStep>(&s)) {
        json inner = json::array();
        for (const auto& st : rep->steps)
            inner.push_back(step_to_json(st));
        j["repeat"] = json{{"times", rep->times}, {"steps", std::move(inner)}};
    }
    return j;
}

json case_to_json(const Case& c) {
    json j;
    j["id"] = c.id;
    j["description"] = c.description;
    j["rfc"] = c.rfc;
    j["requirement"] = c.requirement;
    json roles = json::array();
    for (Role r : c.roles)
        roles.push_back(r == Role::server ? "server" : "client");
    j["roles"] = std::move(roles);
    if (c.timeout_ms != 0) j["timeout_ms"] = c.timeout_ms;
    if (c.handshake) j["handshake"] = handshake_request_to_json(*c.handshake);
    if (c.handshake_response)
        j["handshake_response"] = handshake_response_to_json(*c.handshake_response);
    if (c.h2) j["h2"] = h2_request_to_json(*c.h2);
    if (c.h2_response) j["h2_response"] = h2_response_to_json(*c.h2_response);
    if (!c.offer_protocols.empty()) j["offer_protocols"] = c.offer_protocols;
    if (!c.offer_extensions.empty()) j["offer_extensions"] = c.offer_extensions;
    if (c.permessage_deflate) j["permessage_deflate"] = deflate_case_to_json(*c.permessage_deflate);
    json steps = json::array();
    for (const auto& s : c.steps)
        steps.push_back(step_to_json(s));
    j["steps"] = std::move(steps);
    json expect = json::array();
    for (const auto& e : c.expect)
        expect.push_back(expectation_to_json(e));
    j["expect"] = std::move(expect);
    j["expect_close"] = close_expectation_to_json(c.expect_close);
    if (c.informational) j["informational"] = true;
    if (c.measure_throughput) j["measure_throughput"] = true;
    if (c.resource_limits) {
        json r = json::object();
        if (c.resource_limits->rss_growth_kib)
            r["rss_growth_kib"] = *c.resource_limits->rss_growth_kib;
        if (c.resource_limits->fd_growth) r["fd_growth"] = *c.resource_limits->fd_growth;
        j["resource_limits"] = std::move(r);
    }
    return j;
}

std::string case_file_text(const std::string& group, const std::string& title,
                           const std::vector<Case>& cases) {
    json doc;
    doc["group"] = group;
    doc["title"] = title;
    json arr = json::array();
    for (const auto& c : cases)
        arr.push_back(case_to_json(c));
    doc["cases"] = std::move(arr);
    // Text fields (descriptions, notes) may quote what a peer sent: never fail on them.
    return doc.dump(2, ' ', false, json::error_handler_t::replace) + "\n";
}

}  // namespace wsspec::cases
