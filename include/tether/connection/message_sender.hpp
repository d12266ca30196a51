// tether — header-only, sans-IO WebSocket (RFC 6455). Boost Software License 1.0.
#ifndef TETHER_CONNECTION_MESSAGE_SENDER_HPP
#define TETHER_CONNECTION_MESSAGE_SENDER_HPP

// The sending half of a connection: turns messages into frames through the
// one encoder (frame/encoder.hpp, which checks every header against the
// rules), fragmented at fragment_size (RFC 6455 §5.4), masked for a client
// (§5.3) with keys from the random source, into the output queue within
// max_queued_output. It keeps the state of a message streamed in pieces and
// the UTF-8 state of outgoing text, so a text is checked in one place however
// it is sent.

#include <cstddef>
#include <cstdint>
#include <optional>

#include "../error.hpp"
#include "../frame/encoder.hpp"
#include "../frame/header.hpp"
#include "../role.hpp"
#include "../utf8.hpp"
#include "options.hpp"
#include "output_queue.hpp"
#include "shared_message.hpp"

namespace tether::detail {

template <class Random>
class message_sender {
 public:
  message_sender(role self, const connection_options& options, std::optional<Random> random)
      : role_(self),
        fragment_size_(options.fragment_size),
        max_queued_(options.max_queued_output),
        random_(std::move(random)),
        queue_(options.output_block_size) {}

  output_queue& queue() noexcept { return queue_; }
  const output_queue& queue() const noexcept { return queue_; }
  bool message_in_progress() const noexcept { return stream_open_; }

  // A whole message. Borrowed payloads are referenced, not copied (a server's
  // only: a client masks, so it copies).
  error send_message(opcode op, const void* data, std::size_t size, bool borrow) {
    if (op != opcode::text && op != opcode::binary) return error::not_a_data_opcode;
    if (stream_open_) return error::message_in_progress;
    utf8_validator text;
    if (op == opcode::text && !text_continues(text, data, size, true)) return error::text_not_utf8;
    if (!fits(wire_size(size))) return error::output_queue_full;
    append_frames(op, static_cast<const unsigned char*>(data), size, true, borrow && role_ == role::server);
    return {};
  }

  // A message prepared once for many connections (shared_message.hpp).
  error send_shared(const shared_message& message) {
    if (!message) return message.failure();
    if (stream_open_) return error::message_in_progress;
    detail::shared_message_body* body = message.body();
    if (!fits(encoded_header_size(body->size(), role_ == role::client) + body->size())) {
      return error::output_queue_full;
    }
    if (role_ == role::server) {
      // Sent as one frame whatever fragment_size says: the header is encoded already.
      queue_.append_shared(body, body->server_frame(), body->server_frame_size());
    } else {
      append_frames(body->type(), body->payload(), body->size(), true, false);
    }
    return {};
  }

  // A message in pieces of any size; control frames may go out between them.
  error begin_message(opcode op) {
    if (op != opcode::text && op != opcode::binary) return error::not_a_data_opcode;
    if (stream_open_) return error::message_in_progress;
    stream_open_ = true;
    stream_op_ = op;
    stream_frames_sent_ = false;
    outgoing_text_.reset();
    return {};
  }

  error send_piece(const void* data, std::size_t size, bool last) {
    if (!stream_open_) return error::no_message_in_progress;
    utf8_validator text = outgoing_text_;  // committed only when the piece is queued
    if (stream_op_ == opcode::text && !text_continues(text, data, size, last)) return error::text_not_utf8;
    if (!fits(wire_size(size))) return error::output_queue_full;
    append_frames(stream_op_, static_cast<const unsigned char*>(data), size, last, false);
    outgoing_text_ = text;
    if (last) stream_open_ = false;
    return {};
  }

  // A control frame (§5.5): at most 125 bytes, always copied. Not held to the
  // queue limit: small, and the protocol needs them (the caller bounds pongs).
  error send_control(opcode op, const void* data, std::size_t size) {
    frame_header header = header_for(op, size, true);
    return append_frame(header, static_cast<const unsigned char*>(data), false);
  }

  bool fits(std::size_t more) const noexcept { return more <= max_queued_ && queue_.size() <= max_queued_ - more; }

  void append_raw(const void* data, std::size_t size) { queue_.append_copy(data, size); }

  Random& random() {
    if (!random_) random_.emplace();
    return *random_;
  }

 private:
  // RFC 6455 §5.6, §8.1: a text message is UTF-8 as a whole; `state`
  // carries a character split between pieces. The one check of outgoing text.
  static bool text_continues(utf8_validator& state, const void* data, std::size_t size, bool last) noexcept {
    return state.feed(data, size).valid && (!last || state.complete());
  }

  std::size_t frame_count(std::size_t size) const noexcept {
    if (fragment_size_ == 0 || size <= fragment_size_) return 1;
    return (size + fragment_size_ - 1) / fragment_size_;
  }

  std::size_t wire_size(std::size_t size) const noexcept {
    const bool masked = role_ == role::client;
    const std::size_t frames = frame_count(size);
    if (frames == 1) return size + encoded_header_size(size, masked);
    const std::size_t last_piece = size - (frames - 1) * fragment_size_;
    return size + (frames - 1) * encoded_header_size(fragment_size_, masked) + encoded_header_size(last_piece, masked);
  }

  // The frames of one part of a message: the first carries the opcode unless
  // frames of this message went out before; `last` puts FIN on the final one.
  void append_frames(opcode op, const unsigned char* data, std::size_t size, bool last, bool borrow) {
    const std::size_t frames = frame_count(size);
    std::size_t offset = 0;
    for (std::size_t i = 0; i < frames; ++i) {
      const std::size_t piece = i + 1 == frames ? size - offset : fragment_size_;
      const opcode frame_op = stream_frames_sent_ ? opcode::continuation : op;
      const frame_header header = header_for(frame_op, piece, last && i + 1 == frames);
      // The header was built to the rules by this class: a broken one is a
      // tether bug, caught by the check in the encoder during tests.
      static_cast<void>(append_frame(header, data + offset, borrow));
      stream_frames_sent_ = !header.fin;
      offset += piece;
    }
  }

  frame_header header_for(opcode op, std::size_t size, bool fin) {
    frame_header header;
    header.fin = fin;
    header.op = op;
    header.payload_length = size;
    header.masked = role_ == role::client;
    if (header.masked) random().fill(header.key.data(), header.key.size());
    return header;
  }

  error append_frame(const frame_header& header, const unsigned char* payload, bool borrow) {
    frame_context context;
    context.sender = role_;
    context.in_message = stream_frames_sent_;
    return encode_frame_to(queue_, header, context, payload, borrow);
  }

  role role_;
  std::size_t fragment_size_;
  std::size_t max_queued_;
  std::optional<Random> random_;
  output_queue queue_;
  utf8_validator outgoing_text_;
  opcode stream_op_ = opcode::binary;
  bool stream_open_ = false;
  bool stream_frames_sent_ = false;  // frames of the current message went out: the next is a continuation
};

}  // namespace tether::detail

#endif
