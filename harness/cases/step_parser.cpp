#include "harness/cases/case_parsers.h"

#include <map>
#include <string>

namespace wsspec::cases::parse {

using namespace json_input;

constexpr std::uint64_t kMaxOpcode = 15;  // RFC 6455 5.2: a 4-bit field
constexpr std::uint64_t kMaxRsv = 7;      // RSV1..RSV3
constexpr std::string_view kOpcodeChoices = "text, binary, continuation, close, ping, pong or 0-15";

static std::uint8_t parse_opcode(const json& j, const JsonPath& w) {
    static const std::map<std::string, std::uint8_t, std::less<>> kNames = {
        {"continuation", 0}, {"text", 1}, {"binary", 2}, {"close", 8}, {"ping", 9}, {"pong", 10}};
    if (j.is_string()) {
        auto it = kNames.find(j.get<std::string>());
        if (it == kNames.end()) {
            w.fail("unknown opcode " + in_quotes(j.get<std::string>()) + " (expected " +
                   std::string(kOpcodeChoices) + ")");
        }
        return it->second;
    }
    if (j.is_number_unsigned() && j.get<std::uint64_t>() <= kMaxOpcode) {
        return static_cast<std::uint8_t>(j.get<std::uint64_t>());
    }
    w.fail("unknown opcode " + j.dump() + " (expected " + std::string(kOpcodeChoices) + ")");
}

void parse_chop(const json& obj, const JsonPath& w, std::uint64_t& chop, std::uint32_t& delay) {
    if (const json* c = find(obj, "chop")) chop = as_uint(*c, w / "chop");
    if (const json* d = find(obj, "chop_delay_ms")) {
        delay = static_cast<std::uint32_t>(as_uint(*d, w / "chop_delay_ms", kMaxUint32));
    }
}
static FrameStep parse_frame(const json& j, const JsonPath& w) {
    object_at(j, w);
    check_keys(j, w,
               {"opcode", "fin", "rsv", "mask", "mask_key", "payload", "length", "length_form",
                "chop", "chop_delay_ms", "pauses", "compress"});
    FrameStep f;
    f.opcode = parse_opcode(require(j, w, "opcode"), w / "opcode");
    if (const json* v = find(j, "fin")) f.fin = as_bool(*v, w / "fin");
    if (const json* v = find(j, "rsv")) {
        f.rsv = static_cast<std::uint8_t>(as_uint(*v, w / "rsv", kMaxRsv));
    }
    if (const json* v = find(j, "mask")) f.mask = as_bool(*v, w / "mask");
    if (const json* v = find(j, "mask_key")) {
        std::string key = decode_hex(*v, w / "mask_key");
        if (key.size() != 4) (w / "mask_key").fail("a mask key is exactly 8 hex digits");
        std::uint32_t k = 0;
        for (char c : key)
            k = (k << 8) | static_cast<std::uint8_t>(c);
        f.mask_key = k;
    }
    f.payload = optional_payload(j, w);
    if (const json* v = find(j, "length")) f.length = as_uint(*v, w / "length");
    if (const json* v = find(j, "length_form")) {
        int form = as_int_in(*v, w / "length_form", 0, 64);
        if (form != 7 && form != 16 && form != 64) {
            (w / "length_form").fail("length_form must be 7, 16 or 64, got " + v->dump());
        }
        f.length_form = form;
    }
    parse_chop(j, w, f.chop, f.chop_delay_ms);
    if (const json* v = find(j, "compress")) f.compress = as_bool(*v, w / "compress");
    if (const json* v = find(j, "pauses")) {
        const JsonPath pw = w / "pauses";
        const json& arr = array_at(*v, pw);
        const std::uint64_t payload_size = f.payload.size();
        for (std::size_t i = 0; i < arr.size(); ++i) {
            const JsonPath iw = pw / i;
            object_at(arr[i], iw);
            check_keys(arr[i], iw, {"after", "ms", "mark"});
            FramePause pause;
            pause.after = as_uint(require(arr[i], iw, "after"), iw / "after");
            pause.ms = static_cast<std::uint32_t>(
                as_uint(require(arr[i], iw, "ms"), iw / "ms", kMaxUint32));
            if (const json* m = find(arr[i], "mark")) pause.mark = as_string(*m, iw / "mark");
            if (pause.after > payload_size) {
                (iw / "after")
                    .fail("pause after " + std::to_string(pause.after) +
                          " bytes, but the payload has only " + std::to_string(payload_size));
            }
            if (!f.pauses.empty() && pause.after < f.pauses.back().after) {
                (iw / "after").fail("pauses must be in ascending order of \"after\"");
            }
            f.pauses.push_back(std::move(pause));
        }
    }
    return f;
}
static MessageStep parse_message(const json& j, const JsonPath& w) {
    object_at(j, w);
    check_keys(j, w, {"opcode", "payload", "fragment_size", "chop", "chop_delay_ms", "compress"});
    MessageStep m;
    const json& op = require(j, w, "opcode");
    m.opcode = parse_opcode(op, w / "opcode");
    if (m.opcode != 1 && m.opcode != 2) {
        (w / "opcode").fail("a message is text or binary, got " + op.dump());
    }
    m.payload = optional_payload(j, w);
    if (const json* v = find(j, "fragment_size")) {
        m.fragment_size = as_uint(*v, w / "fragment_size");
    }
    parse_chop(j, w, m.chop, m.chop_delay_ms);
    if (const json* v = find(j, "compress")) m.compress = as_bool(*v, w / "compress");
    return m;
}
static EchoSeriesStep parse_echo_series(const json& j, const JsonPath& w) {
    object_at(j, w);
    check_keys(j, w, {"count", "opcode", "data", "length", "fragment_size", "compress"});
    EchoSeriesStep e;
    e.count = static_cast<std::uint32_t>(as_uint(require(j, w, "count"), w / "count", kMaxUint32));
    if (e.count == 0) (w / "count").fail("an echo series needs at least 1 message");
    const json& op = require(j, w, "opcode");
    e.opcode = parse_opcode(op, w / "opcode");
    if (e.opcode != 1 && e.opcode != 2) {
        (w / "opcode").fail("a message is text or binary, got " + op.dump());
    }
    e.data_set = parse_data_set_name(require(j, w, "data"), w / "data");
    e.length = as_uint(require(j, w, "length"), w / "length", kMaxPatternLength);
    if (const json* v = find(j, "fragment_size")) {
        e.fragment_size = as_uint(*v, w / "fragment_size");
    }
    if (const json* v = find(j, "compress")) e.compress = as_bool(*v, w / "compress");
    return e;
}
static RawStep parse_raw(const json& j, const JsonPath& w) {
    object_at(j, w);
    check_keys(j, w, {"hex", "text", "chop", "chop_delay_ms"});
    RawStep r;
    const json* hex = find(j, "hex");
    const json* text = find(j, "text");
    if ((hex == nullptr) == (text == nullptr)) {
        w.fail("raw bytes need exactly one of \"hex\" or \"text\"");
    }
    r.bytes = hex != nullptr ? decode_hex(*hex, w / "hex") : as_string(*text, w / "text");
    parse_chop(j, w, r.chop, r.chop_delay_ms);
    return r;
}

std::uint32_t optional_timeout(const json& j, const JsonPath& w) {
    const json* v = find(j, "timeout_ms");
    return v == nullptr ? 0 : static_cast<std::uint32_t>(as_uint(*v, w / "timeout_ms", kMaxUint32));
}

static Step parse_step(const json& j, const JsonPath& w) {
    const std::initializer_list<std::string_view> kKinds = {
        "frame", "message",     "raw",    "sleep",       "await",
        "close", "await_close", "repeat", "echo_series", "h2_stream"};
    object_at(j, w, "a step object");
    if (j.size() != 1) {
        w.fail("a step has exactly one key (" + join(kKinds) + "), found " +
               std::to_string(j.size()));
    }
    const auto first = j.begin();
    const std::string& kind = first.key();
    const json& body = first.value();
    const JsonPath bw = w / kind;
    if (kind == "frame") return parse_frame(body, bw);
    if (kind == "message") return parse_message(body, bw);
    if (kind == "raw") return parse_raw(body, bw);
    if (kind == "echo_series") return parse_echo_series(body, bw);
    if (kind == "sleep") {
        object_at(body, bw);
        check_keys(body, bw, {"ms", "mark"});
        SleepStep s;
        s.ms = static_cast<std::uint32_t>(as_uint(require(body, bw, "ms"), bw / "ms", kMaxUint32));
        if (const json* m = find(body, "mark")) s.mark = as_string(*m, bw / "mark");
        return s;
    }
    if (kind == "await") {
        object_at(body, bw);
        check_keys(body, bw, {"events", "more", "timeout_ms"});
        AwaitStep a;
        const json* events = find(body, "events");
        const json* more = find(body, "more");
        if (events != nullptr && more != nullptr) {
            bw.fail("give either \"events\" (a total) or \"more\" (relative), not both");
        }
        if (events != nullptr) a.events = as_uint(*events, bw / "events");
        if (more != nullptr) a.more = as_uint(*more, bw / "more");
        a.timeout_ms = optional_timeout(body, bw);
        return a;
    }
    if (kind == "close") {
        object_at(body, bw);
        check_keys(body, bw, {"code", "reason"});
        CloseStep c;
        if (const json* code = find(body, "code")) {
            if (code->is_null()) {
                c.code.reset();
            } else {
                c.code = static_cast<std::uint16_t>(as_uint(*code, bw / "code", kMaxUint16));
            }
        }
        if (const json* r = find(body, "reason")) {
            c.reason = as_string(*r, bw / "reason");
            if (!c.code && !c.reason.empty()) {
                (bw / "reason").fail("a close reason needs a code (code is null)");
            }
        }
        return c;
    }
    if (kind == "h2_stream") {
        object_at(body, bw);
        check_keys(body, bw, {"reset", "end"});
        const json* reset = find(body, "reset");
        const json* end = find(body, "end");
        if ((reset == nullptr) == (end == nullptr))
            bw.fail("give either \"reset\" (an RFC 9113 7 error code name) or \"end\": true");
        StreamStep s;
        if (reset != nullptr) {
            s.reset = true;
            s.error_code = parse_h2_error_code(*reset, bw / "reset");
        } else if (!as_bool(*end, bw / "end")) {
            (bw / "end").fail("\"end\" is true (END_STREAM); leave the step out otherwise");
        }
        return s;
    }
    if (kind == "await_close") {
        object_at(body, bw);
        check_keys(body, bw, {"timeout_ms"});
        AwaitCloseStep a;
        a.timeout_ms = optional_timeout(body, bw);
        return a;
    }
    if (kind == "repeat") {
        object_at(body, bw);
        check_keys(body, bw, {"times", "steps"});
        RepeatStep r;
        r.times = static_cast<std::uint32_t>(
            as_uint(require(body, bw, "times"), bw / "times", kMaxUint32));
        if (r.times == 0) (bw / "times").fail("repeat needs at least 1 time");
        r.steps = parse_steps(require(body, bw, "steps"), bw / "steps");
        if (r.steps.empty()) (bw / "steps").fail("repeat needs at least one step");
        return r;
    }
    bw.fail("unknown step " + in_quotes(kind) + " (expected one of: " + join(kKinds) + ")");
}

std::vector<Step> parse_steps(const json& j, const JsonPath& w) {
    const json& arr = array_at(j, w);
    std::vector<Step> steps;
    steps.reserve(arr.size());
    for (std::size_t i = 0; i < arr.size(); ++i)
        steps.push_back(parse_step(arr[i], w / i));
    return steps;
}

// ---------------------------------------------------------------------------------------
// Expectations

}  // namespace wsspec::cases::parse
