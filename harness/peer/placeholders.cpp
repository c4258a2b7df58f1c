#include "harness/peer/placeholders.h"

namespace wsspec::peer {

std::string fill_placeholders(std::string text, std::initializer_list<Placeholder> values) {
    for (const auto& [from, to] : values) {
        for (std::size_t at = text.find(from); at != std::string::npos;
             at = text.find(from, at + to.size())) {
            text.replace(at, from.size(), to);
        }
    }
    return text;
}

}  // namespace wsspec::peer
