// Reading validated values out of parsed JSON input files (the case catalog, Autobahn spec
// files): every accessor checks the type and range it needs and, when the value is wrong,
// throws the caller's error type with "<file>: <JSON pointer>: <reason>", so a user can go
// straight to the field. Input files are an edge of the program: errors are exceptions.
#pragma once

#include <cstdint>
#include <initializer_list>
#include <limits>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>
#include <vector>

namespace wsspec::json_input {

using nlohmann::json;

// Where in which file a value sits; every error names both.
class JsonPath {
  public:
    using Raise = void (*)(const std::string& message);

    // The root of `file`; errors are thrown as `Error(message)`.
    template <class Error>
    static JsonPath root_of(const std::string& file) {
        return JsonPath(file, "", [](const std::string& message) { throw Error(message); });
    }

    JsonPath operator/(std::string_view key) const;
    JsonPath operator/(std::size_t index) const;

    [[noreturn]] void fail(const std::string& reason) const;
    // An error about the file as a whole ("<file>: <reason>", no pointer).
    [[noreturn]] void fail_file(const std::string& reason) const;
    const std::string& pointer() const { return ptr_; }

  private:
    JsonPath(const std::string& file, std::string pointer, Raise raise)
        : file_(&file), ptr_(std::move(pointer)), raise_(raise) {}

    const std::string* file_;  // owned by the caller, outlives every path into the file
    std::string ptr_;
    Raise raise_;
};

std::string in_quotes(std::string_view s);
std::string join(std::initializer_list<std::string_view> items);
// "a number", "an object", ... for "expected X, got Y" messages.
std::string describe_type(const json& j);

const json& object_at(const json& j, const JsonPath& w, std::string_view what = "an object");
const json& array_at(const json& j, const JsonPath& w);
// Unknown keys are errors so that a typo ("opcod") does not silently fall back to a default.
void check_keys(const json& obj, const JsonPath& w,
                std::initializer_list<std::string_view> allowed);
const json* find(const json& obj, std::string_view key);
const json& require(const json& obj, const JsonPath& w, std::string_view key);

std::string as_string(const json& j, const JsonPath& w);
bool as_bool(const json& j, const JsonPath& w);
std::uint64_t as_uint(const json& j, const JsonPath& w,
                      std::uint64_t max = std::numeric_limits<std::uint64_t>::max());
int as_int_in(const json& j, const JsonPath& w, int lo, int hi);
std::vector<std::string> string_list(const json& j, const JsonPath& w, bool allow_empty_items);
// "48656c6c6f" -> "Hello"; odd lengths and non-hex digits are errors naming the position.
std::string decode_hex(const json& j, const JsonPath& w);

// Parses a whole document; a syntax error becomes "<file>: byte <n>: <what>", without
// nlohmann's "[json.exception...]" tag, thrown as the path's error type.
json parse_document(std::string_view text, const JsonPath& root);

}  // namespace wsspec::json_input
