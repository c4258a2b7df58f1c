// Test data for the permessage-deflate cases 12.* and 13.*: Autobahn|Testsuite sends 1000
// messages that are sliding windows over one of five files (12.1 json, 12.2 bmp, 12.3 text,
// 12.4 html, 12.5 pdf; 13.* use json). Those files cannot be shipped, so wsspec generates
// data of the same nature and exactly the same size from a fixed seed: the compressor under
// test sees the same kind of input (repetitive JSON/HTML, prose, a photo-like bitmap, mostly
// incompressible PDF streams), and the bytes are identical on every platform.
//
// The sizes are those of the files in crossbario/autobahn-testsuite,
// autobahntestsuite/autobahntestsuite/testdata/ (git blob sizes at the repository's HEAD):
//   data1.json           194,056 bytes  "Large JSON data file", sent as text
//   lena512.bmp          263,222 bytes  512x512 8-bit greyscale BMP, sent as binary
//   pg2229.txt           222,218 bytes  Goethe's Faust I (German, UTF-8), sent as binary
//   data1.html           263,647 bytes  "Large HTML file", sent as text
//   10.1.1.105.5439.pdf 1,042,328 bytes "A larger PDF", sent as binary
//
// The sets sent as text (json, html) are pure ASCII, so a window cut anywhere is valid
// UTF-8 (RFC 6455 8.1: a text message must be). The originals compress with zlib level 6
// by about 23x (json), 18x (html), 2.6x (text), 1.18x (bmp) and 1.32x (pdf); the
// generated sets are less repetitive than the JSON and HTML originals but stay in the same
// classes (see tests/unit/test_data_test.cpp for the ranges they are held to).
#pragma once

#include <optional>
#include <span>
#include <string_view>

namespace wsspec::cases {

// "json", "bmp", "text", "html", "pdf", in Autobahn's 12.1-12.5 order.
std::span<const std::string_view> test_data_names();

// The bytes of the named set, generated on first use and kept for the life of the process
// (safe to call from several threads). nullopt for an unknown name.
std::optional<std::string_view> test_data(std::string_view name);

// One line for reports and docs, e.g. "JSON records (text, 194,056 bytes)".
std::optional<std::string_view> test_data_description(std::string_view name);

// Whether Autobahn sends windows over the set as text messages (json, html) rather than
// binary ones.
std::optional<bool> test_data_sent_as_text(std::string_view name);

}  // namespace wsspec::cases
