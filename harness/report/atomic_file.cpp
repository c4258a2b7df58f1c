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

// Text is collected up to this size before it is written: few system calls, little memory.
constexpr std::size_t write_buffer_bytes = 1 << 20;

std::runtime_error write_error(const std::filesystem::path& path, int error) {
    return std::runtime_error("cannot write " + path.string() + ": " + std::strerror(error));
}

}  // namespace

AtomicFileWriter::AtomicFileWriter(std::filesystem::path path) : path_(std::move(path)) {
    if (path_.has_parent_path()) std::filesystem::create_directories(path_.parent_path());
    // mkstemp picks an unpredictable name and creates it with O_CREAT|O_EXCL, so nothing
    // planted in the report directory (a symlink named like our temp file) is followed.
    tmp_ = path_.string() + ".tmp.XXXXXX";
    fd_ = ::mkstemp(tmp_.data());
    if (fd_ < 0) throw write_error(path_, errno);
    buffer_.reserve(write_buffer_bytes);
}

AtomicFileWriter::~AtomicFileWriter() {
    discard();
}

void AtomicFileWriter::discard() noexcept {
    if (fd_ < 0) return;
    ::close(fd_);
    ::unlink(tmp_.c_str());
    fd_ = -1;
}

void AtomicFileWriter::write(std::string_view text) {
    if (fd_ < 0) throw std::logic_error("write to a closed report file " + path_.string());
    size_ += text.size();
    if (buffer_.size() + text.size() <= write_buffer_bytes) {
        buffer_.append(text);
        return;
    }
    flush();
    if (text.size() >= write_buffer_bytes) {
        write_out(text);  // no copy of a large piece
    } else {
        buffer_.append(text);
    }
}

void AtomicFileWriter::flush() {
    write_out(buffer_);
    buffer_.clear();
}

void AtomicFileWriter::write_out(std::string_view bytes) {
    for (std::size_t written = 0; written < bytes.size();) {
        const ssize_t n = ::write(fd_, bytes.data() + written, bytes.size() - written);
        if (n < 0) {
            if (errno == EINTR) continue;
            const int error = errno;
            discard();
            throw write_error(tmp_, error);
        }
        written += static_cast<std::size_t>(n);
    }
}

std::size_t AtomicFileWriter::commit() {
    if (fd_ < 0) throw std::logic_error("report file " + path_.string() + " committed twice");
    flush();
    if (::fchmod(fd_, report_file_mode) != 0) {
        const int error = errno;
        discard();
        throw write_error(tmp_, error);
    }
    const int fd = fd_;
    fd_ = -1;
    if (::close(fd) != 0) {
        const int error = errno;
        ::unlink(tmp_.c_str());
        throw write_error(tmp_, error);
    }
    // rename() replaces a symlink at `path` itself; it never writes through it.
    if (::rename(tmp_.c_str(), path_.c_str()) != 0) {
        const int error = errno;
        ::unlink(tmp_.c_str());
        throw std::runtime_error("cannot move report into place at " + path_.string() + ": " +
                                 std::strerror(error));
    }
    return size_;
}

void write_file_atomically(const std::filesystem::path& path, std::string_view content) {
    AtomicFileWriter file(path);
    file.write(content);
    file.commit();
}

}  // namespace wsspec::report
