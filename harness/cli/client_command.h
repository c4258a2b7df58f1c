#pragma once

#include <CLI/CLI.hpp>

namespace wsspec::cli {

// `wsspec client URL`: the reference echo client running the fuzzingserver driver loop.
void add_client_command(CLI::App& app, int& exit_status);

}  // namespace wsspec::cli
