// tether — header-only, sans-IO WebSocket (RFC 6455). Boost Software License 1.0.
#ifndef TETHER_DETAIL_UTF8_SSSE3_HPP
#define TETHER_DETAIL_UTF8_SSSE3_HPP

// The lookup algorithm (utf8_lookup.hpp) on 16-byte blocks: pshufb for the
// nibble tables, palignr for the previous bytes. It takes whole texts and
// messages shorter than the AVX2 kernel's 32-byte step, and that kernel's
// last 1-31 bytes. A partial block is zero-padded (zeros are ASCII), so a
// sequence left open at the end of the checked region is caught like any
// other: its next byte, the first zero, is not a continuation. Called only
// after the CPU check in cpu.hpp.

#include <cstddef>
#include <cstdint>
#include <cstring>

#include "../config.hpp"
#include "utf8_lookup.hpp"
#include "utf8_scalar.hpp"

#if TETHER_X86_SIMD
#include <tmmintrin.h>

#define TETHER_SSSE3_FUNCTION __attribute__((target("ssse3"), always_inline)) inline

namespace tether::detail {

TETHER_SSSE3_FUNCTION __m128i utf8_load16(const void* p) noexcept {
  return _mm_loadu_si128(static_cast<const __m128i*>(p));
}

// Non-zero bytes where a (previous byte, byte) pair or the 3rd/4th byte of a
// sequence breaks RFC 3629 §4; `previous` is the block before `input`.
TETHER_SSSE3_FUNCTION __m128i utf8_check16(__m128i input, __m128i previous) noexcept {
  const __m128i low_nibble = _mm_set1_epi8(0x0F);
  const __m128i prev1 = _mm_alignr_epi8(input, previous, 15);
  const __m128i prev1_high = _mm_and_si128(_mm_srli_epi16(prev1, 4), low_nibble);
  const __m128i prev1_low = _mm_and_si128(prev1, low_nibble);
  const __m128i input_high = _mm_and_si128(_mm_srli_epi16(input, 4), low_nibble);
  const __m128i special =
      _mm_and_si128(_mm_and_si128(_mm_shuffle_epi8(utf8_load16(utf8_lookup::byte_1_high.bytes), prev1_high),
                                  _mm_shuffle_epi8(utf8_load16(utf8_lookup::byte_1_low.bytes), prev1_low)),
                    _mm_shuffle_epi8(utf8_load16(utf8_lookup::byte_2_high.bytes), input_high));
  // Third and fourth bytes of 3- and 4-byte sequences must be continuations:
  // exactly where two_conts is expected, nowhere else.
  const __m128i prev2 = _mm_alignr_epi8(input, previous, 14);
  const __m128i prev3 = _mm_alignr_epi8(input, previous, 13);
  const __m128i is_third = _mm_subs_epu8(prev2, _mm_set1_epi8(static_cast<char>(0xE0 - 0x80)));
  const __m128i is_fourth = _mm_subs_epu8(prev3, _mm_set1_epi8(static_cast<char>(0xF0 - 0x80)));
  const __m128i must_be_continuation =
      _mm_and_si128(_mm_or_si128(is_third, is_fourth), _mm_set1_epi8(utf8_lookup::two_conts));
  return _mm_xor_si128(must_be_continuation, special);
}

// Non-zero where the block ends inside a multi-byte sequence.
TETHER_SSSE3_FUNCTION __m128i utf8_incomplete16(__m128i input) noexcept {
  return _mm_subs_epu8(input, utf8_load16(utf8_lookup::max_complete_tail + 48));
}

// utf8_check16 without its lookups for an ASCII block, which is valid unless
// the block before it left a sequence open. (Chat text is mostly such blocks;
// in mixed text nearly every block has a non-ASCII byte: the branch predicts.)
TETHER_SSSE3_FUNCTION __m128i utf8_check16_or_ascii(__m128i input, __m128i previous) noexcept {
  if (_mm_movemask_epi8(input) == 0) return utf8_incomplete16(previous);
  return utf8_check16(input, previous);
}

TETHER_SSSE3_FUNCTION bool utf8_any16(__m128i v) noexcept {
  return _mm_movemask_epi8(_mm_cmpeq_epi8(v, _mm_setzero_si128())) != 0xFFFF;
}

// Bytes [i, end) zero-padded, 1 <= end - i < 16, when p holds 16 bytes or more.
TETHER_SSSE3_FUNCTION __m128i utf8_load_tail16(const unsigned char* p, std::size_t i, std::size_t end) noexcept {
  const std::size_t r = end - i;
  if (TETHER_LIKELY(end >= 16)) {  // the 16 bytes that end at `end`, moved to the front
    return _mm_shuffle_epi8(utf8_load16(p + end - 16), utf8_load16(utf8_lookup::shift_to_front + 16 - r));
  }
  return _mm_and_si128(utf8_load16(p), utf8_load16(utf8_lookup::keep_first + 16 - r));  // i == 0
}

// Bytes [0, r) zero-padded, 1 <= r < 16, reading none past r: two overlapping
// loads whose shared bytes are equal, so OR puts each byte once.
TETHER_ALWAYS_INLINE __m128i utf8_load_short16(const unsigned char* p, std::size_t r) noexcept {
  std::uint64_t low = 0, high = 0;
  if (r >= 8) {
    std::memcpy(&low, p, 8);
    if (r > 8) {
      std::uint64_t last;
      std::memcpy(&last, p + r - 8, 8);
      high = last >> (8 * (16 - r));
    }
  } else if (r >= 4) {
    std::uint32_t first, last;
    std::memcpy(&first, p, 4);
    std::memcpy(&last, p + r - 4, 4);
    low = first | (static_cast<std::uint64_t>(last) << (8 * (r - 4)));
  } else {
    low = p[0] | (static_cast<std::uint64_t>(p[r / 2]) << (8 * (r / 2))) |
          (static_cast<std::uint64_t>(p[r - 1]) << (8 * (r - 1)));
  }
  return _mm_set_epi64x(static_cast<long long>(high), static_cast<long long>(low));
}

// n >= 16. The region up to the last code point boundary is checked as a
// complete text; an error sends the whole input to the automaton for the
// exact offset of its first invalid byte.
__attribute__((target("ssse3"))) inline utf8_bulk_result utf8_validate_ssse3(const unsigned char* p,
                                                                             std::size_t n) noexcept {
  const std::size_t end = utf8_last_boundary(p, n);
  __m128i error = _mm_setzero_si128();
  __m128i previous = _mm_setzero_si128();
  std::size_t i = 0;
  for (; i + 16 <= end; i += 16) {
    const __m128i input = utf8_load16(p + i);
    error = _mm_or_si128(error, utf8_check16(input, previous));
    previous = input;
  }
  if (i < end) {
    error = _mm_or_si128(error, utf8_check16(utf8_load_tail16(p, i, end), previous));
  } else {
    error = _mm_or_si128(error, utf8_incomplete16(previous));
  }
  if (TETHER_UNLIKELY(utf8_any16(error))) return utf8_validate_scalar(p, n);
  return {true, end};
}

// 1 <= n < 16: one zero-padded block, no loop.
__attribute__((target("ssse3"))) inline utf8_bulk_result utf8_validate_short_ssse3(const unsigned char* p,
                                                                                   std::size_t n) noexcept {
  const std::size_t end = utf8_last_boundary(p, n);
  if (end == 0) return {true, 0};
  const __m128i input = utf8_load_short16(p, end);
  if (_mm_movemask_epi8(input) == 0) return {true, end};  // ASCII
  if (TETHER_UNLIKELY(utf8_any16(utf8_check16(input, _mm_setzero_si128())))) return utf8_validate_scalar(p, n);
  return {true, end};
}

// Whether the n >= 1 bytes at p, XORed with `mask_key` (a masking key word
// at phase 0, RFC 6455 §5.3; 0 for plain text), are a complete text (a whole
// message): no last boundary to find, no automaton after the blocks. The
// last block is zero-padded, so a sequence left open meets a zero, which is
// not a continuation; a text of whole blocks is checked for one left open at
// its end. p is only read: a masked payload is checked from what the
// unmasking will write, so no load waits on the unmasking's stores.
__attribute__((target("ssse3"))) inline bool utf8_complete_ssse3(const unsigned char* p, std::size_t n,
                                                                 std::uint32_t mask_key = 0) noexcept {
  const __m128i key = _mm_set1_epi32(static_cast<int>(mask_key));
  __m128i error = _mm_setzero_si128();
  __m128i previous = _mm_setzero_si128();
  std::size_t i = 0;
  for (; i + 16 <= n; i += 16) {
    const __m128i input = _mm_xor_si128(utf8_load16(p + i), key);
    error = _mm_or_si128(error, utf8_check16_or_ascii(input, previous));
    previous = input;
  }
  if (i < n) {
    const std::size_t r = n - i;  // at phase 0 of the key: i is a multiple of 16
    const __m128i tail = n >= 16 ? utf8_load_tail16(p, i, n) : utf8_load_short16(p, n);
    const __m128i tail_key = _mm_and_si128(key, utf8_load16(utf8_lookup::keep_first + 16 - r));
    error = _mm_or_si128(error, utf8_check16_or_ascii(_mm_xor_si128(tail, tail_key), previous));
  } else {
    error = _mm_or_si128(error, utf8_incomplete16(previous));
  }
  return !utf8_any16(error);
}

}  // namespace tether::detail

#endif  // TETHER_X86_SIMD

#endif
