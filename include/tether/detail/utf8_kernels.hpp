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
#include <initializer_list>

#include "../config.hpp"
#include "cpu.hpp"
#include "utf8_dfa.hpp"

#if TETHER_X86_SIMD
#include <emmintrin.h>

#include "simd256.hpp"
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

// A 16-entry nibble table, repeated in both 128-bit lanes (shuffles work per lane).
struct utf8_lane_table {
  signed char bytes[32];
  constexpr utf8_lane_table(std::initializer_list<int> entries) : bytes{} {
    int i = 0;
    for (int entry : entries) {
      bytes[i] = bytes[i + 16] = static_cast<signed char>(entry);
      ++i;
    }
  }
};

namespace utf8_lookup {
// Indexed by the high nibble of the previous byte.
inline constexpr utf8_lane_table byte_1_high = {too_long,
                                                too_long,
                                                too_long,
                                                too_long,
                                                too_long,
                                                too_long,
                                                too_long,
                                                too_long,  // 0___ ASCII
                                                two_conts,
                                                two_conts,
                                                two_conts,
                                                two_conts,                           // 10__ continuation
                                                too_short | overlong_2,              // 1100 C0-CF
                                                too_short,                           // 1101 D0-DF
                                                too_short | overlong_3 | surrogate,  // 1110 E0-EF
                                                too_short | too_large | too_large_1000 | overlong_4};  // 1111 F0-FF
// Indexed by the low nibble of the previous byte.
inline constexpr utf8_lane_table byte_1_low = {carry | overlong_3 | overlong_2 | overlong_4,  // ____0000
                                               carry | overlong_2,                            // ____0001
                                               carry,
                                               carry,                               // ____001_
                                               carry | too_large,                   // ____0100
                                               carry | too_large | too_large_1000,  // ____0101
                                               carry | too_large | too_large_1000,
                                               carry | too_large | too_large_1000,
                                               carry | too_large | too_large_1000,
                                               carry | too_large | too_large_1000,
                                               carry | too_large | too_large_1000,
                                               carry | too_large | too_large_1000,
                                               carry | too_large | too_large_1000,
                                               carry | too_large | too_large_1000 | surrogate,  // ____1101
                                               carry | too_large | too_large_1000,
                                               carry | too_large | too_large_1000};
// Indexed by the high nibble of the byte itself.
inline constexpr utf8_lane_table byte_2_high = {
    too_short,
    too_short,
    too_short,
    too_short,
    too_short,
    too_short,
    too_short,
    too_short,                                                                     // 0___
    too_long | overlong_2 | two_conts | overlong_3 | too_large_1000 | overlong_4,  // 1000
    too_long | overlong_2 | two_conts | overlong_3 | too_large,                    // 1001
    too_long | overlong_2 | two_conts | surrogate | too_large,                     // 1010
    too_long | overlong_2 | two_conts | surrogate | too_large,                     // 1011
    too_short,
    too_short,
    too_short,
    too_short};  // 11__
// The largest byte that may end a block in each of its last three places.
inline constexpr signed char max_complete_tail[32] = {-1,
                                                      -1,
                                                      -1,
                                                      -1,
                                                      -1,
                                                      -1,
                                                      -1,
                                                      -1,
                                                      -1,
                                                      -1,
                                                      -1,
                                                      -1,
                                                      -1,
                                                      -1,
                                                      -1,
                                                      -1,
                                                      -1,
                                                      -1,
                                                      -1,
                                                      -1,
                                                      -1,
                                                      -1,
                                                      -1,
                                                      -1,
                                                      -1,
                                                      -1,
                                                      -1,
                                                      -1,
                                                      -1,
                                                      static_cast<signed char>(0xF0 - 1),
                                                      static_cast<signed char>(0xE0 - 1),
                                                      static_cast<signed char>(0xC0 - 1)};
}  // namespace utf8_lookup

template <int N>
TETHER_AVX2_FUNCTION simd256::vec utf8_shift_in(simd256::vec input, simd256::vec previous) noexcept {
  // The 32 bytes that end N bytes before the end of input.
  return simd256::align_right<16 - N>(input, simd256::permute_lanes<0x21>(previous, input));
}

TETHER_AVX2_FUNCTION simd256::vec utf8_check_block(simd256::vec input, simd256::vec previous) noexcept {
  namespace v = simd256;
  const v::vec low_nibble = v::splat8(0x0F);
  const v::vec prev1 = utf8_shift_in<1>(input, previous);
  const v::vec prev1_high = v::bit_and(v::shift_right16(prev1, 4), low_nibble);
  const v::vec prev1_low = v::bit_and(prev1, low_nibble);
  const v::vec input_high = v::bit_and(v::shift_right16(input, 4), low_nibble);
  const v::vec special = v::bit_and(v::bit_and(v::shuffle8(v::from_bytes(utf8_lookup::byte_1_high.bytes), prev1_high),
                                               v::shuffle8(v::from_bytes(utf8_lookup::byte_1_low.bytes), prev1_low)),
                                    v::shuffle8(v::from_bytes(utf8_lookup::byte_2_high.bytes), input_high));
  // Third and fourth bytes of 3- and 4-byte sequences must be continuations:
  // exactly where two_conts is expected, nowhere else.
  const v::vec prev2 = utf8_shift_in<2>(input, previous);
  const v::vec prev3 = utf8_shift_in<3>(input, previous);
  const v::vec is_third = v::subtract_saturated_u8(prev2, v::splat8(static_cast<signed char>(0xE0 - 0x80)));
  const v::vec is_fourth = v::subtract_saturated_u8(prev3, v::splat8(static_cast<signed char>(0xF0 - 0x80)));
  const v::vec must_be_continuation =
      v::bit_and(v::bit_or(is_third, is_fourth), v::splat8(static_cast<signed char>(utf8_lookup::two_conts)));
  return v::bit_xor(must_be_continuation, special);
}

// Non-zero where the block ends inside a multi-byte sequence.
TETHER_AVX2_FUNCTION simd256::vec utf8_incomplete_tail(simd256::vec input) noexcept {
  return simd256::subtract_saturated_u8(input, simd256::from_bytes(utf8_lookup::max_complete_tail));
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
  namespace v = simd256;
  v::vec error = v::zero();
  v::vec previous = v::zero();
  v::vec previous_incomplete = v::zero();
  std::size_t i = 0;
  for (; i + 64 <= n; i += 64) {
    const v::vec first = v::load_unaligned(p + i);
    const v::vec second = v::load_unaligned(p + i + 32);
    if (v::movemask8(v::bit_or(first, second)) == 0) {
      // All ASCII: valid unless the previous block left a sequence open.
      error = v::bit_or(error, previous_incomplete);
      previous_incomplete = v::zero();
    } else {
      error = v::bit_or(error, utf8_check_block(first, previous));
      error = v::bit_or(error, utf8_check_block(second, first));
      previous_incomplete = utf8_incomplete_tail(second);
    }
    previous = second;
  }
  if (!v::all_zero(error)) {
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
