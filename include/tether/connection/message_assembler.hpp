// tether — header-only, sans-IO WebSocket (RFC 6455). Boost Software License 1.0.
#ifndef TETHER_CONNECTION_MESSAGE_ASSEMBLER_HPP
#define TETHER_CONNECTION_MESSAGE_ASSEMBLER_HPP

// Optional: collects the data events of a message into one buffer, for
// applications that want whole messages. It holds at most max_message_size
// bytes; the connection's own limit fails larger messages first when the two
// agree (both default to 16 MiB).
//
//   tether::message_assembler messages;
//   if (e.type == tether::event_type::data && messages.add(e)) use(messages.type(), messages.view());

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "../defaults.hpp"
#include "events.hpp"

namespace tether {

class message_assembler {
 public:
  explicit message_assembler(std::size_t max_message_size = defaults::max_message_size) noexcept
      : max_message_size_(max_message_size) {}

  // Adds a data event; true when it completed a message (view() holds it until
  // the next add()). A message over the limit is dropped whole: too_big()
  // tells, and the application should close with 1009.
  bool add(const event& e) {
    if (e.type != event_type::data) return false;
    if (e.message_begins) {
      buffer_.clear();
      too_big_ = false;
      type_ = e.message_type;
    }
    if (!too_big_ && e.size > max_message_size_ - buffer_.size()) {
      too_big_ = true;
      buffer_.clear();
      buffer_.shrink_to_fit();
    }
    if (!too_big_) buffer_.append(reinterpret_cast<const char*>(e.bytes), e.size);
    return e.message_ends && !too_big_;
  }

  opcode type() const noexcept { return type_; }
  std::string_view view() const noexcept { return buffer_; }
  bool too_big() const noexcept { return too_big_; }

 private:
  std::size_t max_message_size_;
  std::string buffer_;
  opcode type_ = opcode::binary;
  bool too_big_ = false;
};

}  // namespace tether

#endif
