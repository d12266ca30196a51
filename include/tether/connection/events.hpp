// tether — header-only, sans-IO WebSocket (RFC 6455). Boost Software License 1.0.
#ifndef TETHER_CONNECTION_EVENTS_HPP
#define TETHER_CONNECTION_EVENTS_HPP

// What a connection reports, pulled one at a time with next_event(). Byte views
// point into the buffer given to receive() (or into the connection for control
// payloads) and stay valid until the next receive() or next_event() call.

#include <cstddef>
#include <cstdint>
#include <string_view>
#include <system_error>

#include "../close_code.hpp"
#include "../frame/header.hpp"

namespace tether {

enum class event_type : std::uint8_t {
  none,             // nothing to report until more bytes, time or a command
  upgrade_request,  // server: a valid upgrade request; call accept() or reject()
  open,             // the opening handshake finished; messages may flow
  rejected,         // client: the server answered with another status than 101
  data,             // a piece of a text or binary message
  ping,             // payload: the ping's application data (answered already with auto_pong)
  pong,             // payload: the pong's application data
  close,            // the peer's close frame: code and reason
  failure,          // the connection failed: error, and the close code sent
};

struct event {
  event_type type = event_type::none;
  opcode message_type = opcode::binary;  // data: text or binary
  bool message_begins = false;           // data: first piece of the message
  bool message_ends = false;             // data: last piece of the message
  const unsigned char* bytes = nullptr;  // data, ping, pong payload; close reason
  std::size_t size = 0;
  close_code code = close_code::none;  // close: received (1005 if none); failure: sent (1006 if none)
  std::error_code error;               // failure: the rule that was broken
  int http_status = 0;                 // rejected: the server's status

  std::string_view text() const noexcept { return {reinterpret_cast<const char*>(bytes), size}; }
  explicit operator bool() const noexcept { return type != event_type::none; }
};

}  // namespace tether

#endif
