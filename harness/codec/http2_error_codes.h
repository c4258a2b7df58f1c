// HTTP/2 error codes by name (RFC 9113 7), shared by the case parser (a case names the
// RST_STREAM or GOAWAY code it expects or sends) and the HTTP/2 layer (which reports them).
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string_view>

namespace wsspec::codec {

inline constexpr std::array<std::string_view, 14> http2_error_code_names = {"NO_ERROR",
                                                                            "PROTOCOL_ERROR",
                                                                            "INTERNAL_ERROR",
                                                                            "FLOW_CONTROL_ERROR",
                                                                            "SETTINGS_TIMEOUT",
                                                                            "STREAM_CLOSED",
                                                                            "FRAME_SIZE_ERROR",
                                                                            "REFUSED_STREAM",
                                                                            "CANCEL",
                                                                            "COMPRESSION_ERROR",
                                                                            "CONNECT_ERROR",
                                                                            "ENHANCE_YOUR_CALM",
                                                                            "INADEQUATE_SECURITY",
                                                                            "HTTP_1_1_REQUIRED"};

// The code's name; empty for a code RFC 9113 does not define.
constexpr std::string_view http2_error_code_name(std::uint32_t code) {
    return code < http2_error_code_names.size() ? http2_error_code_names[code] : std::string_view{};
}

// The code of a name; nullopt for a name RFC 9113 does not define.
constexpr std::optional<std::uint32_t> http2_error_code(std::string_view name) {
    for (std::uint32_t code = 0; code < http2_error_code_names.size(); ++code) {
        if (http2_error_code_names[code] == name) return code;
    }
    return std::nullopt;
}

}  // namespace wsspec::codec
