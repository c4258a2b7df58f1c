#include "harness/codec/extension_header.h"

#include "harness/codec/http_head.h"

namespace wsspec::codec {
namespace {

constexpr char param_separator = ';';
constexpr char value_separator = '=';
constexpr char quote = '"';
constexpr char escape = '\\';

bool is_ows(char c) {
    return c == ' ' || c == '\t';
}

// A cursor over the element text.
struct Scanner {
    std::string_view s;
    std::size_t pos = 0;

    [[nodiscard]] bool at_end() const { return pos >= s.size(); }
    [[nodiscard]] char peek() const { return s[pos]; }
    void skip_ows() {
        while (!at_end() && is_ows(s[pos]))
            ++pos;
    }
    // The longest run up to OWS, ';', '=' or the end (checked against tchar by the caller).
    std::string_view word() {
        const std::size_t start = pos;
        while (!at_end() && !is_ows(s[pos]) && s[pos] != param_separator &&
               s[pos] != value_separator)
            ++pos;
        return s.substr(start, pos - start);
    }
};

// RFC 7230 3.2.6: quoted-string = DQUOTE *( qdtext / quoted-pair ) DQUOTE.
// `sc` is at the opening quote. Returns false when the string is unterminated or holds a
// byte qdtext / quoted-pair do not allow.
bool read_quoted_string(Scanner& sc, std::string& out) {
    ++sc.pos;  // opening quote
    while (!sc.at_end()) {
        const auto c = static_cast<unsigned char>(sc.peek());
        ++sc.pos;
        if (c == quote) return true;
        if (c == escape) {
            if (sc.at_end()) return false;
            const auto e = static_cast<unsigned char>(sc.peek());
            ++sc.pos;
            // quoted-pair = "\" ( HTAB / SP / VCHAR / obs-text )
            if (e != '\t' && e != ' ' && (e < 0x21 || e == 0x7F)) return false;
            out.push_back(static_cast<char>(e));
            continue;
        }
        // qdtext = HTAB / SP / %x21 / %x23-5B / %x5D-7E / obs-text
        if (c != '\t' && c != ' ' && (c < 0x21 || c == 0x7F)) return false;
        out.push_back(static_cast<char>(c));
    }
    return false;
}

}  // namespace

ExtensionParseResult parse_extension_element(std::string_view text) {
    ExtensionParseResult result;
    Scanner sc{text};
    sc.skip_ows();
    const std::string_view name = sc.word();
    if (!is_http_token(name)) {
        result.error = "extension name is not a token";
        return result;
    }
    result.element.name = std::string(name);
    sc.skip_ows();
    while (!sc.at_end()) {
        if (sc.peek() != param_separator) {
            result.error = "expected ';' between extension parameters";
            return result;
        }
        ++sc.pos;
        sc.skip_ows();
        ExtensionParam param;
        const std::string_view param_name = sc.word();
        if (!is_http_token(param_name)) {
            result.error = "extension parameter name is not a token";
            return result;
        }
        param.name = std::string(param_name);
        sc.skip_ows();
        if (!sc.at_end() && sc.peek() == value_separator) {
            ++sc.pos;
            sc.skip_ows();
            std::string value;
            if (!sc.at_end() && sc.peek() == quote) {
                if (!read_quoted_string(sc, value)) {
                    result.error = "malformed quoted-string in extension parameter value";
                    return result;
                }
                param.quoted = true;
                // RFC 6455 9.1: after unescaping, the value MUST conform to token.
                if (!is_http_token(value)) {
                    result.error =
                        "quoted extension parameter value is not a token after unquoting";
                    return result;
                }
            } else {
                value = std::string(sc.word());
                if (!is_http_token(value)) {
                    result.error = "extension parameter value is not a token";
                    return result;
                }
            }
            param.value = std::move(value);
            sc.skip_ows();
        }
        result.element.params.push_back(std::move(param));
    }
    return result;
}

std::string format_extension_element(const ExtensionElement& element) {
    std::string out = element.name;
    for (const ExtensionParam& p : element.params) {
        out += "; ";
        out += p.name;
        if (!p.value) continue;
        out += value_separator;
        if (is_http_token(*p.value) && !p.quoted) {
            out += *p.value;
            continue;
        }
        out += quote;
        for (const char c : *p.value) {
            if (c == quote || c == escape) out += escape;
            out += c;
        }
        out += quote;
    }
    return out;
}

}  // namespace wsspec::codec
