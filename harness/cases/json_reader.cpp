#include "harness/cases/json_reader.h"

#include <algorithm>
#include <cstdlib>

namespace wsspec::json_input {

JsonPath JsonPath::operator/(std::string_view key) const {
    // RFC 6901: "~" and "/" inside a key are escaped.
    std::string escaped;
    for (char c : key) {
        if (c == '~') {
            escaped += "~0";
        } else if (c == '/') {
            escaped += "~1";
        } else {
            escaped += c;
        }
    }
    return JsonPath(*file_, ptr_ + "/" + escaped, raise_);
}

JsonPath JsonPath::operator/(std::size_t index) const {
    return JsonPath(*file_, ptr_ + "/" + std::to_string(index), raise_);
}

void JsonPath::fail(const std::string& reason) const {
    raise_(*file_ + ": " + (ptr_.empty() ? std::string("(root)") : ptr_) + ": " + reason);
    std::abort();  // Raise always throws
}

void JsonPath::fail_file(const std::string& reason) const {
    raise_(*file_ + ": " + reason);
    std::abort();  // Raise always throws
}

std::string in_quotes(std::string_view s) {
    return "\"" + std::string(s) + "\"";
}

std::string join(std::initializer_list<std::string_view> items) {
    std::string out;
    for (auto item : items) {
        if (!out.empty()) out += ", ";
        out += item;
    }
    return out;
}

std::string describe_type(const json& j) {
    if (j.is_number_float()) return "a fractional number";
    if (j.is_number_integer()) return "a number";
    return std::string(j.is_object() ? "an " : "a ") + j.type_name();
}

const json& object_at(const json& j, const JsonPath& w, std::string_view what) {
    if (!j.is_object()) w.fail("expected " + std::string(what) + ", got " + describe_type(j));
    return j;
}

const json& array_at(const json& j, const JsonPath& w) {
    if (!j.is_array()) w.fail("expected an array, got " + describe_type(j));
    return j;
}

void check_keys(const json& obj, const JsonPath& w,
                std::initializer_list<std::string_view> allowed) {
    for (const auto& [key, value] : obj.items()) {
        if (std::find(allowed.begin(), allowed.end(), key) == allowed.end()) {
            (w / key).fail("unknown key " + in_quotes(key) + " (expected one of: " + join(allowed) +
                           ")");
        }
    }
}

const json* find(const json& obj, std::string_view key) {
    auto it = obj.find(key);
    return it == obj.end() ? nullptr : &*it;
}

const json& require(const json& obj, const JsonPath& w, std::string_view key) {
    const json* v = find(obj, key);
    if (v == nullptr) w.fail("missing required key " + in_quotes(key));
    return *v;
}

std::string as_string(const json& j, const JsonPath& w) {
    if (!j.is_string()) w.fail("expected a string, got " + describe_type(j));
    return j.get<std::string>();
}

bool as_bool(const json& j, const JsonPath& w) {
    if (!j.is_boolean()) w.fail("expected true or false, got " + describe_type(j));
    return j.get<bool>();
}

std::uint64_t as_uint(const json& j, const JsonPath& w, std::uint64_t max) {
    if (!j.is_number_unsigned()) w.fail("expected a non-negative integer, got " + j.dump());
    auto v = j.get<std::uint64_t>();
    if (v > max) w.fail("value " + std::to_string(v) + " is larger than " + std::to_string(max));
    return v;
}

int as_int_in(const json& j, const JsonPath& w, int lo, int hi) {
    if (!j.is_number_integer()) w.fail("expected an integer, got " + describe_type(j));
    auto v = j.get<std::int64_t>();
    if (v < lo || v > hi) {
        w.fail("value " + std::to_string(v) + " is outside " + std::to_string(lo) + "-" +
               std::to_string(hi));
    }
    return static_cast<int>(v);
}

std::vector<std::string> string_list(const json& j, const JsonPath& w, bool allow_empty_items) {
    std::vector<std::string> out;
    const json& arr = array_at(j, w);
    for (std::size_t i = 0; i < arr.size(); ++i) {
        out.push_back(as_string(arr[i], w / i));
        if (!allow_empty_items && out.back().empty()) (w / i).fail("empty string");
    }
    return out;
}

namespace {

int hex_digit(char c) {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

std::string without_tag(std::string what) {
    // Drop nlohmann's "[json.exception.parse_error.101] " tag; keep line and column.
    if (auto pos = what.find("] "); pos != std::string::npos) what = what.substr(pos + 2);
    return what;
}

}  // namespace

std::string decode_hex(const json& j, const JsonPath& w) {
    std::string text = as_string(j, w);
    if (text.size() % 2 != 0) {
        w.fail("hex string has an odd number of digits (" + std::to_string(text.size()) + ")");
    }
    std::string out;
    out.reserve(text.size() / 2);
    for (std::size_t i = 0; i < text.size(); i += 2) {
        int hi = hex_digit(text[i]);
        int lo = hex_digit(text[i + 1]);
        if (hi < 0 || lo < 0) {
            std::size_t bad = hi < 0 ? i : i + 1;
            w.fail("invalid hex digit '" + std::string(1, text[bad]) + "' at position " +
                   std::to_string(bad));
        }
        out.push_back(static_cast<char>((hi << 4) | lo));
    }
    return out;
}

json parse_document(std::string_view text, const JsonPath& root) {
    try {
        return json::parse(text);
    } catch (const json::parse_error& e) {
        root.fail_file("byte " + std::to_string(e.byte) + ": " + without_tag(e.what()));
    } catch (const json::exception& e) {
        // Not a syntax error but still not loadable, e.g. out_of_range.406 for a number
        // no double can hold ("1e999"; found by fuzz/case_loader_fuzzer.cpp).
        root.fail_file(without_tag(e.what()));
    }
}

}  // namespace wsspec::json_input
