// Writes cases back as JSON in the catalog format (cases/README.md), so that a case built in
// memory (a live fuzzer's finding) becomes a file `load_catalog` reads back to the same case
// and `wsspec test-server --cases-dir FILE` runs (handshake overrides are not written yet:
// the fuzzer does not make them). Payloads that are not valid UTF-8 are
// written as hex; everything else as the compact form the loader reads.
#pragma once

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "harness/cases/case.h"

namespace wsspec::cases {

nlohmann::json payload_to_json(const Payload& p);
nlohmann::json step_to_json(const Step& s);
nlohmann::json case_to_json(const Case& c);

// A whole case file: {"group", "title", "cases"}. Every case id must start with `group.`.
std::string case_file_text(const std::string& group, const std::string& title,
                           const std::vector<Case>& cases);

}  // namespace wsspec::cases
