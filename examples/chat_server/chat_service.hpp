// The chat itself, what the seed's server does: on each connection's events,
// route and accept the upgrade, welcome, check each message and broadcast it
// (to this instance's room, and through Redis to the others).
#ifndef TETHER_EXAMPLES_CHAT_SERVER_CHAT_SERVICE_HPP
#define TETHER_EXAMPLES_CHAT_SERVER_CHAT_SERVICE_HPP

#include <tether/connection.hpp>

#include <algorithm>
#include <cstdio>
#include <random>
#include <string>
#include <string_view>

#include "../common/redis_bus.hpp"
#include "../common/tether_io.hpp"
#include "chat_messages.hpp"
#include "chat_room.hpp"
#include "http_front.hpp"
#include "options.hpp"

namespace chat {

class chat_service {
 public:
  chat_service(const server_options& options, bool secure, touched_list& touched)
      : options_(options), secure_(secure), touched_(touched) {
    std::random_device device;
    char id[17];
    std::snprintf(id, sizeof id, "%08x%08x", device(), device());
    instance_id_ = id;
  }

  room& members() noexcept { return room_; }

  // With --redis: what clients send is also published there.
  void use_bus(example::redis_bus& bus) {
    bus_ = &bus;
    std::printf("redis: instance %s uses %s (channel tether:chat)\n", instance_id_.c_str(), options_.redis_url.c_str());
  }

  void handle_events(client& c) {
    for (tether::event e = c.ws->next_event(); e; e = c.ws->next_event()) {
      switch (e.type) {
        case tether::event_type::upgrade_request:
          decide(c);
          break;
        case tether::event_type::open:
          joined(c);
          break;
        case tether::event_type::data:
          if (c.messages.add(e)) on_message(c, c.messages.type(), c.messages.view());
          break;
        case tether::event_type::close:
          log_close(c, static_cast<int>(e.code), e.text());
          room_.leave(c);
          break;
        case tether::event_type::failure: {
          const std::error_code ec = e.error();
          if (ec == tether::error::slow_reader) {
            std::printf("slow fd=%d: disconnected after missing %zu messages\n", c.fd, c.dropped);
          }
          log_close(c, static_cast<int>(e.code), ec.message());
          room_.leave(c);
          break;
        }
        case tether::event_type::writable:
          room::caught_up(c);
          break;
        default:  // pings are answered by the connection; a server gets no rejected
          break;
      }
    }
    touched_.add(c);
  }

  // From Redis: "<instance id> <message>". Our own come back too and were
  // delivered here already (at once, so this instance's chat works while
  // Redis is down): skip them.
  void on_bus_message(std::string_view envelope) {
    const auto space = envelope.find(' ');
    if (space == std::string_view::npos || envelope.substr(0, space) == instance_id_) return;
    room_.broadcast(envelope.substr(space + 1), touched_);
  }

 private:
  // The upgrade request: route, check Origin, pick the subprotocol.
  void decide(client& c) {
    const auto* request = c.ws->request();
    int refuse = 0;
    bool offers_any = false;
    request->for_each_subprotocol([&](std::string_view) { offers_any = true; });
    if (target_path(request->target()) != "/chat") {
      refuse = 404;
    } else if (!origin_allowed(request->origin, request->host)) {
      refuse = 403;
    } else if (offers_any && !request->offers_subprotocol("chat")) {
      refuse = 400;  // a browser fails a 101 that selects none of what it offered
    }
    const std::string origin(request->origin);
    if (refuse != 0) {
      std::printf("refused fd=%d status=%d origin=%s\n", c.fd, refuse, origin.c_str());
      if (const std::error_code ec = c.ws->reject(refuse)) fail(c, "reject", ec);
      return;
    }
    tether::accept_options accept;
    if (offers_any) accept.subprotocol = "chat";  // RFC 6455 §4.2.2: one of the offered names
    if (const std::error_code ec = c.ws->accept(accept)) return fail(c, "accept", ec);
    std::printf("open fd=%d peer=%s origin=%s subprotocol=%s\n", c.fd, c.peer.c_str(), origin.c_str(),
                offers_any ? "chat" : "-");
    joined(c);
  }

  // RFC 6455 §10.2: a browser names the page's origin; only allowed ones get in.
  bool origin_allowed(std::string_view origin, std::string_view host) const {
    if (origin.empty()) return true;  // not a browser: Origin protects browsers' users only
    if (options_.allowed_origins.empty()) {
      const std::string_view scheme = secure_ ? "https://" : "http://";
      return origin.substr(0, scheme.size()) == scheme && origin.substr(scheme.size()) == host;
    }
    return std::any_of(options_.allowed_origins.begin(), options_.allowed_origins.end(),
                       [&](const std::string& allowed) { return allowed == "*" || allowed == origin; });
  }

  // Open (after accept, or on an open event once tether reports one): welcome, and into the room.
  void joined(client& c) {
    if (c.in_room || !c.ws->is_open()) return;
    room_.join(c);
    room::send_to(c, system_message("Welcome!"), touched_);
  }

  void on_message(client& c, tether::opcode type, std::string_view payload) {
    if (type != tether::opcode::text) {
      room::send_to(c, system_message("messages are JSON text", "binary_message"), touched_);
      return;
    }
    const parsed_message message = parse_client_message(payload);
    if (!message.problem.empty()) {
      room::send_to(c, system_message("not a chat message", message.problem), touched_);
      return;
    }
    room_.broadcast(message.wire, touched_);
    if (bus_ != nullptr && !bus_->publish(instance_id_ + " " + message.wire)) {
      std::printf("redis: not connected, message stays on this instance\n");
    }
  }

  const server_options& options_;
  bool secure_;
  touched_list& touched_;
  room room_;
  example::redis_bus* bus_ = nullptr;
  std::string instance_id_;
};

}  // namespace chat

#endif
