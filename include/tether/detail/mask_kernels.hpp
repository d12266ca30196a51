// tether — header-only, sans-IO WebSocket (RFC 6455). Boost Software License 1.0.
#ifndef TETHER_DETAIL_MASK_KERNELS_HPP
#define TETHER_DETAIL_MASK_KERNELS_HPP

// XOR kernels behind tether::apply_mask and tether::copy_masked. Each writes
// dst[i] = src[i] ^ key for any length and alignment, with the key as a 32-bit
// word already rotated to the phase of src[0] (see rotated_key_word); dst and
// src are the same buffer (unmasking in place) or do not overlap (a masked
// copy: each byte is read and written once, which is what a plain copy costs,
// instead of a copy and then a second pass over the copy). The key is
// broadcast once, outside the loops.

#include <cstddef>
#include <cstdint>
#include <cstring>

#include "../config.hpp"
#include "cpu.hpp"

#if TETHER_X86_SIMD
#include <emmintrin.h>

#include "simd256.hpp"
#elif TETHER_NEON_SIMD
#include <arm_neon.h>
#endif

namespace tether::detail {

// From this many bytes on, the AVX2 kernel (behind a CPU check) pays off;
// below it SSE2, part of every x86-64, runs without any check.
constexpr std::size_t mask_avx2_threshold = 256;

// Every kernel below is length-guarded: see TETHER_OVERLAPPING_LOADS_BEGIN.
TETHER_OVERLAPPING_LOADS_BEGIN

// Portable: 8 bytes per step through memcpy'd words, then the tail bytewise.
TETHER_ALWAYS_INLINE void mask_words(unsigned char* dst, const unsigned char* src, std::size_t size,
                                     std::uint32_t key) noexcept {
  const std::uint64_t key64 = (std::uint64_t{key} << 32) | key;
  std::size_t i = 0;
  for (; i + 8 <= size; i += 8) {
    std::uint64_t chunk;
    std::memcpy(&chunk, src + i, 8);
    chunk ^= key64;
    std::memcpy(dst + i, &chunk, 8);
  }
  if (i + 4 <= size) {
    std::uint32_t chunk;
    std::memcpy(&chunk, src + i, 4);
    chunk ^= key;
    std::memcpy(dst + i, &chunk, 4);
    i += 4;
  }
  // The remaining 0-3 bytes start at phase 0 of the rotated key again.
  unsigned char key_bytes[4];
  std::memcpy(key_bytes, &key, 4);
  for (std::size_t k = 0; i < size; ++i, ++k) dst[i] = static_cast<unsigned char>(src[i] ^ key_bytes[k]);
}

// Under 32 bytes: a few overlapping word operations and no loop. Every word is
// loaded before any is stored, and each is XORed with the key at its own
// phase, so bytes covered twice get the same (correct) value from both stores.
TETHER_ALWAYS_INLINE void mask_small(unsigned char* dst, const unsigned char* src, std::size_t size,
                                     std::uint32_t key) noexcept {
  const std::uint64_t key64 = (std::uint64_t{key} << 32) | key;
  // The key for a word starting at byte `offset` (memory order, little- or big-endian).
  auto key_at = [key64](std::size_t offset) -> std::uint64_t {
    const unsigned shift = static_cast<unsigned>(offset & 3) * 8;
    if (shift == 0) return key64;
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__
    return (key64 << shift) | (key64 >> (64 - shift));
#else
    return (key64 >> shift) | (key64 << (64 - shift));
#endif
  };
  if (size >= 8) {
    std::uint64_t a, b, c, d;
    const std::size_t mid = size > 16 ? size - 16 : 0;
    std::memcpy(&a, src, 8);
    std::memcpy(&d, src + size - 8, 8);
    if (size > 16) {
      std::memcpy(&b, src + 8, 8);
      std::memcpy(&c, src + mid, 8);
      b ^= key64;
      c ^= key_at(mid);
      std::memcpy(dst + 8, &b, 8);
      std::memcpy(dst + mid, &c, 8);
    }
    a ^= key64;
    d ^= key_at(size - 8);
    std::memcpy(dst, &a, 8);
    std::memcpy(dst + size - 8, &d, 8);
    return;
  }
  if (size >= 4) {
    std::uint32_t a, b;
    std::memcpy(&a, src, 4);
    std::memcpy(&b, src + size - 4, 4);
    a ^= key;
    b ^= static_cast<std::uint32_t>(key_at(size - 4));
    std::memcpy(dst, &a, 4);
    std::memcpy(dst + size - 4, &b, 4);
    return;
  }
  unsigned char key_bytes[4];
  std::memcpy(key_bytes, &key, 4);
  for (std::size_t i = 0; i < size; ++i) dst[i] = static_cast<unsigned char>(src[i] ^ key_bytes[i]);
}

#if TETHER_X86_SIMD

inline void mask_sse2(unsigned char* dst, const unsigned char* src, std::size_t size, std::uint32_t key) noexcept {
  const __m128i key128 = _mm_set1_epi32(static_cast<int>(key));
  std::size_t i = 0;
  for (; i + 64 <= size; i += 64) {
    const auto* in = reinterpret_cast<const __m128i*>(src + i);
    auto* out = reinterpret_cast<__m128i*>(dst + i);
    const __m128i a = _mm_xor_si128(_mm_loadu_si128(in), key128);
    const __m128i b = _mm_xor_si128(_mm_loadu_si128(in + 1), key128);
    const __m128i c = _mm_xor_si128(_mm_loadu_si128(in + 2), key128);
    const __m128i d = _mm_xor_si128(_mm_loadu_si128(in + 3), key128);
    _mm_storeu_si128(out, a);
    _mm_storeu_si128(out + 1, b);
    _mm_storeu_si128(out + 2, c);
    _mm_storeu_si128(out + 3, d);
  }
  for (; i + 16 <= size; i += 16) {
    _mm_storeu_si128(reinterpret_cast<__m128i*>(dst + i),
                     _mm_xor_si128(_mm_loadu_si128(reinterpret_cast<const __m128i*>(src + i)), key128));
  }
  mask_words(dst + i, src + i, size - i, key);  // i is a multiple of 4: the phase is unchanged
}

// The key word for data that starts `offset` bytes later.
inline std::uint32_t advance_key(std::uint32_t key, std::size_t offset) noexcept {
  const unsigned shift = static_cast<unsigned>(offset & 3) * 8;
  if (shift == 0) return key;
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__
  return (key << shift) | (key >> (32 - shift));
#else
  return (key >> shift) | (key << (32 - shift));
#endif
}

__attribute__((target("avx2"))) inline void mask_avx2(unsigned char* dst, const unsigned char* src, std::size_t size,
                                                      std::uint32_t key) noexcept {
  namespace v = simd256;
  // Payloads sit behind 2-14 header bytes, so they are rarely aligned: mask
  // up to the next 32-byte boundary of dst first, then stream with aligned
  // stores (no store splits a cache line; in place, no load does either).
  std::size_t head = (32 - (reinterpret_cast<std::uintptr_t>(dst) & 31)) & 31;
  if (head > size) head = size;
  if (head != 0) {
    mask_small(dst, src, head, key);
    key = advance_key(key, head);
    dst += head;
    src += head;
    size -= head;
  }
  const v::vec key256 = v::splat32(static_cast<int>(key));
  std::size_t i = 0;
  for (; i + 128 <= size; i += 128) {
    const v::vec a = v::bit_xor(v::load_unaligned(src + i), key256);
    const v::vec b = v::bit_xor(v::load_unaligned(src + i + 32), key256);
    const v::vec c = v::bit_xor(v::load_unaligned(src + i + 64), key256);
    const v::vec d = v::bit_xor(v::load_unaligned(src + i + 96), key256);
    v::store_aligned(dst + i, a);
    v::store_aligned(dst + i + 32, b);
    v::store_aligned(dst + i + 64, c);
    v::store_aligned(dst + i + 96, d);
  }
  for (; i + 32 <= size; i += 32) v::store_aligned(dst + i, v::bit_xor(v::load_unaligned(src + i), key256));
  mask_small(dst + i, src + i, size - i, key);
}

TETHER_ALWAYS_INLINE void mask_any(unsigned char* dst, const unsigned char* src, std::size_t size,
                                   std::uint32_t key) noexcept {
  if (size < 32) {
    mask_small(dst, src, size, key);  // small frames: no loop at all
  } else if (size >= mask_avx2_threshold && cpu_has_avx2) {
    mask_avx2(dst, src, size, key);
  } else {
    mask_sse2(dst, src, size, key);
  }
}

#elif TETHER_NEON_SIMD

inline void mask_neon(unsigned char* dst, const unsigned char* src, std::size_t size, std::uint32_t key) noexcept {
  const uint8x16_t key128 = vreinterpretq_u8_u32(vdupq_n_u32(key));
  std::size_t i = 0;
  for (; i + 64 <= size; i += 64) {
    uint8x16x4_t block = vld1q_u8_x4(src + i);
    block.val[0] = veorq_u8(block.val[0], key128);
    block.val[1] = veorq_u8(block.val[1], key128);
    block.val[2] = veorq_u8(block.val[2], key128);
    block.val[3] = veorq_u8(block.val[3], key128);
    vst1q_u8_x4(dst + i, block);
  }
  for (; i + 16 <= size; i += 16) vst1q_u8(dst + i, veorq_u8(vld1q_u8(src + i), key128));
  mask_words(dst + i, src + i, size - i, key);
}

TETHER_ALWAYS_INLINE void mask_any(unsigned char* dst, const unsigned char* src, std::size_t size,
                                   std::uint32_t key) noexcept {
  if (size < 32) {
    mask_small(dst, src, size, key);
  } else {
    mask_neon(dst, src, size, key);
  }
}

#else

TETHER_ALWAYS_INLINE void mask_any(unsigned char* dst, const unsigned char* src, std::size_t size,
                                   std::uint32_t key) noexcept {
  if (size < 32) {
    mask_small(dst, src, size, key);
  } else {
    mask_words(dst, src, size, key);
  }
}

#endif

TETHER_OVERLAPPING_LOADS_END

}  // namespace tether::detail

#endif
