// Reports are written to a temporary file in the same directory and renamed into place, so
// a reader (or a Ctrl-C) never sees half a report. The temporary file is made by mkstemp
// (unpredictable name, O_CREAT|O_EXCL): a symlink planted in the report directory is
// never followed, and rename() replaces a symlink at the final name instead of writing
// through it.
#pragma once

#include <filesystem>
#include <string_view>

namespace wsspec::report {

// Throws std::runtime_error naming the path and the reason.
void write_file_atomically(const std::filesystem::path& path, std::string_view content);

}  // namespace wsspec::report
