// tether — header-only, sans-IO WebSocket (RFC 6455). Boost Software License 1.0.
#ifndef TETHER_DETAIL_HTTP_SCAN_HPP
#define TETHER_DETAIL_HTTP_SCAN_HPP

// The byte scan behind the HTTP head parser: 16 bytes a step with SSE2 on
// x86-64 (part of every x86-64 CPU, so no dispatch), a byte at a time
// elsewhere. It finds the LFs (the parser decides where the head ends) and, on
// the same pass, keeps track of whether every byte is one a head may hold
// (RFC 9110 §5.5: VCHAR, obs-text, SP, HTAB, plus line ends) and every CR and
// LF come as a CRLF pair (RFC 9112 §2.2). It resumes where the previous call
// stopped, so each byte of a head is scanned once however the head arrives.
// When a head is clean, the per-line checks only look at structure (names,
// colons, the request line), not at every byte of every value.

#include <cstddef>
#include <cstdint>

#include "../config.hpp"
#include "cpu.hpp"

#if TETHER_X86_SIMD
#include <emmintrin.h>

#include "simd256.hpp"
#endif

namespace tether::detail {

constexpr bool head_byte_allowed(unsigned char c) noexcept {
  return (c >= 0x20 && c != 0x7F) || c == '\t' || c == '\r' || c == '\n';
}

class head_scanner {
 public:
  bool clean() const noexcept { return clean_; }

  // Calls on_line_feed(position) for each LF in [from, to) in order; when it
  // returns false (the head ended there) the scan stops after that LF. Returns
  // the position after the last byte scanned.
  template <class OnLineFeed>
  std::size_t scan(const char* data, std::size_t from, std::size_t to, OnLineFeed&& on_line_feed) {
    const auto* p = reinterpret_cast<const unsigned char*>(data);
    std::size_t i = from;
#if TETHER_X86_SIMD
    bool done = false;
    if (cpu_has_avx2 && to - i >= 64) {  // worth the call only for a few blocks
      i = scan_blocks_avx2(p, i, to, on_line_feed, done);
      if (done) return i;
    }
    i = scan_blocks_sse2(p, i, to, on_line_feed, done);  // all of it, or the 16-31 bytes AVX2 left
    if (done) return i;
#endif
    for (; i < to; ++i) {
      const unsigned char c = p[i];
      // Every LF right after a CR, and nothing but an LF after a CR.
      if (!head_byte_allowed(c) || (c == '\n') != (carried_cr_ != 0)) clean_ = false;
      carried_cr_ = c == '\r' ? 1u : 0u;
      if (c == '\n' && !on_line_feed(i)) return i + 1;
    }
    return to;
  }

 private:
#if TETHER_X86_SIMD
  // Per block of 16 (SSE2) or 32 (AVX2) bytes: masks of bad bytes, CRs and
  // LFs; then each LF goes to the caller in order. Returns where the scan
  // stopped; `done` when the caller ended the head inside a block.
  template <class OnLineFeed>
  std::size_t scan_blocks_sse2(const unsigned char* p, std::size_t i, std::size_t to, OnLineFeed& on_line_feed,
                               bool& done) {
    const __m128i space = _mm_set1_epi8(0x20), del = _mm_set1_epi8(0x7F), minus_one = _mm_set1_epi8(-1);
    const __m128i tab = _mm_set1_epi8('\t'), cr = _mm_set1_epi8('\r'), lf = _mm_set1_epi8('\n');
    for (; i + 16 <= to; i += 16) {
      const __m128i v = _mm_loadu_si128(reinterpret_cast<const __m128i*>(p + i));
      // Bytes 0x00-0x1F (signed compare: obs-text 0x80-0xFF is negative, so excluded).
      const __m128i control = _mm_and_si128(_mm_cmpgt_epi8(v, minus_one), _mm_cmplt_epi8(v, space));
      const __m128i is_cr = _mm_cmpeq_epi8(v, cr), is_lf = _mm_cmpeq_epi8(v, lf);
      const __m128i allowed_control = _mm_or_si128(_mm_cmpeq_epi8(v, tab), _mm_or_si128(is_cr, is_lf));
      const __m128i bad = _mm_or_si128(_mm_andnot_si128(allowed_control, control), _mm_cmpeq_epi8(v, del));
      const std::uint32_t bad_bits = static_cast<std::uint32_t>(_mm_movemask_epi8(bad));
      const std::uint32_t cr_bits = static_cast<std::uint32_t>(_mm_movemask_epi8(is_cr));
      const std::uint32_t lf_bits = static_cast<std::uint32_t>(_mm_movemask_epi8(is_lf));
      if (const std::size_t stop = deliver(i, 16, bad_bits, cr_bits, lf_bits, on_line_feed)) {
        done = true;
        return stop;
      }
    }
    return i;
  }

  template <class OnLineFeed>
  __attribute__((target("avx2"))) std::size_t scan_blocks_avx2(const unsigned char* p, std::size_t i, std::size_t to,
                                                               OnLineFeed& on_line_feed, bool& done) {
    namespace v = simd256;
    const v::vec space = v::splat8(0x20), del = v::splat8(0x7F), minus_one = v::splat8(-1);
    const v::vec tab = v::splat8('\t'), cr = v::splat8('\r'), lf = v::splat8('\n');
    for (; i + 32 <= to; i += 32) {
      const v::vec bytes = v::load_unaligned(p + i);
      const v::vec control = v::bit_and(v::greater8(bytes, minus_one), v::greater8(space, bytes));
      const v::vec is_cr = v::equal8(bytes, cr), is_lf = v::equal8(bytes, lf);
      const v::vec allowed_control = v::bit_or(v::equal8(bytes, tab), v::bit_or(is_cr, is_lf));
      const v::vec bad = v::bit_or(v::and_not(allowed_control, control), v::equal8(bytes, del));
      if (const std::size_t stop =
              deliver(i, 32, v::movemask8(bad), v::movemask8(is_cr), v::movemask8(is_lf), on_line_feed)) {
        done = true;
        return stop;
      }
    }
    return i;
  }

  // Hands the block's LFs to the caller; returns the stop position (non-zero)
  // when the caller ended the head, 0 to go on.
  template <class OnLineFeed>
  std::size_t deliver(std::size_t i, unsigned width, std::uint32_t bad_bits, std::uint32_t cr_bits,
                      std::uint32_t lf_bits, OnLineFeed& on_line_feed) {
    for (std::uint32_t pending = lf_bits; pending != 0; pending &= pending - 1) {
      const unsigned bit = static_cast<unsigned>(__builtin_ctz(pending));
      if (!on_line_feed(i + bit)) {
        check(bad_bits, cr_bits, lf_bits, bit + 1, width);
        return i + bit + 1;
      }
    }
    check(bad_bits, cr_bits, lf_bits, width, width);
    return 0;
  }
#endif

  // Folds the first `count` bytes of a block of `width` into the verdict.
  void check(std::uint32_t bad_bits, std::uint32_t cr_bits, std::uint32_t lf_bits, unsigned count,
             unsigned width) noexcept {
    const std::uint64_t mask = (std::uint64_t{1} << count) - 1;
    const std::uint64_t cr_then = ((std::uint64_t{cr_bits} << 1) | carried_cr_) & mask;  // right after a CR
    clean_ = clean_ && (bad_bits & mask) == 0 && cr_then == (lf_bits & mask);
    carried_cr_ = count == width ? (cr_bits >> (width - 1)) & 1u : 0u;
  }

  bool clean_ = true;
  unsigned carried_cr_ = 0;
};

}  // namespace tether::detail

#endif
