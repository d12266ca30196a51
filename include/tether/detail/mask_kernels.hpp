// tether — header-only, sans-IO WebSocket (RFC 6455). Boost Software License 1.0.
#ifndef TETHER_DETAIL_MASK_KERNELS_HPP
#define TETHER_DETAIL_MASK_KERNELS_HPP

// XOR kernels behind tether::apply_mask. Each takes the key as a 32-bit word
// already rotated to the phase of data[0] (see rotated_key_word) and handles
// any length and alignment. The key is broadcast once, outside the loops.

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

// Portable: 8 bytes per step through memcpy'd words, then the tail bytewise.
TETHER_ALWAYS_INLINE void mask_words(unsigned char* data, std::size_t size, std::uint32_t key) noexcept {
  const std::uint64_t key64 = (std::uint64_t{key} << 32) | key;
  std::size_t i = 0;
  for (; i + 8 <= size; i += 8) {
    std::uint64_t chunk;
    std::memcpy(&chunk, data + i, 8);
    chunk ^= key64;
    std::memcpy(data + i, &chunk, 8);
  }
  if (i + 4 <= size) {
    std::uint32_t chunk;
    std::memcpy(&chunk, data + i, 4);
    chunk ^= key;
    std::memcpy(data + i, &chunk, 4);
    i += 4;
  }
  // The remaining 0-3 bytes start at phase 0 of the rotated key again.
  unsigned char key_bytes[4];
  std::memcpy(key_bytes, &key, 4);
  for (std::size_t k = 0; i < size; ++i, ++k) data[i] ^= key_bytes[k];
}

// Under 32 bytes: a few overlapping word operations and no loop. Every word is
// loaded before any is stored, and each is XORed with the key at its own
// phase, so bytes covered twice get the same (correct) value from both stores.
TETHER_OVERLAPPING_LOADS_BEGIN
TETHER_ALWAYS_INLINE void mask_small(unsigned char* data, std::size_t size, std::uint32_t key) noexcept {
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
    std::memcpy(&a, data, 8);
    std::memcpy(&d, data + size - 8, 8);
    if (size > 16) {
      std::memcpy(&b, data + 8, 8);
      std::memcpy(&c, data + mid, 8);
      b ^= key64;
      c ^= key_at(mid);
      std::memcpy(data + 8, &b, 8);
      std::memcpy(data + mid, &c, 8);
    }
    a ^= key64;
    d ^= key_at(size - 8);
    std::memcpy(data, &a, 8);
    std::memcpy(data + size - 8, &d, 8);
    return;
  }
  if (size >= 4) {
    std::uint32_t a, b;
    std::memcpy(&a, data, 4);
    std::memcpy(&b, data + size - 4, 4);
    a ^= key;
    b ^= static_cast<std::uint32_t>(key_at(size - 4));
    std::memcpy(data, &a, 4);
    std::memcpy(data + size - 4, &b, 4);
    return;
  }
  unsigned char key_bytes[4];
  std::memcpy(key_bytes, &key, 4);
  for (std::size_t i = 0; i < size; ++i) data[i] ^= key_bytes[i];
}
TETHER_OVERLAPPING_LOADS_END

#if TETHER_X86_SIMD

inline void mask_sse2(unsigned char* data, std::size_t size, std::uint32_t key) noexcept {
  const __m128i key128 = _mm_set1_epi32(static_cast<int>(key));
  std::size_t i = 0;
  for (; i + 64 <= size; i += 64) {
    auto* p = reinterpret_cast<__m128i*>(data + i);
    const __m128i a = _mm_xor_si128(_mm_loadu_si128(p), key128);
    const __m128i b = _mm_xor_si128(_mm_loadu_si128(p + 1), key128);
    const __m128i c = _mm_xor_si128(_mm_loadu_si128(p + 2), key128);
    const __m128i d = _mm_xor_si128(_mm_loadu_si128(p + 3), key128);
    _mm_storeu_si128(p, a);
    _mm_storeu_si128(p + 1, b);
    _mm_storeu_si128(p + 2, c);
    _mm_storeu_si128(p + 3, d);
  }
  for (; i + 16 <= size; i += 16) {
    auto* p = reinterpret_cast<__m128i*>(data + i);
    _mm_storeu_si128(p, _mm_xor_si128(_mm_loadu_si128(p), key128));
  }
  mask_words(data + i, size - i, key);  // i is a multiple of 4: the phase is unchanged
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

__attribute__((target("avx2"))) inline void mask_avx2(unsigned char* data, std::size_t size,
                                                      std::uint32_t key) noexcept {
  namespace v = simd256;
  // Payloads sit behind 2-14 header bytes, so they are rarely aligned: mask
  // up to the next 32-byte boundary first, then stream with aligned accesses
  // (no load or store splits a cache line).
  std::size_t head = (32 - (reinterpret_cast<std::uintptr_t>(data) & 31)) & 31;
  if (head > size) head = size;
  if (head != 0) {
    mask_small(data, head, key);
    key = advance_key(key, head);
    data += head;
    size -= head;
  }
  const v::vec key256 = v::splat32(static_cast<int>(key));
  std::size_t i = 0;
  for (; i + 128 <= size; i += 128) {
    unsigned char* p = data + i;
    const v::vec a = v::bit_xor(v::load_aligned(p), key256);
    const v::vec b = v::bit_xor(v::load_aligned(p + 32), key256);
    const v::vec c = v::bit_xor(v::load_aligned(p + 64), key256);
    const v::vec d = v::bit_xor(v::load_aligned(p + 96), key256);
    v::store_aligned(p, a);
    v::store_aligned(p + 32, b);
    v::store_aligned(p + 64, c);
    v::store_aligned(p + 96, d);
  }
  for (; i + 32 <= size; i += 32) v::store_aligned(data + i, v::bit_xor(v::load_aligned(data + i), key256));
  mask_small(data + i, size - i, key);
}

TETHER_ALWAYS_INLINE void mask_any(unsigned char* data, std::size_t size, std::uint32_t key) noexcept {
  if (size < 32) {
    mask_small(data, size, key);  // small frames: no loop at all
  } else if (size >= mask_avx2_threshold && cpu_has_avx2) {
    mask_avx2(data, size, key);
  } else {
    mask_sse2(data, size, key);
  }
}

#elif TETHER_NEON_SIMD

inline void mask_neon(unsigned char* data, std::size_t size, std::uint32_t key) noexcept {
  const uint8x16_t key128 = vreinterpretq_u8_u32(vdupq_n_u32(key));
  std::size_t i = 0;
  for (; i + 64 <= size; i += 64) {
    uint8x16x4_t block = vld1q_u8_x4(data + i);
    block.val[0] = veorq_u8(block.val[0], key128);
    block.val[1] = veorq_u8(block.val[1], key128);
    block.val[2] = veorq_u8(block.val[2], key128);
    block.val[3] = veorq_u8(block.val[3], key128);
    vst1q_u8_x4(data + i, block);
  }
  for (; i + 16 <= size; i += 16) vst1q_u8(data + i, veorq_u8(vld1q_u8(data + i), key128));
  mask_words(data + i, size - i, key);
}

TETHER_ALWAYS_INLINE void mask_any(unsigned char* data, std::size_t size, std::uint32_t key) noexcept {
  if (size < 32) {
    mask_small(data, size, key);
  } else {
    mask_neon(data, size, key);
  }
}

#else

TETHER_ALWAYS_INLINE void mask_any(unsigned char* data, std::size_t size, std::uint32_t key) noexcept {
  if (size < 32) {
    mask_small(data, size, key);
  } else {
    mask_words(data, size, key);
  }
}

#endif

}  // namespace tether::detail

#endif
