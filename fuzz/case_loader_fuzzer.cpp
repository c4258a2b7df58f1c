// The case-file loader (harness/cases/case_loader.h) on arbitrary text: a malformed case
// file must give a CaseLoadError (whose message names the file), never a crash, a hang or
// another exception. Loaded payloads must be self-consistent: materialize() gives size()
// bytes and matches() accepts them (only for payloads up to 64 KiB, to stay fast -- a
// pattern may legally be 1 GiB).
#include <string>
#include <string_view>

#include "fuzz/fuzz_check.h"
#include "harness/cases/case_loader.h"

namespace {

constexpr std::uint64_t max_materialized = 64 * 1024;

void check_payload(const wsspec::cases::Payload& payload) {
    if (payload.size() > max_materialized) return;
    const std::string bytes = payload.materialize();
    FUZZ_CHECK(bytes.size() == payload.size(), "materialize() and size() disagree");
    FUZZ_CHECK(payload.matches(bytes), "a payload does not match its own bytes");
}

void check_steps(const std::vector<wsspec::cases::Step>& steps) {
    for (const auto& step : steps) {
        if (const auto* frame = std::get_if<wsspec::cases::FrameStep>(&step)) {
            check_payload(frame->payload);
        } else if (const auto* message = std::get_if<wsspec::cases::MessageStep>(&step)) {
            check_payload(message->payload);
        } else if (const auto* repeat = std::get_if<wsspec::cases::RepeatStep>(&step)) {
            check_steps(repeat->steps);
        }
    }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string_view text(reinterpret_cast<const char*>(data), size);
    try {
        for (const auto& c : wsspec::cases::load_catalog_from_string(text, "fuzz.json")) {
            FUZZ_CHECK(!c.id.empty(), "a case without an id loaded");
            check_steps(c.steps);
            for (const auto& e : c.expect) {
                if (!e.events) continue;
                for (const auto& event : *e.events)
                    check_payload(event.payload);
            }
        }
    } catch (const wsspec::cases::CaseLoadError& e) {
        FUZZ_CHECK(std::string_view(e.what()).substr(0, 9) == "fuzz.json",
                   "a load error that does not name the file");
    }
    return 0;
}
