// tether — header-only, sans-IO WebSocket (RFC 6455). Boost Software License 1.0.
#ifndef TETHER_CONNECTION_INPUT_BUFFER_HPP
#define TETHER_CONNECTION_INPUT_BUFFER_HPP

// The bytes handed to receive() that next_event() has not decoded yet. In the
// common case this is the application's own buffer (no copy), and it is used
// up before next_event() says there is nothing more. Every byte kept past that
// point is a copy the connection owns (keep_rest()): the application may reuse
// its buffer as soon as next_event() returns none — frames that arrived with
// the upgrade request while the server decides, or bytes handed over while
// older ones were still undecoded, are never read from it later. The copy never
// exceeds what the application handed over (bounded by max_buffered_input).

#include <cstddef>
#include <cstring>
#include <vector>

namespace tether::detail {

class input_buffer {
 public:
  unsigned char* data() noexcept { return data_; }
  std::size_t size() const noexcept { return size_; }
  bool empty() const noexcept { return size_ == 0; }

  void advance(std::size_t n) noexcept {
    data_ += n;
    size_ -= n;
    if (size_ == 0) clear();
  }

  void clear() noexcept {
    data_ = nullptr;
    size_ = 0;
    copy_.clear();
    // A large backlog's memory goes back once it is decoded.
    if (copy_.capacity() > kept_capacity) std::vector<unsigned char>().swap(copy_);
  }

  // Mutable application bytes: decoded (and unmasked) where they are.
  void take(unsigned char* data, std::size_t size) {
    if (size_ == 0) {
      data_ = data;
      size_ = size;
      return;
    }
    append_copy(data, size);
  }

  void take_copy(const unsigned char* data, std::size_t size) { append_copy(data, size); }

  // Makes sure nothing left points into the application's buffer.
  void keep_rest() {
    if (size_ != 0 && !rest_is_copied()) append_copy(nullptr, 0);
  }

 private:
  static constexpr std::size_t kept_capacity = 64 * 1024;

  bool rest_is_copied() const noexcept {
    return !copy_.empty() && data_ >= copy_.data() && data_ < copy_.data() + copy_.size();
  }

  void append_copy(const unsigned char* data, std::size_t size) {
    if (rest_is_copied()) {
      copy_.erase(copy_.begin(), copy_.begin() + (data_ - copy_.data()));  // drop what was decoded
    } else {
      copy_.assign(data_, data_ + size_);  // the undecoded rest of the application's buffer, if any
    }
    if (size != 0) copy_.insert(copy_.end(), data, data + size);
    data_ = copy_.data();
    size_ = copy_.size();
  }

  unsigned char* data_ = nullptr;
  std::size_t size_ = 0;
  std::vector<unsigned char> copy_;
};

}  // namespace tether::detail

#endif
