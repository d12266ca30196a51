// tether — header-only, sans-IO WebSocket (RFC 6455). Boost Software License 1.0.
#ifndef TETHER_FRAME_RULES_HPP
#define TETHER_FRAME_RULES_HPP

// The rules a frame header must follow, written once: the decoder (both its
// fast and its general path) checks every received header here, and every
// encoder checks what it is about to send here. Only the length *encoding*
// (minimal bytes, RFC 6455 §5.2) is the decoder's own business: an encoder
// always writes the minimal form.

#include <cstdint>

#include "../error.hpp"
#include "../role.hpp"
#include "header.hpp"

namespace tether {

// What the rules depend on besides the header itself.
struct frame_context {
  role sender = role::client;              // who sends the frame: a client masks, a server does not (§5.1)
  bool in_message = false;                 // a fragmented message is open (§5.4)
  std::uint64_t message_size = 0;          // payload bytes of the open message so far
  std::uint64_t max_frame_size = ~0ull;    // payload bytes of one frame (1009 above, §7.4.1)
  std::uint64_t max_message_size = ~0ull;  // payload bytes of a whole message (1009 above)
  std::uint8_t allowed_rsv = 0;            // RSV bits a negotiated extension defines (first frames only)
};

// The first rule the header breaks, or error{} when it breaks none.
constexpr error check_frame_header(const frame_header& header, const frame_context& context) noexcept {
  // §5.2: opcodes 0x3-0x7 and 0xB-0xF are reserved.
  if (is_reserved_opcode(static_cast<std::uint8_t>(header.op))) return error::reserved_opcode;
  // §5.2: "the most significant bit MUST be 0" in a 64-bit length.
  if (header.payload_length >> 63) return error::length_top_bit_set;
  // §5.1: a client masks every frame it sends, a server none.
  if (header.masked != (context.sender == role::client)) {
    return context.sender == role::client ? error::unmasked_frame : error::masked_frame;
  }
  if (is_control(header.op)) {
    if (!header.fin) return error::control_frame_fragmented;                                // §5.5
    if (header.payload_length > max_control_payload) return error::control_frame_too_long;  // §5.5
    if (header.rsv != 0) return error::reserved_bits;  // no registered extension defines them on control frames
    return {};
  }
  const bool first_frame = header.op != opcode::continuation;
  if (first_frame && context.in_message) return error::expected_continuation;      // §5.4
  if (!first_frame && !context.in_message) return error::unexpected_continuation;  // §5.4
  // §5.2: RSV bits only with an extension that defines them; the one
  // registered (permessage-deflate, RFC 7692 §6) uses RSV1 on first frames only.
  if ((header.rsv & ~(first_frame ? context.allowed_rsv : 0)) != 0) return error::reserved_bits;
  if (header.payload_length > context.max_frame_size) return error::frame_too_big;
  const std::uint64_t so_far = first_frame ? 0 : context.message_size;
  if (so_far > context.max_message_size || header.payload_length > context.max_message_size - so_far) {
    return error::message_too_big;
  }
  return {};
}

}  // namespace tether

#endif
