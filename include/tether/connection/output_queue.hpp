// tether — header-only, sans-IO WebSocket (RFC 6455). Boost Software License 1.0.
#ifndef TETHER_CONNECTION_OUTPUT_QUEUE_HPP
#define TETHER_CONNECTION_OUTPUT_QUEUE_HPP

// The bytes a connection wants written, as a sequence of buffers for writev.
//
// The contract async I/O relies on: a buffer handed out by buffers() stays
// valid and unchanged until consume() acknowledges it, whatever is appended,
// consumed or dropped in between. So bytes never move once written:
//  - small writes (frame headers, payloads under a block) go into fixed-size
//    blocks, filled front to back; a full block is followed by a new one;
//  - a payload of a block or more gets a buffer of its own, exactly its size;
//  - borrowed bytes (a server's send_borrowed) and shared messages are
//    referenced where they live.
// A block or buffer is released when the last of its bytes is consumed (a
// shared message when its last reference goes). Memory held is what is queued
// plus at most two blocks (the one being filled and one spare, kept so that a
// steady flow of small messages allocates nothing) and the segment ring; a
// queue that stays empty gives those back too (trim_if_idle, at each tick).

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <memory>
#include <new>

#include "../config.hpp"
#include "shared_message.hpp"

namespace tether {

// One buffer to write, like struct iovec: a plain aggregate, so an array of
// them for output_buffers() costs nothing to declare (with default member
// initializers, `const_buffer buffers[16];` zeroed 256 bytes on every call;
// `const_buffer{}` is still an empty buffer).
struct const_buffer {
  const void* data;
  std::size_t size;
};

namespace detail {

// A block of owned bytes; the bytes follow the header in the same allocation.
struct output_block {
  output_block* next_free = nullptr;
  std::size_t written = 0;     // bytes filled so far
  std::size_t references = 0;  // segments pointing into it, +1 while it is the block being filled
  unsigned char* bytes() noexcept { return reinterpret_cast<unsigned char*>(this + 1); }
};

enum class segment_owner : std::uint8_t { block, buffer, shared, borrowed };

struct output_segment {
  const unsigned char* data;  // first unconsumed byte
  std::size_t size;           // unconsumed bytes
  void* owner;                // output_block*, the buffer's allocation, shared_message_body*, or null
  segment_owner kind;
};

}  // namespace detail

class output_queue {
 public:
  explicit output_queue(std::size_t block_size = 4096, std::size_t spare_blocks = 1) noexcept
      : block_size_(block_size < 64 ? 64 : block_size), spare_limit_(spare_blocks) {}
  output_queue(const output_queue&) = delete;
  output_queue& operator=(const output_queue&) = delete;
  ~output_queue() {
    drop_all();
    release_block_being_filled();
    while (free_blocks_ != nullptr) {
      detail::output_block* next = free_blocks_->next_free;
      ::operator delete(free_blocks_);
      free_blocks_ = next;
    }
    ::operator delete(ring_);
  }

  std::size_t size() const noexcept { return queued_; }
  bool empty() const noexcept { return queued_ == 0; }
  std::size_t block_size() const noexcept { return block_size_; }

  // Room for n contiguous owned bytes at the end of the queue, to be filled
  // before the next call (frame headers, small frames); nullptr when n is a
  // block or more (such payloads take append_copy).
  TETHER_ALWAYS_INLINE unsigned char* append_contiguous(std::size_t n) {
    if (TETHER_UNLIKELY(n >= block_size_)) return nullptr;
    if (TETHER_UNLIKELY(filling_ == nullptr || block_size_ - filling_->written < n)) start_new_block();
    unsigned char* out = filling_->bytes() + filling_->written;
    note_block_bytes(out, n);
    return out;
  }

  // Copies n bytes to the end of the queue, transformed on the way by
  // `copy(dst, src, count, offset)` (a plain memcpy, or a copy fused with
  // masking). Spreads over blocks; n of a block or more gets its own buffer.
  template <class Copy>
  void append_copy(const unsigned char* src, std::size_t n, Copy&& copy) {
    if (n >= block_size_) {
      auto* buffer = static_cast<unsigned char*>(::operator new(n));
      copy(buffer, src, n, std::size_t{0});
      push(buffer, n, buffer, detail::segment_owner::buffer);
      queued_ += n;
      return;
    }
    std::size_t done = 0;
    while (done < n) {
      if (filling_ == nullptr || filling_->written == block_size_) start_new_block();
      const std::size_t room = block_size_ - filling_->written;
      const std::size_t take = n - done < room ? n - done : room;
      unsigned char* out = filling_->bytes() + filling_->written;
      copy(out, src + done, take, done);
      note_block_bytes(out, take);
      done += take;
    }
  }

  void append_copy(const void* data, std::size_t n) {
    append_copy(static_cast<const unsigned char*>(data), n,
                [](unsigned char* dst, const unsigned char* src, std::size_t count, std::size_t) {
                  if (count != 0) std::memcpy(dst, src, count);
                });
  }

  // The bytes stay the caller's; they must live until consumed.
  void append_borrowed(const unsigned char* data, std::size_t n) {
    if (n == 0) return;
    push(data, n, nullptr, detail::segment_owner::borrowed);
    queued_ += n;
  }

  // Bytes of a shared message, referenced until consumed.
  void append_shared(detail::shared_message_body* body, const unsigned char* data, std::size_t n) {
    if (n == 0) return;
    body->add_reference();
    push(data, n, body, detail::segment_owner::shared);
    queued_ += n;
  }

  // Fills up to `max` buffers in order; returns how many. What it hands out
  // stays put until consumed.
  std::size_t buffers(const_buffer* out, std::size_t max) const noexcept {
    std::size_t count = 0, bytes = 0;
    for (std::size_t i = 0; i < count_ && count < max; ++i) {
      const detail::output_segment& s = at(i);
      out[count++] = {s.data, s.size};
      bytes += s.size;
    }
    if (bytes > exposed_) exposed_ = bytes;
    return count;
  }

  // Acknowledges n bytes (the caller checked n <= size()).
  void consume(std::size_t n) noexcept {
    queued_ -= n;
    exposed_ = exposed_ > n ? exposed_ - n : 0;
    while (n != 0) {
      detail::output_segment& s = at(0);
      if (n < s.size) {
        s.data += n;
        s.size -= n;
        return;
      }
      n -= s.size;
      pop_front();
    }
  }

  // Drops what was never handed out by buffers(), keeping what the
  // application may be writing right now (it stays valid until consumed).
  // Returns true when nothing at all is left (so a frame may follow cleanly).
  bool drop_unexposed() noexcept {
    std::size_t keep = exposed_;
    std::size_t i = 0;
    while (i < count_ && keep >= at(i).size) keep -= at(i++).size;
    if (i < count_ && keep != 0) {
      detail::output_segment& partial = at(i++);
      queued_ -= partial.size - keep;
      partial.size = keep;
    }
    while (count_ > i) pop_back();
    return queued_ == 0;
  }

  void drop_all() noexcept {
    while (count_ != 0) pop_back();
  }

  // Gives back the blocks and the ring when nothing was queued since the last
  // call and nothing is queued now: an idle connection holds no output memory.
  void trim_if_idle() noexcept {
    const bool idle = !used_ && count_ == 0;
    used_ = false;
    if (!idle) return;
    release_block_being_filled();
    while (free_blocks_ != nullptr) {
      detail::output_block* next = free_blocks_->next_free;
      ::operator delete(free_blocks_);
      free_blocks_ = next;
    }
    spare_count_ = 0;
    ::operator delete(ring_);
    ring_ = nullptr;
    capacity_ = head_ = 0;
  }

 private:
  detail::output_segment& at(std::size_t i) const noexcept { return ring_[(head_ + i) & (capacity_ - 1)]; }

  // Field by field: a segment built in memory and copied whole is read back
  // with 16-byte loads over 8-byte stores, which stalls store forwarding
  // (measured: 60% of push, a third of a 16-byte send).
  TETHER_ALWAYS_INLINE void push(const unsigned char* data, std::size_t size, void* owner, detail::segment_owner kind) {
    used_ = true;
    if (TETHER_UNLIKELY(count_ == capacity_)) grow_ring();
    detail::output_segment& segment = at(count_++);
    segment.data = data;
    segment.size = size;
    segment.owner = owner;
    segment.kind = kind;
  }

  // Records n bytes just written at `out` in the block being filled: they
  // extend the last segment when it ends right there.
  TETHER_ALWAYS_INLINE void note_block_bytes(unsigned char* out, std::size_t n) {
    if (TETHER_UNLIKELY(n == 0)) return;
    used_ = true;
    filling_->written += n;
    queued_ += n;
    if (TETHER_LIKELY(count_ != 0)) {
      detail::output_segment& last = at(count_ - 1);
      if (TETHER_LIKELY(last.data + last.size == out && last.owner == filling_)) {
        last.size += n;
        return;
      }
    }
    ++filling_->references;
    push(out, n, filling_, detail::segment_owner::block);
  }

  void start_new_block() {
    release_block_being_filled();
    if (free_blocks_ != nullptr) {
      filling_ = free_blocks_;
      free_blocks_ = free_blocks_->next_free;
      --spare_count_;
    } else {
      filling_ = new (::operator new(sizeof(detail::output_block) + block_size_)) detail::output_block();
    }
    filling_->written = 0;
    filling_->references = 1;
  }

  void release_block_being_filled() noexcept {
    if (filling_ == nullptr) return;
    detail::output_block* block = filling_;
    filling_ = nullptr;
    release_block(block);
  }

  void release_block(detail::output_block* block) noexcept {
    if (--block->references != 0) return;
    if (spare_count_ < spare_limit_) {
      block->next_free = free_blocks_;
      free_blocks_ = block;
      ++spare_count_;
    } else {
      ::operator delete(block);
    }
  }

  void release(const detail::output_segment& s) noexcept {
    switch (s.kind) {
      case detail::segment_owner::block: {
        auto* block = static_cast<detail::output_block*>(s.owner);
        // The block being filled starts over once nothing of it is queued: its
        // consumed bytes are no longer promised to anyone.
        if (block == filling_ && block->references == 2) {
          block->references = 1;
          block->written = 0;
        } else {
          release_block(block);
        }
        break;
      }
      case detail::segment_owner::buffer:
        ::operator delete(s.owner);
        break;
      case detail::segment_owner::shared:
        static_cast<detail::shared_message_body*>(s.owner)->release();
        break;
      case detail::segment_owner::borrowed:
        break;
    }
  }

  void pop_front() noexcept {
    release(at(0));
    head_ = (head_ + 1) & (capacity_ - 1);
    --count_;
    if (count_ == 0) ring_emptied();
  }

  void pop_back() noexcept {
    detail::output_segment& last = at(count_ - 1);
    queued_ -= last.size;
    release(last);
    if (--count_ == 0) ring_emptied();
  }

  // A ring grown by a burst is given back once empty, so memory follows what
  // is queued; a small one is kept for the steady state.
  void ring_emptied() noexcept {
    head_ = 0;
    if (capacity_ > kept_ring_capacity) {
      ::operator delete(ring_);
      ring_ = nullptr;
      capacity_ = 0;
    }
  }

  TETHER_NOINLINE void grow_ring() {
    const std::size_t capacity = capacity_ == 0 ? 8 : capacity_ * 2;
    auto* ring = static_cast<detail::output_segment*>(::operator new(capacity * sizeof(detail::output_segment)));
    for (std::size_t i = 0; i < count_; ++i) ring[i] = at(i);
    ::operator delete(ring_);
    ring_ = ring;
    capacity_ = capacity;
    head_ = 0;
  }

  static constexpr std::size_t kept_ring_capacity = 64;

  std::size_t block_size_;
  std::size_t spare_limit_;
  std::size_t spare_count_ = 0;
  detail::output_block* filling_ = nullptr;      // the block small writes go to
  detail::output_block* free_blocks_ = nullptr;  // spares, at most spare_limit_
  detail::output_segment* ring_ = nullptr;       // segments in order, a power-of-two ring
  std::size_t capacity_ = 0;
  std::size_t head_ = 0;
  std::size_t count_ = 0;
  std::size_t queued_ = 0;
  mutable std::size_t exposed_ = 0;  // leading bytes handed out by buffers() and not consumed
  bool used_ = false;                // something was queued since the last trim_if_idle()
};

}  // namespace tether

#endif
