// Where the case catalog is when the user does not say: the environment, then next to the
// binary as installed (<prefix>/bin/wsspec -> <prefix>/share/wsspec/cases), then the source
// tree the binary was built from. Reports name case files relative to this folder, so no
// build path ends up in them.
#pragma once

#include <filesystem>

namespace wsspec::cli {

// $WSSPEC_CASES_DIR if set; else the first of the installed and the built-in catalog that
// exists. Throws std::runtime_error listing the places looked at when none does.
std::filesystem::path default_catalog_dir();

}  // namespace wsspec::cli
