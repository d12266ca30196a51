// tether — header-only, sans-IO WebSocket (RFC 6455). Boost Software License 1.0.
#ifndef TETHER_DETAIL_UTF8_KERNELS_HPP
#define TETHER_DETAIL_UTF8_KERNELS_HPP

// Bulk UTF-8 validation behind tether::utf8_validator, chosen by size and by
// the CPU (checked once, cpu.hpp). The input starts on a code point boundary.
// The result is either the offset of the first invalid byte, or the offset of
// the last code point boundary (the caller's automaton takes the 0-3 bytes of
// an unfinished code point from there).
//
//   x86-64, 64 bytes and up, AVX-512 BW: utf8_avx512.hpp (64-byte lookup
//                                   blocks, a masked load for the last 1-63)
//   x86-64, 32 bytes and up, AVX2:  utf8_avx2.hpp (32-byte lookup blocks)
//   x86-64, SSSE3:                  utf8_ssse3.hpp (16-byte lookup blocks;
//                                   under 16 bytes, one zero-padded block)
//   everywhere else:                utf8_scalar.hpp (ASCII skip + automaton)

#include <cstddef>
#include <cstdint>
#include <cstring>

#include "../config.hpp"
#include "cpu.hpp"
#include "utf8_scalar.hpp"

#if TETHER_X86_SIMD
#include "utf8_avx2.hpp"
#include "utf8_avx512.hpp"
#include "utf8_ssse3.hpp"
#endif

namespace tether::detail {

#if TETHER_X86_SIMD
// True when the n <= 64 bytes at p are all ASCII: the common short text
// costs two to four loads and no call.
TETHER_ALWAYS_INLINE bool utf8_short_is_ascii(const unsigned char* p, std::size_t n) noexcept {
  if (n >= 16) {
    __m128i any = _mm_or_si128(_mm_loadu_si128(reinterpret_cast<const __m128i*>(p)),
                               _mm_loadu_si128(reinterpret_cast<const __m128i*>(p + n - 16)));
    if (n > 32) {
      any = _mm_or_si128(any, _mm_or_si128(_mm_loadu_si128(reinterpret_cast<const __m128i*>(p + 16)),
                                           _mm_loadu_si128(reinterpret_cast<const __m128i*>(p + n - 32))));
    }
    return _mm_movemask_epi8(any) == 0;
  }
  std::uint64_t any;
  if (n >= 8) {
    std::uint64_t first, last;
    std::memcpy(&first, p, 8);
    std::memcpy(&last, p + n - 8, 8);
    any = first | last;
  } else if (n >= 4) {
    std::uint32_t first, last;
    std::memcpy(&first, p, 4);
    std::memcpy(&last, p + n - 4, 4);
    any = first | last;
  } else {
    any = n == 0 ? 0 : p[0] | p[n / 2] | p[n - 1];
  }
  return (any & 0x8080808080808080ull) == 0;
}
#endif

inline utf8_bulk_result utf8_validate_bulk(const unsigned char* p, std::size_t n) noexcept {
#if TETHER_X86_SIMD
  if (n <= 64 && utf8_short_is_ascii(p, n)) return {true, n};
  // Below 64 bytes the 16- and 32-byte kernels answer sooner: measured in the
  // connection (tests/bench/connection_bench.cpp), 16-byte mixed text ran at
  // 0.58x the binary path with them and 0.52x with the 64-byte kernel.
  if (n >= 64 && cpu_has_avx512bw) return utf8_validate_avx512(p, n);
  if (n >= 32 && cpu_has_avx2) return utf8_validate_avx2(p, n);
  if (cpu_has_ssse3) {
    if (n >= 16) return utf8_validate_ssse3(p, n);
    return utf8_validate_short_ssse3(p, n);  // n != 0: empty input is ASCII
  }
#endif
  return utf8_validate_scalar(p, n);
}

// Whether p[0, n) is a complete UTF-8 text, for callers that hold the whole
// text (is_valid_utf8): the kernels check the zero-padded end directly. The
// verdict only; utf8_validator says where a text broke. `handled` is false
// when no kernel here applies (no SIMD): the caller takes the bulk path.
TETHER_ALWAYS_INLINE bool utf8_complete_fast(const unsigned char* p, std::size_t n, bool& handled) noexcept {
  handled = true;
#if TETHER_X86_SIMD
  if (n <= 64 && utf8_short_is_ascii(p, n)) return true;
  if (n >= 64 && cpu_has_avx512bw) return utf8_complete_avx512(p, n);
  if (n < 64 && cpu_has_ssse3) return utf8_complete_ssse3(p, n);
#else
  static_cast<void>(p);
  static_cast<void>(n);
#endif
  handled = false;
  return false;
}

}  // namespace tether::detail

#endif
