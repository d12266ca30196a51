// tether — header-only, sans-IO WebSocket (RFC 6455). Boost Software License 1.0.
#ifndef TETHER_DEFLATE_INFLATER_HPP
#define TETHER_DEFLATE_INFLATER_HPP

// Decompresses the payload of permessage-deflate messages (RFC 7692 §7.2.2)
// as it arrives, with bounded memory. Compressed pieces of one message go in
// with any split (one byte at a time included); inflated bytes come out into
// the caller's buffer, never more than its capacity per call, so a 10 KiB
// frame that inflates to 10 GiB is handed out chunk by chunk while the
// inflater holds only zlib's state (about 7 KiB plus the window, see
// options.hpp). At the end of a message the inflater appends the 00 00 ff ff
// tail itself, checks that the message ended on a DEFLATE block boundary, and
// frees zlib's state when the sender promised no context takeover.
//
//   tether::message_inflater inflater(agreed.decompress);
//   // for each piece of a compressed message (frame payloads after unmasking):
//   while (true) {
//     auto step = inflater.inflate(piece, size, is_last_piece, out, sizeof out);
//     if (step.failed()) fail the connection with close_code_for(step.error());
//     deliver(out, step.produced);
//     piece += step.consumed, size -= step.consumed;
//     if (step.finished || (size == 0 && !is_last_piece && step.produced < sizeof out)) break;
//   }
//
// After construction the inflater allocates only zlib's state (through the
// deflate_allocator hooks): once per connection with context takeover, once
// per message without; plus one window-sized block the first time a peer ends
// a block with BFINAL set (RFC 7692 §7.2.3.4).

#include <zlib.h>

#include <cstddef>
#include <cstdint>
#include <system_error>

#include "../error.hpp"
#include "agreement.hpp"
#include "zlib_state.hpp"

namespace tether {

struct inflater_options {
  // Decompressed bytes one message may reach (error::inflated_message_too_big,
  // close 1009, past it). Never unlimited by default: the compressed size says
  // nothing about the inflated one (a DEFLATE stream expands up to 1032:1).
  std::uint64_t max_message_size = 16 * 1024 * 1024;
  deflate_allocator allocator;
};

struct inflate_step {
  std::size_t consumed = 0;  // compressed bytes taken from this call's input
  std::size_t produced = 0;  // inflated bytes written to out
  bool finished = false;     // the message is complete: its input and the tail are in, every byte is out
  tether::error failure{};   // the rule broken (0: none); the inflater stays failed

  bool failed() const noexcept { return failure != tether::error{}; }
  std::error_code error() const noexcept { return failed() ? make_error_code(failure) : std::error_code{}; }
};

class message_inflater {
 public:
  explicit message_inflater(const deflate_direction& direction, const inflater_options& options = {}) noexcept
      : direction_(direction), options_(options) {}

  // Inflates compressed bytes of the current message into out, at most
  // out_capacity of them (none when it is 0). message_ends: in..in+in_size
  // ends the message (the last frame's payload, or nothing more). Call again
  // with the input not consumed, or with no input and more room, until
  // step.consumed covers the input and, when the message ends, step.finished;
  // the next call after finished starts the next message. No pointer into in
  // or out is kept after the call.
  inflate_step inflate(const unsigned char* in, std::size_t in_size, bool message_ends, unsigned char* out,
                       std::size_t out_capacity) noexcept {
    inflate_step step;
    if (failure_ != tether::error{}) return fail(step, failure_);
    // Raw DEFLATE (negative windowBits); zlib's inflater accepts 8.
    if (!state_.is_open() &&
        !state_.open(options_.allocator, [this](z_stream& z) { return inflateInit2(&z, -direction_.window_bits); })) {
      return fail(step, tether::error::zlib_error);
    }
    z_stream& z = state_->stream;
    const std::size_t capacity = capacity_within_limit(out_capacity);
    for (;;) {
      // The message's bytes first, then (RFC 7692 §7.2.2) the 4-byte tail.
      const bool in_tail = step.consumed == in_size && message_ends;
      const unsigned char* next = in_tail ? tail + tail_fed_ : in + step.consumed;
      const std::size_t available = in_tail ? sizeof tail - tail_fed_ : in_size - step.consumed;
      if (capacity == step.produced) break;          // no room: the caller calls again
      z.next_in = const_cast<unsigned char*>(next);  // zlib < 1.2.5.2 lacks z_const; it never writes there
      z.avail_in = detail::zlib_size(available);
      z.next_out = out + step.produced;
      z.avail_out = detail::zlib_size(capacity - step.produced);
      const uInt in_before = z.avail_in, out_before = z.avail_out;
      // Z_BLOCK in the tail: zlib stops at block boundaries, so data_type tells
      // whether the message ended on one.
      const int result = ::inflate(&z, in_tail ? Z_BLOCK : Z_NO_FLUSH);
      const std::size_t used = in_before - z.avail_in, made = out_before - z.avail_out;
      if (in_tail) {
        tail_fed_ += used;
      } else {
        step.consumed += used;
      }
      step.produced += made;
      if (result == Z_STREAM_END) {
        if (!continue_after_final_block()) return fail(step, tether::error::zlib_error);
        // A final block ends on a boundary: if the tail completed it, the message is done.
        if (in_tail && tail_fed_ == sizeof tail) {
          step.finished = true;
          break;
        }
        continue;
      }
      if (result == Z_MEM_ERROR) return fail(step, tether::error::zlib_error);
      if (result != Z_OK && result != Z_BUF_ERROR) return fail(step, tether::error::inflate_failed);
      const bool at_block_boundary = (z.data_type & 128) != 0;
      if (in_tail && tail_fed_ == sizeof tail) {
        // The empty stored block the tail completes ends at a boundary (§7.2.1);
        // anywhere else the sender cut a block short.
        if (!at_block_boundary) return fail(step, tether::error::deflate_message_truncated);
        step.finished = true;
        break;
      }
      // Stopping at a boundary inside the tail is progress too.
      if (used == 0 && made == 0 && !(in_tail && at_block_boundary)) break;
    }
    message_output_ += step.produced;
    if (message_output_ > options_.max_message_size) return fail(step, tether::error::inflated_message_too_big);
    if (step.finished) end_message();
    return step;
  }

  // Forgets the message in progress, the window and any failure; frees zlib's state.
  void reset() noexcept {
    state_.close();
    message_output_ = 0;
    tail_fed_ = 0;
    failure_ = tether::error{};
  }

  const deflate_direction& direction() const noexcept { return direction_; }
  // Inflated bytes of the current message so far.
  std::uint64_t message_size() const noexcept { return message_output_; }
  // zlib's state is allocated (between messages: only with context takeover).
  bool holds_state() const noexcept { return state_.is_open(); }

 private:
  static constexpr unsigned char tail[4] = {0x00, 0x00, 0xff, 0xff};

  // At most max_message_size + 1 bytes of a message ever reach the caller: the
  // one past the limit proves the excess without a second call.
  std::size_t capacity_within_limit(std::size_t out_capacity) const noexcept {
    const std::uint64_t room =
        options_.max_message_size > message_output_ ? options_.max_message_size - message_output_ : 0;
    return room < out_capacity ? static_cast<std::size_t>(room) + 1 : out_capacity;
  }

  // RFC 7692 §7.2.3.4: a sender may end a block with BFINAL set; zlib then
  // ends the stream, but the blocks after it (in this message or the next)
  // still refer back into the same window. Carry the window into a fresh stream.
  bool continue_after_final_block() noexcept {
    z_stream& z = state_->stream;
    uInt size = 1u << direction_.window_bits;
    if (state_->window_copy == nullptr) {
      state_->window_copy = static_cast<unsigned char*>(detail::allocate_bytes(state_->allocator, size));
      if (state_->window_copy == nullptr) return false;
    }
    return inflateGetDictionary(&z, state_->window_copy, &size) == Z_OK && inflateReset(&z) == Z_OK &&
           inflateSetDictionary(&z, state_->window_copy, size) == Z_OK;
  }

  void end_message() noexcept {
    message_output_ = 0;
    tail_fed_ = 0;
    if (direction_.no_context_takeover) state_.close();  // §7.1.1: the next message starts from nothing
  }

  inflate_step& fail(inflate_step& step, tether::error failure) noexcept {
    failure_ = failure;
    step.failure = failure;
    step.finished = false;
    return step;
  }

  deflate_direction direction_;
  inflater_options options_;
  detail::zlib_handle<inflateEnd> state_;
  std::uint64_t message_output_ = 0;
  std::size_t tail_fed_ = 0;
  tether::error failure_{};
};

}  // namespace tether

#endif
