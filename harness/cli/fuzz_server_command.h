#pragma once

#include <CLI/CLI.hpp>

namespace wsspec::cli {

// `wsspec fuzz-server`: live, structured fuzzing of a WebSocket server (harness/fuzzer/).
void add_fuzz_server_command(CLI::App& app, int& exit_status);

}  // namespace wsspec::cli
