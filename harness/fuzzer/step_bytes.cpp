#include "harness/fuzzer/step_bytes.h"

#include <algorithm>

#include "harness/cases/frame_step_spec.h"
#include "harness/codec/constants.h"
#include "harness/codec/frame_writer.h"

namespace wsspec::fuzzer {

std::string frame_bytes(const cases::FrameStep& f, cases::Role sender) {
    // RFC 6455 5.3: a client masks every frame. The key is fixed when the step has none, so
    // the bytes (and the expected answer) are known before they are sent.
    const codec::FrameSpec spec =
        cases::frame_spec_of(f, sender == cases::Role::client, cases::mask_key_bytes(0));
    std::string out;
    codec::append_frame(out, spec, f.payload.materialize());
    return out;
}

std::string step_bytes(const cases::Step& step, cases::Role sender,
                       std::uint32_t message_mask_key) {
    const bool masked = sender == cases::Role::client;
    if (const auto* f = std::get_if<cases::FrameStep>(&step)) return frame_bytes(*f, sender);
    if (const auto* r = std::get_if<cases::RawStep>(&step)) return r->bytes;
    if (const auto* m = std::get_if<cases::MessageStep>(&step)) {
        const std::string payload = m->payload.materialize();
        const std::size_t piece = m->fragment_size == 0
                                      ? std::max<std::size_t>(payload.size(), 1)
                                      : static_cast<std::size_t>(m->fragment_size);
        std::string out;
        std::size_t at = 0;
        do {
            const std::size_t n = std::min(piece, payload.size() - at);
            codec::FrameSpec spec;
            spec.opcode =
                at == 0 ? m->opcode : static_cast<std::uint8_t>(codec::Opcode::continuation);
            spec.fin = at + n >= payload.size();
            spec.masked = masked;
            spec.mask_key = cases::mask_key_bytes(message_mask_key);
            codec::append_frame(out, spec, std::string_view(payload).substr(at, n));
            at += n;
        } while (at < payload.size());
        return out;
    }
    if (const auto* c = std::get_if<cases::CloseStep>(&step)) {
        codec::FrameSpec spec;
        spec.opcode = static_cast<std::uint8_t>(codec::Opcode::close);
        spec.masked = masked;
        spec.mask_key = cases::mask_key_bytes(message_mask_key);
        std::string out;
        codec::append_frame(out, spec, codec::close_payload(c->code, c->reason));
        return out;
    }
    if (const auto* rep = std::get_if<cases::RepeatStep>(&step)) {
        std::string out;
        for (std::uint32_t i = 0; i < rep->times; ++i) {
            for (const auto& inner : rep->steps)
                out += step_bytes(inner, sender, message_mask_key);
        }
        return out;
    }
    return {};
}

}  // namespace wsspec::fuzzer
