// tether — header-only, sans-IO WebSocket (RFC 6455). Boost Software License 1.0.
#ifndef TETHER_CONNECTION_CLOSE_FRAME_HPP
#define TETHER_CONNECTION_CLOSE_FRAME_HPP

// The body of a close frame (RFC 6455 §5.5.1): empty, or a 2-byte status code
// in network order followed by a UTF-8 reason; never 1 byte.

#include <cstddef>
#include <cstdint>
#include <string_view>
#include <system_error>

#include "../close_code.hpp"
#include "../error.hpp"
#include "../frame/header.hpp"
#include "../utf8.hpp"

namespace tether {

// A close body holds at most 125 bytes: the code and 123 bytes of reason.
constexpr std::size_t max_close_reason = max_control_payload - 2;

struct close_payload {
  close_code code = close_code::no_status_received;  // 1005 when the body is empty (§7.1.5)
  std::string_view reason;
};

// Checks a received close body: §5.5.1 (size), §7.4 (code allowed on the
// wire), §5.5.1 + §8.1 (reason is UTF-8).
inline std::error_code parse_close_payload(const unsigned char* data, std::size_t size, close_payload& out) noexcept {
  out = {};
  if (size == 0) return {};
  if (size == 1) return error::bad_close_payload;
  const std::uint16_t code = static_cast<std::uint16_t>((data[0] << 8) | data[1]);
  if (!is_sendable_close_code(code)) return error::invalid_close_code;
  if (!is_valid_utf8(data + 2, size - 2)) return error::invalid_utf8;
  out.code = static_cast<close_code>(code);
  out.reason = std::string_view(reinterpret_cast<const char*>(data + 2), size - 2);
  return {};
}

// Checks what the application wants to send: a code allowed on the wire (or
// none at all) and a short UTF-8 reason.
inline std::error_code check_close_to_send(close_code code, std::string_view reason) noexcept {
  if (code == close_code::none || code == close_code::no_status_received) {
    return reason.empty() ? std::error_code{} : std::error_code{error::invalid_close_code_to_send};
  }
  if (!is_sendable_close_code(static_cast<std::uint16_t>(code)) || reason.size() > max_close_reason) {
    return error::invalid_close_code_to_send;
  }
  if (!is_valid_utf8(reason)) return error::text_not_utf8;
  return {};
}

// Writes the body (0 bytes for no code); returns its size. out: 125 bytes.
inline std::size_t write_close_payload(close_code code, std::string_view reason, unsigned char* out) noexcept {
  if (code == close_code::none || code == close_code::no_status_received) return 0;
  const auto value = static_cast<std::uint16_t>(code);
  out[0] = static_cast<unsigned char>(value >> 8);
  out[1] = static_cast<unsigned char>(value);
  for (std::size_t i = 0; i < reason.size(); ++i) out[2 + i] = static_cast<unsigned char>(reason[i]);
  return 2 + reason.size();
}

}  // namespace tether

#endif
