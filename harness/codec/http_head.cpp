#include "harness/codec/http_head.h"

#include <algorithm>
#include <utility>

#include "harness/codec/ascii.h"

namespace wsspec::codec {

namespace {

constexpr char cr = '\r';
constexpr char lf = '\n';
constexpr std::size_t crlf_size = 2;
// "HTTP/" DIGIT "." DIGIT (RFC 7230 2.6)
constexpr std::string_view http_name = "HTTP/";
constexpr std::size_t http_version_size = 8;
constexpr std::size_t status_code_digits = 3;  // RFC 7230 3.1.2: status-code = 3DIGIT

// RFC 7230 3.2.6: tchar = "!" / "#" / "$" / "%" / "&" / "'" / "*" / "+" / "-" / "." /
// "^" / "_" / "`" / "|" / "~" / DIGIT / ALPHA
bool is_tchar(unsigned char c) {
    if (is_ascii_alnum(static_cast<char>(c))) return true;
    return std::string_view("!#$%&'*+-.^_`|~").find(static_cast<char>(c)) != std::string_view::npos;
}
bool is_vchar(unsigned char c) {
    return c >= 0x21 && c <= 0x7E;
}
bool is_obs_text(unsigned char c) {
    return c >= 0x80;
}
bool is_ows(char c) {
    return c == ' ' || c == '\t';
}
// RFC 7230 3.2: field-content is VCHAR / obs-text with SP / HTAB between.
bool is_field_char(unsigned char c) {
    return is_vchar(c) || is_obs_text(c) || c == ' ' || c == '\t';
}

bool all_of(std::string_view s, bool (*pred)(unsigned char)) {
    return std::all_of(s.begin(), s.end(),
                       [pred](char c) { return pred(static_cast<unsigned char>(c)); });
}

std::string_view trim_ows(std::string_view s) {
    while (!s.empty() && is_ows(s.front()))
        s.remove_prefix(1);
    while (!s.empty() && is_ows(s.back()))
        s.remove_suffix(1);
    return s;
}

HeadParseResult fail(HeadError error, std::string_view reason) {
    return {HeadParseStatus::error, 0, error, reason};
}

struct LineScan {
    enum class State : std::uint8_t { complete, incomplete, bad_terminator } state;
    std::size_t end = 0;  // index of the CR when complete
    std::string_view reason;
};

// Finds the CRLF ending the line that starts at `pos`. RFC 7230 3.5 lets a recipient accept
// a bare LF; we do not, and a CR not followed by LF is never valid.
LineScan scan_line(std::string_view buf, std::size_t pos) {
    for (std::size_t i = pos; i < buf.size(); ++i) {
        if (buf[i] == lf) {
            return {LineScan::State::bad_terminator, i, "bare LF (line must end with CRLF)"};
        }
        if (buf[i] != cr) continue;
        if (i + 1 == buf.size()) return {LineScan::State::incomplete, i, {}};
        if (buf[i + 1] == lf) return {LineScan::State::complete, i, {}};
        return {LineScan::State::bad_terminator, i, "bare CR not followed by LF"};
    }
    return {LineScan::State::incomplete, buf.size(), {}};
}

bool parse_version(std::string_view s, int& major, int& minor) {
    if (s.size() != http_version_size || s.substr(0, http_name.size()) != http_name) return false;
    const char maj = s[5], dot = s[6], min = s[7];
    if (!is_ascii_digit(maj) || dot != '.' || !is_ascii_digit(min)) return false;
    major = maj - '0';
    minor = min - '0';
    return true;
}

// RFC 7230 3.1.1: request-line = method SP request-target SP HTTP-version CRLF
HeadParseResult parse_request_line(std::string_view line, HttpRequestHead& out) {
    const std::size_t sp1 = line.find(' ');
    if (sp1 == std::string_view::npos || sp1 == 0) {
        return fail(HeadError::bad_start_line, "request line is not 'METHOD SP TARGET SP VERSION'");
    }
    const std::string_view method = line.substr(0, sp1);
    const std::string_view rest = line.substr(sp1 + 1);
    const std::size_t sp2 = rest.find(' ');
    if (sp2 == std::string_view::npos || sp2 == 0) {
        return fail(HeadError::bad_start_line, "request line is not 'METHOD SP TARGET SP VERSION'");
    }
    const std::string_view target = rest.substr(0, sp2);
    const std::string_view version = rest.substr(sp2 + 1);
    if (!all_of(method, is_tchar)) {
        return fail(HeadError::bad_start_line, "request method is not a token");
    }
    if (!all_of(target, is_vchar)) {
        return fail(HeadError::bad_start_line, "request target contains a non-visible character");
    }
    if (!parse_version(version, out.version_major, out.version_minor)) {
        return fail(HeadError::bad_version, "HTTP version is not 'HTTP/' DIGIT '.' DIGIT");
    }
    out.method = method;
    out.target = target;
    return {HeadParseStatus::complete, 0, HeadError::none, {}};
}

// RFC 7230 3.1.2: status-line = HTTP-version SP status-code SP reason-phrase CRLF.
// Lenient in one place: "HTTP/1.1 101" with no SP and no reason is accepted, since the
// reason phrase carries no meaning (RFC 7230 3.1.2: a client SHOULD ignore it).
HeadParseResult parse_status_line(std::string_view line, HttpResponseHead& out) {
    constexpr std::string_view shape = "status line is not 'VERSION SP 3DIGIT SP REASON'";
    if (line.size() < http_version_size + 1 + status_code_digits) {
        return fail(HeadError::bad_start_line, shape);
    }
    if (!parse_version(line.substr(0, http_version_size), out.version_major, out.version_minor)) {
        return fail(HeadError::bad_version, "HTTP version is not 'HTTP/' DIGIT '.' DIGIT");
    }
    if (line[http_version_size] != ' ') return fail(HeadError::bad_start_line, shape);
    const std::string_view code = line.substr(http_version_size + 1, status_code_digits);
    int status = 0;
    for (char c : code) {
        if (!is_ascii_digit(c)) return fail(HeadError::bad_start_line, shape);
        status = status * 10 + (c - '0');
    }
    std::string_view reason = line.substr(http_version_size + 1 + status_code_digits);
    if (!reason.empty()) {
        if (reason.front() != ' ') return fail(HeadError::bad_start_line, shape);
        reason.remove_prefix(1);
        if (!all_of(reason, is_field_char)) {
            return fail(HeadError::bad_start_line, "reason phrase contains a control character");
        }
    }
    out.status = status;
    out.reason = reason;
    return {HeadParseStatus::complete, 0, HeadError::none, {}};
}

// RFC 7230 3.2: header-field = field-name ":" OWS field-value OWS
HeadParseResult parse_header_line(std::string_view line, HttpHeaders& headers) {
    if (is_ows(line.front())) {
        // RFC 7230 3.2.4: obs-fold is deprecated; a server MUST reject it (400), and we hold
        // responses to the same standard.
        return fail(HeadError::obs_fold, "obsolete line folding (header line starts with SP/HTAB)");
    }
    const std::size_t colon = line.find(':');
    if (colon == std::string_view::npos) {
        return fail(HeadError::missing_colon, "header line has no ':'");
    }
    const std::string_view name = line.substr(0, colon);
    if (name.empty()) return fail(HeadError::bad_header_name, "empty header name");
    if (is_ows(name.back())) {
        // RFC 7230 3.2.4: "No whitespace is allowed between the header field-name and colon."
        return fail(HeadError::bad_header_name, "whitespace between header name and ':'");
    }
    if (!all_of(name, is_tchar)) {
        return fail(HeadError::bad_header_name, "header name is not a token");
    }
    const std::string_view value = trim_ows(line.substr(colon + 1));
    if (!all_of(value, is_field_char)) {
        return fail(HeadError::bad_header_value, "header value contains a control character");
    }
    headers.push_back({std::string(name), std::string(value)});
    return {HeadParseStatus::complete, 0, HeadError::none, {}};
}

// The shared line loop. Every call re-reads the buffer from the start, so callers can feed
// any split; work and allocation are bounded by limits.max_head_bytes and max_headers.
template <typename Head, typename StartLineParser>
HeadParseResult parse_head(const char* data, std::size_t len, Head& out,
                           const HttpHeadLimits& limits, StartLineParser parse_start_line) {
    const std::string_view buf(data, std::min(len, limits.max_head_bytes));
    Head head;
    std::size_t pos = 0;
    bool start_line_done = false;
    for (;;) {
        const LineScan scan = scan_line(buf, pos);
        if (scan.state == LineScan::State::bad_terminator) {
            return fail(HeadError::bad_line_terminator, scan.reason);
        }
        if (scan.state == LineScan::State::incomplete) {
            // Everything seen so far is valid. If the limit is already reached the head
            // cannot end inside it; otherwise wait for more bytes.
            if (len >= limits.max_head_bytes) {
                return fail(HeadError::head_too_large, "header section larger than the limit");
            }
            return {HeadParseStatus::need_more, 0, HeadError::none, {}};
        }
        const std::string_view line = buf.substr(pos, scan.end - pos);
        pos = scan.end + crlf_size;
        HeadParseResult line_result;
        if (!start_line_done) {
            line_result = parse_start_line(line, head);
            start_line_done = true;
        } else if (line.empty()) {
            out = std::move(head);
            return {HeadParseStatus::complete, pos, HeadError::none, {}};
        } else if (head.headers.size() >= limits.max_headers) {
            return fail(HeadError::too_many_headers, "more header fields than the limit");
        } else {
            line_result = parse_header_line(line, head.headers);
        }
        if (line_result.status == HeadParseStatus::error) return line_result;
    }
}

}  // namespace

std::string_view http_reason_phrase(int status) {
    switch (status) {
        case http_status::switching_protocols:
            return "Switching Protocols";
        case http_status::bad_request:
            return "Bad Request";
        case http_status::method_not_allowed:
            return "Method Not Allowed";
        case http_status::upgrade_required:
            return "Upgrade Required";
        default:
            return "Unknown";
    }
}

HeadParseResult parse_request_head(const char* data, std::size_t len, HttpRequestHead& out,
                                   const HttpHeadLimits& limits) {
    return parse_head(data, len, out, limits, parse_request_line);
}

HeadParseResult parse_response_head(const char* data, std::size_t len, HttpResponseHead& out,
                                    const HttpHeadLimits& limits) {
    return parse_head(data, len, out, limits, parse_status_line);
}

bool iequals(std::string_view a, std::string_view b) {
    if (a.size() != b.size()) return false;
    for (std::size_t i = 0; i < a.size(); ++i) {
        if (ascii_lower(a[i]) != ascii_lower(b[i])) return false;
    }
    return true;
}

std::string to_lower_ascii(std::string_view s) {
    std::string out(s);
    for (char& c : out)
        c = ascii_lower(c);
    return out;
}

const HttpHeader* find_header(std::span<const HttpHeader> headers, std::string_view name) {
    for (const HttpHeader& h : headers) {
        if (iequals(h.name, name)) return &h;
    }
    return nullptr;
}

std::size_t count_header(std::span<const HttpHeader> headers, std::string_view name) {
    return static_cast<std::size_t>(
        std::count_if(headers.begin(), headers.end(),
                      [name](const HttpHeader& h) { return iequals(h.name, name); }));
}

bool is_http_token(std::string_view s) {
    return !s.empty() && all_of(s, is_tchar);
}

std::vector<std::string_view> split_header_list(std::string_view value) {
    // RFC 7230 7: #rule, with empty elements ignored. A quoted-string (3.2.6) may contain
    // commas and backslash escapes; it stays inside its element.
    std::vector<std::string_view> elements;
    std::size_t start = 0;
    bool in_quotes = false;
    for (std::size_t i = 0; i <= value.size(); ++i) {
        if (i < value.size()) {
            const char c = value[i];
            if (in_quotes && c == '\\' && i + 1 < value.size()) {
                ++i;  // skip the escaped character (quoted-pair)
                continue;
            }
            if (c == '"') in_quotes = !in_quotes;
            if (c != ',' || in_quotes) continue;
        }
        const std::string_view element = trim_ows(value.substr(start, i - start));
        if (!element.empty()) elements.push_back(element);
        start = i + 1;
    }
    return elements;
}

std::vector<std::string_view> header_list_elements(std::span<const HttpHeader> headers,
                                                   std::string_view name) {
    std::vector<std::string_view> elements;
    for (const HttpHeader& h : headers) {
        if (!iequals(h.name, name)) continue;
        const std::vector<std::string_view> part = split_header_list(h.value);
        elements.insert(elements.end(), part.begin(), part.end());
    }
    return elements;
}

bool header_has_token(std::span<const HttpHeader> headers, std::string_view name,
                      std::string_view token) {
    for (std::string_view element : header_list_elements(headers, name)) {
        if (iequals(element, token)) return true;
    }
    return false;
}

std::string quoted_excerpt(std::string_view value) {
    std::string out = "\"";
    out.append(value.substr(0, max_quoted_excerpt));
    if (value.size() > max_quoted_excerpt) out.append("...");
    out.append("\"");
    return out;
}

}  // namespace wsspec::codec
