// tether — header-only, sans-IO WebSocket (RFC 6455). Boost Software License 1.0.
#ifndef TETHER_DEFLATE_WINDOW_BITS_HPP
#define TETHER_DEFLATE_WINDOW_BITS_HPP

// The LZ77 window sizes of permessage-deflate (RFC 7692 §7.1.2): 8..15 bits,
// 256 bytes to 32 KiB. No zlib here: negotiation uses these rules too.
//
// The 256-byte window (8 bits). RFC 7692 allows 8 in both directions, but zlib
// (1.2.9 and later) refuses to build a raw-deflate compressor with windowBits 8
// ("256-byte window bug", madler/zlib#171); its inflater accepts 8. Peers differ:
// Node's zlib turns a request for 8 into 9 (nodejs/node#16511), so `ws` compresses
// with 9 after agreeing to 8; python-websockets declines any offer or response
// that limits its compressor to 8 (python-websockets/websockets#1768). tether:
//  - never asks for 8 itself: where RFC 7692 lets us choose a value (our own
//    compressor window in a client offer or a server response, the server's
//    window a client requests, the client's window a server imposes), a policy
//    of 8 is written as 9, so strict peers such as python-websockets never see
//    a limit of 8 from tether;
//  - accepts 8 when the peer demands it for our compressor (a client offer of
//    server_max_window_bits=8, a server response of client_max_window_bits=8)
//    and then compresses with zlib's 9-bit window. That is safe: zlib's deflate
//    never emits a match farther back than w_size - MIN_LOOKAHEAD = 512 - 262 =
//    250 bytes for a 512-byte window (MAX_DIST in zlib's deflate.h; "when
//    windowBits = 9, all the distance codes are no bigger than 250", the optipng
//    note in madler/zlib#291), so every stream it produces decodes with a
//    256-byte window. The deflate tests check this against the zlib linked;
//  - decompresses with the agreed window, 8 included (zlib's inflater takes -8),
//    so a peer that keeps its promise of 8 bits costs us 256 bytes of window.

namespace tether {

inline constexpr int min_deflate_window_bits = 8;   // RFC 7692 §7.1.2.1-2: 256-byte window
inline constexpr int max_deflate_window_bits = 15;  // 32 KiB, also the default when nothing is said

constexpr bool is_valid_deflate_window_bits(int bits) noexcept {
  return bits >= min_deflate_window_bits && bits <= max_deflate_window_bits;
}

namespace detail {

// The smallest window zlib compresses raw deflate with (see above).
inline constexpr int min_zlib_deflate_window_bits = 9;

// 8 becomes 9, for both uses above: a window tether asks for by its own
// choice, and the windowBits zlib's compressor gets for an agreed window.
constexpr int zlib_compatible_window_bits(int bits) noexcept {
  return bits < min_zlib_deflate_window_bits ? min_zlib_deflate_window_bits : bits;
}

}  // namespace detail
}  // namespace tether

#endif
