// Loading and selecting the case catalog for a command: --cases-dir, --cases, --exclude.
#pragma once

#include <CLI/CLI.hpp>
#include <string>
#include <vector>

#include "harness/cases/case.h"

namespace wsspec::cli {

struct CatalogOptions {
    std::string cases_dir;  // empty: $WSSPEC_CASES_DIR, else the catalog wsspec was built with
    std::string include = "*";
    std::string exclude;
    void add_to(CLI::App& cmd);
};

struct Catalog {
    std::vector<cases::Case> all;
    std::vector<const cases::Case*> selected;
    std::string version;  // digest of the case files
};

// Throws cases::CaseLoadError (bad files) or CLI::ValidationError (nothing selected).
Catalog load_selected(const CatalogOptions& options, cases::Role role);

}  // namespace wsspec::cli
