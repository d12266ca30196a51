// tether — header-only, sans-IO WebSocket (RFC 6455). Boost Software License 1.0.
#ifndef TETHER_DEFLATE_DEFLATER_HPP
#define TETHER_DEFLATE_DEFLATER_HPP

// Compresses permessage-deflate messages (RFC 7692 §7.2.1), whole or in
// pieces. Each piece ends with a sync flush, so its bytes can go out in a frame
// at once; the last piece of a message loses the 00 00 ff ff the flush ends
// with (the receiver adds it back). Output goes to any sink with
//   append(const unsigned char*, size_t), append(const char*, size_t)
//   (std::string, http::fixed_buffer), or insert(end, first, last) (std::vector),
// through a 4 KiB buffer on the stack.
//
//   tether::message_deflater deflater(agreed.compress, options);
//   if (deflater.worth_compressing(size)) {
//     std::vector<unsigned char> payload;
//     auto result = deflater.compress_message(data, size, payload);
//     if (result.failed()) ...;
//     if (result.send_uncompressed) send data as it is (RSV1 clear)
//     else send payload with RSV1 set
//   }
//
// Exactly what zlib's deflate() with Z_SYNC_FLUSH produces is sent, except
// that a flush never repeats: zlib writes a second empty stored block when a
// flush ends exactly at the end of its output buffer; the deflater completes
// the block with Z_BLOCK first and writes the 4-6 flush bytes into a buffer
// that always has room. After construction it allocates only zlib's state
// (through the deflate_allocator hooks): once per connection with context
// takeover, once per message without.

#include <zlib.h>

#include <cstddef>
#include <system_error>

#include "../error.hpp"
#include "agreement.hpp"
#include "options.hpp"
#include "window_bits.hpp"
#include "zlib_state.hpp"

namespace tether {

struct deflate_result {
  std::size_t produced = 0;        // bytes appended to the sink by this call
  bool send_uncompressed = false;  // compress_message only: the message did not shrink (see there)
  tether::error failure{};         // zlib failed (error::zlib_error); the deflater stays failed

  bool failed() const noexcept { return failure != tether::error{}; }
  std::error_code error() const noexcept { return failed() ? make_error_code(failure) : std::error_code{}; }
};

namespace detail {

template <class Sink>
auto append_bytes(Sink& out, const unsigned char* data, std::size_t size, int)
    -> decltype(out.append(data, size), void()) {
  out.append(data, size);
}
template <class Sink>
auto append_bytes(Sink& out, const unsigned char* data, std::size_t size, long)
    -> decltype(out.append(static_cast<const char*>(nullptr), size), void()) {
  out.append(reinterpret_cast<const char*>(data), size);
}
template <class Sink>
auto append_bytes(Sink& out, const unsigned char* data, std::size_t size, ...)
    -> decltype(out.insert(out.end(), data, data + size), void()) {
  out.insert(out.end(), data, data + size);
}

}  // namespace detail

class message_deflater {
 public:
  // direction: agreed.compress. settings: compression_level, memory_level and
  // min_compress_size are used (the rest is negotiation); out-of-range values
  // make every call fail with bad_deflate_options.
  explicit message_deflater(const deflate_direction& direction, const deflate_options& settings = {},
                            const deflate_allocator& allocator = {}) noexcept
      : direction_(direction),
        level_(settings.compression_level),
        memory_level_(settings.memory_level),
        min_size_(settings.min_compress_size),
        allocator_(allocator),
        failure_(check_deflate_options(settings)) {
    if (!is_valid_deflate_window_bits(direction.window_bits)) failure_ = tether::error::bad_deflate_options;
  }
  // Messages shorter than min_compress_size go out uncompressed (RSV1 clear,
  // RFC 7692 §6: compression is chosen per message).
  bool worth_compressing(std::size_t message_size) const noexcept { return message_size >= min_size_; }

  // Compresses the next piece of the current message and appends the result
  // to out; message_ends: this piece is the last (it may be empty).
  template <class Sink>
  deflate_result compress(const unsigned char* in, std::size_t size, bool message_ends, Sink& out) {
    deflate_result result;
    if (failure_ != tether::error{}) return fail(result, failure_);
    if (size == 0 && !message_ends) return result;  // nothing to flush: no empty stored block
    // Raw DEFLATE; an agreed window of 8 compresses with 9 (window_bits.hpp).
    if (!state_.is_open() && !state_.open(allocator_, [this](z_stream& z) {
          return deflateInit2(&z, level_, Z_DEFLATED, -detail::zlib_compatible_window_bits(direction_.window_bits),
                              memory_level_, Z_DEFAULT_STRATEGY);
        })) {
      return fail(result, tether::error::zlib_error);
    }
    z_stream& z = state_->stream;
    unsigned char buffer[4096];
    // 1. All input, and the block it is in completed (Z_BLOCK: no flush marker yet).
    z.next_in = const_cast<unsigned char*>(in);  // zlib < 1.2.5.2 lacks z_const; it never writes there
    std::size_t left = size;
    do {
      z.avail_in = detail::zlib_size(left);
      const uInt given = z.avail_in;
      z.next_out = buffer;
      z.avail_out = sizeof buffer;
      if (::deflate(&z, Z_BLOCK) == Z_STREAM_ERROR) return fail(result, tether::error::zlib_error);
      left -= given - z.avail_in;
      emit(out, buffer, sizeof buffer - z.avail_out, result);
    } while (left != 0 || z.avail_out == 0);
    // 2. The sync flush: at most 7 pending bits and an empty stored block,
    // 4-6 bytes ending in 00 00 ff ff (RFC 7692 §7.2.1), into room enough.
    unsigned char flush[16];
    z.next_out = flush;
    z.avail_out = sizeof flush;
    if (::deflate(&z, Z_SYNC_FLUSH) != Z_OK || z.avail_out == 0) return fail(result, tether::error::zlib_error);
    std::size_t flushed = sizeof flush - z.avail_out;
    if (message_ends) {
      if (flushed < 4 || flush[flushed - 4] != 0x00 || flush[flushed - 3] != 0x00 || flush[flushed - 2] != 0xff ||
          flush[flushed - 1] != 0xff) {
        return fail(result, tether::error::zlib_error);
      }
      flushed -= 4;  // §7.2.1: "remove 4 octets (that are 0x00 0x00 0xff 0xff) from the tail end"
    }
    emit(out, flush, flushed, result);
    if (message_ends && direction_.no_context_takeover) state_.close();  // §7.1.1: nothing to keep
    return result;
  }

  // Compresses a whole message. When the result is not smaller than the
  // message, send_uncompressed is set: send the original bytes with RSV1 clear
  // and drop what was appended to out. The deflater has then forgotten this
  // message already (see discard_message).
  template <class Sink>
  deflate_result compress_message(const unsigned char* in, std::size_t size, Sink& out) {
    deflate_result result = compress(in, size, true, out);
    if (!result.failed() && result.produced >= size) {
      result.send_uncompressed = true;
      discard_message();
    }
    return result;
  }

  // The message just compressed will not be sent compressed: forget it, so
  // the next message does not refer back to bytes the peer never inflated.
  // Starting from an empty window is always valid for the peer's inflater.
  void discard_message() noexcept {
    if (state_.is_open() && deflateReset(&state_->stream) != Z_OK) state_.close();
  }

  // Forgets everything and any failure; frees zlib's state.
  void reset() noexcept {
    state_.close();
    if (failure_ == tether::error::zlib_error) failure_ = tether::error{};
  }

  const deflate_direction& direction() const noexcept { return direction_; }
  // zlib's state is allocated (between messages: only with context takeover).
  bool holds_state() const noexcept { return state_.is_open(); }

 private:
  template <class Sink>
  static void emit(Sink& out, const unsigned char* data, std::size_t size, deflate_result& result) {
    if (size == 0) return;
    detail::append_bytes(out, data, size, 0);
    result.produced += size;
  }

  deflate_result& fail(deflate_result& result, tether::error failure) noexcept {
    failure_ = failure;
    result.failure = failure;
    state_.close();
    return result;
  }

  deflate_direction direction_;
  int level_;
  int memory_level_;
  std::size_t min_size_;
  deflate_allocator allocator_;
  tether::error failure_;
  detail::zlib_handle<deflateEnd> state_;
};

}  // namespace tether

#endif
