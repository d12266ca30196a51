// tether — header-only, sans-IO WebSocket (RFC 6455). Boost Software License 1.0.
#ifndef TETHER_CONNECTION_FRAME_SENDER_HPP
#define TETHER_CONNECTION_FRAME_SENDER_HPP

// The sending half of a connection: turns messages into frames (fragmented at
// fragment_size, RFC 6455 §5.4), masks them for a client (§5.3) with keys from
// the random source, and queues them for the socket within max_queued_output.
// A server may also send borrowed payloads: the header is queued, the payload
// is referenced, never copied.

#include <cstddef>
#include <cstdint>
#include <optional>
#include <system_error>

#include "../error.hpp"
#include "../frame/encoder.hpp"
#include "../frame/header.hpp"
#include "../role.hpp"
#include "options.hpp"
#include "output_queue.hpp"

namespace tether::detail {

template <class Random>
class frame_sender {
 public:
  frame_sender(role self, const connection_options& options, std::optional<Random> random)
      : role_(self),
        fragment_size_(options.fragment_size),
        max_queued_(options.max_queued_output),
        random_(std::move(random)) {}

  output_queue& queue() noexcept { return queue_; }
  const output_queue& queue() const noexcept { return queue_; }

  // Frames for one message part. first: this part starts the message (its
  // first frame carries `op`, later ones are continuations). last: the final
  // frame gets FIN. Borrowed payloads are referenced (server only).
  std::error_code send_data(opcode op, const void* data, std::size_t size, bool first, bool last, bool borrow) {
    const std::size_t frames = frame_count(size);
    const bool masked = role_ == role::client;
    const std::size_t last_piece = size - (frames - 1) * fragment_size_;
    const std::size_t wire_size =
        size + (frames - 1) * encoded_header_size(fragment_size_, masked) + encoded_header_size(last_piece, masked);
    if (!fits(wire_size)) return error::output_queue_full;
    const auto* bytes = static_cast<const unsigned char*>(data);
    std::size_t offset = 0;
    for (std::size_t i = 0; i < frames; ++i) {
      const std::size_t piece =
          fragment_size_ == 0 ? size : (size - offset < fragment_size_ ? size - offset : fragment_size_);
      const opcode frame_op = (first && i == 0) ? op : opcode::continuation;
      append_frame(frame_op, bytes + offset, piece, last && i + 1 == frames, borrow);
      offset += piece;
    }
    return {};
  }

  // A control frame (§5.5): at most 125 bytes, always copied. Control frames
  // are not held to the queue limit: they are small and the protocol needs them.
  void send_control(opcode op, const void* data, std::size_t size) {
    append_frame(op, static_cast<const unsigned char*>(data), size, true, false);
  }

  bool fits(std::size_t more) const noexcept { return more <= max_queued_ && queue_.size() <= max_queued_ - more; }

  void append_raw(const void* data, std::size_t size) { queue_.append_copy(data, size); }

  Random& random() {
    if (!random_) random_.emplace();
    return *random_;
  }

 private:
  std::size_t frame_count(std::size_t size) const noexcept {
    if (fragment_size_ == 0 || size <= fragment_size_) return 1;
    return (size + fragment_size_ - 1) / fragment_size_;
  }

  void append_frame(opcode op, const unsigned char* payload, std::size_t size, bool fin, bool borrow) {
    frame_header header;
    header.fin = fin;
    header.op = op;
    header.payload_length = size;
    header.masked = role_ == role::client;
    if (header.masked) random().fill(header.key.data(), header.key.size());
    const std::size_t header_size = encoded_header_size(size, header.masked);
    if (borrow && !header.masked) {
      encode_frame_header(header, queue_.append_owned(header_size));
      queue_.append_borrowed(payload, size);
      return;
    }
    unsigned char* out = queue_.append_owned(header_size + size);
    encode_frame_header(header, out);
    if (size != 0) {
      std::memcpy(out + header_size, payload, size);
      if (header.masked) apply_mask(out + header_size, size, header.key, 0);
    }
  }

  role role_;
  std::size_t fragment_size_;
  std::size_t max_queued_;
  std::optional<Random> random_;
  output_queue queue_;
};

}  // namespace tether::detail

#endif
