// tether — header-only, sans-IO WebSocket (RFC 6455). Boost Software License 1.0.
#ifndef TETHER_UTF8_HPP
#define TETHER_UTF8_HPP

// Incremental UTF-8 validation for text messages (RFC 6455 §5.6, §8.1). Accepts
// exactly the UTF-8 of RFC 3629 §4: no overlong forms, no surrogates
// (U+D800-U+DFFF), nothing above U+10FFFF. A message may arrive in any number
// of pieces; the validator keeps its state between them and reports the first
// invalid byte as soon as that byte is seen (fail fast, RFC 6455 §8.1), not at
// the end of the message.

#include <cstddef>
#include <cstdint>
#include <string_view>

#include "config.hpp"
#include "detail/utf8_dfa.hpp"
#include "detail/utf8_kernels.hpp"

namespace tether {

struct utf8_result {
  bool valid = true;
  std::size_t error_offset = 0;  // offset of the first invalid byte in this piece (when !valid)
};

class utf8_validator {
 public:
  // Validates the next piece of a text. After an invalid byte the validator
  // stays failed until reset().
  utf8_result feed(const void* data, std::size_t size) noexcept {
    if (state_ == detail::utf8_reject) return {false, 0};
    const auto* bytes = static_cast<const unsigned char*>(data);
    std::size_t i = 0;
    // Finish a code point left open by the previous piece.
    while (state_ != detail::utf8_accept && i < size) {
      state_ = detail::utf8_step(state_, bytes[i]);
      if (state_ == detail::utf8_reject) return {false, i};
      ++i;
    }
    // Bulk: starts on a code point boundary; returns where the scalar walk must
    // resume (a boundary), or the offset of the first invalid byte.
    const detail::utf8_bulk_result bulk = detail::utf8_validate_bulk(bytes + i, size - i);
    if (!bulk.valid) {
      state_ = detail::utf8_reject;
      return {false, i + bulk.offset};
    }
    i += bulk.offset;
    std::uint8_t state = state_;
    for (; i < size; ++i) {
      state = detail::utf8_step(state, bytes[i]);
      if (state == detail::utf8_reject) {
        state_ = state;
        return {false, i};
      }
    }
    state_ = state;
    return {};
  }

  // True when everything fed so far ends on a code point boundary, i.e. the
  // text may end here (RFC 6455 §8.1: the whole message must be valid).
  bool complete() const noexcept { return state_ == detail::utf8_accept; }
  bool failed() const noexcept { return state_ == detail::utf8_reject; }
  void reset() noexcept { state_ = detail::utf8_accept; }

 private:
  std::uint8_t state_ = detail::utf8_accept;
};

// Validates a whole text. With the whole text at hand, the SIMD kernels
// check it complete in one go (utf8_complete_fast); elsewhere the bulk kernel
// runs up to the last code point boundary, then the automaton over the 0-3
// bytes after it, which must finish their code point. No validator state:
// the short text of a chat message costs one kernel call.
TETHER_ALWAYS_INLINE bool is_valid_utf8(const void* data, std::size_t size) noexcept {
  const auto* bytes = static_cast<const unsigned char*>(data);
  bool handled;
  const bool complete = detail::utf8_complete_fast(bytes, size, handled);
  if (TETHER_LIKELY(handled)) return complete;
  const detail::utf8_bulk_result bulk = detail::utf8_validate_bulk(bytes, size);
  if (TETHER_LIKELY(bulk.valid && bulk.offset == size)) return true;
  if (!bulk.valid) return false;
  std::uint8_t state = detail::utf8_accept;
  for (std::size_t i = bulk.offset; i < size; ++i) state = detail::utf8_step(state, bytes[i]);
  return state == detail::utf8_accept;
}
inline bool is_valid_utf8(std::string_view text) noexcept { return is_valid_utf8(text.data(), text.size()); }

}  // namespace tether

#endif
