#include "harness/report/atomic_file.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <stdexcept>
#include <string>

namespace wsspec::report {
namespace {

// Reports are meant to be read by others (CI artifacts, a web server): rw-r--r--, as a
// plain open() under the usual umask would have made them. mkstemp creates 0600.
constexpr mode_t report_file_mode = 0644;

std::runtime_error write_error(const std::filesystem::path& path, int error) {
    return std::runtime_error("cannot write " + path.string() + ": " + std::strerror(error));
}

}  // namespace

void write_file_atomically(const std::filesystem::path& path, std::string_view content) {
    if (path.has_parent_path()) std::filesystem::create_directories(path.parent_path());
    // mkstemp picks an unpredictable name and creates it with O_CREAT|O_EXCL, so nothing
    // planted in the report directory (a symlink named like our temp file) is followed.
    std::string tmp = path.string() + ".tmp.XXXXXX";
    const int fd = ::mkstemp(tmp.data());
    if (fd < 0) throw write_error(path, errno);
    const auto fail = [&](int error) {
        ::close(fd);
        ::unlink(tmp.c_str());
        return write_error(tmp, error);
    };
    for (std::size_t written = 0; written < content.size();) {
        const ssize_t n = ::write(fd, content.data() + written, content.size() - written);
        if (n < 0) {
            if (errno == EINTR) continue;
            throw fail(errno);
        }
        written += static_cast<std::size_t>(n);
    }
    if (::fchmod(fd, report_file_mode) != 0) throw fail(errno);
    if (::close(fd) != 0) {
        const int error = errno;
        ::unlink(tmp.c_str());
        throw write_error(tmp, error);
    }
    // rename() replaces a symlink at `path` itself; it never writes through it.
    if (::rename(tmp.c_str(), path.c_str()) != 0) {
        const int error = errno;
        ::unlink(tmp.c_str());
        throw std::runtime_error("cannot move report into place at " + path.string() + ": " +
                                 std::strerror(error));
    }
}

}  // namespace wsspec::report
