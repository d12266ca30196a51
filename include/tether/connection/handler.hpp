// tether — header-only, sans-IO WebSocket (RFC 6455). Boost Software License 1.0.
#ifndef TETHER_CONNECTION_HANDLER_HPP
#define TETHER_CONNECTION_HANDLER_HPP

// The convenient path on top of next_event(): drains a connection's events
// into a handler object, with whole messages assembled up to a limit. The
// handler defines only the members it cares about:
//
//   struct chat {
//     void on_upgrade(tether::connection& ws) { if (ws.accept()) { /* log */ } }
//     void on_open() {}
//     void on_message(tether::opcode type, std::string_view payload) {}
//     void on_ping(std::string_view payload) {}
//     void on_pong(std::string_view payload) {}
//     void on_close(tether::close_code code, std::string_view reason) {}
//     void on_rejected(int http_status) {}
//     void on_failure(std::error_code error, tether::close_code sent) {}
//     void on_writable() {}   // the output queue drained below the low watermark
//   };
//   tether::message_assembler messages;   // one per connection
//   tether::dispatch_events(ws, messages, handler);
//
// A server handler without on_upgrade accepts every valid request. A member
// with one of these names that cannot be called with these arguments (a
// template that does not fit, a wrong signature) does not compile. A message
// over the assembler's limit is not delivered: the connection starts the
// closing handshake with 1009 (RFC 6455 §7.4.1).

#include <string_view>
#include <system_error>
#include <type_traits>
#include <utility>

#include "events.hpp"
#include "message_assembler.hpp"

namespace tether {

namespace detail {

// has_<name><H>: true when H declares a member of that name in any form — a
// function, an overload set, a template. Detection by name (an ambiguous
// lookup between H and a fallback base), not by taking the member's address,
// so a handler member the library cannot call is a compile error at the call
// below, never silently skipped.
#define TETHER_DETAIL_HANDLER_MEMBER(name)     \
  struct name##_fallback {                     \
    int name;                                  \
  };                                           \
  template <class H>                           \
  struct name##_probe : H, name##_fallback {}; \
  template <class H, class = void>             \
  struct has_##name : std::true_type {};       \
  template <class H>                           \
  struct has_##name<H, std::void_t<decltype(&name##_probe<H>::name)>> : std::false_type {};

TETHER_DETAIL_HANDLER_MEMBER(on_upgrade)
TETHER_DETAIL_HANDLER_MEMBER(on_open)
TETHER_DETAIL_HANDLER_MEMBER(on_message)
TETHER_DETAIL_HANDLER_MEMBER(on_ping)
TETHER_DETAIL_HANDLER_MEMBER(on_pong)
TETHER_DETAIL_HANDLER_MEMBER(on_close)
TETHER_DETAIL_HANDLER_MEMBER(on_rejected)
TETHER_DETAIL_HANDLER_MEMBER(on_failure)
TETHER_DETAIL_HANDLER_MEMBER(on_writable)
#undef TETHER_DETAIL_HANDLER_MEMBER

}  // namespace detail

// Handles every pending event; returns when next_event() has nothing more.
template <class Connection, class Handler>
void dispatch_events(Connection& connection, message_assembler& messages, Handler& handler) {
  static_assert(std::is_class_v<Handler> && !std::is_final_v<Handler>,
                "a handler is a non-final class (its members are found by name)");
  for (event e = connection.next_event(); e; e = connection.next_event()) {
    switch (e.type) {
      case event_type::upgrade_request:
        if constexpr (detail::has_on_upgrade<Handler>::value) {
          handler.on_upgrade(connection);  // accept(), reject(), or decide later
        } else if (const std::error_code ec = connection.accept(); ec) {
          if constexpr (detail::has_on_failure<Handler>::value) handler.on_failure(ec, close_code::abnormal_closure);
        }
        break;
      case event_type::open:
        if constexpr (detail::has_on_open<Handler>::value) handler.on_open();
        break;
      case event_type::data:
        if (messages.add(e)) {
          if constexpr (detail::has_on_message<Handler>::value) handler.on_message(messages.type(), messages.view());
        } else if (messages.too_big() && e.message_ends) {
          // RFC 6455 §7.4.1: 1009 for a message too big to process. A refusal
          // here means the connection is closing already.
          static_cast<void>(connection.close(close_code::message_too_big, "message too big"));
        }
        break;
      case event_type::ping:
        if constexpr (detail::has_on_ping<Handler>::value) handler.on_ping(e.text());
        break;
      case event_type::pong:
        if constexpr (detail::has_on_pong<Handler>::value) handler.on_pong(e.text());
        break;
      case event_type::close:
        if constexpr (detail::has_on_close<Handler>::value) handler.on_close(e.code, e.text());
        break;
      case event_type::rejected:
        if constexpr (detail::has_on_rejected<Handler>::value) handler.on_rejected(e.http_status);
        break;
      case event_type::failure:
        if constexpr (detail::has_on_failure<Handler>::value) handler.on_failure(e.error(), e.code);
        break;
      case event_type::writable:
        if constexpr (detail::has_on_writable<Handler>::value) handler.on_writable();
        break;
      case event_type::none:
        break;
    }
  }
}

}  // namespace tether

#endif
