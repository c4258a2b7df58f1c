// A stand-in for libFuzzer's main: runs LLVMFuzzerTestOneInput once over every file named
// on the command line and every regular file in the directories named (not recursing), so
// corpora and crash reproducers run as ordinary tests in builds without libFuzzer (gcc).
// A crash, sanitizer report or failed check aborts the process: the test fails.
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size);
extern "C" int LLVMFuzzerInitialize(int* argc, char*** argv) __attribute__((weak));

namespace {

std::vector<std::uint8_t> read_all(const std::filesystem::path& path) {
    std::ifstream in(path, std::ios::binary);
    return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

}  // namespace

int main(int argc, char** argv) {
    if (LLVMFuzzerInitialize != nullptr) LLVMFuzzerInitialize(&argc, &argv);
    std::vector<std::filesystem::path> inputs;
    for (int i = 1; i < argc; ++i) {
        const std::filesystem::path arg = argv[i];
        if (std::filesystem::is_directory(arg)) {
            for (const auto& entry : std::filesystem::directory_iterator(arg)) {
                if (entry.is_regular_file()) inputs.push_back(entry.path());
            }
        } else if (std::filesystem::is_regular_file(arg)) {
            inputs.push_back(arg);
        } else {
            std::fprintf(stderr, "replay: %s: no such file or directory\n", argv[i]);
            return 2;
        }
    }
    std::sort(inputs.begin(), inputs.end());
    for (const auto& path : inputs) {
        // Print first, so the input that crashes is the last one named in the log.
        std::fprintf(stderr, "replay: %s\n", path.c_str());
        const std::vector<std::uint8_t> bytes = read_all(path);
        // A heap copy of exactly the input's size, as libFuzzer gives, so ASan sees
        // reads past the end.
        std::vector<std::uint8_t> copy(bytes);
        LLVMFuzzerTestOneInput(copy.empty() ? nullptr : copy.data(), copy.size());
    }
    std::fprintf(stderr, "replay: %zu inputs, no crash\n", inputs.size());
    return 0;
}
