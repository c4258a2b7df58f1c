// One element of a Sec-WebSocket-Extensions list (RFC 6455 9.1), parsed:
//
//   extension      = extension-token *( ";" extension-param )
//   extension-param = token [ "=" (token | quoted-string) ]
//       ; When using the quoted-string syntax variant, the value after quoted-string
//       ; unescaping MUST conform to the 'token' ABNF.
//
// OWS is allowed around ";" and "=" (RFC 7230 3.2.3), as every browser writes
// "permessage-deflate; client_max_window_bits". Splitting a header into elements (commas,
// quoted commas, several header lines) is header_list_elements() in http_head.h.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace wsspec::codec {

struct ExtensionParam {
    std::string name;
    std::optional<std::string> value;  // unquoted; nullopt when the parameter has no "="
    bool quoted = false;               // the value was a quoted-string on the wire
};

struct ExtensionElement {
    std::string name;
    std::vector<ExtensionParam> params;
};

struct ExtensionParseResult {
    ExtensionElement element;
    std::string_view error;  // static text; empty when the element is well formed

    [[nodiscard]] bool ok() const { return error.empty(); }
};

ExtensionParseResult parse_extension_element(std::string_view element);

// "name; p1; p2=v" (values that are tokens are written bare, others quoted).
std::string format_extension_element(const ExtensionElement& element);

}  // namespace wsspec::codec
