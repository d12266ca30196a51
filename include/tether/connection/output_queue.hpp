// tether — header-only, sans-IO WebSocket (RFC 6455). Boost Software License 1.0.
#ifndef TETHER_CONNECTION_OUTPUT_QUEUE_HPP
#define TETHER_CONNECTION_OUTPUT_QUEUE_HPP

// The bytes a connection wants written, as a sequence of buffers for writev:
// frame headers and copied payloads live in one owned byte vector, borrowed
// payloads (server role) are referenced where the application keeps them.
// consume(n) acknowledges what the socket took. Capacity is kept once grown,
// so the steady state does not allocate.

#include <cstddef>
#include <cstring>
#include <vector>

namespace tether {

struct const_buffer {
  const void* data = nullptr;
  std::size_t size = 0;
};

class output_queue {
 public:
  std::size_t size() const noexcept { return queued_; }
  bool empty() const noexcept { return queued_ == 0; }

  // Room for n owned bytes at the end of the queue, to be filled at once.
  unsigned char* append_owned(std::size_t n) {
    compact_if_worthwhile();
    const std::size_t offset = bytes_.size();
    bytes_.resize(offset + n);
    if (!segments_.empty() && segments_.back().borrowed == nullptr &&
        segments_.back().offset + segments_.back().size == offset) {
      segments_.back().size += n;
    } else {
      segments_.push_back({nullptr, offset, n});
    }
    queued_ += n;
    return bytes_.data() + offset;
  }

  void append_copy(const void* data, std::size_t n) {
    if (n != 0) std::memcpy(append_owned(n), data, n);
  }

  // The bytes stay the caller's; they must live until consumed.
  void append_borrowed(const void* data, std::size_t n) {
    if (n == 0) return;
    segments_.push_back({static_cast<const unsigned char*>(data), 0, n});
    queued_ += n;
  }

  // Fills up to `max` buffers in order; returns how many.
  std::size_t buffers(const_buffer* out, std::size_t max) const noexcept {
    std::size_t count = 0;
    for (std::size_t i = first_; i < segments_.size() && count < max; ++i) {
      const segment& s = segments_[i];
      const std::size_t skip = i == first_ ? skip_ : 0;
      const unsigned char* base = s.borrowed != nullptr ? s.borrowed : bytes_.data() + s.offset;
      out[count++] = {base + skip, s.size - skip};
    }
    return count;
  }

  const_buffer front() const noexcept {
    const_buffer first;
    buffers(&first, 1);
    return first;
  }

  void consume(std::size_t n) noexcept {
    if (n > queued_) n = queued_;
    queued_ -= n;
    while (n != 0) {
      const std::size_t left = segments_[first_].size - skip_;
      if (n < left) {
        skip_ += n;
        return;
      }
      n -= left;
      ++first_;
      skip_ = 0;
    }
    if (queued_ == 0) {
      segments_.clear();
      bytes_.clear();
      first_ = skip_ = 0;
    }
  }

 private:
  struct segment {
    const unsigned char* borrowed;  // nullptr: owned, at `offset` in bytes_
    std::size_t offset;
    std::size_t size;
  };

  // Drops consumed owned bytes and segments once they outweigh what is queued,
  // so a connection that always has something queued does not grow forever.
  void compact_if_worthwhile() {
    if (first_ == 0 || first_ * 2 < segments_.size()) return;
    std::size_t dead_bytes = bytes_.size();
    for (std::size_t i = first_; i < segments_.size(); ++i) {
      if (segments_[i].borrowed == nullptr) {
        dead_bytes = segments_[i].offset;
        break;
      }
    }
    segments_.erase(segments_.begin(), segments_.begin() + static_cast<std::ptrdiff_t>(first_));
    first_ = 0;
    if (dead_bytes != 0) {
      bytes_.erase(bytes_.begin(), bytes_.begin() + static_cast<std::ptrdiff_t>(dead_bytes));
      for (segment& s : segments_) {
        if (s.borrowed == nullptr) s.offset -= dead_bytes;
      }
    }
  }

  std::vector<unsigned char> bytes_;
  std::vector<segment> segments_;
  std::size_t first_ = 0;  // first live segment
  std::size_t skip_ = 0;   // consumed bytes of the first live segment
  std::size_t queued_ = 0;
};

}  // namespace tether

#endif
