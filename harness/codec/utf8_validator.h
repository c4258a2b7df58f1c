// Incremental UTF-8 validation (RFC 3629, as RFC 6455 8.1 requires for text messages).
// State survives between calls, so a text message split into fragments, and fragments
// split across reads, is judged exactly as if it came in one piece -- and it fails on the
// first byte that can no longer begin or continue a valid sequence (fail fast), not at
// the end of the message. Rejects overlongs, surrogates (U+D800-DFFF), code points above
// U+10FFFF and sequences cut short at the end of the message.
#pragma once

#include <cstddef>
#include <cstdint>

namespace wsspec::codec {

class Utf8Validator {
  public:
    // Validates the next chunk. Returns false at the first invalid byte; `error_offset()`
    // then gives its position counted from the first byte ever fed. After a failure
    // every further call returns false.
    bool feed(const std::uint8_t* data, std::size_t size);
    // True when everything fed so far forms complete, valid code points (call at the end
    // of the message).
    [[nodiscard]] bool complete() const { return state_ == accept; }
    [[nodiscard]] bool failed() const { return state_ == reject; }
    [[nodiscard]] std::uint64_t error_offset() const { return error_offset_; }
    void reset() { *this = Utf8Validator{}; }

    // One-shot check of a whole buffer.
    static bool is_valid(const std::uint8_t* data, std::size_t size);

    // States of the decoder: how many continuation bytes are still needed, and which
    // range the next one must fall in (the lead bytes E0, ED, F0, F4 narrow it).
    enum State : std::uint8_t {
        accept = 0,
        reject,
        need1,     // 1 more byte in 80..BF
        need2,     // 2 more, next in 80..BF
        need2_e0,  // after E0: next in A0..BF (no overlongs)
        need2_ed,  // after ED: next in 80..9F (no surrogates)
        need3,     // 3 more, next in 80..BF
        need3_f0,  // after F0: next in 90..BF (no overlongs)
        need3_f4,  // after F4: next in 80..8F (nothing above U+10FFFF)
    };

  private:
    std::size_t feed_scalar(const std::uint8_t* data, std::size_t size);

    State state_ = accept;
    std::uint64_t consumed_ = 0;
    std::uint64_t error_offset_ = 0;
};

}  // namespace wsspec::codec
