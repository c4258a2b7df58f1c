// Loading and selecting the case catalog for a command: --cases-dir, --cases, --exclude.
#pragma once

#include <CLI/CLI.hpp>
#include <functional>
#include <string>
#include <vector>

#include "harness/cases/case.h"

namespace wsspec::cli {

struct CatalogOptions {
    std::string cases_dir;  // empty: default_catalog_dir()
    std::string include = "*";
    std::string exclude;
    void add_to(CLI::App& cmd);
};

struct Catalog {
    std::vector<cases::Case> all;
    std::vector<const cases::Case*> selected;
    std::string version;  // digest of the case files
};

// SHA-1 (first 12 hex digits) over the files the cases came from, so a report and
// `wsspec --version` say exactly which catalog ran.
std::string catalog_digest(const std::vector<cases::Case>& all);

// Throws cases::CaseLoadError (bad files) or CLI::ValidationError (nothing selected).
Catalog load_selected(const CatalogOptions& options, cases::Role role);

// `in` without the cases `left_out` holds for (no meaning on this transport or handshake);
// their ids are added to `skipped`, so the run can say which and why.
std::vector<const cases::Case*> leave_out(const std::vector<const cases::Case*>& in,
                                          const std::function<bool(const cases::Case&)>& left_out,
                                          std::vector<std::string>& skipped);

}  // namespace wsspec::cli
