// Differential UTF-8 validation, three ways over the same bytes:
//   - wsspec's Utf8Validator, fed in fuzzer-chosen chunks (first input byte: chunk_plan.h),
//     and its one-shot Utf8Validator::is_valid;
//   - reference_utf8.h, an obviously-correct decoder written from RFC 3629;
//   - Boost.Beast's websocket::detail::utf8_checker, fed the same chunks.
// Any disagreement aborts. wsspec must also fail fast at exactly the reference's offset:
// the first byte after which no valid continuation exists. Beast is held to the verdict
// only at the chunk granularity it reports (its write() answers per chunk).
#include <boost/beast/websocket/detail/utf8_checker.hpp>
#include <vector>

#include "fuzz/chunk_plan.h"
#include "fuzz/fuzz_check.h"
#include "fuzz/reference_utf8.h"
#include "harness/codec/utf8_validator.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    if (size < 1) return 0;
    wsspec::fuzz::ChunkPlan plan(data[0]);
    const std::uint8_t* text = data + 1;
    const std::size_t n = size - 1;

    const auto reference = wsspec::fuzz::reference_utf8(text, n);
    FUZZ_CHECK(wsspec::codec::Utf8Validator::is_valid(text, n) == reference.valid,
               "Utf8Validator::is_valid disagrees with the reference decoder");

    wsspec::codec::Utf8Validator ours;
    boost::beast::websocket::detail::utf8_checker beast;
    bool ours_ok = true;
    bool beast_ok = true;
    std::size_t pos = 0;
    while (pos < n) {
        const std::size_t len = plan.next(n - pos);
        // Each chunk its own exactly-sized block: ASan catches word reads past it.
        std::vector<std::uint8_t> chunk(text + pos, text + pos + len);
        if (ours_ok) {
            ours_ok = ours.feed(chunk.data(), len);
            // Fail fast: a chunk that holds the first impossible byte must fail, one that
            // ends before it must not.
            const bool error_in_reach = !reference.valid && reference.error_offset < pos + len;
            FUZZ_CHECK(ours_ok != error_in_reach, "Utf8Validator did not fail exactly when due");
            if (!ours_ok) {
                FUZZ_CHECK(ours.error_offset() == reference.error_offset,
                           "Utf8Validator failed at the wrong offset");
                FUZZ_CHECK(!ours.feed(chunk.data(), len), "Utf8Validator recovered from failure");
            }
        }
        if (beast_ok) {
            beast_ok = beast.write(chunk.data(), len);
            if (!beast_ok) {
                FUZZ_CHECK(!reference.valid && reference.error_offset < pos + len,
                           "Beast's utf8_checker failed before the first invalid byte");
            }
        }
        pos += len;
    }
    const bool ours_valid = ours_ok && ours.complete();
    const bool beast_valid = beast_ok && beast.finish();
    FUZZ_CHECK(ours_valid == reference.valid, "Utf8Validator disagrees with the reference");
    FUZZ_CHECK(beast_valid == reference.valid, "Beast's utf8_checker disagrees with the reference");
    if (ours_ok && !reference.valid) {
        FUZZ_CHECK(!ours.failed() && reference.error_offset == n,
                   "Utf8Validator passed a sequence that could not be completed");
    }
    return 0;
}
