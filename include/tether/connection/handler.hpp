// tether — header-only, sans-IO WebSocket (RFC 6455). Boost Software License 1.0.
#ifndef TETHER_CONNECTION_HANDLER_HPP
#define TETHER_CONNECTION_HANDLER_HPP

// The convenient path on top of next_event(): drains a connection's events
// into a handler object, with whole messages assembled up to a limit. The
// handler defines only the members it cares about:
//
//   struct chat {
//     void on_upgrade(tether::connection& ws) { ws.accept(); }
//     void on_open() {}
//     void on_message(tether::opcode type, std::string_view payload) {}
//     void on_ping(std::string_view payload) {}
//     void on_pong(std::string_view payload) {}
//     void on_close(tether::close_code code, std::string_view reason) {}
//     void on_rejected(int http_status) {}
//     void on_failure(std::error_code error, tether::close_code sent) {}
//   };
//   tether::message_assembler messages;   // one per connection
//   tether::dispatch_events(ws, messages, handler);
//
// A server handler without on_upgrade accepts every valid request. A message
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
// detected<Member, H>: true when H has the member that Member<H> names.
template <template <class> class Member, class H, class = void>
struct detected : std::false_type {};
template <template <class> class Member, class H>
struct detected<Member, H, std::void_t<Member<H>>> : std::true_type {};

template <class H>
using on_upgrade_member = decltype(&H::on_upgrade);
template <class H>
using on_open_member = decltype(&H::on_open);
template <class H>
using on_message_member = decltype(&H::on_message);
template <class H>
using on_ping_member = decltype(&H::on_ping);
template <class H>
using on_pong_member = decltype(&H::on_pong);
template <class H>
using on_close_member = decltype(&H::on_close);
template <class H>
using on_rejected_member = decltype(&H::on_rejected);
template <class H>
using on_failure_member = decltype(&H::on_failure);
}  // namespace detail

// Handles every pending event; returns when next_event() has nothing more.
template <class Connection, class Handler>
void dispatch_events(Connection& connection, message_assembler& messages, Handler& handler) {
  for (event e = connection.next_event(); e; e = connection.next_event()) {
    switch (e.type) {
      case event_type::upgrade_request:
        if constexpr (detail::detected<detail::on_upgrade_member, Handler>::value) {
          handler.on_upgrade(connection);
        } else {
          connection.accept();
        }
        break;
      case event_type::open:
        if constexpr (detail::detected<detail::on_open_member, Handler>::value) handler.on_open();
        break;
      case event_type::data:
        if (messages.add(e)) {
          if constexpr (detail::detected<detail::on_message_member, Handler>::value)
            handler.on_message(messages.type(), messages.view());
        } else if (messages.too_big() && e.message_ends) {
          connection.close(close_code::message_too_big, "message too big");
        }
        break;
      case event_type::ping:
        if constexpr (detail::detected<detail::on_ping_member, Handler>::value) handler.on_ping(e.text());
        break;
      case event_type::pong:
        if constexpr (detail::detected<detail::on_pong_member, Handler>::value) handler.on_pong(e.text());
        break;
      case event_type::close:
        if constexpr (detail::detected<detail::on_close_member, Handler>::value) handler.on_close(e.code, e.text());
        break;
      case event_type::rejected:
        if constexpr (detail::detected<detail::on_rejected_member, Handler>::value) handler.on_rejected(e.http_status);
        break;
      case event_type::failure:
        if constexpr (detail::detected<detail::on_failure_member, Handler>::value) handler.on_failure(e.error, e.code);
        break;
      case event_type::none:
        break;
    }
  }
}

}  // namespace tether

#endif
