// tether — header-only, sans-IO WebSocket (RFC 6455). Boost Software License 1.0.
#ifndef TETHER_CONNECTION_LIFECYCLE_HPP
#define TETHER_CONNECTION_LIFECYCLE_HPP

// The states of a connection and what every call does in each, as one table.
// Every state has an exit: whatever the peer and the application do, a
// connection that is ticked ends with should_close_transport() true.
//
//  state             | bytes in (receive, next_event)      | send_* / ping / pong | close()            | leaves by
//  ------------------+-------------------------------------+----------------------+--------------------+---------------------------------
//  reading_request   | head parsed                         | not_open             | abort              |
//  upgrade_request -> awaiting_decision; (server)          |                                     | | | bad head ->
//  failed (HTTP 4xx queued) awaiting_decision | kept (copied), not decoded          | not_open             | abort |
//  accept() -> open (+ open event); (server)          |                                     |                      | |
//  reject() -> failed (HTTP answer queued) idle_client       | ignored                             | not_open | abort
//  | connect() -> reading_response reading_response  | head parsed                         | not_open             |
//  abort              | 101 checked -> open (+ open event); (client)          |                                     |
//  |                    | other status -> failed (rejected event) open              | frames -> events; pings answered
//  | queued               | close frame queued | -> closing; peer's close -> closed closing           | frames ->
//  events; pings answered    | data: close_already_ | close_already_sent | peer's close -> closed; (our close sent)  |
//  (RFC 6455 §5.5.2, until a close is  | sent; ping/pong ok   |                    | close_timeout -> failed
//                    | received)                           |                      |                    |
//  closed            | dropped (§7.1.4)                    | connection_closed    | connection_closed  | transport may
//  close: a server once (both closes)     |                                     |                      | | its close is
//  written, a client when
//                    |                                     |                      |                    | the server
//                    closed TCP (§7.1.1)
//  failed            | dropped (§7.1.7)                    | connection_failed    | connection_failed  | transport may
//  close once the last (also rejected,   |                                     |                      | | bytes (close
//  frame or HTTP answer)
//   aborted)         |                                     |                      |                    | are written
//
// In every state: abort() -> failed at once, unsent output dropped; a peer
// that closes TCP before the closing handshake -> failed (1006); the end of
// the handshake (handshake_timeout), of the closing handshake and of the
// last write (close_timeout) are bounded: past them the connection fails and
// drops what the peer would not read. Bytes handed out by output_buffers()
// stay valid until consumed in every state, aborted and failed included.
// accept()/reject() outside awaiting_decision answer no_request_pending;
// connect() answers wrong_role on a server and already_connected twice;
// consume(n) beyond what is queued answers consume_beyond_queued.

#include <system_error>

#include "../error.hpp"

namespace tether {

enum class connection_state {
  reading_request,    // server: waiting for the upgrade request
  awaiting_decision,  // server: request shown; the application accepts or rejects
  idle_client,        // client: connect() not called yet
  reading_response,   // client: request sent, waiting for 101
  open,               // messages flow both ways
  closing,            // we sent a close frame; waiting for the peer's (§7.1.2)
  closed,             // both close frames exchanged (§7.1.4)
  failed,             // failed (§7.1.7), rejected or aborted
};

namespace detail {

constexpr bool handshake_in_progress(connection_state state) noexcept {
  return state == connection_state::reading_request || state == connection_state::awaiting_decision ||
         state == connection_state::idle_client || state == connection_state::reading_response;
}

// What a data send answers in each state (the table's send column).
constexpr error data_send_refusal(connection_state state) noexcept {
  switch (state) {
    case connection_state::open:
      return {};
    case connection_state::closing:
      return error::close_already_sent;
    case connection_state::closed:
      return error::connection_closed;
    case connection_state::failed:
      return error::connection_failed;
    default:
      return error::not_open;
  }
}

// Control frames (ping, pong) may still go out while our close waits for the
// peer's: §5.5.2 asks for pongs until a close has been *received*.
constexpr error control_send_refusal(connection_state state) noexcept {
  return state == connection_state::closing ? error{} : data_send_refusal(state);
}

}  // namespace detail
}  // namespace tether

#endif
