#pragma once

#include <CLI/CLI.hpp>

namespace wsspec::cli {

// `wsspec fuzz-client`: live, structured fuzzing of a WebSocket client, which connects to
// wsspec as it does in test-client (harness/fuzzer/, harness/server/fuzzing_server.h).
void add_fuzz_client_command(CLI::App& app, int& exit_status);

}  // namespace wsspec::cli
