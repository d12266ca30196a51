// tether — header-only, sans-IO WebSocket (RFC 6455). Boost Software License 1.0.
#ifndef TETHER_DEFLATE_AGREEMENT_HPP
#define TETHER_DEFLATE_AGREEMENT_HPP

// What a permessage-deflate negotiation settled for one connection, seen from
// this endpoint: one direction for the messages it compresses, one for those it
// decompresses (RFC 7692 §7.1: the server_* parameters rule the server-to-client
// direction, the client_* ones the other). No zlib.

#include "../role.hpp"
#include "window_bits.hpp"

namespace tether {

struct deflate_direction {
  int window_bits = max_deflate_window_bits;  // the sender's LZ77 window, 8..15 (RFC 7692 §7.1.2)
  bool no_context_takeover = false;           // the sender starts each message with an empty window (§7.1.1)

  friend constexpr bool operator==(const deflate_direction& a, const deflate_direction& b) noexcept {
    return a.window_bits == b.window_bits && a.no_context_takeover == b.no_context_takeover;
  }
  friend constexpr bool operator!=(const deflate_direction& a, const deflate_direction& b) noexcept {
    return !(a == b);
  }
};

struct agreed_deflate {
  deflate_direction compress;    // messages this endpoint sends (message_deflater)
  deflate_direction decompress;  // messages the peer sends (message_inflater)

  // Built from the RFC's point of view: the server's and the client's sending direction.
  static constexpr agreed_deflate for_role(role self, const deflate_direction& server_sends,
                                           const deflate_direction& client_sends) noexcept {
    return self == role::server ? agreed_deflate{server_sends, client_sends}
                                : agreed_deflate{client_sends, server_sends};
  }

  friend constexpr bool operator==(const agreed_deflate& a, const agreed_deflate& b) noexcept {
    return a.compress == b.compress && a.decompress == b.decompress;
  }
  friend constexpr bool operator!=(const agreed_deflate& a, const agreed_deflate& b) noexcept { return !(a == b); }
};

}  // namespace tether

#endif
