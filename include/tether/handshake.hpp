// tether — header-only, sans-IO WebSocket (RFC 6455). Boost Software License 1.0.
#ifndef TETHER_HANDSHAKE_HPP
#define TETHER_HANDSHAKE_HPP

// The opening handshake on its own: HTTP/1.1 (RFC 6455 §4) for both roles,
// and the extended CONNECT of RFC 8441 / RFC 9220. By concern:
//   names.hpp           header names and the version token
//   uri.hpp             ws:// and wss:// URIs (§3)
//   extensions.hpp      the Sec-WebSocket-Extensions grammar (§9.1)
//   offers.hpp          subprotocol and extension offers in any header list
//   request.hpp         the upgrade request and the server's checks (§4.2.1)
//   response.hpp        the 101 answer and the client's checks (§4.1)
//   request_writer.hpp  the client's GET
//   response_writer.hpp the server's 101 and rejections (§4.2.2)
//   accept_key.hpp      Sec-WebSocket-Accept
//   server.hpp, client.hpp  incremental handshakes (result.hpp: their results)
//   h2.hpp              extended CONNECT over HTTP/2 and HTTP/3
#include "handshake/accept_key.hpp"
#include "handshake/client.hpp"
#include "handshake/extensions.hpp"
#include "handshake/h2.hpp"
#include "handshake/names.hpp"
#include "handshake/offers.hpp"
#include "handshake/request.hpp"
#include "handshake/request_writer.hpp"
#include "handshake/response.hpp"
#include "handshake/response_writer.hpp"
#include "handshake/result.hpp"
#include "handshake/server.hpp"
#include "handshake/uri.hpp"

#endif
