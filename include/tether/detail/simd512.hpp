// tether — header-only, sans-IO WebSocket (RFC 6455). Boost Software License 1.0.
#ifndef TETHER_DETAIL_SIMD512_HPP
#define TETHER_DETAIL_SIMD512_HPP

// The few 512-bit (AVX-512 F+BW) operations the UTF-8 kernels use, on the
// pattern of simd256.hpp: GCC's vector extensions and builtins, so no
// <immintrin.h> (about 0.6 s of every compile), and the usual intrinsics with
// other compilers. Every function is compiled for AVX-512 BW and called only
// after the CPU check in cpu.hpp.

#include "../config.hpp"
#include "simd256.hpp"  // the compiler choice, and <immintrin.h> when not GCC

#if TETHER_X86_SIMD

#define TETHER_AVX512_FUNCTION __attribute__((target("avx512f,avx512bw"), always_inline)) inline

namespace tether::detail::simd512 {

using mask = unsigned long long;  // one bit per byte

#if TETHER_SIMD256_BUILTINS

typedef long long vec __attribute__((vector_size(64)));
typedef long long vec_unaligned __attribute__((vector_size(64), aligned(1)));
typedef char chars __attribute__((vector_size(64)));
typedef signed char bytes __attribute__((vector_size(64)));

TETHER_AVX512_FUNCTION vec load_unaligned(const void* p) { return *static_cast<const vec_unaligned*>(p); }
TETHER_AVX512_FUNCTION vec zero() { return vec{0, 0, 0, 0, 0, 0, 0, 0}; }
// The bytes of p whose bit is set in `which`, zeros elsewhere; the others are
// not read (a masked load does not fault on them).
TETHER_AVX512_FUNCTION vec load_masked(const void* p, mask which) {
  return reinterpret_cast<vec>(
      __builtin_ia32_loaddquqi512_mask(static_cast<const char*>(p), reinterpret_cast<chars>(zero()), which));
}
TETHER_AVX512_FUNCTION void store_unaligned(void* p, vec v) { *static_cast<vec_unaligned*>(p) = v; }
// Writes the bytes of v whose bit is set in `which`; the others are not touched.
TETHER_AVX512_FUNCTION void store_masked(void* p, mask which, vec v) {
  __builtin_ia32_storedquqi512_mask(static_cast<char*>(p), reinterpret_cast<chars>(v), which);
}
// v where the bit of `which` is set, zero elsewhere.
TETHER_AVX512_FUNCTION vec keep_bytes(mask which, vec v) {
  return reinterpret_cast<vec>(
      __builtin_ia32_movdquqi512_mask(reinterpret_cast<chars>(v), reinterpret_cast<chars>(zero()), which));
}
TETHER_AVX512_FUNCTION vec splat8(signed char c) { return reinterpret_cast<vec>(bytes{} + c); }
TETHER_AVX512_FUNCTION vec splat32(int word) {
  typedef int words __attribute__((vector_size(64)));
  return reinterpret_cast<vec>(words{} + word);
}
TETHER_AVX512_FUNCTION vec bit_xor(vec a, vec b) { return a ^ b; }
TETHER_AVX512_FUNCTION vec bit_or(vec a, vec b) { return a | b; }
TETHER_AVX512_FUNCTION vec bit_and(vec a, vec b) { return a & b; }
TETHER_AVX512_FUNCTION vec shuffle8(vec table, vec index) {  // per 128-bit lane, like pshufb
  return reinterpret_cast<vec>(__builtin_ia32_pshufb512_mask(
      reinterpret_cast<chars>(table), reinterpret_cast<chars>(index), reinterpret_cast<chars>(zero()), ~0ull));
}
TETHER_AVX512_FUNCTION vec shift_right16(vec a, int count) {
  typedef unsigned short halves __attribute__((vector_size(64)));
  return reinterpret_cast<vec>(reinterpret_cast<halves>(a) >> count);
}
TETHER_AVX512_FUNCTION vec subtract_saturated_u8(vec a, vec b) {
  return reinterpret_cast<vec>(__builtin_ia32_psubusb512_mask(reinterpret_cast<chars>(a), reinterpret_cast<chars>(b),
                                                              reinterpret_cast<chars>(zero()), ~0ull));
}
template <int Bytes>
TETHER_AVX512_FUNCTION vec align_right(vec high, vec low) {  // per lane: (high:low) >> Bytes*8
  return __builtin_ia32_palignr512(high, low, Bytes * 8);
}
template <int Qwords>
TETHER_AVX512_FUNCTION vec align_right_qwords(vec high, vec low) {  // whole: (high:low) >> Qwords*64
  return __builtin_ia32_alignq512_mask(high, low, Qwords, zero(), 0xFF);
}
TETHER_AVX512_FUNCTION mask nonzero8(vec a) {
  return __builtin_ia32_ptestmb512(reinterpret_cast<chars>(a), reinterpret_cast<chars>(a), ~0ull);
}
TETHER_AVX512_FUNCTION mask sign_bits8(vec a) { return __builtin_ia32_cvtb2mask512(reinterpret_cast<chars>(a)); }

#else

using vec = __m512i;

TETHER_AVX512_FUNCTION vec load_unaligned(const void* p) { return _mm512_loadu_si512(p); }
TETHER_AVX512_FUNCTION vec zero() { return _mm512_setzero_si512(); }
TETHER_AVX512_FUNCTION vec load_masked(const void* p, mask which) { return _mm512_maskz_loadu_epi8(which, p); }
TETHER_AVX512_FUNCTION void store_unaligned(void* p, vec v) { _mm512_storeu_si512(p, v); }
TETHER_AVX512_FUNCTION void store_masked(void* p, mask which, vec v) { _mm512_mask_storeu_epi8(p, which, v); }
TETHER_AVX512_FUNCTION vec keep_bytes(mask which, vec v) { return _mm512_maskz_mov_epi8(which, v); }
TETHER_AVX512_FUNCTION vec splat8(signed char c) { return _mm512_set1_epi8(c); }
TETHER_AVX512_FUNCTION vec splat32(int word) { return _mm512_set1_epi32(word); }
TETHER_AVX512_FUNCTION vec bit_xor(vec a, vec b) { return _mm512_xor_si512(a, b); }
TETHER_AVX512_FUNCTION vec bit_or(vec a, vec b) { return _mm512_or_si512(a, b); }
TETHER_AVX512_FUNCTION vec bit_and(vec a, vec b) { return _mm512_and_si512(a, b); }
TETHER_AVX512_FUNCTION vec shuffle8(vec table, vec index) { return _mm512_shuffle_epi8(table, index); }
TETHER_AVX512_FUNCTION vec shift_right16(vec a, int count) {
  return _mm512_srli_epi16(a, static_cast<unsigned>(count));
}
TETHER_AVX512_FUNCTION vec subtract_saturated_u8(vec a, vec b) { return _mm512_subs_epu8(a, b); }
template <int Bytes>
TETHER_AVX512_FUNCTION vec align_right(vec high, vec low) {
  return _mm512_alignr_epi8(high, low, Bytes);
}
template <int Qwords>
TETHER_AVX512_FUNCTION vec align_right_qwords(vec high, vec low) {
  return _mm512_alignr_epi64(high, low, Qwords);
}
TETHER_AVX512_FUNCTION mask nonzero8(vec a) { return _mm512_test_epi8_mask(a, a); }
TETHER_AVX512_FUNCTION mask sign_bits8(vec a) { return _mm512_movepi8_mask(a); }

#endif

}  // namespace tether::detail::simd512

#endif  // TETHER_X86_SIMD

#endif
