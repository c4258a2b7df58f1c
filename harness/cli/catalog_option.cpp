#include "harness/cli/catalog_option.h"

#include <openssl/evp.h>

#include <algorithm>
#include <fstream>
#include <set>
#include <sstream>

#include "harness/cases/case_loader.h"
#include "harness/cases/case_selection.h"
#include "harness/cli/catalog_location.h"
#include "harness/codec/ascii.h"

namespace wsspec::cli {

std::string catalog_digest(const std::vector<cases::Case>& all) {
    std::set<std::string> files;
    for (const auto& c : all)
        files.insert(c.source_file);
    EVP_MD_CTX* ctx = EVP_MD_CTX_new();
    EVP_DigestInit_ex(ctx, EVP_sha1(), nullptr);
    for (const auto& f : files) {
        std::ifstream in(f, std::ios::binary);
        std::stringstream ss;
        ss << in.rdbuf();
        const std::string data = ss.str();
        EVP_DigestUpdate(ctx, data.data(), data.size());
    }
    unsigned char md[EVP_MAX_MD_SIZE];
    unsigned int len = 0;
    EVP_DigestFinal_ex(ctx, md, &len);
    EVP_MD_CTX_free(ctx);
    return codec::to_hex({reinterpret_cast<const char*>(md), std::min(len, 6U)});
}

void CatalogOptions::add_to(CLI::App& cmd) {
    cmd.add_option("--cases", include,
                   "Case ids or globs to run, comma-separated (e.g. '1.*,5.1*')")
        ->capture_default_str();
    cmd.add_option("--exclude", exclude, "Case ids or globs to skip, comma-separated");
    cmd.add_option("--cases-dir", cases_dir,
                   "Case catalog directory or file (default: the built-in catalog)");
}

Catalog load_selected(const CatalogOptions& options, cases::Role role) {
    const std::filesystem::path dir = options.cases_dir.empty()
                                          ? default_catalog_dir()
                                          : std::filesystem::path(options.cases_dir);
    Catalog catalog;
    catalog.all = cases::load_catalog(dir);
    catalog.selected = cases::select_cases(catalog.all, cases::split_globs(options.include),
                                           cases::split_globs(options.exclude), role);
    if (catalog.selected.empty()) {
        throw CLI::ValidationError(
            "--cases", "no case matches '" + options.include + "'" +
                           (options.exclude.empty() ? "" : " minus '" + options.exclude + "'"));
    }
    catalog.version = catalog_digest(catalog.all);
    return catalog;
}

std::vector<const cases::Case*> leave_out(const std::vector<const cases::Case*>& in,
                                          const std::function<bool(const cases::Case&)>& left_out,
                                          std::vector<std::string>& skipped) {
    std::vector<const cases::Case*> out;
    for (const auto* c : in) {
        if (left_out(*c))
            skipped.push_back(c->id);
        else
            out.push_back(c);
    }
    return out;
}

}  // namespace wsspec::cli
