#include "harness/cli/cases_command.h"

#include <algorithm>
#include <fstream>
#include <functional>
#include <iostream>
#include <memory>
#include <nlohmann/json.hpp>

#include "harness/cases/case_loader.h"
#include "harness/cases/case_selection.h"
#include "harness/cases/test_data.h"
#include "harness/cli/catalog_location.h"

namespace wsspec::cli {
namespace {

std::string roles_of(const cases::Case& c) {
    std::string out;
    for (const auto r : c.roles)
        out +=
            std::string(out.empty() ? "" : ",") + (r == cases::Role::server ? "server" : "client");
    return out;
}

std::string joined(const std::vector<std::string>& items, const char* sep) {
    std::string out;
    for (const auto& item : items)
        out += (out.empty() ? "" : sep) + item;
    return out;
}

std::vector<cases::Case> load(const std::string& dir) {
    return cases::load_catalog(dir.empty() ? default_catalog_dir() : std::filesystem::path(dir));
}

// The case's object as written in its file (not re-serialized from the model, which
// expands patterns and repeats).
nlohmann::ordered_json case_json(const cases::Case& c) {
    std::ifstream in(c.source_file, std::ios::binary);
    const auto doc = nlohmann::ordered_json::parse(in, nullptr, false);
    if (doc.is_object() && doc.contains("cases") && doc["cases"].is_array()) {
        for (const auto& entry : doc["cases"]) {
            if (entry.is_object() && entry.value("id", "") == c.id) return entry;
        }
    }
    return nullptr;
}

// The test data sets a case sends (echo series, data payloads), each once, in order.
std::vector<std::string> data_sets_of(const cases::Case& c) {
    std::vector<std::string> names;
    const auto add = [&](const std::string& name) {
        if (!name.empty() && std::find(names.begin(), names.end(), name) == names.end())
            names.push_back(name);
    };
    const std::function<void(const std::vector<cases::Step>&)> walk =
        [&](const std::vector<cases::Step>& steps) {
            for (const auto& step : steps) {
                if (const auto* e = std::get_if<cases::EchoSeriesStep>(&step)) add(e->data_set);
                if (const auto* m = std::get_if<cases::MessageStep>(&step))
                    add(m->payload.data_set);
                if (const auto* f = std::get_if<cases::FrameStep>(&step)) add(f->payload.data_set);
                if (const auto* r = std::get_if<cases::RepeatStep>(&step)) walk(r->steps);
            }
        };
    walk(c.steps);
    return names;
}

}  // namespace

void add_cases_command(CLI::App& app, int& exit_status) {
    auto* cmd = app.add_subcommand("cases", "List the case catalog, or show one case");
    struct Options {
        std::vector<std::string> globs;
        std::string role;
        std::string cases_dir;
        std::string show_id;
    };
    auto options = std::make_shared<Options>();
    cmd->add_option("globs", options->globs, "Case ids or globs (e.g. '5.*' 7.9.1); default: all");
    cmd->add_option("--role", options->role, "Only cases for this peer under test")
        ->check(CLI::IsMember({"server", "client"}));
    cmd->add_option("--cases-dir", options->cases_dir, "Case catalog directory or file");

    auto* show = cmd->add_subcommand("show", "Print one case: requirement and JSON");
    show->add_option("id", options->show_id, "Case id, e.g. 5.19")->required();
    show->add_option("--cases-dir", options->cases_dir, "Case catalog directory or file");
    show->callback([options, &exit_status] {
        const auto all = load(options->cases_dir);
        for (const auto& c : all) {
            if (c.id != options->show_id) continue;
            std::cout << c.id << ": " << c.description << "\n"
                      << "RFC: " << joined(c.rfc, ", ") << "\n"
                      << "roles: " << roles_of(c) << "\n"
                      << "file: " << std::filesystem::path(c.source_file).filename().string()
                      << "\n\n"
                      << c.requirement << "\n\n"
                      << case_json(c).dump(2) << "\n";
            for (const auto& name : data_sets_of(c)) {
                std::cout << "\ntest data \"" << name
                          << "\": " << cases::test_data_description(name).value_or("?")
                          << "; generated with a fixed seed (harness/cases/test_data.h)\n";
            }
            exit_status = 0;
            return;
        }
        std::cerr << "wsspec cases show: no case with id '" << options->show_id
                  << "' (list them with: wsspec cases)\n";
        exit_status = 2;
    });

    cmd->callback([cmd, show, options, &exit_status] {
        if (show->parsed()) return;
        const auto all = load(options->cases_dir);
        std::vector<const cases::Case*> listed;
        for (const auto& c : all) {
            bool match = options->globs.empty();
            for (const auto& g : options->globs)
                match = match || cases::matches_pattern(c.id, g);
            const bool role_ok =
                options->role.empty() ||
                std::find(c.roles.begin(), c.roles.end(),
                          options->role == "server" ? cases::Role::server : cases::Role::client) !=
                    c.roles.end();
            if (match && role_ok) listed.push_back(&c);
        }
        std::sort(listed.begin(), listed.end(),
                  [](const auto* a, const auto* b) { return cases::case_id_less(a->id, b->id); });
        for (const auto* c : listed) {
            std::cout << c->id << "\t" << roles_of(*c) << "\t" << joined(c->rfc, "; ") << "\t"
                      << c->description << "\n";
        }
        if (listed.empty()) {
            std::cerr << "wsspec cases: no case matches\n";
            exit_status = 2;
            return;
        }
        std::cerr << listed.size() << " of " << all.size() << " cases\n";
        exit_status = 0;
        (void)cmd;
    });
}

}  // namespace wsspec::cli
