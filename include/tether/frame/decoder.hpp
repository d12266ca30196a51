// tether — header-only, sans-IO WebSocket (RFC 6455). Boost Software License 1.0.
#ifndef TETHER_FRAME_DECODER_HPP
#define TETHER_FRAME_DECODER_HPP

// A resumable frame decoder (RFC 6455 §5). Input may stop at any byte: at most
// the 14 header bytes are kept between calls, and payload is handed out as it
// arrives, as spans of the caller's own buffer unmasked in place (or copied
// into a caller-given destination), so a frame of any size never has to be
// held whole. The decoder also checks the order of frames in a message (§5.4)
// and the frame and message size limits.
//
//   frame_decoder decoder({role::server});
//   while (size != 0) {
//     auto step = decoder.decode(data, size);
//     if (step.failed()) { /* fail with close_code_for(step.error()) */ }
//     if (step.frame_begins) { /* decoder.header() */ }
//     /* step.payload, step.payload_size: unmasked bytes of the frame */
//     if (step.frame_ends) { ... }
//     data += step.consumed, size -= step.consumed;
//   }

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <system_error>

#include "../config.hpp"
#include "../defaults.hpp"
#include "../error.hpp"
#include "../role.hpp"
#include "header.hpp"
#include "mask.hpp"
#include "rules.hpp"

namespace tether {

struct frame_decoder_options {
  role receiver = role::server;                                 // which end decodes: a server expects masked frames
  std::uint64_t max_frame_size = defaults::max_frame_size;      // payload bytes of one frame (1009 above)
  std::uint64_t max_message_size = defaults::max_message_size;  // payload bytes of all frames of a message
  std::uint8_t allowed_rsv = 0;        // RSV bits a negotiated extension gave meaning to (first data frame only)
  bool strict_length_encoding = true;  // reject non-minimal length encodings (§5.2 "MUST")
};

struct frame_decode_result {
  std::size_t consumed = 0;          // input bytes used by this step
  bool frame_begins = false;         // a new header was decoded: see frame_decoder::header()
  bool frame_ends = false;           // the frame's payload is complete
  unsigned char* payload = nullptr;  // unmasked payload of this step (size payload_size)
  std::size_t payload_size = 0;
  tether::error failure{};  // the rule broken (0: none); the decoder stays failed

  bool failed() const noexcept { return failure != tether::error{}; }
  // As a std::error_code (made only when asked: the hot path carries a plain enum).
  std::error_code error() const noexcept { return failed() ? make_error_code(failure) : std::error_code{}; }
  // False when the step only buffered header bytes (or failed).
  bool has_event() const noexcept { return frame_begins || frame_ends || payload_size != 0; }
};

class frame_decoder {
 public:
  explicit frame_decoder(const frame_decoder_options& options = {}) noexcept : options_(options) { update_fast_path(); }

  // Decodes from mutable input, unmasking payload in place. One call reports at
  // most one frame's header and the payload of that frame that is present.
  TETHER_ALWAYS_INLINE frame_decode_result decode(unsigned char* data, std::size_t size) noexcept {
    frame_decode_result result;
    if (decode_whole_frame(data, size, result)) return result;
    return decode_general(data, size);
  }

  // The common case alone, for callers with a fast path of their own: a whole
  // unfragmented text or binary frame with a 7- or 16-bit length and no RSV
  // bits, present in full, outside a fragmented message. False (nothing
  // consumed) when the input is anything else; true when it was that shape,
  // decoded into `result` — which may be a failure (the rules are checked).
  TETHER_ALWAYS_INLINE bool decode_whole_frame(unsigned char* data, std::size_t size,
                                               frame_decode_result& result) noexcept {
    return fast_path_open_ && size >= 2 && take_whole_small_frame<true>(data, size, result);
  }

  // The same, but a masked payload is handed out still masked: the caller
  // unmasks it (header().masked, header().key at phase 0), e.g. in the same
  // pass as its own check of the bytes.
  TETHER_ALWAYS_INLINE bool decode_whole_frame_masked(unsigned char* data, std::size_t size,
                                                      frame_decode_result& result) noexcept {
    return fast_path_open_ && size >= 2 && take_whole_small_frame<false>(data, size, result);
  }

  // Decodes from const input, copying at most `capacity` payload bytes to `out`
  // (unmasked there). Input past what fits is left unconsumed.
  frame_decode_result decode(const unsigned char* data, std::size_t size, unsigned char* out,
                             std::size_t capacity) noexcept {
    frame_decode_result result;
    std::size_t position = 0;
    if (!in_payload_) {
      if (!take_header(data, size, position, result)) return result;
    }
    const std::size_t available = payload_in(size - position < capacity ? size - position : capacity);
    if (available != 0) std::memcpy(out, data + position, available);
    return hand_out(out, available, position + available, result);
  }

  // The header of the current (or just finished) frame.
  const frame_header& header() const noexcept { return header_; }
  // Payload bytes of the current frame not yet delivered.
  std::uint64_t payload_remaining() const noexcept { return remaining_; }
  // True between the first and the last frame of a fragmented message (§5.4).
  bool in_fragmented_message() const noexcept { return message_open_; }
  // Opcode of the message being received (text or binary), valid while frames of it arrive.
  opcode message_opcode() const noexcept { return message_opcode_; }
  // True between a header and the end of its payload.
  bool in_frame() const noexcept { return in_payload_; }
  std::error_code error() const noexcept { return failed_ ? make_error_code(error_) : std::error_code{}; }

  const frame_decoder_options& options() const noexcept { return options_; }
  // Limits and RSV grants may change between messages (e.g. after negotiation).
  void set_options(const frame_decoder_options& options) noexcept {
    options_ = options;
    update_fast_path();
  }

 private:
  // The common case in one step: a whole unfragmented text or binary frame
  // (FIN=1, no RSV bits, 7- or 16-bit length) outside a fragmented message,
  // present in full. Only the shape is recognised here; the rules are those
  // of every header (check_frame_header), and anything else takes the
  // general path.
  template <bool Unmask>
  TETHER_ALWAYS_INLINE bool take_whole_small_frame(unsigned char* data, std::size_t size,
                                                   frame_decode_result& result) noexcept {
    const unsigned first = data[0], second = data[1];
    // first is 0x81 (text) or 0x82 (binary): FIN set, no RSV bits.
    if (first - 0x81u >= 2u) return false;
    std::size_t length = second & 0x7Fu;
    const bool masked = (second & 0x80u) != 0;
    std::size_t header_size = masked ? 6 : 2;
    if (length >= 126) {
      if (length == 127 || size < 4) return false;
      length = (std::size_t{data[2]} << 8) | data[3];
      header_size += 2;
      if (length < 126) return false;  // non-minimal: the general path decides
    }
    if (size < header_size || size - header_size < length) return false;
    // Written in place (the decoder fails for good if a rule is broken).
    header_.fin = true;
    header_.rsv = 0;
    header_.op = static_cast<opcode>(first & 0x0Fu);
    header_.masked = masked;
    header_.payload_length = length;
    if (TETHER_UNLIKELY(!admit_header())) {
      result.failure = error_;
      return true;
    }
    unsigned char* payload = data + header_size;
    if (masked) {
      std::memcpy(header_.key.data(), payload - 4, 4);
      if constexpr (Unmask) apply_mask(payload, length, header_.key, 0);
    }
    result.frame_begins = true;
    result.frame_ends = true;
    result.payload = payload;
    result.payload_size = length;
    result.consumed = header_size + length;
    return true;
  }

  // Everything but the common case, out of line so the common case inlines.
  TETHER_NOINLINE frame_decode_result decode_general(unsigned char* data, std::size_t size) noexcept {
    frame_decode_result result;
    std::size_t position = 0;
    if (TETHER_UNLIKELY(!in_payload_)) {
      if (!take_header(data, size, position, result)) return result;
    }
    const std::size_t available = payload_in(size - position);
    return hand_out(data + position, available, position + available, result);
  }

  // Reads the header from input (or completes it from the stash). Returns false
  // when the step ends here: header incomplete (all input buffered) or invalid.
  bool take_header(const unsigned char* data, std::size_t size, std::size_t& position,
                   frame_decode_result& result) noexcept {
    if (TETHER_UNLIKELY(failed_)) {
      result.failure = error_;
      return false;
    }
    const unsigned char* bytes;
    if (TETHER_LIKELY(stashed_ == 0 && size >= 2)) {
      const std::size_t needed = header_size_from(data[1]);
      if (TETHER_UNLIKELY(size < needed)) return stash(data, size, result);
      bytes = data;
      position = needed;
    } else {
      // Resume a header split across reads: at most 14 bytes are ever kept.
      std::size_t used = 0;
      while (stashed_ < 2 && used < size) stash_[stashed_++] = data[used++];
      if (stashed_ < 2) {
        result.consumed = used;
        update_fast_path();
        return false;
      }
      const std::size_t needed = header_size_from(stash_[1]);
      const std::size_t take = needed - stashed_ < size - used ? needed - stashed_ : size - used;
      std::memcpy(stash_ + stashed_, data + used, take);
      stashed_ += take;
      used += take;
      if (stashed_ < needed) {
        result.consumed = used;
        update_fast_path();
        return false;
      }
      bytes = stash_;
      position = used;
      stashed_ = 0;
    }
    const tether::error bad = parse_header(bytes);
    if (TETHER_UNLIKELY(bad != tether::error{})) {
      error_ = bad;
      failed_ = true;
      fast_path_open_ = false;
      result.failure = bad;
      result.consumed = 0;
      return false;
    }
    result.frame_begins = true;
    in_payload_ = true;
    remaining_ = header_.payload_length;
    phase_ = 0;
    return true;
  }

  bool stash(const unsigned char* data, std::size_t size, frame_decode_result& result) noexcept {
    std::memcpy(stash_, data, size);
    stashed_ = size;
    result.consumed = size;
    update_fast_path();
    return false;
  }

  // The fast path is open between frames, outside fragmented messages, with
  // no header bytes stashed and no failure; its limit folds in the size limits.
  void update_fast_path() noexcept { fast_path_open_ = !in_payload_ && stashed_ == 0 && !message_open_ && !failed_; }

  static std::size_t header_size_from(unsigned char second_byte) noexcept {
    const unsigned length_code = second_byte & 0x7Fu;
    return 2u + (length_code < 126 ? 0u : length_code == 126 ? 2u : 8u) + ((second_byte & 0x80) ? 4u : 0u);
  }

  // Decodes the header's bytes (the length encoding is checked here, the
  // rules in check_frame_header) and takes it as the current frame.
  tether::error parse_header(const unsigned char* bytes) noexcept {
    frame_header h;
    h.fin = (bytes[0] & 0x80) != 0;
    h.rsv = static_cast<std::uint8_t>((bytes[0] >> 4) & 0x7);
    h.op = static_cast<opcode>(bytes[0] & 0x0F);
    h.masked = (bytes[1] & 0x80) != 0;
    const unsigned length_code = bytes[1] & 0x7Fu;
    std::size_t offset = 2;
    if (length_code < 126) {
      h.payload_length = length_code;
    } else if (length_code == 126) {
      h.payload_length = (std::uint64_t{bytes[2]} << 8) | bytes[3];
      offset = 4;
      // §5.2: "the minimal number of bytes MUST be used to encode the length".
      if (options_.strict_length_encoding && h.payload_length < 126) return tether::error::non_minimal_length;
    } else {
      for (int i = 0; i < 8; ++i) h.payload_length = (h.payload_length << 8) | bytes[2 + i];
      offset = 10;
      if (options_.strict_length_encoding && h.payload_length <= 0xFFFF) return tether::error::non_minimal_length;
    }
    if (h.masked) std::memcpy(h.key.data(), bytes + offset, 4);
    header_ = h;
    return admit_header() ? tether::error{} : error_;
  }

  // Applies the rules to the header just decoded into header_; on success the
  // message's bookkeeping moves on (§5.4), else the decoder fails for good.
  TETHER_ALWAYS_INLINE bool admit_header() noexcept {
    const frame_header& h = header_;
    frame_context context;
    context.sender = peer_of(options_.receiver);
    context.in_message = message_open_;
    context.message_size = message_size_;
    context.max_frame_size = options_.max_frame_size;
    context.max_message_size = options_.max_message_size;
    context.allowed_rsv = options_.allowed_rsv;
    const tether::error broken = check_frame_header(h, context);
    if (TETHER_UNLIKELY(broken != tether::error{})) {
      error_ = broken;
      failed_ = true;
      fast_path_open_ = false;
      return false;
    }
    if (!is_control(h.op)) {
      if (h.op != opcode::continuation) {
        message_opcode_ = h.op;
        message_size_ = 0;
      }
      message_size_ += h.payload_length;
      message_open_ = !h.fin;
    }
    return true;
  }

  // How many of `offered` bytes belong to the current frame's payload.
  std::size_t payload_in(std::size_t offered) const noexcept {
    return offered > remaining_ ? static_cast<std::size_t>(remaining_) : offered;
  }

  // The end of every general-path step: unmasks the `available` payload bytes
  // already placed at `payload`, reports them, and closes the frame when its
  // payload is complete. `consumed`: input bytes used by the whole step.
  frame_decode_result& hand_out(unsigned char* payload, std::size_t available, std::size_t consumed,
                                frame_decode_result& result) noexcept {
    if (available != 0) {
      if (header_.masked) phase_ = apply_mask(payload, available, header_.key, phase_);
      result.payload = payload;
      result.payload_size = available;
      remaining_ -= available;
    }
    if (remaining_ == 0) {
      result.frame_ends = true;
      in_payload_ = false;
    }
    result.consumed = consumed;
    update_fast_path();
    return result;
  }

  frame_decoder_options options_;
  frame_header header_{};
  std::uint64_t remaining_ = 0;
  std::uint64_t message_size_ = 0;
  std::size_t phase_ = 0;
  std::size_t stashed_ = 0;
  tether::error error_{};
  opcode message_opcode_ = opcode::binary;
  bool in_payload_ = false;
  bool message_open_ = false;
  bool failed_ = false;
  bool fast_path_open_ = true;
  unsigned char stash_[max_frame_header_size] = {};
};

}  // namespace tether

#endif
