// tether — header-only, sans-IO WebSocket (RFC 6455). Boost Software License 1.0.
#ifndef TETHER_BASE64_HPP
#define TETHER_BASE64_HPP

// Base64 of RFC 4648 §4 (the standard alphabet, with padding), as the opening
// handshake uses it for Sec-WebSocket-Key and Sec-WebSocket-Accept. Decoding is
// strict: any byte outside the alphabet, a length that is not a multiple of 4,
// misplaced padding, or non-zero pad bits (§3.5) is an error.

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <system_error>

#include "error.hpp"

namespace tether::base64 {

namespace detail {
inline constexpr char alphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

constexpr std::uint8_t invalid = 0xFF;
constexpr std::uint8_t padding = 0xFE;

struct decode_table {
  std::uint8_t value[256];
  constexpr decode_table() : value{} {
    for (auto& v : value) v = invalid;
    for (std::uint8_t i = 0; i < 64; ++i) value[static_cast<unsigned char>(alphabet[i])] = i;
    value[static_cast<unsigned char>('=')] = padding;
  }
};
inline constexpr decode_table decoding{};
}  // namespace detail

constexpr std::size_t encoded_size(std::size_t byte_count) noexcept { return (byte_count + 2) / 3 * 4; }

// An upper bound; the exact size depends on the padding.
constexpr std::size_t max_decoded_size(std::size_t char_count) noexcept { return char_count / 4 * 3; }

// Writes encoded_size(size) characters to out and returns that count.
inline std::size_t encode(const void* data, std::size_t size, char* out) noexcept {
  const auto* in = static_cast<const unsigned char*>(data);
  char* const start = out;
  std::size_t i = 0;
  for (; i + 3 <= size; i += 3) {
    const std::uint32_t triple = (std::uint32_t{in[i]} << 16) | (std::uint32_t{in[i + 1]} << 8) | in[i + 2];
    *out++ = detail::alphabet[(triple >> 18) & 0x3F];
    *out++ = detail::alphabet[(triple >> 12) & 0x3F];
    *out++ = detail::alphabet[(triple >> 6) & 0x3F];
    *out++ = detail::alphabet[triple & 0x3F];
  }
  const std::size_t rest = size - i;
  if (rest != 0) {
    std::uint32_t triple = std::uint32_t{in[i]} << 16;
    if (rest == 2) triple |= std::uint32_t{in[i + 1]} << 8;
    *out++ = detail::alphabet[(triple >> 18) & 0x3F];
    *out++ = detail::alphabet[(triple >> 12) & 0x3F];
    *out++ = rest == 2 ? detail::alphabet[(triple >> 6) & 0x3F] : '=';
    *out++ = '=';
  }
  return static_cast<std::size_t>(out - start);
}

inline std::string encode(std::string_view data) {
  std::string out(encoded_size(data.size()), '\0');
  encode(data.data(), data.size(), out.data());
  return out;
}

struct decode_result {
  std::size_t size = 0;   // bytes written to the output
  std::error_code error;  // empty on success
};

// Decodes text into out (capacity max_decoded_size(text.size()) is always enough).
inline decode_result decode(std::string_view text, void* out, std::size_t capacity) noexcept {
  if (text.size() % 4 != 0) return {0, error::base64_invalid_length};
  if (capacity < max_decoded_size(text.size())) {
    // Exact size check: padding may make the output smaller than the bound.
    std::size_t pads = 0;
    if (!text.empty() && text.back() == '=') ++pads;
    if (text.size() >= 2 && text[text.size() - 2] == '=') ++pads;
    if (capacity < max_decoded_size(text.size()) - pads) return {0, error::buffer_too_small};
  }
  auto* dst = static_cast<unsigned char*>(out);
  std::size_t written = 0;
  for (std::size_t i = 0; i < text.size(); i += 4) {
    std::uint8_t v[4];
    for (std::size_t k = 0; k < 4; ++k) v[k] = detail::decoding.value[static_cast<unsigned char>(text[i + k])];
    const bool last_group = i + 4 == text.size();
    for (std::size_t k = 0; k < 4; ++k) {
      if (v[k] == detail::invalid) return {written, error::base64_invalid_character};
    }
    // '=' may only end the last group, as "xx==" or "xxx=".
    const bool pad2 = v[2] == detail::padding;
    const bool pad3 = v[3] == detail::padding;
    if (v[0] == detail::padding || v[1] == detail::padding || (pad2 && !pad3) || ((pad2 || pad3) && !last_group)) {
      return {written, error::base64_invalid_padding};
    }
    const std::uint32_t triple = (std::uint32_t{v[0]} << 18) | (std::uint32_t{v[1]} << 12) |
                                 (pad2 ? 0u : std::uint32_t{v[2]} << 6) | (pad3 ? 0u : std::uint32_t{v[3]});
    // RFC 4648 §3.5: pad bits must be zero, or two texts would decode alike.
    if ((pad2 && (triple & 0xFFFF) != 0) || (pad3 && (triple & 0xFF) != 0)) {
      return {written, error::base64_non_canonical};
    }
    dst[written++] = static_cast<unsigned char>(triple >> 16);
    if (!pad2) dst[written++] = static_cast<unsigned char>(triple >> 8);
    if (!pad3) dst[written++] = static_cast<unsigned char>(triple);
  }
  return {written, {}};
}

// True when text is the base64 of exactly 16 bytes: 22 characters of the
// alphabet, "==", and zero pad bits (§3.5) — the shape of Sec-WebSocket-Key
// (RFC 6455 §4.1 item 7). Same verdict as decode() yielding 16 bytes, faster.
constexpr bool is_base64_of_16_bytes(std::string_view text) noexcept {
  if (text.size() != 24 || text[22] != '=' || text[23] != '=') return false;
  unsigned all = 0;
  for (std::size_t i = 0; i < 22; ++i) all |= detail::decoding.value[static_cast<unsigned char>(text[i])];
  // invalid (0xFF) and padding (0xFE) both have bits above the 6 of a value.
  return (all & 0xC0) == 0 && (detail::decoding.value[static_cast<unsigned char>(text[21])] & 0x0F) == 0;
}

}  // namespace tether::base64

#endif
