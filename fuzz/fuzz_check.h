// FUZZ_CHECK(cond, what): a property every input must satisfy. On failure it prints the
// property and aborts, which libFuzzer reports as a crash (and saves the input) and the
// replay main turns into a failed test. Unlike assert() it is on in every build.
#pragma once

#include <cstdio>
#include <cstdlib>

#define FUZZ_CHECK(cond, what)                                                                   \
    do {                                                                                         \
        if (!(cond)) {                                                                           \
            std::fprintf(stderr, "%s:%d: fuzz property violated: %s (%s)\n", __FILE__, __LINE__, \
                         what, #cond);                                                           \
            std::abort();                                                                        \
        }                                                                                        \
    } while (0)
