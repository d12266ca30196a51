// tether — header-only, sans-IO WebSocket (RFC 6455). Boost Software License 1.0.
#ifndef TETHER_CONNECTION_MESSAGE_READER_HPP
#define TETHER_CONNECTION_MESSAGE_READER_HPP

// The receiving half of a connection: frames decoded from the input (the
// frame decoder checks every header), the payload of a message an extension
// transformed (RSV1 with permessage-deflate) decoded back piece by piece into
// a bounded buffer, text checked as it arrives (RFC 6455 §8.1: fail at the
// first invalid byte, not at the end of the message), and control payloads
// gathered into the reader's own 125 bytes, since a control frame may arrive
// split across reads. It reports data pieces, whole control frames (raw: the
// connection gives them their meaning) and failures.

#include <cstddef>
#include <cstring>
#include <memory>
#include <utility>

#include "../detail/masked_text.hpp"
#include "../error.hpp"
#include "../extension.hpp"
#include "../frame/decoder.hpp"
#include "../utf8.hpp"
#include "events.hpp"
#include "input_buffer.hpp"
#include "options.hpp"

namespace tether::detail {

class message_reader {
 public:
  message_reader(role self, const connection_options& options) noexcept
      : decoder_(decoder_options(self, options)),
        decoded_capacity_(options.decoded_chunk_size < 64 ? 64 : options.decoded_chunk_size),
        max_decoded_size_(options.max_message_size) {}

  // From the handshake on, messages may be transformed by this codec.
  void use(message_codec* codec) noexcept {
    codec_ = codec;
    frame_decoder_options options = decoder_.options();
    options.allowed_rsv = codec != nullptr ? codec->rsv_bits() : 0;
    decoder_.set_options(options);
  }

  // The common case in one step: a whole plain text or binary message in one
  // frame, present in full. False (nothing consumed) for anything else, which
  // next() then handles; true with the data event (or the failure) in `e`.
  TETHER_ALWAYS_INLINE bool next_whole_message(input_buffer& input, event& e) noexcept {
    if (TETHER_UNLIKELY(encoded_.active)) return false;
    frame_decode_result step;
    // The payload stays masked here: text is unmasked in the same pass as its check.
    if (!decoder_.decode_whole_frame_masked(input.data(), input.size(), step)) return false;
    input.advance(step.consumed);
    if (TETHER_UNLIKELY(step.failed())) {
      e = failure(step.failure);
      return true;
    }
    message_encoded_ = false;  // no RSV bit: a plain message, whatever was agreed
    const frame_header& header = decoder_.header();
    e.type = event_type::data;
    e.message_type = header.op;
    e.message_begins = true;
    e.message_ends = true;
    e.bytes = step.payload;
    e.size = step.payload_size;
    if (header.op == opcode::text) {
      if (TETHER_UNLIKELY(!unmask_whole_text(step.payload, step.payload_size, header)))
        e = failure(error::invalid_utf8);
    } else if (header.masked) {
      apply_mask(step.payload, step.payload_size, header.key, 0);
    }
    return true;
  }

  // The next data piece, whole control frame (type ping/pong/close, payload
  // raw), or failure (type failure, `failure` set) from the input; type none
  // when the input is used up.
  event next(input_buffer& input) {
    if (TETHER_UNLIKELY(encoded_.active)) {
      if (event e = decode_more(); e) return e;
    }
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
      if (TETHER_UNLIKELY(begins && codec_ != nullptr)) message_encoded_ = (header.rsv & codec_->rsv_bits()) != 0;
      if (TETHER_UNLIKELY(message_encoded_)) {
        // A first piece may decode to nothing yet: the message begins with
        // the first piece that produces bytes.
        encoded_ = {step.payload, step.payload_size, ends, begins || encoded_.message_begins, true};
        if (event e = decode_more(); e) return e;
        continue;
      }
      if (step.payload_size == 0 && !begins && !ends) continue;
      return data(begins, ends, step.payload, step.payload_size);
    }
    return {};
  }

 private:
  // A piece of an encoded message still to be decoded (it points into the
  // input, which stays valid until next_event() says none: this is emptied first).
  struct encoded_piece {
    const unsigned char* data = nullptr;
    std::size_t size = 0;
    bool message_ends = false;
    bool message_begins = false;
    bool active = false;
  };

  static frame_decoder_options decoder_options(role self, const connection_options& options) noexcept {
    frame_decoder_options decoder;
    decoder.receiver = self;
    decoder.max_frame_size = options.max_frame_size;
    decoder.max_message_size = options.max_message_size;
    decoder.strict_length_encoding = options.strict_length_encoding;
    return decoder;
  }

  // The next decoded chunk of the encoded piece; none once the piece is used
  // up (and, at the end of the message, decoded to its end) with nothing
  // more to hand out.
  event decode_more() {
    if (!decoded_) decoded_.reset(new unsigned char[decoded_capacity_]);
    while (encoded_.active) {
      const message_codec::decode_step step =
          codec_->decode(encoded_.data, encoded_.size, encoded_.message_ends, decoded_.get(), decoded_capacity_);
      if (step.failure != error{}) return failure(step.failure);
      encoded_.data += step.consumed;
      encoded_.size -= step.consumed;
      const bool finished = encoded_.message_ends && step.finished;
      const bool room_left = step.produced < decoded_capacity_;  // else more output may be waiting
      if (finished || (encoded_.size == 0 && room_left && !encoded_.message_ends)) encoded_.active = false;
      if (step.produced != 0 || finished) {
        if (finished) message_encoded_ = false;
        const bool begins = std::exchange(encoded_.message_begins, false);
        if (begins) decoded_size_ = 0;
        // max_message_size holds for what the message decodes to, checked as
        // it grows: a small frame that would decode to gigabytes fails with
        // 1009 one chunk past the limit (RFC 6455 §10.4).
        decoded_size_ += step.produced;
        if (decoded_size_ > max_decoded_size_) {
          encoded_.active = false;
          return failure(error::message_too_big);
        }
        return data(begins, finished, decoded_.get(), step.produced);
      }
      if (encoded_.active && step.consumed == 0) {  // no progress: the codec cannot go on
        encoded_.active = false;
        return failure(error::extension_stalled);
      }
    }
    return {};
  }

  event data(bool begins, bool ends, unsigned char* bytes, std::size_t size) noexcept {
    const opcode type = decoder_.message_opcode();
    if (type == opcode::text) {
      if (begins) incoming_text_.reset();
      if (!incoming_text_.feed(bytes, size).valid) return failure(error::invalid_utf8);
      if (ends && !incoming_text_.complete()) return failure(error::invalid_utf8);
    }
    event e;
    e.type = event_type::data;
    e.message_type = type;
    e.message_begins = begins;
    e.message_ends = ends;
    e.bytes = bytes;
    e.size = size;
    return e;
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
  message_codec* codec_ = nullptr;
  bool message_encoded_ = false;  // the message being received was transformed (RSV1)
  encoded_piece encoded_;
  std::unique_ptr<unsigned char[]> decoded_;  // made when the first encoded message arrives
  std::size_t decoded_capacity_;
  std::uint64_t max_decoded_size_;
  std::uint64_t decoded_size_ = 0;  // of the encoded message being received
  std::size_t control_size_ = 0;
  unsigned char control_[max_control_payload] = {};
};

}  // namespace tether::detail

#endif
