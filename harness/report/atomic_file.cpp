#include "harness/report/atomic_file.h"

#include <unistd.h>
#include <cerrno>
#include <cstring>
#include <fstream>
#include <stdexcept>

namespace wsspec::report {

void write_file_atomically(const std::filesystem::path& path, std::string_view content) {
    if (path.has_parent_path()) std::filesystem::create_directories(path.parent_path());
    std::filesystem::path tmp = path;
    tmp += ".tmp." + std::to_string(::getpid());
    {
        std::ofstream out(tmp, std::ios::binary | std::ios::trunc);
        if (!out)
            throw std::runtime_error("cannot write " + tmp.string() + ": " + std::strerror(errno));
        out.write(content.data(), static_cast<std::streamsize>(content.size()));
        out.flush();
        if (!out)
            throw std::runtime_error("cannot write " + tmp.string() + ": " + std::strerror(errno));
    }
    std::error_code ec;
    std::filesystem::rename(tmp, path, ec);
    if (ec) {
        std::filesystem::remove(tmp, ec);
        throw std::runtime_error("cannot move report into place at " + path.string() + ": " +
                                 ec.message());
    }
}

}  // namespace wsspec::report
