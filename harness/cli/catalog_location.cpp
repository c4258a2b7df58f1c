#include "harness/cli/catalog_location.h"

#include <cstdlib>
#include <stdexcept>
#include <system_error>
#include <vector>

namespace wsspec::cli {
namespace {

// The installed layout (cmake --install, the .deb): share/wsspec/cases beside bin/.
std::filesystem::path installed_catalog_dir() {
    std::error_code ec;
    const auto exe = std::filesystem::read_symlink("/proc/self/exe", ec);
    if (ec) return {};
    return exe.parent_path().parent_path() / "share" / "wsspec" / "cases";
}

}  // namespace

std::filesystem::path default_catalog_dir() {
    if (const char* env = std::getenv("WSSPEC_CASES_DIR"); env != nullptr && *env != '\0') {
        return env;
    }
    const std::vector<std::filesystem::path> candidates = {installed_catalog_dir(),
                                                           WSSPEC_DEFAULT_CASES_DIR};
    std::string looked;
    for (const auto& dir : candidates) {
        if (dir.empty()) continue;
        std::error_code ec;
        if (std::filesystem::is_directory(dir, ec)) return dir;
        looked += (looked.empty() ? "" : ", ") + dir.string();
    }
    throw std::runtime_error("no case catalog found (looked in " + looked +
                             "); pass --cases-dir or set WSSPEC_CASES_DIR");
}

}  // namespace wsspec::cli
