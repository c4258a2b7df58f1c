#include "harness/fuzzer/mutator.h"

#include <algorithm>
#include <functional>

#include "harness/codec/constants.h"
#include "harness/codec/http_head.h"
#include "harness/fuzzer/handshake_mutator.h"
#include "harness/fuzzer/response_mutator.h"
#include "harness/fuzzer/step_bytes.h"

namespace wsspec::fuzzer {
namespace {

using cases::FrameStep;
using cases::Payload;
using cases::RawStep;
using cases::SleepStep;
using cases::Step;

constexpr std::uint8_t op_cont = 0x0, op_text = 0x1, op_binary = 0x2, op_close = 0x8, op_ping = 0x9,
                       op_pong = 0xA;

// Payload sizes around the length encodings (RFC 6455 5.2: 7-bit up to 125, 16-bit up to
// 65535, 64-bit beyond) and the control frame limit (5.5: 125).
const std::vector<std::uint64_t> boundary_sizes = {0,   1,   2,    124,   125,   126,
                                                   127, 128, 1024, 65535, 65536, 65537};
// Close codes: valid, reserved, never-on-the-wire and out-of-range ones (7.4.1, 7.4.2).
const std::vector<std::uint16_t> close_codes = {
    0,    999,  1000, 1001, 1002, 1003, 1004, 1005, 1006, 1007, 1008, 1009, 1010,
    1011, 1012, 1013, 1014, 1015, 1016, 2999, 3000, 3999, 4000, 4999, 5000, 65535};
const std::vector<std::uint8_t> opcodes = {op_cont,  op_text, op_binary, 3,  4,  5,  6,  7,
                                           op_close, op_ping, op_pong,   11, 12, 13, 14, 15};
// Invalid UTF-8 (RFC 3629): a lone continuation, an overlong form, a surrogate, a code point
// above U+10FFFF, bytes that never appear.
const std::vector<std::string> invalid_utf8 = {
    "\x80", "\xC0\xAF", "\xED\xA0\x80", "\xF4\x90\x80\x80", "\xFF", "\xFE"};
// Valid multi-byte sequences, 2 to 4 bytes, including the largest noncharacter.
const std::vector<std::string> valid_utf8 = {"\xC2\xA9", "\xE2\x82\xAC", "\xF0\x9D\x84\x9E",
                                             "\xEF\xBF\xBF", "\xF4\x8F\xBF\xBF"};
const std::vector<std::uint64_t> chops = {1, 2, 3, 5, 16};
// Of the mutations, this share edits the opening handshake (the rest: frames and bytes).
constexpr unsigned handshake_mutation_percent = 8;
// Close reason lengths at the edges (5.5: a Close body of 125 octets at most, 2 of them the
// code), and any length in between.
const std::vector<std::uint64_t> reason_sizes = {0, 1, 2, 10, 122, 123, 124};
// Control frame payload sizes (5.5: at most 125).
const std::vector<std::uint64_t> control_sizes = {0, 1, 2, 8, 16, 64, 100, 124, 125};

std::string close_reason(Rng& rng) {
    const std::uint64_t n = rng.percent(40) ? rng.pick(reason_sizes) : rng.below(124);
    std::string r;
    while (r.size() < n) {
        // ASCII, or a 2- or 3-octet code point (cut at the end: invalid UTF-8 sometimes).
        r += rng.percent(80) ? std::string(1, static_cast<char>('a' + rng.below(26)))
                             : valid_utf8[static_cast<std::size_t>(rng.below(2))];
    }
    r.resize(n);
    return r;
}

Payload bytes_payload(std::string bytes) {
    Payload p;
    p.kind = Payload::Kind::hex;
    p.bytes = std::move(bytes);
    return p;
}

std::uint32_t new_mask_key(Rng& rng) {
    return static_cast<std::uint32_t>(rng.next());
}

FrameStep new_frame(Rng& rng) {
    FrameStep f;
    f.mask_key = new_mask_key(rng);
    switch (rng.below(6)) {
        case 0:
            f.opcode = op_text;
            f.payload = bytes_payload("Hello, wsspec");
            break;
        case 1:
            f.opcode = op_binary;
            f.payload = bytes_payload(std::string("\x00\xFF\x01\xFE", 4));
            break;
        case 2:
            f.opcode = op_ping;
            f.payload = bytes_payload("ping " + std::to_string(rng.below(1000)));
            break;
        case 3:
            f.opcode = op_pong;
            break;
        case 4:
            f.opcode = op_close;
            f.payload.kind = Payload::Kind::close;
            f.payload.close_code = codec::close_code::normal;
            break;
        default:
            f.opcode = op_text;
            f.payload = bytes_payload(valid_utf8[static_cast<std::size_t>(rng.below(5))]);
            break;
    }
    return f;
}

std::vector<std::size_t> indexes_of(const std::vector<Step>& steps,
                                    const std::function<bool(const Step&)>& want) {
    std::vector<std::size_t> out;
    for (std::size_t i = 0; i < steps.size(); ++i) {
        if (want(steps[i])) out.push_back(i);
    }
    return out;
}

bool is_frame(const Step& s) {
    return std::holds_alternative<FrameStep>(s);
}

// A frame to edit: an existing one, or a new one appended when there is none.
FrameStep& some_frame(std::vector<Step>& steps, Rng& rng) {
    const auto frames = indexes_of(steps, is_frame);
    if (frames.empty()) {
        steps.emplace_back(new_frame(rng));
        return std::get<FrameStep>(steps.back());
    }
    return std::get<FrameStep>(steps[rng.pick(frames)]);
}

std::size_t position(Rng& rng, std::size_t size) {
    return static_cast<std::size_t>(rng.below(size + 1));
}

// Keeps compact payloads compact: a pattern stays a pattern when only its size changes.
Payload sized_payload(const Payload& old, std::uint64_t size, bool text, Rng& rng) {
    Payload p;
    p.kind = Payload::Kind::pattern;
    if (old.kind == Payload::Kind::pattern && !old.bytes.empty()) {
        p.bytes = old.bytes;
    } else if (text) {
        // A multi-byte unit, so the cut at the end may fall inside a code point.
        p.bytes = rng.percent(50) ? std::string("*") : std::string("\xE2\x82\xAC*", 4);
    } else {
        p.bytes = std::string("\x00\xFE", 2);
    }
    p.length = size;
    return p;
}

std::string utf8_edit(std::string s, Rng& rng, std::string& name) {
    switch (rng.below(4)) {
        case 0: {  // truncate inside a code point
            std::vector<std::size_t> cuts;
            for (std::size_t i = 1; i < s.size(); ++i) {
                if ((static_cast<unsigned char>(s[i]) & 0xC0) == 0x80) cuts.push_back(i);
            }
            if (cuts.empty()) {
                s += "\xE2\x82";  // the first two bytes of U+20AC
            } else {
                s.resize(rng.pick(cuts));
            }
            name = "utf8-truncate-in-code-point";
            break;
        }
        case 1:
            s.insert(position(rng, s.size()), rng.pick(invalid_utf8));
            name = "utf8-insert-invalid";
            break;
        case 2:
            s.insert(position(rng, s.size()), rng.pick(valid_utf8));
            name = "utf8-insert-valid";
            break;
        default: {  // a valid code point cut at its end (the last byte missing)
            const std::string& cp = valid_utf8[2 + static_cast<std::size_t>(rng.below(3))];
            s.insert(position(rng, s.size()), cp.substr(0, cp.size() - 1));
            name = "utf8-insert-incomplete";
            break;
        }
    }
    return s;
}

void havoc(std::string& bytes, Rng& rng) {
    const unsigned n = 1 + static_cast<unsigned>(rng.below(4));
    for (unsigned k = 0; k < n; ++k) {
        switch (rng.below(5)) {
            case 0:
                if (!bytes.empty()) {
                    bytes[static_cast<std::size_t>(rng.below(bytes.size()))] ^=
                        static_cast<char>(1U << rng.below(8));
                }
                break;
            case 1:
                if (!bytes.empty()) {
                    bytes[static_cast<std::size_t>(rng.below(bytes.size()))] =
                        static_cast<char>(rng.below(256));
                }
                break;
            case 2:
                bytes.insert(
                    bytes.begin() + static_cast<std::ptrdiff_t>(position(rng, bytes.size())),
                    static_cast<char>(rng.below(256)));
                break;
            case 3:
                if (!bytes.empty()) {
                    bytes.erase(static_cast<std::size_t>(rng.below(bytes.size())), 1);
                }
                break;
            default:
                if (!bytes.empty()) {
                    const std::size_t at = static_cast<std::size_t>(rng.below(bytes.size()));
                    const std::size_t len = 1 + static_cast<std::size_t>(rng.below(
                                                    std::min<std::size_t>(16, bytes.size() - at)));
                    bytes.insert(position(rng, bytes.size()), bytes.substr(at, len));
                }
                break;
        }
    }
}

bool is_data_start(std::uint8_t opcode) {
    return opcode == op_text || opcode == op_binary;
}

// A control frame to put between fragments (RFC 6455 5.4: "Control frames MAY be injected in
// the middle of a fragmented message"): a Ping or an unsolicited Pong of a size from the
// edges of 5.5, or (rarely) a Close.
FrameStep control_frame(Rng& rng) {
    FrameStep f;
    f.mask_key = new_mask_key(rng);
    const auto k = rng.below(10);
    f.opcode = k < 6 ? op_ping : k < 9 ? op_pong : op_close;
    if (f.opcode == op_close) {
        f.payload.kind = Payload::Kind::close;
        f.payload.close_code = rng.pick(close_codes);
        f.payload.close_reason = close_reason(rng);
        return f;
    }
    const std::uint64_t n = rng.percent(70) ? rng.pick(control_sizes) : rng.below(126);
    std::string p = f.opcode == op_ping ? "ping " : "pong ";
    while (p.size() < n)
        p += static_cast<char>('0' + rng.below(10));
    p.resize(n);
    f.payload = bytes_payload(std::move(p));
    return f;
}

// Splits a whole data frame into 2-6 fragments (RFC 6455 5.4), cuts anywhere (inside a code
// point too: validity is judged over the whole message), empty fragments included; with
// `controls`, control frames between some of them.
bool split_message(std::vector<Step>& steps, Rng& rng, bool controls) {
    const auto candidates = indexes_of(steps, [](const Step& s) {
        const auto* f = std::get_if<FrameStep>(&s);
        return f != nullptr && f->fin && is_data_start(f->opcode) && !f->length &&
               f->payload.size() <= 140000;
    });
    if (candidates.empty()) return false;
    const std::size_t at = rng.pick(candidates);
    const FrameStep whole = std::get<FrameStep>(steps[at]);
    const std::string payload = whole.payload.materialize();
    const std::size_t pieces = 2 + static_cast<std::size_t>(rng.below(5));
    std::vector<std::size_t> cuts = {0, payload.size()};
    for (std::size_t i = 1; i < pieces; ++i) {
        // An empty fragment now and then: the same cut twice.
        cuts.push_back(i > 1 && rng.percent(25) ? cuts.back() : position(rng, payload.size()));
    }
    std::sort(cuts.begin(), cuts.end());
    std::vector<Step> frames;
    for (std::size_t i = 0; i + 1 < cuts.size(); ++i) {
        FrameStep f = whole;
        f.opcode = i == 0 ? whole.opcode : op_cont;
        f.fin = i + 2 == cuts.size();
        f.payload = bytes_payload(payload.substr(cuts[i], cuts[i + 1] - cuts[i]));
        f.mask_key = new_mask_key(rng);
        frames.emplace_back(std::move(f));
        if (controls && i + 2 < cuts.size() && rng.percent(60))
            frames.emplace_back(control_frame(rng));
    }
    steps.erase(steps.begin() + static_cast<std::ptrdiff_t>(at));
    steps.insert(steps.begin() + static_cast<std::ptrdiff_t>(at), frames.begin(), frames.end());
    return true;
}

// Positions right after a data frame without FIN: inside a fragmented message.
std::vector<std::size_t> inside_messages(const std::vector<Step>& steps) {
    std::vector<std::size_t> out;
    for (std::size_t i = 0; i < steps.size(); ++i) {
        const auto* f = std::get_if<FrameStep>(&steps[i]);
        if (f != nullptr && !f->fin && (f->opcode == op_cont || is_data_start(f->opcode)))
            out.push_back(i + 1);
    }
    return out;
}

// Fragments of a message (continuations, and frames without FIN).
std::vector<std::size_t> fragments(const std::vector<Step>& steps) {
    std::vector<std::size_t> out;
    for (std::size_t i = 0; i < steps.size(); ++i) {
        const auto* f = std::get_if<FrameStep>(&steps[i]);
        if (f != nullptr && (f->opcode == op_cont || (!f->fin && is_data_start(f->opcode))))
            out.push_back(i);
    }
    return out;
}

// One mutation; returns its name (empty: not applicable, try another).
std::string mutate_once(std::vector<Step>& steps, Rng& rng, cases::Role sender) {
    switch (rng.below(24)) {
        case 0: {
            FrameStep& f = some_frame(steps, rng);
            f.fin = !f.fin;
            return "flip-fin";
        }
        case 1: {
            FrameStep& f = some_frame(steps, rng);
            f.rsv = f.rsv != 0 && rng.percent(50) ? 0 : static_cast<std::uint8_t>(1 + rng.below(7));
            return "set-rsv";
        }
        case 2: {
            FrameStep& f = some_frame(steps, rng);
            f.opcode = rng.pick(opcodes);
            return "set-opcode";
        }
        case 3: {
            FrameStep& f = some_frame(steps, rng);
            const std::uint64_t size = f.payload.size();
            switch (rng.below(4)) {
                case 0:
                    f.length = size + 1 + rng.below(8);
                    break;
                case 1:
                    f.length =
                        size == 0 ? 1 : size - 1 - rng.below(std::min<std::uint64_t>(size, 8));
                    break;
                case 2:  // RFC 6455 5.2: the most significant bit MUST be 0
                    f.length = (std::uint64_t{1} << 63) | size;
                    f.length_form = 64;
                    break;
                default:
                    f.length = rng.pick(boundary_sizes);
                    break;
            }
            return "length-lie";
        }
        case 4: {
            FrameStep& f = some_frame(steps, rng);
            // 5.2: "the minimal number of bytes MUST be used"; 7 with a long payload lies.
            f.length_form = rng.percent(45) ? 16 : rng.percent(80) ? 64 : 7;
            return "length-form";
        }
        case 5: {
            FrameStep& f = some_frame(steps, rng);
            // 5.1: a client MUST mask, a server MUST NOT.
            f.mask = !f.mask.value_or(sender == cases::Role::client);
            return "toggle-mask";
        }
        case 6:
        case 7: {
            FrameStep& f = some_frame(steps, rng);
            std::string name;
            if (f.payload.kind == Payload::Kind::close && rng.percent(50)) {
                f.payload.close_reason = utf8_edit(f.payload.close_reason, rng, name);
                return name + "-close-reason";
            }
            f.payload = bytes_payload(utf8_edit(f.payload.materialize(), rng, name));
            if (f.opcode != op_text && f.opcode != op_cont && rng.percent(50)) f.opcode = op_text;
            return name;
        }
        case 8: {
            FrameStep& f = some_frame(steps, rng);
            const bool text = f.opcode == op_text || f.opcode == op_cont;
            std::uint64_t size = rng.pick(boundary_sizes);
            if (rng.percent(30)) size = size + rng.below(3) - 1;
            if (size > 70000) size = 65536;
            f.payload = sized_payload(f.payload, size, text, rng);
            f.length.reset();
            return "payload-size";
        }
        case 9: {
            FrameStep& f = some_frame(steps, rng);
            f.opcode = op_close;
            if (rng.percent(10)) {
                f.payload = bytes_payload(std::string(1, '\x03'));  // 5.5.1: 1 byte is no code
                return "close-one-byte";
            }
            if (rng.percent(10)) {
                f.payload = Payload{};
                return "close-empty";
            }
            f.payload.kind = Payload::Kind::close;
            // A code from the list, or any code of a range (7.4.2: 3000-3999 registered,
            // 4000-4999 private use, the rest reserved or invalid).
            f.payload.close_code = rng.percent(60) ? rng.pick(close_codes)
                                                   : static_cast<std::uint16_t>(rng.below(5001));
            f.payload.close_reason = close_reason(rng);
            return "close-code";
        }
        case 10:
            return split_message(steps, rng, false) ? "split-fragments" : "";
        case 11:
            return split_message(steps, rng, true) ? "split-with-controls" : "";
        case 12: {
            if (steps.empty()) return "";
            const std::size_t i = static_cast<std::size_t>(rng.below(steps.size()));
            Step copy = steps[i];
            if (auto* f = std::get_if<FrameStep>(&copy)) f->mask_key = new_mask_key(rng);
            steps.insert(steps.begin() + static_cast<std::ptrdiff_t>(i + 1), std::move(copy));
            return "duplicate-step";
        }
        case 13: {
            if (steps.size() < 2) return "";
            steps.erase(steps.begin() + static_cast<std::ptrdiff_t>(rng.below(steps.size())));
            return "drop-step";
        }
        case 14: {
            if (steps.size() < 2) return "";
            const std::size_t i = static_cast<std::size_t>(rng.below(steps.size() - 1));
            std::swap(steps[i], steps[i + 1]);
            return "swap-steps";
        }
        case 15: {
            // 5.5.1: after a Close nothing more is processed; send a frame anyway.
            FrameStep close;
            close.opcode = op_close;
            close.mask_key = new_mask_key(rng);
            close.payload.kind = Payload::Kind::close;
            close.payload.close_code = codec::close_code::normal;
            const std::size_t at = position(rng, steps.size());
            steps.insert(steps.begin() + static_cast<std::ptrdiff_t>(at), close);
            FrameStep after = new_frame(rng);
            if (rng.percent(50)) {
                after.opcode = op_ping;
                after.payload = bytes_payload("after close");
            }
            steps.insert(steps.begin() + static_cast<std::ptrdiff_t>(at + 1), after);
            return "frame-after-close";
        }
        case 16: {
            if (steps.empty()) return "";
            Step& s = steps[static_cast<std::size_t>(rng.below(steps.size()))];
            if (auto* f = std::get_if<FrameStep>(&s)) {
                f->chop = rng.pick(chops);
            } else if (auto* r = std::get_if<RawStep>(&s)) {
                r->chop = rng.pick(chops);
            } else {
                return "";
            }
            return "chop";
        }
        case 17: {
            const std::size_t at = position(rng, steps.size());
            steps.insert(steps.begin() + static_cast<std::ptrdiff_t>(at), new_frame(rng));
            return "insert-frame";
        }
        case 18: {
            // Plain byte havoc: on a raw step, or on a frame turned into its raw octets.
            const auto raws =
                indexes_of(steps, [](const Step& s) { return std::holds_alternative<RawStep>(s); });
            if (!raws.empty() && rng.percent(60)) {
                havoc(std::get<RawStep>(steps[rng.pick(raws)]).bytes, rng);
                return "raw-havoc";
            }
            const auto frames = indexes_of(steps, is_frame);
            if (frames.empty()) return "";
            const std::size_t i = rng.pick(frames);
            RawStep raw;
            raw.bytes = frame_bytes(std::get<FrameStep>(steps[i]), sender);
            raw.chop = std::get<FrameStep>(steps[i]).chop;
            havoc(raw.bytes, rng);
            steps[i] = raw;
            return "frame-to-raw-havoc";
        }
        case 20: {
            const auto inside = inside_messages(steps);
            if (inside.empty()) return "";
            const std::size_t at = rng.pick(inside);
            steps.insert(steps.begin() + static_cast<std::ptrdiff_t>(at), control_frame(rng));
            return "control-between-fragments";
        }
        case 21: {
            // The other data type for a whole message (its first frame).
            const auto starts = indexes_of(steps, [](const Step& s) {
                const auto* f = std::get_if<FrameStep>(&s);
                return f != nullptr && is_data_start(f->opcode);
            });
            if (starts.empty()) return "";
            auto& f = std::get<FrameStep>(steps[rng.pick(starts)]);
            f.opcode = f.opcode == op_text ? op_binary : op_text;
            return "toggle-data-type";
        }
        case 22: {
            // One fragment resized: empty, or to a size at a length-encoding edge, so that a
            // message grows past 125 / 65535 / 65536 octets in pieces.
            const auto frags = fragments(steps);
            if (frags.empty()) return "";
            auto& f = std::get<FrameStep>(steps[rng.pick(frags)]);
            const bool text = f.opcode == op_text || f.opcode == op_cont;
            const std::uint64_t size = rng.percent(30) ? 0 : rng.pick(boundary_sizes);
            f.payload = sized_payload(f.payload, size, text, rng);
            f.length.reset();
            return "fragment-size";
        }
        default: {
            FrameStep f = new_frame(rng);
            f.opcode = op_ping;
            if (rng.percent(30))
                f.payload = sized_payload(f.payload, 125 + rng.below(2), false, rng);
            steps.insert(steps.begin() + static_cast<std::ptrdiff_t>(position(rng, steps.size())),
                         f);
            return "insert-ping";
        }
    }
}

void flatten(const std::vector<Step>& in, Rng& rng, const MutationLimits& limits,
             std::vector<Step>& out, bool& too_big) {
    for (const auto& s : in) {
        if (out.size() > limits.max_steps) {
            too_big = true;
            return;
        }
        if (const auto* f = std::get_if<FrameStep>(&s)) {
            FrameStep copy = *f;
            copy.pauses.clear();    // marks would be events the derivation cannot predict
            copy.compress = false;  // no extension is agreed: the payload goes as it is
            copy.chop_delay_ms = 0;
            if (!copy.mask_key) copy.mask_key = new_mask_key(rng);
            out.emplace_back(std::move(copy));
        } else if (const auto* m = std::get_if<cases::MessageStep>(&s)) {
            const std::string payload = m->payload.materialize();
            const std::size_t piece = m->fragment_size == 0
                                          ? std::max<std::size_t>(payload.size(), 1)
                                          : static_cast<std::size_t>(m->fragment_size);
            if (payload.size() / piece > limits.max_steps) {
                too_big = true;
                return;
            }
            std::size_t at = 0;
            do {
                const std::size_t n = std::min(piece, payload.size() - at);
                FrameStep f;
                f.opcode = at == 0 ? m->opcode : op_cont;
                f.fin = at + n >= payload.size();
                f.mask_key = new_mask_key(rng);
                if (m->fragment_size == 0 && m->payload.kind == Payload::Kind::pattern) {
                    f.payload = m->payload;
                } else {
                    f.payload = bytes_payload(payload.substr(at, n));
                }
                out.emplace_back(std::move(f));
                at += n;
            } while (at < payload.size());
        } else if (const auto* r = std::get_if<RawStep>(&s)) {
            RawStep copy = *r;
            copy.chop_delay_ms = 0;
            out.emplace_back(std::move(copy));
        } else if (const auto* sl = std::get_if<SleepStep>(&s)) {
            out.emplace_back(SleepStep{std::min(sl->ms, limits.max_sleep_ms), {}});
        } else if (const auto* c = std::get_if<cases::CloseStep>(&s)) {
            FrameStep f;
            f.opcode = op_close;
            f.mask_key = new_mask_key(rng);
            f.payload.kind = Payload::Kind::close;
            f.payload.close_code = c->code;
            f.payload.close_reason = c->reason;
            out.emplace_back(std::move(f));
        } else if (const auto* rep = std::get_if<cases::RepeatStep>(&s)) {
            for (std::uint32_t i = 0; i < rep->times && !too_big; ++i)
                flatten(rep->steps, rng, limits, out, too_big);
        }
        // await and await_close steps are dropped: the derivation adds its own end.
    }
}

}  // namespace

std::uint64_t sent_bytes(const std::vector<Step>& steps) {
    std::uint64_t n = 0;
    for (const auto& s : steps) {
        if (const auto* f = std::get_if<FrameStep>(&s)) {
            n += f->payload.size() + codec::max_frame_header_size;
        } else if (const auto* r = std::get_if<RawStep>(&s)) {
            n += r->bytes.size();
        }
    }
    return n;
}

bool within_limits(const std::vector<Step>& steps, const MutationLimits& limits) {
    if (steps.empty() || steps.size() > limits.max_steps) return false;
    if (sent_bytes(steps) > limits.max_bytes) return false;
    for (const auto& s : steps) {
        std::uint64_t size = 0, chop = 0;
        if (const auto* f = std::get_if<FrameStep>(&s)) {
            size = f->payload.size() + codec::max_frame_header_size;
            chop = f->chop;
        } else if (const auto* r = std::get_if<RawStep>(&s)) {
            size = r->bytes.size();
            chop = r->chop;
        }
        if (chop != 0 && size / chop > limits.max_chop_pieces) return false;
    }
    return true;
}

bool seed_from_case(const cases::Case& c, Rng& rng, const MutationLimits& limits, FuzzInput& out) {
    out = FuzzInput{};
    out.origin = c.id;
    if (limits.sender == cases::Role::client) out.handshake = c.handshake;
    if (limits.sender == cases::Role::server && c.handshake_response) {
        out.response = c.handshake_response;
        out.response->chop_delay_ms = 0;
    }
    if (out.handshake) {
        out.handshake->chop_delay_ms = 0;  // as the frames' chops: no pauses
        // No extension offers from the catalog's compression cases: the derivation knows no
        // extension, so frames on a connection that agreed one are not judged.
        for (auto* list : {&out.handshake->headers, &out.handshake->add_headers}) {
            std::erase_if(*list, [](const auto& h) {
                return codec::iequals(h.first, "Sec-WebSocket-Extensions");
            });
        }
        if (out.handshake->headers.empty() && out.handshake->add_headers.empty() &&
            out.handshake->remove_headers.empty() && !out.handshake->raw &&
            out.handshake->method == "GET" && out.handshake->target == "{path}" &&
            out.handshake->http_version == "HTTP/1.1" && out.handshake->ws_version == 13 &&
            out.handshake->chop == 0 && out.handshake->pipelined.empty()) {
            out.handshake.reset();
        }
    }
    if (out.handshake && !out.handshake->pipelined.empty()) {
        // Octets sent with the request (hs.8.3): the first step, so the derivation sees them.
        out.steps.emplace_back(RawStep{out.handshake->pipelined, 0, 0});
        out.handshake->pipelined.clear();
    }
    bool too_big = false;
    flatten(c.steps, rng, limits, out.steps, too_big);
    if (too_big || !within_limits(out, limits)) return false;
    return std::any_of(out.steps.begin(), out.steps.end(),
                       [](const Step& s) { return !std::holds_alternative<SleepStep>(s); });
}

bool within_limits(const FuzzInput& input, const MutationLimits& limits) {
    if (input.handshake && handshake_bytes(*input.handshake) > limits.max_handshake_bytes)
        return false;
    if (input.response && response_bytes(*input.response) > limits.max_response_bytes) return false;
    return within_limits(input.steps, limits);
}

bool mutate(FuzzInput& input, Rng& rng, const MutationLimits& limits) {
    const unsigned n = 1 + static_cast<unsigned>(rng.below(4));
    for (unsigned done = 0, tries = 0; done < n && tries < 16; ++tries) {
        std::string name;
        if (limits.sender == cases::Role::client && rng.percent(handshake_mutation_percent)) {
            if (!input.handshake) input.handshake = cases::HandshakeRequest{};
            name = mutate_handshake(*input.handshake, rng);
        } else if (limits.sender == cases::Role::server &&
                   rng.percent(handshake_mutation_percent)) {
            if (!input.response) input.response = cases::HandshakeResponse{};
            name = mutate_response(*input.response, rng);
        } else {
            name = mutate_once(input.steps, rng, limits.sender);
        }
        if (name.empty()) continue;
        input.mutations.push_back(name);
        ++done;
    }
    return within_limits(input, limits);
}

}  // namespace wsspec::fuzzer
