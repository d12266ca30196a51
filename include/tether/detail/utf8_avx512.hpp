// tether — header-only, sans-IO WebSocket (RFC 6455). Boost Software License 1.0.
#ifndef TETHER_DETAIL_UTF8_AVX512_HPP
#define TETHER_DETAIL_UTF8_AVX512_HPP

// The lookup algorithm (utf8_lookup.hpp) on 64-byte blocks with AVX-512 BW,
// two at a time with a shortcut for all-ASCII pairs. The last 1-63 bytes are one masked
// load: zero-padded, nothing past the end read, so a sequence left open at
// the end of the checked region is caught like any other (its next byte, a
// zero, is not a continuation). Like the other kernels it checks the input up
// to its last code point boundary as a complete text and sends an invalid
// input to the automaton for the exact offset. Measured on an AMD EPYC with
// AVX-512: about twice the AVX2 kernel's bytes per second on mixed text.
// Called only after the CPU check in cpu.hpp.

#include <cstddef>
#include <cstdint>

#include "../config.hpp"
#include "utf8_lookup.hpp"
#include "utf8_scalar.hpp"

#if TETHER_X86_SIMD
#include "simd512.hpp"

namespace tether::detail {

// Non-zero bytes where a (previous byte, byte) pair or the 3rd/4th byte of a
// sequence breaks RFC 3629 §4; `previous` is the block before `input`.
TETHER_AVX512_FUNCTION simd512::vec utf8_check64(simd512::vec input, simd512::vec previous) noexcept {
  namespace v = simd512;
  // input moved up one lane, the last lane of previous in front: palignr per
  // lane then sees the 16 bytes before each lane of input.
  const v::vec before = v::align_right_qwords<6>(input, previous);
  const v::vec low_nibble = v::splat8(0x0F);
  const v::vec prev1 = v::align_right<15>(input, before);
  const v::vec prev1_high = v::bit_and(v::shift_right16(prev1, 4), low_nibble);
  const v::vec prev1_low = v::bit_and(prev1, low_nibble);
  const v::vec input_high = v::bit_and(v::shift_right16(input, 4), low_nibble);
  const v::vec special =
      v::bit_and(v::bit_and(v::shuffle8(v::load_unaligned(utf8_lookup::byte_1_high.bytes), prev1_high),
                            v::shuffle8(v::load_unaligned(utf8_lookup::byte_1_low.bytes), prev1_low)),
                 v::shuffle8(v::load_unaligned(utf8_lookup::byte_2_high.bytes), input_high));
  // Third and fourth bytes of 3- and 4-byte sequences must be continuations:
  // exactly where two_conts is expected, nowhere else.
  const v::vec prev2 = v::align_right<14>(input, before);
  const v::vec prev3 = v::align_right<13>(input, before);
  const v::vec is_third = v::subtract_saturated_u8(prev2, v::splat8(static_cast<signed char>(0xE0 - 0x80)));
  const v::vec is_fourth = v::subtract_saturated_u8(prev3, v::splat8(static_cast<signed char>(0xF0 - 0x80)));
  const v::vec must_be_continuation =
      v::bit_and(v::bit_or(is_third, is_fourth), v::splat8(static_cast<signed char>(utf8_lookup::two_conts)));
  return v::bit_xor(must_be_continuation, special);
}

// Non-zero where the block ends inside a multi-byte sequence.
TETHER_AVX512_FUNCTION simd512::vec utf8_incomplete64(simd512::vec input) noexcept {
  return simd512::subtract_saturated_u8(input, simd512::load_unaligned(utf8_lookup::max_complete_tail));
}

// The blocks of a text as they are in memory.
struct utf8_blocks_in_place {
  const unsigned char* p;
  TETHER_AVX512_FUNCTION simd512::vec block(std::size_t i) const noexcept { return simd512::load_unaligned(p + i); }
  // The last 1-63 bytes, zero-padded.
  TETHER_AVX512_FUNCTION simd512::vec tail(std::size_t i, std::size_t n) const noexcept {
    return simd512::load_masked(p + i, ~0ull >> (64 - n));
  }
};

// The blocks of a masked text (RFC 6455 §5.3), unmasked as they are read and
// written back unmasked: one pass over the payload instead of an unmasking
// pass and then a checking pass. Blocks start at multiples of 64, so every
// block sees the key at the phase of byte 0.
struct utf8_blocks_unmasking {
  unsigned char* p;
  simd512::vec key;
  TETHER_AVX512_FUNCTION simd512::vec block(std::size_t i) const noexcept {
    const simd512::vec plain = simd512::bit_xor(simd512::load_unaligned(p + i), key);
    simd512::store_unaligned(p + i, plain);
    return plain;
  }
  TETHER_AVX512_FUNCTION simd512::vec tail(std::size_t i, std::size_t n) const noexcept {
    const simd512::mask present = ~0ull >> (64 - n);
    const simd512::vec plain =
        simd512::keep_bytes(present, simd512::bit_xor(simd512::load_masked(p + i, present), key));
    simd512::store_masked(p + i, present, plain);
    return plain;
  }
};

// Non-zero when the first `end` bytes of the text `blocks` reads are not a
// complete UTF-8 text (ill-formed, or ending inside a sequence). Every block
// is read exactly once, whatever it holds.
template <class Blocks>
TETHER_AVX512_FUNCTION simd512::mask utf8_errors_avx512(const Blocks& blocks, std::size_t end) noexcept {
  namespace v = simd512;
  v::vec error = v::zero();
  v::vec previous = v::zero();
  v::vec previous_incomplete = v::zero();
  std::size_t i = 0;
  // Two blocks at a time: one test covers 128 bytes of ASCII.
  for (; i + 128 <= end; i += 128) {
    const v::vec first = blocks.block(i);
    const v::vec second = blocks.block(i + 64);
    if (v::sign_bits8(v::bit_or(first, second)) == 0) {
      error = v::bit_or(error, previous_incomplete);
      previous_incomplete = v::zero();
    } else {
      error = v::bit_or(error, v::bit_or(utf8_check64(first, previous), utf8_check64(second, first)));
      previous_incomplete = utf8_incomplete64(second);
    }
    previous = second;
  }
  if (i + 64 <= end) {
    const v::vec input = blocks.block(i);
    if (v::sign_bits8(input) == 0) {
      // All ASCII: valid unless the previous block left a sequence open.
      error = v::bit_or(error, previous_incomplete);
      previous_incomplete = v::zero();
    } else {
      error = v::bit_or(error, utf8_check64(input, previous));
      previous_incomplete = utf8_incomplete64(input);
    }
    previous = input;
    i += 64;
  }
  if (i < end) {
    // The zero-padded tail catches what the previous block left open.
    error = v::bit_or(error, utf8_check64(blocks.tail(i, end - i), previous));
  } else {
    error = v::bit_or(error, previous_incomplete);
  }
  return v::nonzero8(error);
}

// n >= 1.
__attribute__((target("avx512f,avx512bw"))) inline utf8_bulk_result utf8_validate_avx512(const unsigned char* p,
                                                                                         std::size_t n) noexcept {
  const std::size_t end = utf8_last_boundary(p, n);
  if (TETHER_UNLIKELY(utf8_errors_avx512(utf8_blocks_in_place{p}, end) != 0)) return utf8_validate_scalar(p, n);
  return {true, end};
}

// Whether the n >= 1 bytes at p are a complete text (a whole message).
__attribute__((target("avx512f,avx512bw"))) inline bool utf8_complete_avx512(const unsigned char* p,
                                                                             std::size_t n) noexcept {
  return utf8_errors_avx512(utf8_blocks_in_place{p}, n) == 0;
}

// Unmasks the n >= 1 bytes at p in place with `key` (the 32-bit word of the
// key at phase 0, rotated_key_word) and answers whether they are a complete
// UTF-8 text. All n bytes are unmasked either way.
__attribute__((target("avx512f,avx512bw"))) inline bool utf8_unmask_validate_avx512(unsigned char* p, std::size_t n,
                                                                                    std::uint32_t key) noexcept {
  return utf8_errors_avx512(utf8_blocks_unmasking{p, simd512::splat32(static_cast<int>(key))}, n) == 0;
}

}  // namespace tether::detail

#endif  // TETHER_X86_SIMD

#endif
