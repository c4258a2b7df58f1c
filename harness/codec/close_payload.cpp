#include "harness/codec/close_payload.h"

#include "harness/codec/constants.h"
#include "harness/codec/utf8_validator.h"

namespace wsspec::codec {

bool is_valid_close_code(std::uint16_t code) {
    using namespace close_code;
    if (code >= normal && code <= unsupported_data) return true;
    if (code >= invalid_payload && code <= bad_gateway) return true;
    // 3000-3999: registered with IANA; 4000-4999: private use (7.4.2).
    return code >= 3000 && code <= 4999;
}

CloseParseResult parse_close_payload(const std::uint8_t* data, std::size_t size) {
    CloseParseResult result;
    if (size == 0) return result;
    if (size == 1) {
        result.error = ErrorKind::close_payload_one_byte;
        return result;
    }
    const auto code = static_cast<std::uint16_t>((data[0] << 8) | data[1]);
    result.payload.code = code;
    result.payload.reason = {reinterpret_cast<const char*>(data + 2), size - 2};
    if (!is_valid_close_code(code)) {
        result.error = ErrorKind::invalid_close_code;
    } else if (!Utf8Validator::is_valid(data + 2, size - 2)) {
        result.error = ErrorKind::invalid_close_reason_utf8;
    }
    return result;
}

}  // namespace wsspec::codec
