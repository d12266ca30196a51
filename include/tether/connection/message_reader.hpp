// tether — header-only, sans-IO WebSocket (RFC 6455). Boost Software License 1.0.
#ifndef TETHER_CONNECTION_MESSAGE_READER_HPP
#define TETHER_CONNECTION_MESSAGE_READER_HPP

// The receiving half of a connection: frames decoded from the input (the
// frame decoder checks every header), text checked as it arrives (RFC 6455
// §8.1: fail at the first invalid byte, not at the end of the message), and
// control payloads gathered into the reader's own 125 bytes, since a control
// frame may arrive split across reads. It reports data pieces, whole control
// frames (raw: the connection gives them their meaning) and failures.

#include <cstddef>
#include <cstring>

#include "../error.hpp"
#include "../frame/decoder.hpp"
#include "../utf8.hpp"
#include "events.hpp"
#include "input_buffer.hpp"
#include "options.hpp"

namespace tether::detail {

class message_reader {
 public:
  message_reader(role self, const connection_options& options) noexcept : decoder_(decoder_options(self, options)) {}

  // The next data piece, whole control frame (type ping/pong/close, payload
  // raw), or failure (type failure, `failure` set) from the input; type none
  // when the input is used up.
  event next(input_buffer& input) noexcept {
    while (!input.empty()) {
      const frame_decode_result step = decoder_.decode(input.data(), input.size());
      input.advance(step.consumed);
      if (TETHER_UNLIKELY(step.failed())) return failure(step.failure);
      if (!step.has_event()) continue;
      const frame_header& header = decoder_.header();
      if (TETHER_UNLIKELY(is_control(header.op))) {
        if (step.frame_begins) control_size_ = 0;
        if (step.payload_size != 0) std::memcpy(control_ + control_size_, step.payload, step.payload_size);
        control_size_ += step.payload_size;
        if (step.frame_ends) return control_frame(header.op);
        continue;
      }
      const bool begins = step.frame_begins && header.op != opcode::continuation;
      const bool ends = step.frame_ends && header.fin;
      if (step.payload_size == 0 && !begins && !ends) continue;
      const opcode type = decoder_.message_opcode();
      if (type == opcode::text) {
        if (begins) incoming_text_.reset();
        if (!incoming_text_.feed(step.payload, step.payload_size).valid) return failure(error::invalid_utf8);
        if (ends && !incoming_text_.complete()) return failure(error::invalid_utf8);
      }
      event e;
      e.type = event_type::data;
      e.message_type = type;
      e.message_begins = begins;
      e.message_ends = ends;
      e.bytes = step.payload;
      e.size = step.payload_size;
      return e;
    }
    return {};
  }

 private:
  static frame_decoder_options decoder_options(role self, const connection_options& options) noexcept {
    frame_decoder_options decoder;
    decoder.receiver = self;
    decoder.max_frame_size = options.max_frame_size;
    decoder.max_message_size = options.max_message_size;
    decoder.strict_length_encoding = options.strict_length_encoding;
    return decoder;
  }

  static event failure(error broken) noexcept {
    event e;
    e.type = event_type::failure;
    e.failure = broken;
    return e;
  }

  event control_frame(opcode op) noexcept {
    event e;
    e.type = op == opcode::ping ? event_type::ping : op == opcode::pong ? event_type::pong : event_type::close;
    e.bytes = control_;
    e.size = control_size_;
    return e;
  }

  frame_decoder decoder_;
  utf8_validator incoming_text_;
  std::size_t control_size_ = 0;
  unsigned char control_[max_control_payload] = {};
};

}  // namespace tether::detail

#endif
