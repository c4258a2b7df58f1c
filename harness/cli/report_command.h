// wsspec report: reports from results already written -- re-render a wsspec.json
// (--from), merge shards or several agents into one report (--merge), compare two runs
// (--compare OLD NEW), check against a baseline, or write a baseline to start from.
#pragma once

#include <CLI/CLI.hpp>

namespace wsspec::cli {

void add_report_command(CLI::App& app, int& exit_status);

}  // namespace wsspec::cli
