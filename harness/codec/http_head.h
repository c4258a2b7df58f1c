// Incremental parser for an HTTP/1.1 request head or response head (RFC 7230 section 3),
// with picohttpparser's contract: the caller passes everything received so far; the parser
// answers "complete, N bytes consumed", "need more", or "error, because ...". Bytes after
// the blank line that ends the head (e.g. a first WebSocket frame) are never consumed.
//
// It is strict where RFC 7230 lets a recipient choose: CRLF only (no bare LF), no obs-fold,
// no whitespace before the colon, single spaces in the start line. A harness that judges
// peers should notice sloppy heads rather than paper over them.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace wsspec::codec {

// HTTP status codes the handshake uses (RFC 7231 6, RFC 6455 4.2.2 / 4.4).
namespace http_status {
constexpr int switching_protocols = 101;
constexpr int bad_request = 400;
constexpr int method_not_allowed = 405;
constexpr int upgrade_required = 426;
}  // namespace http_status

// The standard reason phrase for the codes above ("Bad Request"), or "Unknown".
std::string_view http_reason_phrase(int status);

// Bounds that keep a hostile peer from making the parser allocate without limit.
struct HttpHeadLimits {
    std::size_t max_head_bytes = 16 * 1024;  // start line + headers + final CRLF
    std::size_t max_headers = 100;
};

struct HttpHeader {
    std::string name;   // as received (compare with iequals)
    std::string value;  // leading/trailing OWS removed (RFC 7230 3.2.4)
};

using HttpHeaders = std::vector<HttpHeader>;

struct HttpRequestHead {
    std::string method;
    std::string target;
    int version_major = 0;
    int version_minor = 0;
    HttpHeaders headers;
};

struct HttpResponseHead {
    int version_major = 0;
    int version_minor = 0;
    int status = 0;
    std::string reason;
    HttpHeaders headers;
};

enum class HeadParseStatus : std::uint8_t { complete, need_more, error };

// Which rule an unparseable head broke (reason in HeadParseResult says it in words).
enum class HeadError : std::uint8_t {
    none = 0,
    bad_line_terminator,  // bare CR or bare LF (RFC 7230 3.5: we require CRLF)
    bad_start_line,       // request line / status line not in RFC 7230 3.1 form
    bad_version,          // not "HTTP/" DIGIT "." DIGIT (RFC 7230 2.6)
    obs_fold,             // header line starting with SP/HTAB (RFC 7230 3.2.4)
    bad_header_name,      // empty, not a token, or whitespace before ':' (RFC 7230 3.2.4)
    missing_colon,        // header line without ':'
    bad_header_value,     // control character in a field value (RFC 7230 3.2)
    head_too_large,       // no end of head within HttpHeadLimits::max_head_bytes
    too_many_headers,     // more than HttpHeadLimits::max_headers fields
};

struct HeadParseResult {
    HeadParseStatus status = HeadParseStatus::need_more;
    std::size_t consumed = 0;  // when complete: bytes through the final CRLFCRLF
    HeadError error = HeadError::none;
    std::string_view reason;  // static text when status == error

    bool complete() const { return status == HeadParseStatus::complete; }
};

// Parse the request head at the start of data[0, len). `out` is written only on complete.
// Call again with the grown buffer after need_more. Work is bounded by max_head_bytes.
HeadParseResult parse_request_head(const char* data, std::size_t len, HttpRequestHead& out,
                                   const HttpHeadLimits& limits = {});
HeadParseResult parse_response_head(const char* data, std::size_t len, HttpResponseHead& out,
                                    const HttpHeadLimits& limits = {});

// RFC 7230 3.2.6: a non-empty run of tchar.
bool is_http_token(std::string_view s);

// ASCII case-insensitive comparison (header names and tokens are case-insensitive).
bool iequals(std::string_view a, std::string_view b);
// ASCII lower-case copy (locale-independent: header names are ASCII tokens).
std::string to_lower_ascii(std::string_view s);

// First header with this name (case-insensitive), or nullptr.
const HttpHeader* find_header(std::span<const HttpHeader> headers, std::string_view name);
std::size_t count_header(std::span<const HttpHeader> headers, std::string_view name);

// The one splitter for comma-separated header lists (RFC 7230 7, "#rule"): the elements of
// one field value, OWS-trimmed, empty elements skipped. A comma inside a quoted-string
// (RFC 7230 3.2.6), escaped quotes included, does not split. Views point into `value`.
// Everything that reads a list header (handshake validation, the judge) goes through it.
std::vector<std::string_view> split_header_list(std::string_view value);
// RFC 7230 3.2.2: a field that occurs several times is one list made by joining the
// occurrences in order. The elements of that list (split_header_list on each occurrence).
// Views point into `headers`.
std::vector<std::string_view> header_list_elements(std::span<const HttpHeader> headers,
                                                   std::string_view name);
// True if some element of the combined list equals `token` case-insensitively.
bool header_has_token(std::span<const HttpHeader> headers, std::string_view name,
                      std::string_view token);

// A peer-supplied value as a rejection reason quotes it: in double quotes, cut to
// max_quoted_excerpt bytes (then "..." follows), so a hostile header cannot bloat reports.
constexpr std::size_t max_quoted_excerpt = 64;
std::string quoted_excerpt(std::string_view value);

}  // namespace wsspec::codec
