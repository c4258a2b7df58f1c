// Checking a wsspec.json read back (`wsspec report --from/--merge/--compare`) before any
// report is made from it: the fields reports use have the types of
// reports/wsspec-results.schema.json, verdicts are known ones, and no case appears twice.
// The summary is not trusted at all: it is recomputed from the cases (results_json.h
// summarize), so an edited verdict can never print "passed" next to a failing JUnit file.
#pragma once

#include <nlohmann/json.hpp>
#include <stdexcept>
#include <string>

namespace wsspec::report {

// "results.json: /cases/3/behavior: expected one of OK, NON-STRICT, ..., got 42".
class InvalidResults : public std::runtime_error {
  public:
    using std::runtime_error::runtime_error;
};

// Throws InvalidResults naming `source`, the JSON pointer of the field and the reason.
void validate_run(const nlohmann::json& run, const std::string& source,
                  const std::string& pointer = "");

}  // namespace wsspec::report
