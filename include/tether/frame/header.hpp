// tether — header-only, sans-IO WebSocket (RFC 6455). Boost Software License 1.0.
#ifndef TETHER_FRAME_HEADER_HPP
#define TETHER_FRAME_HEADER_HPP

// The base framing protocol, RFC 6455 §5.2:
//
//   0                   1                   2                   3
//   0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
//  +-+-+-+-+-------+-+-------------+-------------------------------+
//  |F|R|R|R| opcode|M| Payload len |    Extended payload length    |
//  |I|S|S|S|  (4)  |A|     (7)     |             (16/64)           |
//  |N|V|V|V|       |S|             |   (if payload len==126/127)   |
//  | |1|2|3|       |K|             |                               |
//  +-+-+-+-+-------+-+-------------+ - - - - - - - - - - - - - - - +
//  |     Extended payload length continued, if payload len == 127  |
//  + - - - - - - - - - - - - - - - +-------------------------------+
//  |                               |Masking-key, if MASK set to 1  |
//  +-------------------------------+-------------------------------+

#include <cstddef>
#include <cstdint>

#include "../config.hpp"
#include "mask.hpp"

namespace tether {

enum class opcode : std::uint8_t {
  continuation = 0x0,
  text = 0x1,
  binary = 0x2,
  close = 0x8,
  ping = 0x9,
  pong = 0xA,
};

// §5.2: 0x3-0x7 and 0xB-0xF are reserved.
constexpr bool is_reserved_opcode(std::uint8_t value) noexcept {
  return (value >= 0x3 && value <= 0x7) || value >= 0xB;
}
// §5.5: control frames have the high bit of the opcode set.
constexpr bool is_control(opcode op) noexcept { return (static_cast<std::uint8_t>(op) & 0x8) != 0; }

// RSV bits as they sit in the first header byte, shifted down: RSV1 = 4.
namespace rsv {
constexpr std::uint8_t rsv1 = 0x4;
constexpr std::uint8_t rsv2 = 0x2;
constexpr std::uint8_t rsv3 = 0x1;
}  // namespace rsv

// §5.5: control frame payloads are at most 125 bytes.
constexpr std::size_t max_control_payload = 125;
// 2 fixed bytes + 8 bytes of 64-bit length + 4 bytes of masking key.
constexpr std::size_t max_frame_header_size = 14;

struct frame_header {
  bool fin = true;
  std::uint8_t rsv = 0;  // combination of rsv::rsv1/rsv2/rsv3
  opcode op = opcode::binary;
  bool masked = false;
  masking_key key{};
  std::uint64_t payload_length = 0;
};

// Size of the encoded header for this header (2, 4, 6, 8, 10 or 14 bytes).
constexpr std::size_t encoded_header_size(std::uint64_t payload_length, bool masked) noexcept {
  return 2u + (payload_length < 126 ? 0u : payload_length <= 0xFFFF ? 2u : 8u) + (masked ? 4u : 0u);
}

// Writes the header in the minimal length encoding (§5.2: "the minimal number
// of bytes MUST be used"). out must have room for max_frame_header_size bytes.
// A payload_length with the top bit set cannot be encoded and is clamped off by
// the caller (the encoder refuses it); here it is written as given.
TETHER_ALWAYS_INLINE std::size_t encode_frame_header(const frame_header& header, unsigned char* out) noexcept {
  out[0] = static_cast<unsigned char>((header.fin ? 0x80 : 0) | ((header.rsv & 0x7) << 4) |
                                      static_cast<std::uint8_t>(header.op));
  const unsigned char mask_bit = header.masked ? 0x80 : 0;
  std::size_t size = 2;
  const std::uint64_t length = header.payload_length;
  if (length < 126) {
    out[1] = static_cast<unsigned char>(mask_bit | length);
  } else if (length <= 0xFFFF) {
    out[1] = static_cast<unsigned char>(mask_bit | 126);
    out[2] = static_cast<unsigned char>(length >> 8);
    out[3] = static_cast<unsigned char>(length);
    size = 4;
  } else {
    out[1] = static_cast<unsigned char>(mask_bit | 127);
    for (int i = 0; i < 8; ++i) out[2 + i] = static_cast<unsigned char>(length >> (56 - 8 * i));
    size = 10;
  }
  if (header.masked) {
    out[size] = header.key[0], out[size + 1] = header.key[1], out[size + 2] = header.key[2];
    out[size + 3] = header.key[3];
    size += 4;
  }
  return size;
}

}  // namespace tether

#endif
