#pragma once

#include <CLI/CLI.hpp>

namespace wsspec::cli {

// `wsspec serve`: the reference echo server.
void add_serve_command(CLI::App& app, int& exit_status);

}  // namespace wsspec::cli
