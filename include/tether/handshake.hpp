// tether — header-only, sans-IO WebSocket (RFC 6455). Boost Software License 1.0.
#ifndef TETHER_HANDSHAKE_HPP
#define TETHER_HANDSHAKE_HPP

// The opening handshake on its own: HTTP/1.1 (RFC 6455 §4) for both roles,
// and the extended CONNECT of RFC 8441 / RFC 9220.
#include "handshake/accept_key.hpp"
#include "handshake/client.hpp"
#include "handshake/extensions.hpp"
#include "handshake/h2.hpp"
#include "handshake/server.hpp"
#include "handshake/uri.hpp"

#endif
