// tether — header-only, sans-IO WebSocket (RFC 6455). Boost Software License 1.0.
#ifndef TETHER_FRAME_ENCODER_HPP
#define TETHER_FRAME_ENCODER_HPP

// Frame encoding (RFC 6455 §5.2): one encoder, encode_frame_to(), used by
// every sender (the connection's output queue is one of its sinks) and by
// encode_frame(), which writes into one caller buffer. It checks the header
// against the rules first (frame/rules.hpp). For writev without a copy of the
// payload, encode_frame_header() (frame/header.hpp) writes the header alone.
// A client masks every frame with a fresh key from its random source (§5.3).

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <system_error>
#include <utility>

#include "../config.hpp"
#include "../error.hpp"
#include "../role.hpp"
#include "header.hpp"
#include "mask.hpp"
#include "rules.hpp"

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
  if (header.masked) {
    // Filled outside the header: a header whose address escapes into the
    // random source stays in memory, and its byte-wise stores followed by
    // the 16-byte copy of the whole header stall store forwarding (a third
    // of a 1 KiB send on this machine, tests/bench/connection_bench.cpp).
    masking_key key;
    random.fill(key.data(), key.size());
    header.key = key;
  }
  return header;
}

// The context of a frame encoded on its own, outside any connection: the
// sender is the role its mask bit names, a continuation continues a message,
// and RSV bits are the caller's choice. The rules of the frame itself (opcode,
// length, control frames) still apply.
constexpr frame_context standalone_context(const frame_header& header) noexcept {
  frame_context context;
  context.sender = header.masked ? role::client : role::server;
  context.in_message = header.op == opcode::continuation;
  context.allowed_rsv = header.rsv;
  return context;
}

namespace detail {

// Payload bytes from `src` to `dst`, masked when the header says so; `offset`
// is the position of src[0] in the payload (the key's phase, §5.3).
TETHER_ALWAYS_INLINE void copy_payload(unsigned char* dst, const unsigned char* src, std::size_t count,
                                       const frame_header& header, std::size_t offset) noexcept {
  if (count == 0) return;
  if (header.masked) {
    copy_masked(dst, src, count, header.key, offset & 3);
  } else {
    detail::copy_bytes(dst, src, count);
  }
}

// A sink over one caller buffer (encode_frame below).
class buffer_sink {
 public:
  explicit buffer_sink(unsigned char* out) noexcept : out_(out) {}
  unsigned char* append_contiguous(std::size_t n) noexcept { return std::exchange(out_, out_ + n); }
  template <class Copy>
  void append_copy(const unsigned char* src, std::size_t n, Copy&& copy) noexcept {
    copy(append_contiguous(n), src, n, std::size_t{0});
  }
  void append_borrowed(const unsigned char* src, std::size_t n) noexcept { std::memcpy(append_contiguous(n), src, n); }

 private:
  unsigned char* out_;
};

}  // namespace detail

// The one frame encoder: checks the header against the rules, then writes
// header and payload (masked when the header says so) to a sink:
//   unsigned char* append_contiguous(std::size_t n);  // n bytes in one piece, nullptr when too many
//   void append_copy(const unsigned char* src, std::size_t n, Copy copy);  // bytes in any pieces,
//        copy(dst, src, count, offset) fills each piece
//   void append_borrowed(const unsigned char* src, std::size_t n);  // referenced, only when borrow is true
// A borrowed payload is never masked: only a server (which does not mask) borrows.
template <class Sink>
TETHER_ALWAYS_INLINE error encode_frame_to(Sink& sink, const frame_header& header, const frame_context& context,
                                           const unsigned char* payload, bool borrow = false) {
  const error broken = check_frame_header(header, context);
  if (TETHER_UNLIKELY(broken != error{})) return broken;
  if (borrow && header.masked) return error::masked_frame;  // a borrowed payload cannot be masked in place
  const auto size = static_cast<std::size_t>(header.payload_length);
  const std::size_t header_size = encoded_header_size(size, header.masked);
  if (!borrow) {
    if (unsigned char* out = sink.append_contiguous(header_size + size)) {
      encode_frame_header(header, out);
      detail::copy_payload(out + header_size, payload, size, header, 0);
      return {};
    }
  }
  encode_frame_header(header, sink.append_contiguous(header_size));
  if (size == 0) return {};
  if (borrow) {
    sink.append_borrowed(payload, size);
  } else {
    sink.append_copy(payload, size,
                     [&header](unsigned char* dst, const unsigned char* src, std::size_t count, std::size_t offset) {
                       detail::copy_payload(dst, src, count, header, offset);
                     });
  }
  return {};
}

struct frame_encode_result {
  std::size_t size = 0;     // bytes written
  tether::error failure{};  // the rule broken (0: none)
  std::error_code error() const noexcept {
    return failure != tether::error{} ? make_error_code(failure) : std::error_code{};
  }
};

// Writes header and payload contiguously into out, masking the copy when the
// header says so. header.payload_length is set from size.
inline frame_encode_result encode_frame(frame_header header, const void* payload, std::size_t size, unsigned char* out,
                                        std::size_t capacity) noexcept {
  header.payload_length = size;
  const std::size_t header_size = encoded_header_size(size, header.masked);
  if (capacity < header_size || capacity - header_size < size) return {0, error::buffer_too_small};
  detail::buffer_sink sink(out);
  const error broken =
      encode_frame_to(sink, header, standalone_context(header), static_cast<const unsigned char*>(payload));
  return broken != error{} ? frame_encode_result{0, broken} : frame_encode_result{header_size + size, {}};
}

}  // namespace tether

#endif
