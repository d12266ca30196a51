// tether — header-only, sans-IO WebSocket (RFC 6455). Boost Software License 1.0.
#ifndef TETHER_CONNECTION_SHARED_MESSAGE_HPP
#define TETHER_CONNECTION_SHARED_MESSAGE_HPP

// One message for many connections (a broadcast): the payload is copied once,
// a text is validated once, and the unmasked frame header a server sends is
// encoded once, right in front of the payload. Each connection's output queue
// references it until that connection has consumed it; the last reference
// frees it. A client must mask with its own key, so a client connection copies
// (it still saves the validation and the allocation).
//
//   auto message = tether::shared_message::text(e.text());   // once
//   for (auto& peer : room) peer.ws.send_shared(message);    // no copy each
//
// Thread safety: the message is immutable and its reference count is atomic,
// so connections driven by different threads may share one; a single handle
// object must not be copied and destroyed concurrently without a lock.

#include <atomic>
#include <cstddef>
#include <cstring>
#include <new>
#include <string_view>
#include <utility>

#include "../error.hpp"
#include "../frame/header.hpp"
#include "../utf8.hpp"

namespace tether {

namespace detail {

// The shared allocation: this header, then room for the longest server frame
// header, then the payload.
class shared_message_body {
 public:
  static constexpr std::size_t header_room = 10;  // a server header: 2 + 8 length bytes, no mask

  static shared_message_body* create(opcode op, const void* data, std::size_t size) {
    void* memory = ::operator new(sizeof(shared_message_body) + header_room + size);
    auto* body = new (memory) shared_message_body(op, size);
    if (size != 0) std::memcpy(body->payload(), data, size);
    frame_header header;
    header.op = op;
    header.payload_length = size;
    unsigned char scratch[max_frame_header_size];
    body->header_size_ = encode_frame_header(header, scratch);
    std::memcpy(body->payload() - body->header_size_, scratch, body->header_size_);
    return body;
  }

  void add_reference() noexcept { references_.fetch_add(1, std::memory_order_relaxed); }
  void release() noexcept {
    if (references_.fetch_sub(1, std::memory_order_acq_rel) == 1) {
      this->~shared_message_body();
      ::operator delete(this);
    }
  }

  opcode type() const noexcept { return op_; }
  std::size_t size() const noexcept { return size_; }
  unsigned char* payload() noexcept { return reinterpret_cast<unsigned char*>(this + 1) + header_room; }
  const unsigned char* payload() const noexcept {
    return reinterpret_cast<const unsigned char*>(this + 1) + header_room;
  }
  // The whole frame a server sends: header and payload, contiguous.
  const unsigned char* server_frame() const noexcept { return payload() - header_size_; }
  std::size_t server_frame_size() const noexcept { return header_size_ + size_; }

 private:
  shared_message_body(opcode op, std::size_t size) noexcept : op_(op), size_(size) {}

  std::atomic<std::size_t> references_{1};
  opcode op_;
  std::size_t size_;
  std::size_t header_size_ = 0;
};

}  // namespace detail

class shared_message {
 public:
  shared_message() noexcept = default;

  // A binary message: the bytes are copied once.
  static shared_message binary(const void* data, std::size_t size) {
    return shared_message(detail::shared_message_body::create(opcode::binary, data, size));
  }
  // A text message, validated once (RFC 6455 §5.6); an invalid one gives an
  // empty message whose error() is text_not_utf8.
  static shared_message text(std::string_view text) {
    if (!is_valid_utf8(text)) return shared_message(error::text_not_utf8);
    return shared_message(detail::shared_message_body::create(opcode::text, text.data(), text.size()));
  }

  shared_message(const shared_message& other) noexcept : body_(other.body_), error_(other.error_) {
    if (body_ != nullptr) body_->add_reference();
  }
  shared_message(shared_message&& other) noexcept : body_(std::exchange(other.body_, nullptr)), error_(other.error_) {}
  shared_message& operator=(shared_message other) noexcept {
    std::swap(body_, other.body_);
    std::swap(error_, other.error_);
    return *this;
  }
  ~shared_message() {
    if (body_ != nullptr) body_->release();
  }

  explicit operator bool() const noexcept { return body_ != nullptr; }
  // Why the message is empty: text_not_utf8, or empty_shared_message for a
  // default-constructed handle.
  error failure() const noexcept { return body_ != nullptr ? error{} : error_; }
  opcode type() const noexcept { return body_ != nullptr ? body_->type() : opcode::binary; }
  std::size_t size() const noexcept { return body_ != nullptr ? body_->size() : 0; }
  const unsigned char* data() const noexcept { return body_ != nullptr ? body_->payload() : nullptr; }

  // For the output queue.
  detail::shared_message_body* body() const noexcept { return body_; }

 private:
  explicit shared_message(detail::shared_message_body* body) noexcept : body_(body) {}
  explicit shared_message(error failure) noexcept : error_(failure) {}

  detail::shared_message_body* body_ = nullptr;
  error error_ = error::empty_shared_message;
};

}  // namespace tether

#endif
