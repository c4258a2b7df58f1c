#include "harness/report/results_validation.h"

#include <array>
#include <set>
#include <string_view>

#include "harness/report/deferred_members.h"

namespace wsspec::report {
namespace {

using nlohmann::json;

// reports/wsspec-results.schema.json $defs/verdict.
constexpr std::array<std::string_view, 8> verdicts = {
    "OK",     "NON-STRICT", "INFORMATIONAL", "UNIMPLEMENTED",
    "FAILED", "WRONG CODE", "UNCLEAN",       "FAILED BY CLIENT"};
constexpr std::array<std::string_view, 3> modes = {"test-server", "test-client", "autobahn"};

enum class Type { string, boolean, integer, count, number, object, array };

const char* type_name(Type t) {
    switch (t) {
        case Type::string:
            return "a string";
        case Type::boolean:
            return "true or false";
        case Type::integer:
            return "an integer";
        case Type::count:
            return "an integer >= 0";
        case Type::number:
            return "a number";
        case Type::object:
            return "an object";
        case Type::array:
            return "an array";
    }
    return "?";
}

bool has_type(const json& v, Type t) {
    switch (t) {
        case Type::string:
            return v.is_string();
        case Type::boolean:
            return v.is_boolean();
        case Type::integer:
            return v.is_number_integer();
        case Type::count:
            return v.is_number_unsigned() || (v.is_number_integer() && v.get<long long>() >= 0);
        case Type::number:
            return v.is_number();
        case Type::object:
            return v.is_object();
        case Type::array:
            return v.is_array() || is_deferred(v);  // a wire log or events read back
    }
    return false;
}

// What a value is, for messages, without dumping a whole document.
std::string describe(const json& v) {
    if (v.is_string()) {
        constexpr std::size_t shown = 40;
        const auto& s = v.get_ref<const std::string&>();
        std::string out = "\"";
        out.append(s, 0, shown);
        if (s.size() > shown) out += "...";
        out += '"';
        return out;
    }
    if (v.is_object()) return "an object";
    if (v.is_array()) return "an array";
    return v.dump();
}

struct Checker {
    const std::string& source;

    [[noreturn]] void fail(const std::string& pointer, const std::string& reason) const {
        throw InvalidResults(source + ": " + (pointer.empty() ? "/" : pointer) + ": " + reason);
    }

    // The member `key` of `obj` (at `at`): checked for its type; null when optional and
    // absent.
    const json* field(const json& obj, const std::string& at, const char* key, Type t,
                      bool required = true) const {
        const auto it = obj.find(key);
        const std::string pointer = at + "/" + key;
        if (it == obj.end()) {
            if (required) fail(pointer, std::string("missing (expected ") + type_name(t) + ")");
            return nullptr;
        }
        if (!has_type(*it, t))
            fail(pointer, std::string("expected ") + type_name(t) + ", got " + describe(*it));
        return &*it;
    }

    template <std::size_t N>
    void one_of(const json& obj, const std::string& at, const char* key,
                const std::array<std::string_view, N>& allowed, bool required) const {
        const json* v = field(obj, at, key, Type::string, required);
        if (!v) return;
        const auto& s = v->get_ref<const std::string&>();
        for (const auto a : allowed) {
            if (s == a) return;
        }
        std::string list;
        for (const auto a : allowed)
            list += (list.empty() ? "" : ", ") + std::string(a);
        fail(at + "/" + key, "expected one of " + list + ", got " + describe(*v));
    }

    void check_case(const json& c, const std::string& at) const {
        if (!c.is_object()) fail(at, "expected a case object, got " + describe(c));
        field(c, at, "index", Type::count);
        const json* id = field(c, at, "id", Type::string);
        if (id->get_ref<const std::string&>().empty()) fail(at + "/id", "empty case id");
        field(c, at, "description", Type::string);
        field(c, at, "rfc", Type::array);
        field(c, at, "requirement", Type::string);
        const bool ran = field(c, at, "ran", Type::boolean)->get<bool>();
        field(c, at, "passed", Type::boolean, false);
        // A case that ran has verdicts; reports count and colour by them.
        one_of(c, at, "behavior", verdicts, ran);
        one_of(c, at, "behavior_close", verdicts, ran);
        for (const char* key :
             {"result", "result_close", "expected", "observed", "started", "category"})
            field(c, at, key, Type::string, false);
        field(c, at, "duration_ms", Type::number, false);
        if (const json* close = field(c, at, "close", Type::object, false)) {
            for (const char* key :
                 {"closed_by_me", "failed_by_me", "dropped_by_me", "was_clean", "timed_out"})
                field(*close, at + "/close", key, Type::boolean, false);
        }
        field(c, at, "handshake", Type::object, false);
        field(c, at, "events", Type::array, false);
        field(c, at, "wire", Type::array, false);
    }
};

}  // namespace

void validate_run(const json& run, const std::string& source, const std::string& pointer) {
    const Checker check{source};
    if (!run.is_object()) check.fail(pointer, "expected a results object, got " + describe(run));
    check.field(run, pointer, "format_version", Type::integer);
    check.one_of(run, pointer, "mode", modes, true);
    for (const char* key :
         {"agent", "wsspec_version", "catalog_version", "target", "started", "finished"})
        check.field(run, pointer, key, Type::string);
    check.field(run, pointer, "options", Type::object);
    check.field(run, pointer, "duration_ms", Type::number);
    check.field(run, pointer, "complete", Type::boolean);
    check.field(run, pointer, "strict", Type::boolean);
    // Only its presence: every number in it is recomputed from the cases.
    check.field(run, pointer, "summary", Type::object);
    const json& cases = *check.field(run, pointer, "cases", Type::array);
    std::set<std::string> seen;
    for (std::size_t i = 0; i < cases.size(); ++i) {
        const std::string at = pointer + "/cases/" + std::to_string(i);
        check.check_case(cases[i], at);
        const auto& id = cases[i]["id"].get_ref<const std::string&>();
        if (!seen.insert(id).second)
            check.fail(at + "/id", "case " + id + " appears more than once in this run");
    }
}

}  // namespace wsspec::report
