// tether — header-only, sans-IO WebSocket (RFC 6455). Boost Software License 1.0.
#ifndef TETHER_DETAIL_UTF8_AVX2_HPP
#define TETHER_DETAIL_UTF8_AVX2_HPP

// The lookup algorithm (utf8_lookup.hpp) on 32-byte blocks, two at a time
// with a shortcut for all-ASCII pairs, then one 32-byte step, then the last
// 1-31 bytes with the 16-byte kernel (utf8_ssse3.hpp). Like that kernel it
// checks the input up to its last code point boundary as a complete text and
// sends an invalid input to the automaton for the exact offset. Called only
// after the CPU check in cpu.hpp.

#include <cstddef>

#include "../config.hpp"
#include "utf8_lookup.hpp"
#include "utf8_scalar.hpp"
#include "utf8_ssse3.hpp"

#if TETHER_X86_SIMD
#include "simd256.hpp"

namespace tether::detail {

template <int N>
TETHER_AVX2_FUNCTION simd256::vec utf8_shift_in(simd256::vec input, simd256::vec previous) noexcept {
  // The 32 bytes that end N bytes before the end of input.
  return simd256::align_right<16 - N>(input, simd256::permute_lanes<0x21>(previous, input));
}

// Non-zero bytes where a (previous byte, byte) pair or the 3rd/4th byte of a
// sequence breaks RFC 3629 §4; `previous` is the block before `input`.
TETHER_AVX2_FUNCTION simd256::vec utf8_check32(simd256::vec input, simd256::vec previous) noexcept {
  namespace v = simd256;
  const v::vec low_nibble = v::splat8(0x0F);
  const v::vec prev1 = utf8_shift_in<1>(input, previous);
  const v::vec prev1_high = v::bit_and(v::shift_right16(prev1, 4), low_nibble);
  const v::vec prev1_low = v::bit_and(prev1, low_nibble);
  const v::vec input_high = v::bit_and(v::shift_right16(input, 4), low_nibble);
  const v::vec special =
      v::bit_and(v::bit_and(v::shuffle8(v::load_unaligned(utf8_lookup::byte_1_high.bytes), prev1_high),
                            v::shuffle8(v::load_unaligned(utf8_lookup::byte_1_low.bytes), prev1_low)),
                 v::shuffle8(v::load_unaligned(utf8_lookup::byte_2_high.bytes), input_high));
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
TETHER_AVX2_FUNCTION simd256::vec utf8_incomplete32(simd256::vec input) noexcept {
  return simd256::subtract_saturated_u8(input, simd256::load_unaligned(utf8_lookup::max_complete_tail + 32));
}

// n >= 32.
__attribute__((target("avx2"))) inline utf8_bulk_result utf8_validate_avx2(const unsigned char* p,
                                                                           std::size_t n) noexcept {
  namespace v = simd256;
  const std::size_t end = utf8_last_boundary(p, n);  // >= 29
  v::vec error = v::zero();
  v::vec previous = v::zero();
  v::vec previous_incomplete = v::zero();
  std::size_t i = 0;
  for (; i + 64 <= end; i += 64) {
    const v::vec first = v::load_unaligned(p + i);
    const v::vec second = v::load_unaligned(p + i + 32);
    if (v::movemask8(v::bit_or(first, second)) == 0) {
      // All ASCII: valid unless the previous block left a sequence open.
      error = v::bit_or(error, previous_incomplete);
      previous_incomplete = v::zero();
    } else {
      error = v::bit_or(error, utf8_check32(first, previous));
      error = v::bit_or(error, utf8_check32(second, first));
      previous_incomplete = utf8_incomplete32(second);
    }
    previous = second;
  }
  if (i + 32 <= end) {
    const v::vec input = v::load_unaligned(p + i);
    error = v::bit_or(error, utf8_check32(input, previous));
    i += 32;
  }
  // The last 0-31 bytes. Whatever follows a block catches a sequence it left
  // open (previous_incomplete is only needed past an ASCII shortcut); with
  // nothing after it, the last three bytes are checked on their own.
  __m128i error16 = _mm_setzero_si128();
  __m128i previous16 = i == 0 ? _mm_setzero_si128() : utf8_load16(p + i - 16);
  if (i + 16 <= end) {
    const __m128i input = utf8_load16(p + i);
    error16 = utf8_check16(input, previous16);
    previous16 = input;
    i += 16;
  }
  if (i < end) {
    error16 = _mm_or_si128(error16, utf8_check16(utf8_load_tail16(p, i, end), previous16));
  } else {
    error16 = _mm_or_si128(error16, utf8_incomplete16(previous16));
  }
  if (TETHER_UNLIKELY(!v::all_zero(error) || utf8_any16(error16))) return utf8_validate_scalar(p, n);
  return {true, end};
}

}  // namespace tether::detail

#endif  // TETHER_X86_SIMD

#endif
