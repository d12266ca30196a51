// tether — header-only, sans-IO WebSocket (RFC 6455). Boost Software License 1.0.
#ifndef TETHER_HANDSHAKE_NAMES_HPP
#define TETHER_HANDSHAKE_NAMES_HPP

// The header fields of the opening handshake (RFC 6455 §4, §11.3) and the one
// protocol version token, in one table. Each name comes in the form written
// on HTTP/1.1 and in lowercase (compared fast on HTTP/1.1, written as is on
// HTTP/2 and HTTP/3, RFC 9113 §8.2.1).

#include <string_view>

namespace tether {

struct field_name {
  std::string_view text;       // as written in an HTTP/1.1 head
  std::string_view lowercase;  // for comparisons, and for HTTP/2
};

namespace field {
inline constexpr field_name host{"Host", "host"};
inline constexpr field_name origin{"Origin", "origin"};
inline constexpr field_name upgrade{"Upgrade", "upgrade"};
inline constexpr field_name connection{"Connection", "connection"};
inline constexpr field_name content_length{"Content-Length", "content-length"};
inline constexpr field_name transfer_encoding{"Transfer-Encoding", "transfer-encoding"};
inline constexpr field_name sec_websocket_key{"Sec-WebSocket-Key", "sec-websocket-key"};
inline constexpr field_name sec_websocket_accept{"Sec-WebSocket-Accept", "sec-websocket-accept"};
inline constexpr field_name sec_websocket_version{"Sec-WebSocket-Version", "sec-websocket-version"};
inline constexpr field_name sec_websocket_protocol{"Sec-WebSocket-Protocol", "sec-websocket-protocol"};
inline constexpr field_name sec_websocket_extensions{"Sec-WebSocket-Extensions", "sec-websocket-extensions"};
}  // namespace field

// RFC 6455 §4.1 item 9: the only version this protocol defines.
inline constexpr std::string_view websocket_version = "13";

// The upgrade token (§4.1 items 5-6, §4.2.2): "websocket" in Upgrade,
// "Upgrade" in Connection, both compared case-insensitively.
inline constexpr std::string_view websocket_token = "websocket";
inline constexpr std::string_view upgrade_token = "Upgrade";

}  // namespace tether

#endif
