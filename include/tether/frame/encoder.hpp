// tether — header-only, sans-IO WebSocket (RFC 6455). Boost Software License 1.0.
#ifndef TETHER_FRAME_ENCODER_HPP
#define TETHER_FRAME_ENCODER_HPP

// Frame encoding (RFC 6455 §5.2). Two ways:
//  - header only: make_frame_header() + encode_frame_header() write at most 14
//    bytes, so a server can writev(header, payload) with no copy of the payload;
//  - contiguous: encode_frame() writes header and (masked) payload into one
//    caller buffer.
// A client masks every frame with a fresh key from its random source (§5.3).

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <system_error>

#include "../error.hpp"
#include "../role.hpp"
#include "header.hpp"
#include "mask.hpp"

namespace tether {

// The header a `sender` puts in front of `payload_length` bytes. The masking
// key is drawn from `random` (see random.hpp) only when the sender is a client.
template <class Random>
frame_header make_frame_header(role sender, opcode op, std::uint64_t payload_length, Random& random, bool fin = true,
                               std::uint8_t rsv_bits = 0) noexcept {
  frame_header header;
  header.fin = fin;
  header.rsv = rsv_bits;
  header.op = op;
  header.payload_length = payload_length;
  header.masked = sender == role::client;
  if (header.masked) random.fill(header.key.data(), header.key.size());
  return header;
}

// Checks the rules an encoder must not break: §5.5 control frames are short
// and unfragmented; §5.2 lengths fit in 63 bits.
inline std::error_code check_frame_header(const frame_header& header) noexcept {
  if (is_reserved_opcode(static_cast<std::uint8_t>(header.op))) return error::invalid_state;
  if (is_control(header.op)) {
    if (header.payload_length > max_control_payload) return error::control_payload_too_long;
    if (!header.fin) return error::invalid_state;
  }
  if (header.payload_length >> 63) return error::invalid_state;
  return {};
}

struct frame_encode_result {
  std::size_t size = 0;  // bytes written
  std::error_code error;
};

// Writes header and payload contiguously into out, masking the copy when the
// header says so. header.payload_length is set from size.
inline frame_encode_result encode_frame(frame_header header, const void* payload, std::size_t size, unsigned char* out,
                                        std::size_t capacity) noexcept {
  header.payload_length = size;
  if (const std::error_code ec = check_frame_header(header)) return {0, ec};
  const std::size_t header_size = encoded_header_size(size, header.masked);
  if (capacity < header_size || capacity - header_size < size) return {0, error::buffer_too_small};
  encode_frame_header(header, out);
  if (size != 0) {
    std::memcpy(out + header_size, payload, size);
    if (header.masked) apply_mask(out + header_size, size, header.key, 0);
  }
  return {header_size + size, {}};
}

}  // namespace tether

#endif
