// tether — header-only, sans-IO WebSocket (RFC 6455). Boost Software License 1.0.
#ifndef TETHER_CLOSE_CODE_HPP
#define TETHER_CLOSE_CODE_HPP

#include <cstdint>

namespace tether {

// Status codes of RFC 6455 §7.4.1 (and the IANA registry it created).
enum class close_code : std::uint16_t {
  none = 0,  // not a code: "no close code" in results and events
  normal = 1000,
  going_away = 1001,
  protocol_error = 1002,
  unsupported_data = 1003,
  no_status_received = 1005,  // never sent: stands for a close frame without a body
  abnormal_closure = 1006,    // never sent: the transport ended without a close frame
  invalid_payload = 1007,
  policy_violation = 1008,
  message_too_big = 1009,
  mandatory_extension = 1010,
  internal_error = 1011,
  service_restart = 1012,
  try_again_later = 1013,
  bad_gateway = 1014,
  tls_handshake_failed = 1015,  // never sent
};

// RFC 6455 §7.4.1-7.4.2: may this code appear in a close frame on the wire?
// 1004-1006 and 1015 are reserved and never sent; 1016-2999 are for future
// revisions of the protocol; 3000-4999 belong to libraries and applications.
constexpr bool is_sendable_close_code(std::uint16_t code) noexcept {
  if (code >= 3000 && code <= 4999) return true;
  if (code < 1000 || code > 1014) return false;
  return code != 1004 && code != 1005 && code != 1006;
}

}  // namespace tether

#endif
