// tether — header-only, sans-IO WebSocket (RFC 6455). Boost Software License 1.0.
#ifndef TETHER_DETAIL_UTF8_KERNELS_HPP
#define TETHER_DETAIL_UTF8_KERNELS_HPP

// Bulk UTF-8 validation behind tether::utf8_validator. The input starts on a
// code point boundary. The result is either the offset of the first invalid
// byte, or the offset of the last code point boundary (the caller's automaton
// takes the 0-3 bytes of an unfinished code point from there).
//
// x86-64 with AVX2: the lookup algorithm of Keiser and Lemire ("Validating
// UTF-8 in less than one instruction per byte", 2021): three 16-entry nibble
// tables classify every (previous byte, byte) pair, and a saturating-subtract
// test checks that the 3rd and 4th bytes of long sequences are continuations.
// Everywhere: an ASCII skip of 16 (SSE2) or 8 bytes, then the automaton.

#include <cstddef>
#include <cstdint>
#include <cstring>

#include "../config.hpp"
#include "cpu.hpp"
#include "utf8_dfa.hpp"

#if TETHER_X86_SIMD
#include <immintrin.h>
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

// The portable path: skip ASCII blocks, walk multi-byte sequences with the automaton.
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

#if TETHER_X86_SIMD

namespace utf8_lookup {
// Error bits of the lookup algorithm; each names the byte pattern it flags.
constexpr char too_short = 1 << 0;   // lead byte, then no continuation
constexpr char too_long = 1 << 1;    // ASCII, then continuation
constexpr char overlong_3 = 1 << 2;  // E0 80..9F
constexpr char too_large = 1 << 3;   // F4 90..BF, F5..FF
constexpr char surrogate = 1 << 4;   // ED A0..BF
constexpr char overlong_2 = 1 << 5;  // C0, C1
constexpr char too_large_1000 = 1 << 6;
constexpr char overlong_4 = 1 << 6;                  // F0 80..8F
constexpr char two_conts = static_cast<char>(0x80);  // continuation after continuation
constexpr char carry = too_short | too_long | two_conts;
}  // namespace utf8_lookup

template <int N>
__attribute__((target("avx2"))) inline __m256i utf8_shift_in(__m256i input, __m256i previous) noexcept {
  // The 32 bytes that end N bytes before the end of input.
  return _mm256_alignr_epi8(input, _mm256_permute2x128_si256(previous, input, 0x21), 16 - N);
}

__attribute__((target("avx2"))) inline __m256i utf8_check_block(__m256i input, __m256i previous) noexcept {
  using namespace utf8_lookup;
  const __m256i low_nibble = _mm256_set1_epi8(0x0F);
  const __m256i prev1 = utf8_shift_in<1>(input, previous);

  const __m256i byte_1_high_table =
      _mm256_setr_epi8(too_long, too_long, too_long, too_long, too_long, too_long, too_long, too_long,  //
                       two_conts, two_conts, two_conts, two_conts, too_short | overlong_2, too_short,
                       too_short | overlong_3 | surrogate, too_short | too_large | too_large_1000 | overlong_4,  //
                       too_long, too_long, too_long, too_long, too_long, too_long, too_long, too_long,           //
                       two_conts, two_conts, two_conts, two_conts, too_short | overlong_2, too_short,
                       too_short | overlong_3 | surrogate, too_short | too_large | too_large_1000 | overlong_4);
  const __m256i byte_1_low_table = _mm256_setr_epi8(
      carry | overlong_3 | overlong_2 | overlong_4, carry | overlong_2, carry, carry, carry | too_large,
      carry | too_large | too_large_1000, carry | too_large | too_large_1000, carry | too_large | too_large_1000,
      carry | too_large | too_large_1000, carry | too_large | too_large_1000, carry | too_large | too_large_1000,
      carry | too_large | too_large_1000, carry | too_large | too_large_1000,
      carry | too_large | too_large_1000 | surrogate, carry | too_large | too_large_1000,
      carry | too_large | too_large_1000,  //
      carry | overlong_3 | overlong_2 | overlong_4, carry | overlong_2, carry, carry, carry | too_large,
      carry | too_large | too_large_1000, carry | too_large | too_large_1000, carry | too_large | too_large_1000,
      carry | too_large | too_large_1000, carry | too_large | too_large_1000, carry | too_large | too_large_1000,
      carry | too_large | too_large_1000, carry | too_large | too_large_1000,
      carry | too_large | too_large_1000 | surrogate, carry | too_large | too_large_1000,
      carry | too_large | too_large_1000);
  const __m256i byte_2_high_table = _mm256_setr_epi8(
      too_short, too_short, too_short, too_short, too_short, too_short, too_short, too_short,
      too_long | overlong_2 | two_conts | overlong_3 | too_large_1000 | overlong_4,
      too_long | overlong_2 | two_conts | overlong_3 | too_large,
      too_long | overlong_2 | two_conts | surrogate | too_large,
      too_long | overlong_2 | two_conts | surrogate | too_large, too_short, too_short, too_short, too_short,  //
      too_short, too_short, too_short, too_short, too_short, too_short, too_short, too_short,
      too_long | overlong_2 | two_conts | overlong_3 | too_large_1000 | overlong_4,
      too_long | overlong_2 | two_conts | overlong_3 | too_large,
      too_long | overlong_2 | two_conts | surrogate | too_large,
      too_long | overlong_2 | two_conts | surrogate | too_large, too_short, too_short, too_short, too_short);

  const __m256i prev1_high = _mm256_and_si256(_mm256_srli_epi16(prev1, 4), low_nibble);
  const __m256i prev1_low = _mm256_and_si256(prev1, low_nibble);
  const __m256i input_high = _mm256_and_si256(_mm256_srli_epi16(input, 4), low_nibble);
  const __m256i special = _mm256_and_si256(_mm256_and_si256(_mm256_shuffle_epi8(byte_1_high_table, prev1_high),
                                                            _mm256_shuffle_epi8(byte_1_low_table, prev1_low)),
                                           _mm256_shuffle_epi8(byte_2_high_table, input_high));

  // Third and fourth bytes of 3- and 4-byte sequences must be continuations:
  // exactly where two_conts is expected, nowhere else.
  const __m256i prev2 = utf8_shift_in<2>(input, previous);
  const __m256i prev3 = utf8_shift_in<3>(input, previous);
  const __m256i is_third = _mm256_subs_epu8(prev2, _mm256_set1_epi8(static_cast<char>(0xE0 - 0x80)));
  const __m256i is_fourth = _mm256_subs_epu8(prev3, _mm256_set1_epi8(static_cast<char>(0xF0 - 0x80)));
  const __m256i must_be_continuation =
      _mm256_and_si256(_mm256_or_si256(is_third, is_fourth), _mm256_set1_epi8(two_conts));
  return _mm256_xor_si256(must_be_continuation, special);
}

// Non-zero where the block ends inside a multi-byte sequence.
__attribute__((target("avx2"))) inline __m256i utf8_incomplete_tail(__m256i input) noexcept {
  const __m256i max_complete =
      _mm256_setr_epi8(-1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1,  //
                       -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, static_cast<char>(0xF0 - 1),
                       static_cast<char>(0xE0 - 1), static_cast<char>(0xC0 - 1));
  return _mm256_subs_epu8(input, max_complete);
}

// Start of the last code point if the region ends inside it, else end.
inline std::size_t utf8_last_boundary(const unsigned char* p, std::size_t end) noexcept {
  for (std::size_t back = 1; back <= 3 && back <= end; ++back) {
    const unsigned char byte = p[end - back];
    if ((byte & 0xC0) == 0x80) continue;  // continuation: keep looking for the lead
    const std::size_t length = byte < 0x80 ? 1 : byte < 0xE0 ? 2 : byte < 0xF0 ? 3 : 4;
    return length > back ? end - back : end;
  }
  return end;
}

__attribute__((target("avx2"))) inline utf8_bulk_result utf8_validate_avx2(const unsigned char* p,
                                                                           std::size_t n) noexcept {
  __m256i error = _mm256_setzero_si256();
  __m256i previous = _mm256_setzero_si256();
  __m256i previous_incomplete = _mm256_setzero_si256();
  std::size_t i = 0;
  for (; i + 64 <= n; i += 64) {
    const __m256i first = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(p + i));
    const __m256i second = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(p + i + 32));
    if (_mm256_movemask_epi8(_mm256_or_si256(first, second)) == 0) {
      // All ASCII: valid unless the previous block left a sequence open.
      error = _mm256_or_si256(error, previous_incomplete);
      previous_incomplete = _mm256_setzero_si256();
    } else {
      error = _mm256_or_si256(error, utf8_check_block(first, previous));
      error = _mm256_or_si256(error, utf8_check_block(second, first));
      previous_incomplete = utf8_incomplete_tail(second);
    }
    previous = second;
  }
  if (!_mm256_testz_si256(error, error)) {
    // Rare path: the automaton finds the exact offset of the first invalid byte.
    const utf8_bulk_result exact = utf8_validate_scalar(p, i);
    return exact.valid ? utf8_validate_scalar(p, n) : exact;
  }
  const std::size_t resume = utf8_last_boundary(p, i);
  const utf8_bulk_result rest = utf8_validate_scalar(p + resume, n - resume);
  return {rest.valid, resume + rest.offset};
}

#endif  // TETHER_X86_SIMD

inline utf8_bulk_result utf8_validate_bulk(const unsigned char* p, std::size_t n) noexcept {
#if TETHER_X86_SIMD
  if (n >= 64 && cpu_has_avx2) return utf8_validate_avx2(p, n);
#endif
  return utf8_validate_scalar(p, n);
}

}  // namespace tether::detail

#endif
