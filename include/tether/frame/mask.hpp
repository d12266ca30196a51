// tether — header-only, sans-IO WebSocket (RFC 6455). Boost Software License 1.0.
#ifndef TETHER_FRAME_MASK_HPP
#define TETHER_FRAME_MASK_HPP

// Masking, RFC 6455 §5.3: octet i of the payload is XORed with octet (i mod 4)
// of the masking key. Masking and unmasking are the same operation. A payload
// may arrive (or be produced) in pieces, so every call takes the position of
// its first byte within the frame ("phase") and returns the phase to continue at.

#include <array>
#include <cstddef>
#include <cstdint>
#include <cstring>

#include "../config.hpp"
#include "../detail/cpu.hpp"
#include "../detail/mask_kernels.hpp"

namespace tether {

using masking_key = std::array<unsigned char, 4>;

namespace detail {

// The key as a 32-bit word in memory order, rotated so that its first byte is
// the one that applies at `phase`: XOR with a word loaded by memcpy at any
// address then masks four payload bytes at once, on either byte order.
TETHER_ALWAYS_INLINE std::uint32_t rotated_key_word(const masking_key& key, std::size_t phase) noexcept {
  std::uint32_t word;
  std::memcpy(&word, key.data(), 4);
  const unsigned shift = static_cast<unsigned>(phase & 3) * 8;
  if (shift == 0) return word;
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
  return (word >> shift) | (word << (32 - shift));  // memory byte k+phase moves to byte k
#elif defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__
  return (word << shift) | (word >> (32 - shift));
#else
  const unsigned char rotated[4] = {key[phase & 3], key[(phase + 1) & 3], key[(phase + 2) & 3], key[(phase + 3) & 3]};
  std::memcpy(&word, rotated, 4);
  return word;
#endif
}

}  // namespace detail

// The reference: one byte at a time, exactly as §5.3 reads. Tests compare every
// fast path against it.
inline std::size_t apply_mask_reference(unsigned char* data, std::size_t size, const masking_key& key,
                                        std::size_t phase) noexcept {
  for (std::size_t i = 0; i < size; ++i) data[i] ^= key[(phase + i) & 3];
  return (phase + size) & 3;
}

// Masks (or unmasks) data in place, starting at `phase` (0-3) of the key.
// Returns the phase for the byte after the last one.
TETHER_ALWAYS_INLINE std::size_t apply_mask(unsigned char* data, std::size_t size, const masking_key& key,
                                            std::size_t phase) noexcept {
  const std::uint32_t word = detail::rotated_key_word(key, phase);
  detail::mask_any(data, data, size, word);
  return (phase + size) & 3;
}

namespace detail {

// memcpy, with the short copies of small frames done inline (two overlapping
// loads and stores) instead of a library call.
TETHER_OVERLAPPING_LOADS_BEGIN
TETHER_ALWAYS_INLINE void copy_bytes(unsigned char* dst, const unsigned char* src, std::size_t size) noexcept {
  if (size >= 8 && size <= 16) {
    std::uint64_t head, tail;
    std::memcpy(&head, src, 8);
    std::memcpy(&tail, src + size - 8, 8);
    std::memcpy(dst, &head, 8);
    std::memcpy(dst + size - 8, &tail, 8);
  } else if (size != 0) {
    std::memcpy(dst, src, size);
  }
}
TETHER_OVERLAPPING_LOADS_END

}  // namespace detail

// Copies src to dst masked, for producers that must not touch the source: one
// pass, each byte read and written once (dst and src must not overlap).
TETHER_ALWAYS_INLINE std::size_t copy_masked(unsigned char* dst, const unsigned char* src, std::size_t size,
                                             const masking_key& key, std::size_t phase) noexcept {
  detail::mask_any(dst, src, size, detail::rotated_key_word(key, phase));
  return (phase + size) & 3;
}

}  // namespace tether

#endif
