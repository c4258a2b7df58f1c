// Reading a wsspec.json or results set back without holding it as one parsed tree
// (`wsspec report --from/--merge`, baselines): the file is walked with simdjson On Demand,
// each case record is checked as JSON on its own (simdjson DOM) and kept with its wire log
// and events deferred (deferred_members.h). A file of N MB then costs about N MB once read,
// and about twice that while it is read, instead of the ten times a nlohmann tree of every
// wire log entry costs.
#pragma once

#include <filesystem>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace wsspec::report {

// A file read whole into memory of its own, followed by the padding simdjson may read past
// the end of its input. The reader gives back the pages it has read past (release_before),
// so the text and what is made of it are not held twice.
class PaddedText {
  public:
    // Throws std::runtime_error "cannot read FILE".
    explicit PaddedText(const std::filesystem::path& file);
    ~PaddedText();
    PaddedText(const PaddedText&) = delete;
    PaddedText& operator=(const PaddedText&) = delete;

    [[nodiscard]] std::string_view view() const { return {data_, size_}; }
    // The whole pages before `end` (a position in view()) are returned to the system; the
    // text there reads as zeros afterwards.
    void release_before(const char* end);
    // Nothing was released: view() is the file as read.
    [[nodiscard]] bool intact() const { return released_ == 0; }

  private:
    char* data_ = nullptr;
    std::size_t size_ = 0;
    std::size_t mapped_ = 0;
    std::size_t released_ = 0;
};

// The runs of a wsspec results document (a run, or a results set), checked with
// validate_run. The text is released as the case records are read. nullopt when the text
// is not JSON that simdjson reads, or not a results document ("format" is missing or
// another one): the caller then parses the file as before (read again unless the text is
// still intact()), for an Autobahn index.json, a baseline, or the parser's own error
// message.
// Throws InvalidResults for a results document with invalid fields.
std::optional<std::vector<nlohmann::json>> read_results(PaddedText& text,
                                                        const std::string& source);

}  // namespace wsspec::report
