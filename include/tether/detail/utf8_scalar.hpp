// tether — header-only, sans-IO WebSocket (RFC 6455). Boost Software License 1.0.
#ifndef TETHER_DETAIL_UTF8_SCALAR_HPP
#define TETHER_DETAIL_UTF8_SCALAR_HPP

// The portable bulk path behind tether::utf8_validator, and the reference the
// SIMD kernels fall back to for the exact offset of an error. Input starts on
// a code point boundary; the result is either the offset of the first invalid
// byte, or the offset of the last code point boundary (the caller's automaton
// takes the 0-3 bytes of an unfinished code point from there).

#include <cstddef>
#include <cstdint>
#include <cstring>

#include "../config.hpp"
#include "utf8_dfa.hpp"

#if TETHER_X86_SIMD
#include <emmintrin.h>
#endif

namespace tether::detail {

struct utf8_bulk_result {
  bool valid;
  std::size_t offset;
};

// Number of leading ASCII bytes in the next block (the block size when all are).
TETHER_ALWAYS_INLINE std::size_t utf8_ascii_prefix(const unsigned char* p, std::size_t n) noexcept {
#if TETHER_X86_SIMD
  if (n >= 16) {
    const int mask = _mm_movemask_epi8(_mm_loadu_si128(reinterpret_cast<const __m128i*>(p)));
    return mask == 0 ? 16 : static_cast<std::size_t>(__builtin_ctz(static_cast<unsigned>(mask)));
  }
#else
  if (n >= 8) {
    std::uint64_t word;
    std::memcpy(&word, p, 8);
    if ((word & 0x8080808080808080ull) == 0) return 8;
  }
#endif
  return (n != 0 && p[0] < 0x80) ? 1 : 0;
}

// Skips ASCII blocks, walks multi-byte sequences with the automaton.
inline utf8_bulk_result utf8_validate_scalar(const unsigned char* p, std::size_t n) noexcept {
  std::size_t i = 0;
  std::size_t boundary = 0;
  std::uint8_t state = utf8_accept;
  while (i < n) {
    if (state == utf8_accept) {
      const std::size_t ascii = utf8_ascii_prefix(p + i, n - i);
      if (ascii != 0) {
        i += ascii;
        boundary = i;
        continue;
      }
    }
    state = utf8_step(state, p[i]);
    if (state == utf8_reject) return {false, i};
    ++i;
    if (state == utf8_accept) boundary = i;
  }
  return {true, boundary};
}

// Start of the last code point if [0, end) ends inside it (judged by its lead
// byte and the continuations after it), else end. The SIMD kernels check
// [0, boundary) as a complete text and leave the rest to the automaton, so a
// code point split between two pieces costs nothing extra. On invalid input
// any offset in [end - 3, end] is right: whatever is wrong is then found
// either before it by the kernel or after it by the automaton (a byte that
// never starts a sequence, C0, C1, F5..FF, last of all goes to the automaton).
// Conditional moves, not branches: whether a text ends inside a code point
// is data, not a pattern a branch predictor learns.
TETHER_ALWAYS_INLINE std::size_t utf8_last_boundary(const unsigned char* p, std::size_t end) noexcept {
  if (TETHER_UNLIKELY(end < 3)) {
    if (end == 2 && p[0] >= 0xE0 && p[1] < 0xC0) return 0;
    return end != 0 && p[end - 1] >= 0xC0 ? end - 1 : end;
  }
  std::size_t boundary = end;
  boundary = p[end - 3] >= 0xF0 ? end - 3 : boundary;  // 4-byte lead, two bytes after it
  boundary = p[end - 2] >= 0xE0 ? end - 2 : boundary;  // 3- or 4-byte lead, one byte after it
  boundary = p[end - 1] >= 0xC0 ? end - 1 : boundary;  // any lead last
  return boundary;
}

}  // namespace tether::detail

#endif
