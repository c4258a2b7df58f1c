#pragma once

#include <CLI/CLI.hpp>

namespace wsspec::cli {

// `wsspec test-client`: wsspec is the server, the client under test connects to the
// Autobahn fuzzingserver endpoints (optionally started and supervised with --exec).
void add_test_client_command(CLI::App& app, int& exit_status);

}  // namespace wsspec::cli
