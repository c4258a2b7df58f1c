// Close frame bodies (RFC 6455 5.5.1, 7.4). Properties: the verdict follows the rules
// exactly (empty: no code; one byte: error; else the code must be valid and the reason
// valid UTF-8 by the reference decoder), the reason is a view of the input's tail, and
// close_payload() (frame_writer.h) writes a valid body back to the same bytes.
#include <cstring>

#include "fuzz/fuzz_check.h"
#include "fuzz/reference_utf8.h"
#include "harness/codec/close_payload.h"
#include "harness/codec/frame_writer.h"

namespace codec = wsspec::codec;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const auto result = codec::parse_close_payload(data, size);
    if (size == 0) {
        FUZZ_CHECK(result.error == codec::ErrorKind::none && !result.payload.code,
                   "empty body must parse as no code");
        return 0;
    }
    if (size == 1) {
        FUZZ_CHECK(result.error == codec::ErrorKind::close_payload_one_byte,
                   "one-byte body must fail");
        return 0;
    }
    const auto code = static_cast<std::uint16_t>((data[0] << 8) | data[1]);
    FUZZ_CHECK(result.payload.code == code, "wrong code");
    FUZZ_CHECK(result.payload.reason.data() == reinterpret_cast<const char*>(data + 2) &&
                   result.payload.reason.size() == size - 2,
               "reason is not the tail of the body");
    const bool reason_ok = wsspec::fuzz::reference_utf8(data + 2, size - 2).valid;
    const codec::ErrorKind expected = !codec::is_valid_close_code(code)
                                          ? codec::ErrorKind::invalid_close_code
                                      : !reason_ok ? codec::ErrorKind::invalid_close_reason_utf8
                                                   : codec::ErrorKind::none;
    FUZZ_CHECK(result.error == expected, "wrong verdict");
    // is_valid_close_code against the RFC 6455 7.4 / IANA ranges, spelled out.
    const bool in_ranges = (code >= 1000 && code <= 1003) || (code >= 1007 && code <= 1014) ||
                           (code >= 3000 && code <= 4999);
    FUZZ_CHECK(codec::is_valid_close_code(code) == in_ranges, "close code ranges");
    if (expected == codec::ErrorKind::none) {
        const std::string body = codec::close_payload(code, result.payload.reason);
        FUZZ_CHECK(body.size() == size && std::memcmp(body.data(), data, size) == 0,
                   "close_payload() did not write the same body back");
    }
    return 0;
}
