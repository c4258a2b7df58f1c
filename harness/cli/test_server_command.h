#pragma once

#include <CLI/CLI.hpp>

namespace wsspec::cli {

// `wsspec test-server URL`: run the catalog against a server (wsspec is the client).
void add_test_server_command(CLI::App& app, int& exit_status);

}  // namespace wsspec::cli
