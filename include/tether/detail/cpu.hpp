// tether — header-only, sans-IO WebSocket (RFC 6455). Boost Software License 1.0.
#ifndef TETHER_DETAIL_CPU_HPP
#define TETHER_DETAIL_CPU_HPP

// Runtime CPU feature detection for the x86-64 kernels. Each flag is an inline
// variable initialised once before main(); reading it costs one load and no
// guard. Before it is initialised (another static initialiser calling tether),
// it reads false and the SSE2/scalar kernels run, which are equally correct.

#include "../config.hpp"

namespace tether::detail {

#if TETHER_X86_SIMD
inline bool detect_avx2() noexcept {
  __builtin_cpu_init();
  return __builtin_cpu_supports("avx2") != 0;
}
// SSSE3 (pshufb, palignr) is not in the x86-64 baseline, though every x86-64
// CPU since 2006 has it.
inline bool detect_ssse3() noexcept {
  __builtin_cpu_init();
  return __builtin_cpu_supports("ssse3") != 0;
}
// AVX-512 F and BW; the check includes the OS saving the 512-bit registers.
inline bool detect_avx512bw() noexcept {
  __builtin_cpu_init();
  return __builtin_cpu_supports("avx512f") != 0 && __builtin_cpu_supports("avx512bw") != 0;
}
inline const bool cpu_has_avx2 = detect_avx2();
inline const bool cpu_has_ssse3 = detect_ssse3();
inline const bool cpu_has_avx512bw = detect_avx512bw();
#else
inline constexpr bool cpu_has_avx2 = false;
inline constexpr bool cpu_has_ssse3 = false;
inline constexpr bool cpu_has_avx512bw = false;
#endif

}  // namespace tether::detail

#endif
