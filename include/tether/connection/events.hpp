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
#include "../error.hpp"
#include "../frame/header.hpp"

namespace tether {

enum class event_type : std::uint8_t {
  none,             // nothing to report until more bytes, time or a command
  upgrade_request,  // server: a valid upgrade request; call accept() or reject() (now or later)
  open,             // the opening handshake finished (both roles); messages may flow
  rejected,         // client: the server answered with another status than 101
  data,             // a piece of a text or binary message
  ping,             // payload: the ping's application data (answered already with auto_pong)
  pong,             // payload: the pong's application data
  close,            // the peer's close frame: code and reason (echoed already)
  failure,          // the connection failed: error, and what was answered
  writable,         // the output queue fell below the low watermark after backpressure
};

struct event {
  event_type type = event_type::none;
  opcode message_type = opcode::binary;  // data: text or binary
  bool message_begins = false;           // data: first piece of the message
  bool message_ends = false;             // data: last piece of the message
  // close: the code received (1005 when the frame had none); failure: the code
  // of the close frame sent (1006 when none was: before the handshake ended,
  // after the transport was lost, or when the peer would not read).
  close_code code = close_code::none;
  // rejected: the server's status; failure during the opening handshake: the
  // status of the HTTP answer queued (400, 426, 431), 0 when none was.
  std::uint16_t http_status = 0;
  tether::error failure{};               // failure: the rule that was broken
  const unsigned char* bytes = nullptr;  // data, ping, pong payload; close reason
  std::size_t size = 0;

  std::string_view text() const noexcept { return {reinterpret_cast<const char*>(bytes), size}; }
  // The failure as a std::error_code (made only when asked: events carry a plain enum).
  std::error_code error() const noexcept {
    return failure != tether::error{} ? make_error_code(failure) : std::error_code{};
  }
  explicit operator bool() const noexcept { return type != event_type::none; }
};

}  // namespace tether

#endif
