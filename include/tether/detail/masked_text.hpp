// tether — header-only, sans-IO WebSocket (RFC 6455). Boost Software License 1.0.
#ifndef TETHER_DETAIL_MASKED_TEXT_HPP
#define TETHER_DETAIL_MASKED_TEXT_HPP

// A whole text message that arrived in one masked frame (every message a
// server receives, RFC 6455 §5.1) is unmasked (§5.3) and checked as UTF-8
// (§8.1) in one pass where the CPU allows it: each 64-byte block is read
// once, unmasked, written back and checked while still in a register. Two
// passes (unmask, then check) read every byte twice, which at 1 KiB costs
// about as much as the check itself.

#include <cstddef>
#include <cstdint>

#include "../config.hpp"
#include "../frame/header.hpp"
#include "../frame/mask.hpp"
#include "../utf8.hpp"
#include "cpu.hpp"

namespace tether::detail {

// Unmasks the payload in place when `header` says it is masked (key at phase
// 0: the payload is whole), and answers whether it is a complete UTF-8 text.
// The payload is unmasked in full either way.
TETHER_ALWAYS_INLINE bool unmask_whole_text(unsigned char* payload, std::size_t size,
                                            const frame_header& header) noexcept {
  if (header.masked) {
#if TETHER_X86_SIMD
    const std::uint32_t key = rotated_key_word(header.key, 0);
    if (size >= 64 && cpu_has_avx512bw) return utf8_unmask_validate_avx512(payload, size, key);
    if (size < 64 && size != 0 && cpu_has_ssse3) {
      // Checked from the masked bytes XORed in registers, then unmasked: a
      // check that reloaded what the unmasking just stored (8-byte stores,
      // 16-byte loads) would wait on store forwarding, longer than the check.
      const bool complete = utf8_complete_ssse3(payload, size, key);
      mask_any(payload, payload, size, key);
      return complete;
    }
#endif
    apply_mask(payload, size, header.key, 0);
  }
  return is_valid_utf8(payload, size);
}

}  // namespace tether::detail

#endif
