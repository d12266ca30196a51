// tether — header-only, sans-IO WebSocket (RFC 6455). Boost Software License 1.0.
#ifndef TETHER_DETAIL_SIMD256_HPP
#define TETHER_DETAIL_SIMD256_HPP

// The handful of 256-bit (AVX2) operations tether's kernels use, behind one
// small interface. With GCC they are vector extensions and the compiler's own
// builtins, so no <immintrin.h> is included: that header alone costs about
// 0.6 s of every compile that includes tether. Other compilers get the usual
// intrinsics. Every function is compiled for AVX2 and called only after the
// CPU check in cpu.hpp.

#include "../config.hpp"

#if TETHER_X86_SIMD

#if defined(__GNUC__) && !defined(__clang__)
#define TETHER_SIMD256_BUILTINS 1
#else
#define TETHER_SIMD256_BUILTINS 0
#include <immintrin.h>
#endif

#define TETHER_AVX2_FUNCTION __attribute__((target("avx2"), always_inline)) inline

namespace tether::detail::simd256 {

#if TETHER_SIMD256_BUILTINS

typedef long long vec __attribute__((vector_size(32)));
typedef long long vec_unaligned __attribute__((vector_size(32), aligned(1)));
typedef signed char bytes __attribute__((vector_size(32)));
typedef char chars __attribute__((vector_size(32)));  // what the builtins take
typedef unsigned char ubytes __attribute__((vector_size(32)));
typedef short halves __attribute__((vector_size(32)));
typedef int words __attribute__((vector_size(32)));

TETHER_AVX2_FUNCTION vec load_unaligned(const void* p) { return *static_cast<const vec_unaligned*>(p); }
TETHER_AVX2_FUNCTION vec load_aligned(const void* p) { return *static_cast<const vec*>(p); }
TETHER_AVX2_FUNCTION void store_aligned(void* p, vec v) { *static_cast<vec*>(p) = v; }
TETHER_AVX2_FUNCTION vec zero() { return vec{0, 0, 0, 0}; }
TETHER_AVX2_FUNCTION vec splat8(signed char c) { return reinterpret_cast<vec>(bytes{} + c); }
TETHER_AVX2_FUNCTION vec splat32(int x) { return reinterpret_cast<vec>(words{} + x); }
TETHER_AVX2_FUNCTION vec bit_xor(vec a, vec b) { return a ^ b; }
TETHER_AVX2_FUNCTION vec bit_or(vec a, vec b) { return a | b; }
TETHER_AVX2_FUNCTION vec bit_and(vec a, vec b) { return a & b; }
TETHER_AVX2_FUNCTION vec and_not(vec a, vec b) { return ~a & b; }  // (not a) and b
TETHER_AVX2_FUNCTION vec equal8(vec a, vec b) {
  return reinterpret_cast<vec>(reinterpret_cast<bytes>(a) == reinterpret_cast<bytes>(b));
}
TETHER_AVX2_FUNCTION vec greater8(vec a, vec b) {  // signed
  return reinterpret_cast<vec>(reinterpret_cast<bytes>(a) > reinterpret_cast<bytes>(b));
}
TETHER_AVX2_FUNCTION unsigned movemask8(vec a) {
  return static_cast<unsigned>(__builtin_ia32_pmovmskb256(reinterpret_cast<chars>(a)));
}
TETHER_AVX2_FUNCTION vec shuffle8(vec table, vec index) {  // per 128-bit lane, like pshufb
  return reinterpret_cast<vec>(
      __builtin_ia32_pshufb256(reinterpret_cast<chars>(table), reinterpret_cast<chars>(index)));
}
TETHER_AVX2_FUNCTION vec shift_right16(vec a, int count) {
  return reinterpret_cast<vec>(__builtin_ia32_psrlwi256(reinterpret_cast<halves>(a), count));
}
TETHER_AVX2_FUNCTION vec subtract_saturated_u8(vec a, vec b) {
  return reinterpret_cast<vec>(__builtin_ia32_psubusb256(reinterpret_cast<chars>(a), reinterpret_cast<chars>(b)));
}
template <int Bytes>
TETHER_AVX2_FUNCTION vec align_right(vec high, vec low) {  // per lane: (high:low) >> Bytes*8
  return __builtin_ia32_palignr256(high, low, Bytes * 8);
}
template <int Selector>
TETHER_AVX2_FUNCTION vec permute_lanes(vec a, vec b) {
  return __builtin_ia32_permti256(a, b, Selector);
}
TETHER_AVX2_FUNCTION bool all_zero(vec a) { return __builtin_ia32_ptestz256(a, a) != 0; }
TETHER_AVX2_FUNCTION vec from_bytes(const signed char (&b)[32]) { return load_unaligned(b); }

#else

using vec = __m256i;

TETHER_AVX2_FUNCTION vec load_unaligned(const void* p) { return _mm256_loadu_si256(static_cast<const __m256i*>(p)); }
TETHER_AVX2_FUNCTION vec load_aligned(const void* p) { return _mm256_load_si256(static_cast<const __m256i*>(p)); }
TETHER_AVX2_FUNCTION void store_aligned(void* p, vec v) { _mm256_store_si256(static_cast<__m256i*>(p), v); }
TETHER_AVX2_FUNCTION vec zero() { return _mm256_setzero_si256(); }
TETHER_AVX2_FUNCTION vec splat8(signed char c) { return _mm256_set1_epi8(c); }
TETHER_AVX2_FUNCTION vec splat32(int x) { return _mm256_set1_epi32(x); }
TETHER_AVX2_FUNCTION vec bit_xor(vec a, vec b) { return _mm256_xor_si256(a, b); }
TETHER_AVX2_FUNCTION vec bit_or(vec a, vec b) { return _mm256_or_si256(a, b); }
TETHER_AVX2_FUNCTION vec bit_and(vec a, vec b) { return _mm256_and_si256(a, b); }
TETHER_AVX2_FUNCTION vec and_not(vec a, vec b) { return _mm256_andnot_si256(a, b); }
TETHER_AVX2_FUNCTION vec equal8(vec a, vec b) { return _mm256_cmpeq_epi8(a, b); }
TETHER_AVX2_FUNCTION vec greater8(vec a, vec b) { return _mm256_cmpgt_epi8(a, b); }
TETHER_AVX2_FUNCTION unsigned movemask8(vec a) { return static_cast<unsigned>(_mm256_movemask_epi8(a)); }
TETHER_AVX2_FUNCTION vec shuffle8(vec table, vec index) { return _mm256_shuffle_epi8(table, index); }
TETHER_AVX2_FUNCTION vec shift_right16(vec a, int count) { return _mm256_srli_epi16(a, count); }
TETHER_AVX2_FUNCTION vec subtract_saturated_u8(vec a, vec b) { return _mm256_subs_epu8(a, b); }
template <int Bytes>
TETHER_AVX2_FUNCTION vec align_right(vec high, vec low) {
  return _mm256_alignr_epi8(high, low, Bytes);
}
template <int Selector>
TETHER_AVX2_FUNCTION vec permute_lanes(vec a, vec b) {
  return _mm256_permute2x128_si256(a, b, Selector);
}
TETHER_AVX2_FUNCTION bool all_zero(vec a) { return _mm256_testz_si256(a, a) != 0; }
TETHER_AVX2_FUNCTION vec from_bytes(const signed char (&b)[32]) { return load_unaligned(b); }

#endif

}  // namespace tether::detail::simd256

#endif  // TETHER_X86_SIMD

#endif
