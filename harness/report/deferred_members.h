// Case records read back from a results file (results_reader.h) keep their two largest
// members, "wire" and "events", as the compact JSON text they were read as, held in a
// nlohmann binary value, until a writer needs them whole. A parsed tree costs several times
// its text (a node, a map entry and a string per field of every wire log entry); so a run
// read back costs about its file size in memory, and each writer parses one case at a time.
// Records made in memory (results_to_json) and everything else hold plain JSON.
#pragma once

#include <nlohmann/json.hpp>
#include <string_view>

namespace wsspec::report {

// A member kept as its JSON text. Only arrays are deferred, so validation can take one for
// an array.
nlohmann::json deferred_array(std::string_view json_text);
bool is_deferred(const nlohmann::json& value);

// `record` whole: `record` itself when none of its members is deferred, else a copy in
// `storage` with them parsed. Throws std::runtime_error when a deferred text is not JSON.
const nlohmann::json& whole_case(const nlohmann::json& record, nlohmann::json& storage);

}  // namespace wsspec::report
