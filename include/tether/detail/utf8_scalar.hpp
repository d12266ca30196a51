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
// the answer only has to be some offset: whatever is wrong is then found
// either before it by the kernel or after it by the automaton.
TETHER_ALWAYS_INLINE std::size_t utf8_last_boundary(const unsigned char* p, std::size_t end) noexcept {
  for (std::size_t back = 1; back <= 3 && back <= end; ++back) {
    const unsigned char byte = p[end - back];
    if ((byte & 0xC0) == 0x80) continue;  // continuation: keep looking for the lead
    // Bytes that never start a sequence (C0, C1, F5..FF) count as complete:
    // the kernel then sees them, and fails.
    const std::size_t length = byte < 0xC2 ? 1 : byte < 0xE0 ? 2 : byte < 0xF0 ? 3 : byte < 0xF5 ? 4 : 1;
    return length > back ? end - back : end;
  }
  return end;
}

}  // namespace tether::detail

#endif
