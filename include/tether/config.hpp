// tether — header-only, sans-IO WebSocket (RFC 6455). Boost Software License 1.0.
#ifndef TETHER_CONFIG_HPP
#define TETHER_CONFIG_HPP

// Compiler and target detection shared by every header. No platform headers here.

#if defined(__GNUC__) || defined(__clang__)
#define TETHER_LIKELY(x) __builtin_expect(!!(x), 1)
#define TETHER_UNLIKELY(x) __builtin_expect(!!(x), 0)
#define TETHER_ALWAYS_INLINE inline __attribute__((always_inline))
#define TETHER_NOINLINE __attribute__((noinline))
#else
#define TETHER_LIKELY(x) (x)
#define TETHER_UNLIKELY(x) (x)
#define TETHER_ALWAYS_INLINE inline
#define TETHER_NOINLINE
#endif

// Around functions that copy or mask buffers with loads and stores guarded by
// their length (overlapping words for 8..31 bytes, 16- and 32-byte vectors
// above): once g++ 12 inlines them (-O2, and more of them at -O3) into a call
// on a small array or literal, it reports the branches for longer lengths,
// which cannot run there, as accesses out of bounds (-Warray-bounds,
// -Wstringop-overread/-overflow, -Wrestrict false positives). Users who build
// with -Werror must not see them. The price: a real out-of-bounds access in
// these functions would not be reported either; the kernel tests at every
// length and alignment under ASan are what guard them.
#if defined(__GNUC__) && !defined(__clang__)
#define TETHER_OVERLAPPING_LOADS_BEGIN                                                \
  _Pragma("GCC diagnostic push") _Pragma("GCC diagnostic ignored \"-Warray-bounds\"") \
      _Pragma("GCC diagnostic ignored \"-Wstringop-overread\"")                       \
          _Pragma("GCC diagnostic ignored \"-Wstringop-overflow\"") _Pragma("GCC diagnostic ignored \"-Wrestrict\"")
#define TETHER_OVERLAPPING_LOADS_END _Pragma("GCC diagnostic pop")
#else
#define TETHER_OVERLAPPING_LOADS_BEGIN
#define TETHER_OVERLAPPING_LOADS_END
#endif

// x86-64 SIMD: SSE2 is part of the x86-64 baseline; AVX2 is reached through
// function-level target attributes and a one-time CPU check, so no -march flag
// is needed. Define TETHER_NO_SIMD to force the scalar reference paths.
#if !defined(TETHER_NO_SIMD) && (defined(__x86_64__) || defined(_M_X64)) && (defined(__GNUC__) || defined(__clang__))
#define TETHER_X86_SIMD 1
#else
#define TETHER_X86_SIMD 0
#endif

#if !defined(TETHER_NO_SIMD) && defined(__aarch64__) && defined(__ARM_NEON)
#define TETHER_NEON_SIMD 1
#else
#define TETHER_NEON_SIMD 0
#endif

#endif
