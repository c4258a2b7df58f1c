// Reports are written to a temporary file in the same directory and renamed into place, so
// a reader (or a Ctrl-C) never sees half a report. The temporary file is made by mkstemp
// (unpredictable name, O_CREAT|O_EXCL): a symlink planted in the report directory is
// never followed, and rename() replaces a symlink at the final name instead of writing
// through it.
#pragma once

#include <cstddef>
#include <filesystem>
#include <string>
#include <string_view>

namespace wsspec::report {

// Where a report's text goes as it is made: a file being written, or a string.
class TextSink {
  public:
    virtual ~TextSink() = default;
    virtual void write(std::string_view text) = 0;
};

class StringSink : public TextSink {
  public:
    void write(std::string_view text) override { text_.append(text); }
    [[nodiscard]] const std::string& text() const { return text_; }
    [[nodiscard]] std::string take() { return std::move(text_); }

  private:
    std::string text_;
};

// A report file written piece by piece (so a large report never has to be one string in
// memory) and moved into place by commit(). A file never committed is removed. Throws
// std::runtime_error naming the path and the reason.
class AtomicFileWriter : public TextSink {
  public:
    explicit AtomicFileWriter(std::filesystem::path path);
    ~AtomicFileWriter() override;
    AtomicFileWriter(const AtomicFileWriter&) = delete;
    AtomicFileWriter& operator=(const AtomicFileWriter&) = delete;

    void write(std::string_view text) override;
    // Writes what is buffered, closes the file and renames it into place; returns its size.
    std::size_t commit();

    [[nodiscard]] const std::filesystem::path& path() const { return path_; }

  private:
    void flush();
    void write_out(std::string_view bytes);
    void discard() noexcept;

    std::filesystem::path path_;
    std::string tmp_;
    int fd_ = -1;
    std::string buffer_;
    std::size_t size_ = 0;
};

// The whole file at once. Throws std::runtime_error naming the path and the reason.
void write_file_atomically(const std::filesystem::path& path, std::string_view content);

}  // namespace wsspec::report
