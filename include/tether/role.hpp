// tether — header-only, sans-IO WebSocket (RFC 6455). Boost Software License 1.0.
#ifndef TETHER_ROLE_HPP
#define TETHER_ROLE_HPP

namespace tether {

// Which end of the connection this endpoint is. The rules differ (RFC 6455
// §5.1): a client masks every frame it sends, a server masks none, and each
// fails the connection when its peer breaks that rule.
enum class role { client, server };

constexpr role peer_of(role self) noexcept { return self == role::client ? role::server : role::client; }

}  // namespace tether

#endif
