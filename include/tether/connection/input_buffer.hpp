// tether — header-only, sans-IO WebSocket (RFC 6455). Boost Software License 1.0.
#ifndef TETHER_CONNECTION_INPUT_BUFFER_HPP
#define TETHER_CONNECTION_INPUT_BUFFER_HPP

// The bytes handed to receive() that next_event() has not decoded yet. In the
// common case this is the application's own buffer (no copy). Bytes are copied
// into the connection only when they must outlive it: const input, or a new
// receive() while older bytes are still undecoded (e.g. frames that arrived
// with the upgrade request while the application decides). The copy never
// exceeds what the application handed over.

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
  }

  // Mutable application bytes: decoded (and unmasked) where they are.
  void take(unsigned char* data, std::size_t size) {
    if (size_ == 0) {
      copy_.clear();
      data_ = data;
      size_ = size;
      return;
    }
    append_copy(data, size);
  }

  void take_copy(const unsigned char* data, std::size_t size) { append_copy(data, size); }

 private:
  void append_copy(const unsigned char* data, std::size_t size) {
    const bool rest_is_copied =
        size_ != 0 && !copy_.empty() && data_ >= copy_.data() && data_ < copy_.data() + copy_.size();
    if (rest_is_copied) {
      copy_.erase(copy_.begin(), copy_.begin() + (data_ - copy_.data()));  // drop what was decoded
    } else {
      copy_.assign(data_, data_ + size_);  // the undecoded rest of the application's buffer, if any
    }
    copy_.insert(copy_.end(), data, data + size);
    data_ = copy_.data();
    size_ = copy_.size();
  }

  unsigned char* data_ = nullptr;
  std::size_t size_ = 0;
  std::vector<unsigned char> copy_;
};

}  // namespace tether::detail

#endif
