// Reports are written to a temporary file in the same directory and renamed into place, so
// a reader (or a Ctrl-C) never sees half a report.
#pragma once

#include <filesystem>
#include <string_view>

namespace wsspec::report {

// Throws std::runtime_error naming the path and the reason.
void write_file_atomically(const std::filesystem::path& path, std::string_view content);

}  // namespace wsspec::report
