// tether — header-only, sans-IO WebSocket (RFC 6455). Boost Software License 1.0.
#ifndef TETHER_DEFLATE_OPTIONS_HPP
#define TETHER_DEFLATE_OPTIONS_HPP

// The local permessage-deflate policy (RFC 7692 §7.1), for either role. The
// same struct configures the offer a client writes, the offers a server
// accepts, and the compressor (level, memory level, minimum size). No zlib.
//
// Memory per connection, zlib 1.2.13 on x86-64 (the formulas are zlib's, plus
// 144 bytes for the z_stream; the deflate tests check them against counting
// zalloc hooks):
//   compressor   (1 << (window_bits + 2)) + (1 << (memory_level + 9)) + 6096
//   decompressor (1 << window_bits) + 7304
//   window bits                    15        12       10       9 (and 8)
//   compressor, memory_level 8     262 KiB   150 KiB  138 KiB  136 KiB
//   compressor, memory_level 5     150 KiB   38 KiB   26 KiB   24 KiB
//   decompressor                   39 KiB    11 KiB   8.1 KiB  7.6 KiB (7.4)
// A direction with no context takeover holds none of this between messages:
// its zlib state is created for each message and freed at its end. The
// defaults below (12-bit windows, memory level 5, context takeover) cost
// 49 KiB per connection, python-websockets' choice, against 301 KiB for
// 15 bits and memory level 8; tests/bench/deflate_bench.cpp reports what each
// costs in compression on chat-like JSON.

#include <cstddef>

#include "../error.hpp"
#include "window_bits.hpp"

namespace tether {

struct deflate_options {
  // RFC 7692 §7.1.1: context takeover. true asks that the named side start
  // every message with an empty LZ77 window, so no zlib state is kept between
  // messages for that direction (the memory above, traded for compression of
  // repetitive small messages). A client requests server_no_context_takeover
  // in its offer and promises client_no_context_takeover; a server imposes both
  // in its response. When the peer asks for either, tether always agrees.
  bool server_no_context_takeover = false;
  bool client_no_context_takeover = false;

  // RFC 7692 §7.1.2: LZ77 window sizes, 8..15 bits (256 bytes .. 32 KiB).
  // server_max_window_bits: the server's compressor window. A client requests
  // it when below 15; a server never compresses with more, and answers with a
  // smaller value when the client asks for one.
  // client_max_window_bits: the client's compressor window. A client uses at
  // most this (and says so in its offer); a server asks the client for it when
  // the client offered the parameter.
  // A policy of 8 is written as 9 (see window_bits.hpp: zlib cannot compress
  // with 8, and some peers refuse a request for 8).
  int server_max_window_bits = 12;
  int client_max_window_bits = 12;

  // Client: offer client_max_window_bits (bare when client_max_window_bits is
  // 15), so the server may limit our window (RFC 7692 §7.1.2.2). Browsers and
  // python-websockets do; turn it off only for servers that reject the bare form.
  bool offer_client_max_window_bits = true;
  // Server: a client that did not offer client_max_window_bits cannot be asked
  // for a smaller window. By default such an offer is accepted and inflated
  // with a 15-bit window (39 KiB); true declines it instead, so every
  // decompressor stays within client_max_window_bits.
  bool require_client_max_window_bits = false;

  // Compressor settings (not negotiated).
  int compression_level = 6;           // zlib level 0 (store) .. 9 (best); 6 is zlib's default
  int memory_level = 5;                // zlib memLevel 1..9: hash table and block buffer size, see above
  std::size_t min_compress_size = 32;  // messages shorter than this are sent uncompressed
};

// bad_deflate_options when a field is out of range, else error{}.
constexpr error check_deflate_options(const deflate_options& options) noexcept {
  const bool valid = is_valid_deflate_window_bits(options.server_max_window_bits) &&
                     is_valid_deflate_window_bits(options.client_max_window_bits) && options.compression_level >= 0 &&
                     options.compression_level <= 9 && options.memory_level >= 1 && options.memory_level <= 9;
  return valid ? error{} : error::bad_deflate_options;
}

// Heap bytes of one engine's zlib state while it holds one, per the formulas above.
constexpr std::size_t deflate_compressor_memory(int window_bits, int memory_level) noexcept {
  const int bits = detail::zlib_compatible_window_bits(window_bits);
  return (std::size_t{1} << (bits + 2)) + (std::size_t{1} << (memory_level + 9)) + 6096;
}
constexpr std::size_t deflate_decompressor_memory(int window_bits) noexcept {
  return (std::size_t{1} << window_bits) + 7304;
}

}  // namespace tether

#endif
