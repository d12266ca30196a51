// tether — header-only, sans-IO WebSocket (RFC 6455). Boost Software License 1.0.
#ifndef TETHER_CONNECTION_HPP
#define TETHER_CONNECTION_HPP

// The sans-IO connection: the public face. See connection/basic_connection.hpp.
//
//   tether::connection ws(tether::role::server);
//   ws.receive(buffer, bytes_read);
//   while (tether::event e = ws.next_event()) { ... }
//   writev(fd, ws.output_buffers(...)); ws.consume(bytes_written);

#include "connection/basic_connection.hpp"
#include "connection/events.hpp"
#include "connection/handler.hpp"
#include "connection/message_assembler.hpp"
#include "connection/options.hpp"
#include "connection/output_queue.hpp"
#include "connection/shared_message.hpp"

namespace tether {

using connection = basic_connection<>;

}  // namespace tether

#endif
