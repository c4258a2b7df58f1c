// Case files write handshakes as templates with placeholders ("{host}", "{key}", "{accept}"
// ...) that only the running session can fill in; this fills them.
#pragma once

#include <initializer_list>
#include <string>
#include <string_view>
#include <utility>

namespace wsspec::peer {

using Placeholder = std::pair<std::string_view, std::string_view>;  // "{key}", its value

// Every occurrence of each placeholder in `text`, left to right; a value is never scanned
// again, so a value that contains a placeholder stays as it is.
std::string fill_placeholders(std::string text, std::initializer_list<Placeholder> values);

}  // namespace wsspec::peer
