// Loads the JSON case catalog (cases/*.json, format in cases/README.md) into the case model
// of case.h, validating every field. Loading is an edge of the program, so errors are
// exceptions whose message says where and what: "<file>: <JSON pointer>: <reason>", or
// "<file>: byte <n>: <parse error>" when the file is not JSON at all.
#pragma once

#include <filesystem>
#include <stdexcept>
#include <string_view>
#include <vector>

#include "harness/cases/case.h"

namespace wsspec::cases {

class CaseLoadError : public std::runtime_error {
  public:
    using std::runtime_error::runtime_error;
};

// A directory: every *.json file in it (not recursing; *.schema.json files are skipped),
// in file-name order. A file: that file only. Case ids must be unique across everything
// loaded. Throws CaseLoadError on the first problem found.
std::vector<Case> load_catalog(const std::filesystem::path& dir_or_file);

// One case file's text, as if read from a file called `name` (which errors then name).
// For callers that already hold the bytes: the fuzz target, tests, catalogs not on disk.
std::vector<Case> load_catalog_from_string(std::string_view json_text, std::string_view name);

}  // namespace wsspec::cases
