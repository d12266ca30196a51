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
#include <immintrin.h>
#elif TETHER_NEON_SIMD
#include <arm_neon.h>
#endif

namespace tether::detail {

// Below this many bytes the word loop wins over any dispatch.
constexpr std::size_t mask_simd_threshold = 64;

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

__attribute__((target("avx2"))) inline void mask_avx2(unsigned char* data, std::size_t size,
                                                      std::uint32_t key) noexcept {
  const __m256i key256 = _mm256_set1_epi32(static_cast<int>(key));
  std::size_t i = 0;
  for (; i + 128 <= size; i += 128) {
    auto* p = reinterpret_cast<__m256i*>(data + i);
    const __m256i a = _mm256_xor_si256(_mm256_loadu_si256(p), key256);
    const __m256i b = _mm256_xor_si256(_mm256_loadu_si256(p + 1), key256);
    const __m256i c = _mm256_xor_si256(_mm256_loadu_si256(p + 2), key256);
    const __m256i d = _mm256_xor_si256(_mm256_loadu_si256(p + 3), key256);
    _mm256_storeu_si256(p, a);
    _mm256_storeu_si256(p + 1, b);
    _mm256_storeu_si256(p + 2, c);
    _mm256_storeu_si256(p + 3, d);
  }
  for (; i + 32 <= size; i += 32) {
    auto* p = reinterpret_cast<__m256i*>(data + i);
    _mm256_storeu_si256(p, _mm256_xor_si256(_mm256_loadu_si256(p), key256));
  }
  mask_words(data + i, size - i, key);
}

inline void mask_dispatch(unsigned char* data, std::size_t size, std::uint32_t key) noexcept {
  if (cpu_has_avx2) {
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

inline void mask_dispatch(unsigned char* data, std::size_t size, std::uint32_t key) noexcept {
  mask_neon(data, size, key);
}

#else

inline void mask_dispatch(unsigned char* data, std::size_t size, std::uint32_t key) noexcept {
  mask_words(data, size, key);
}

#endif

}  // namespace tether::detail

#endif
