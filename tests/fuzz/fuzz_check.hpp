// Invariant checks for fuzz targets: a broken invariant aborts (the fuzzer
// reports it as a crash with the input). Independent of NDEBUG.
#ifndef TETHER_FUZZ_CHECK_HPP
#define TETHER_FUZZ_CHECK_HPP

#include <cstdio>
#include <cstdlib>

#define FUZZ_CHECK(condition)                                                                \
  do {                                                                                       \
    if (!(condition)) {                                                                      \
      std::fprintf(stderr, "%s:%d: invariant broken: %s\n", __FILE__, __LINE__, #condition); \
      std::abort();                                                                          \
    }                                                                                        \
  } while (false)

#endif
