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
#include <type_traits>
#include <vector>

#include "../error.hpp"
#include "../extension.hpp"
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

  // From the handshake on, messages may be encoded by this codec (an
  // extension, e.g. permessage-deflate; control frames never are).
  void use(message_codec* codec) noexcept { codec_ = codec; }

  // The common case in one step: a whole message of a few bytes (one frame
  // with a 7-bit length), no extension at work, room in the queue. The frame
  // still goes through the one encoder; inlined here with the opcode and role
  // known, its rule checks fold away. False: nothing was queued, take
  // send_message(), which also says why.
  TETHER_ALWAYS_INLINE bool send_small_message(opcode op, const unsigned char* data, std::size_t size) {
    if (stream_open_ || codec_ != nullptr || size > max_small_message) return false;
    if (TETHER_UNLIKELY(fragment_size_ != 0 && size > fragment_size_)) return false;  // several frames
    if (TETHER_UNLIKELY(!fits(size + max_frame_header_size))) return false;
    frame_context context;
    context.sender = role_;
    return encode_frame_to(queue_, header_for(op, size, true, 0), context, data) == error{};
  }
  static constexpr std::size_t max_small_message = 125;

  // A whole message. Borrowed payloads are referenced, not copied (a server's
  // only: a client masks, so it copies) and never encoded by an extension.
  error send_message(opcode op, const void* data, std::size_t size, bool borrow) {
    if (op != opcode::text && op != opcode::binary) return error::not_a_data_opcode;
    if (stream_open_) return error::message_in_progress;
    const auto* bytes = static_cast<const unsigned char*>(data);
    utf8_validator text;
    if (op == opcode::text && !text_continues(text, bytes, size, true)) return error::text_not_utf8;
    // An encoding is never larger than the message (else it goes plain), so
    // the plain size decides before the codec's context moves on.
    if (!fits(wire_size(size))) return error::output_queue_full;
    if (codec_ != nullptr && !borrow && codec_->worth_encoding(size)) {
      const message_codec::encode_result encoded = codec_->encode(bytes, size, true, true, scratch_);
      if (encoded.failure != error{}) return encoded.failure;
      if (!encoded.plain) {
        append_frames(op, scratch_.data(), scratch_.size(), true, false, codec_->rsv_bits());
        return scratch_done();
      }
    }
    append_frames(op, bytes, size, true, borrow && role_ == role::server, 0);
    return {};
  }

  // A message prepared once for many connections (shared_message.hpp).
  error send_shared(const shared_message& message) {
    if (!message) return message.failure();
    if (stream_open_) return error::message_in_progress;
    shared_message_body* body = message.body();
    if (!fits(encoded_header_size(body->size(), role_ == role::client) + body->size())) {
      return error::output_queue_full;
    }
    if (codec_ != nullptr && codec_->worth_encoding(body->size())) return send_shared_encoded(*body);
    if (role_ == role::server) {
      // Sent as one frame whatever fragment_size says: the header is encoded already.
      queue_.append_shared(body, body->server_frame(), body->server_frame_size());
    } else {
      append_frames(body->type(), body->payload(), body->size(), true, false, 0);
    }
    return {};
  }

  // A message in pieces of any size; control frames may go out between them.
  // With a codec, every piece is encoded (the size of the whole is unknown).
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
    const auto* bytes = static_cast<const unsigned char*>(data);
    utf8_validator text = outgoing_text_;  // committed only when the piece is queued
    if (stream_op_ == opcode::text && !text_continues(text, bytes, size, last)) return error::text_not_utf8;
    // An encoded piece may outgrow its input by a few bytes (a flush marker,
    // stored-block headers): the bound allows for it.
    const std::size_t bound = codec_ != nullptr ? size + size / 1024 + 64 : size;
    if (!fits(wire_size(bound))) return error::output_queue_full;
    if (codec_ != nullptr) {
      const message_codec::encode_result encoded = codec_->encode(bytes, size, last, false, scratch_);
      if (encoded.failure != error{}) return encoded.failure;
      append_frames(stream_op_, scratch_.data(), scratch_.size(), last, false, codec_->rsv_bits());
      static_cast<void>(scratch_done());
    } else {
      append_frames(stream_op_, bytes, size, last, false, 0);
    }
    outgoing_text_ = text;
    if (last) stream_open_ = false;
    return {};
  }

  // A control frame (§5.5): at most 125 bytes, always copied. Not held to the
  // queue limit: small, and the protocol needs them (the caller bounds pongs).
  error send_control(opcode op, const void* data, std::size_t size) {
    frame_header header = header_for(op, size, true, 0);
    return append_frame(header, static_cast<const unsigned char*>(data), false);
  }

  bool fits(std::size_t more) const noexcept { return more <= max_queued_ && queue_.size() <= max_queued_ - more; }

  void append_raw(const void* data, std::size_t size) { queue_.append_copy(data, size); }

  // The source given to the connection, or a default-constructed one made
  // on first use (a server never masks, so it never pays for one). A source
  // that cannot be default-constructed must be given to the constructor.
  Random& random() {
    if constexpr (std::is_default_constructible_v<Random>) {
      if (!random_) random_.emplace();
    }
    return *random_;
  }

 private:
  // RFC 6455 §5.6, §8.1: a text message is UTF-8 as a whole; `state`
  // carries a character split between pieces. The one check of outgoing text.
  static bool text_continues(utf8_validator& state, const void* data, std::size_t size, bool last) noexcept {
    return state.feed(data, size).valid && (!last || state.complete());
  }

  // A shared message through the codec: encoded once for every connection
  // with the same key, else by this connection (its context matters).
  error send_shared_encoded(shared_message_body& body) {
    const std::uint64_t key = codec_->shared_encoding_key();
    auto encode = [&](std::vector<unsigned char>& out) {
      return codec_->encode(body.payload(), body.size(), true, true, out);
    };
    if (key == 0) {
      const message_codec::encode_result encoded = encode(scratch_);
      if (encoded.failure != error{}) return encoded.failure;
      if (encoded.plain) {
        append_frames(body.type(), body.payload(), body.size(), true, false, 0);
      } else {
        append_frames(body.type(), scratch_.data(), scratch_.size(), true, false, codec_->rsv_bits());
      }
      return scratch_done();
    }
    error failure{};
    const encoded_variant* variant = body.variant(key, codec_->rsv_bits(), scratch_, encode, failure);
    static_cast<void>(scratch_done());
    if (variant == nullptr) return failure;
    if (variant->plain) {
      if (role_ == role::server) {
        queue_.append_shared(&body, body.server_frame(), body.server_frame_size());
      } else {
        append_frames(body.type(), body.payload(), body.size(), true, false, 0);
      }
    } else if (role_ == role::server) {
      queue_.append_shared(&body, variant->server_frame(), variant->server_frame_size());
    } else {
      append_frames(body.type(), variant->payload(), variant->size, true, false, codec_->rsv_bits());
    }
    return {};
  }

  // The encoding scratch keeps its memory for the next message unless a large
  // one made it grow: memory follows what is queued.
  error scratch_done() noexcept {
    if (scratch_.capacity() > kept_scratch) std::vector<unsigned char>().swap(scratch_);
    return {};
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

  // The frames of one part of a message: the first carries the opcode (and
  // `rsv`, the extension's bits, RFC 7692 §6) unless frames of this message
  // went out before; `last` puts FIN on the final one.
  TETHER_ALWAYS_INLINE void append_frames(opcode op, const unsigned char* data, std::size_t size, bool last,
                                          bool borrow, std::uint8_t rsv) {
    if (TETHER_LIKELY(fragment_size_ == 0 || size <= fragment_size_)) {  // one frame: the common case
      const bool first = !stream_frames_sent_;
      const frame_header header = header_for(first ? op : opcode::continuation, size, last, first ? rsv : 0);
      static_cast<void>(append_frame(header, data, borrow));
      stream_frames_sent_ = !last;
      return;
    }
    append_fragments(op, data, size, last, borrow, rsv);
  }

  TETHER_NOINLINE void append_fragments(opcode op, const unsigned char* data, std::size_t size, bool last, bool borrow,
                                        std::uint8_t rsv) {
    const std::size_t frames = frame_count(size);
    std::size_t offset = 0;
    for (std::size_t i = 0; i < frames; ++i) {
      const std::size_t piece = i + 1 == frames ? size - offset : fragment_size_;
      const bool first = !stream_frames_sent_;
      const frame_header header =
          header_for(first ? op : opcode::continuation, piece, last && i + 1 == frames, first ? rsv : 0);
      // The header was built to the rules by this class: a broken one is a
      // tether bug, caught by the check in the encoder during tests.
      static_cast<void>(append_frame(header, data + offset, borrow));
      stream_frames_sent_ = !header.fin;
      offset += piece;
    }
  }

  // As make_frame_header, but the random source is only made (random()) when
  // a key is drawn: a server never makes one.
  TETHER_ALWAYS_INLINE frame_header header_for(opcode op, std::size_t size, bool fin, std::uint8_t rsv) {
    frame_header header;
    header.fin = fin;
    header.rsv = rsv;
    header.op = op;
    header.payload_length = size;
    header.masked = role_ == role::client;
    if (header.masked) {
      masking_key key;  // not drawn into the header itself: see make_frame_header
      random().fill(key.data(), key.size());
      header.key = key;
    }
    return header;
  }

  TETHER_ALWAYS_INLINE error append_frame(const frame_header& header, const unsigned char* payload, bool borrow) {
    frame_context context;
    context.sender = role_;
    context.in_message = stream_frames_sent_;
    context.allowed_rsv = codec_ != nullptr ? codec_->rsv_bits() : 0;
    return encode_frame_to(queue_, header, context, payload, borrow);
  }

  static constexpr std::size_t kept_scratch = 64 * 1024;

  role role_;
  std::size_t fragment_size_;
  std::size_t max_queued_;
  std::optional<Random> random_;
  output_queue queue_;
  utf8_validator outgoing_text_;
  message_codec* codec_ = nullptr;
  std::vector<unsigned char> scratch_;  // an encoded message or piece, on its way into the queue
  opcode stream_op_ = opcode::binary;
  bool stream_open_ = false;
  bool stream_frames_sent_ = false;  // frames of the current message went out: the next is a continuation
};

}  // namespace tether::detail

#endif
