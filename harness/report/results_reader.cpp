#include "harness/report/results_reader.h"

#include <simdjson.h>
#include <sys/mman.h>
#include <unistd.h>

#include <fstream>
#include <stdexcept>

#include "harness/report/deferred_members.h"
#include "harness/report/results_validation.h"

namespace wsspec::report {
namespace {

using nlohmann::json;
namespace od = simdjson::ondemand;
namespace dom = simdjson::dom;

// The members of a case record held as text until a writer needs them: the wire log and
// the events make nearly all of a record's size.
bool deferrable(std::string_view key) {
    return key == "wire" || key == "events";
}

// A DOM value as nlohmann would have parsed it (non-negative integers unsigned).
json from_dom(dom::element e) {
    switch (e.type()) {
        case dom::element_type::ARRAY: {
            json out = json::array();
            for (dom::element item : dom::array(e))
                out.push_back(from_dom(item));
            return out;
        }
        case dom::element_type::OBJECT: {
            json out = json::object();
            for (dom::key_value_pair member : dom::object(e))
                out[std::string(member.key)] = from_dom(member.value);
            return out;
        }
        case dom::element_type::INT64: {
            const std::int64_t n = int64_t(e);
            return n >= 0 ? json(static_cast<std::uint64_t>(n)) : json(n);
        }
        case dom::element_type::UINT64:
            return json(uint64_t(e));
        case dom::element_type::DOUBLE:
            return json(double(e));
        case dom::element_type::STRING:
            return json(std::string(std::string_view(e)));
        case dom::element_type::BOOL:
            return json(bool(e));
        case dom::element_type::NULL_VALUE:
            return json(nullptr);
    }
    return json(nullptr);
}

class Reader {
  public:
    explicit Reader(PaddedText& text) : text_(text) {}

    // One case record: checked whole by the DOM parser, its wire log and events kept as
    // compact text.
    json case_record(od::value value) {
        if (value.type() != od::json_type::object) return json::parse(raw_text(value));
        od::object object = value.get_object();
        const std::string_view text = object.raw_json();
        // The record lies inside the padded input, so simdjson may read past its end.
        const dom::element record = case_parser_.parse(text.data(), text.size(), false);
        json out = json::object();
        for (dom::key_value_pair member : dom::object(record)) {
            if (deferrable(member.key) && member.value.is_array()) {
                out[std::string(member.key)] = deferred_array(simdjson::minify(member.value));
            } else {
                out[std::string(member.key)] = from_dom(member.value);
            }
        }
        text_.release_before(text.data() + text.size());
        return out;
    }

    // A run object: its cases one record at a time, every other member parsed as it is.
    json run_object(od::object object, bool top) {
        json out = json::object();
        for (od::field field : object) {
            const std::string key(field.unescaped_key().value());
            od::value value = field.value();
            const od::json_type type = value.type();
            if (key == "cases" && type == od::json_type::array) {
                json cases = json::array();
                for (od::value item : value.get_array())
                    cases.push_back(case_record(item));
                out[key] = std::move(cases);
            } else if (top && key == "runs" && type == od::json_type::array) {
                json runs = json::array();
                for (od::value item : value.get_array()) {
                    runs.push_back(item.type() == od::json_type::object
                                       ? run_object(item.get_object(), false)
                                       : json::parse(raw_text(item)));
                }
                out[key] = std::move(runs);
            } else {
                out[key] = json::parse(raw_text(value));
            }
        }
        return out;
    }

  private:
    static std::string_view raw_text(od::value value) {
        switch (value.type()) {
            case od::json_type::object: {
                od::object object = value.get_object();
                return object.raw_json();
            }
            case od::json_type::array: {
                od::array array = value.get_array();
                return array.raw_json();
            }
            default:
                return value.raw_json_token();
        }
    }

    PaddedText& text_;
    dom::parser case_parser_;
};

}  // namespace

PaddedText::PaddedText(const std::filesystem::path& file) {
    std::ifstream in(file, std::ios::binary);
    std::error_code ec;
    const auto size = std::filesystem::file_size(file, ec);
    if (!in || ec) throw std::runtime_error("cannot read " + file.string());
    size_ = static_cast<std::size_t>(size);
    // Memory of its own (not the allocator's), so read pages can be given back one by one.
    mapped_ = size_ + simdjson::SIMDJSON_PADDING;
    void* p = ::mmap(nullptr, mapped_, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (p == MAP_FAILED)
        throw std::runtime_error("cannot read " + file.string() + ": out of memory");
    data_ = static_cast<char*>(p);
    in.read(data_, static_cast<std::streamsize>(size_));
    if (static_cast<std::size_t>(in.gcount()) != size_)
        throw std::runtime_error("cannot read " + file.string());
}

PaddedText::~PaddedText() {
    if (data_) ::munmap(data_, mapped_);
}

void PaddedText::release_before(const char* end) {
    static const auto page = static_cast<std::size_t>(::sysconf(_SC_PAGESIZE));
    const auto offset = static_cast<std::size_t>(end - data_);
    const std::size_t upto = offset / page * page;
    if (upto <= released_) return;
    // Anonymous private pages read as zeros once returned; the reader never looks back.
    ::madvise(data_ + released_, upto - released_, MADV_DONTNEED);
    released_ = upto;
}

std::optional<std::vector<json>> read_results(PaddedText& text, const std::string& source) {
    json doc;
    try {
        od::parser parser;
        const std::string_view view = text.view();
        od::document document =
            parser.iterate(view.data(), view.size(), view.size() + simdjson::SIMDJSON_PADDING);
        if (document.type() != od::json_type::object) return std::nullopt;
        Reader reader(text);
        doc = reader.run_object(document.get_object(), true);
        // Anything after the object: not one JSON document.
        if (document.current_location().error() != simdjson::OUT_OF_BOUNDS) return std::nullopt;
    } catch (const simdjson::simdjson_error&) {
        return std::nullopt;  // the caller's parser names the error
    } catch (const json::exception&) {
        return std::nullopt;
    }
    const auto format_it = doc.find("format");
    if (format_it == doc.end()) return std::nullopt;
    if (!format_it->is_string()) throw InvalidResults(source + ": /format: expected a string");
    const std::string& format = format_it->get_ref<const std::string&>();
    std::vector<json> runs;
    if (format == "wsspec-results") {
        validate_run(doc, source);
        runs.push_back(std::move(doc));
        return runs;
    }
    if (format != "wsspec-results-set") return std::nullopt;
    const auto it = doc.find("runs");
    if (it == doc.end() || !it->is_array())
        throw InvalidResults(source + ": /runs: missing (expected an array of runs)");
    for (std::size_t i = 0; i < it->size(); ++i) {
        json& run = (*it)[i];
        if (!run.is_object() || run.value("format", json()) != "wsspec-results") {
            throw InvalidResults(source + ": /runs/" + std::to_string(i) +
                                 ": expected a wsspec-results run");
        }
        validate_run(run, source, "/runs/" + std::to_string(i));
        runs.push_back(std::move(run));
    }
    return runs;
}

}  // namespace wsspec::report
