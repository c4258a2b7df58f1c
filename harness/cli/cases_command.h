// `wsspec cases [GLOBS]` lists the catalog (id, roles, RFC sections, description);
// `wsspec cases show ID` prints one case: its requirement and its JSON, as in the catalog.
// So a user can look up what a failing id checks without the source tree.
#pragma once

#include <CLI/CLI.hpp>

namespace wsspec::cli {

void add_cases_command(CLI::App& app, int& exit_status);

}  // namespace wsspec::cli
