// The chat's room: every open client, the one broadcast() that fans a chat
// message out to them, and the per-client backpressure rule.
#ifndef TETHER_EXAMPLES_CHAT_SERVER_CHAT_ROOM_HPP
#define TETHER_EXAMPLES_CHAT_SERVER_CHAT_ROOM_HPP

#include <tether/connection.hpp>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <system_error>
#include <vector>

#include "../common/net.hpp"
#include "../common/tls_stream.hpp"
#include "http_front.hpp"

namespace chat {

using steady_clock = std::chrono::steady_clock;

// A client that lets its backlog of output pile up past the room's limit (it
// stopped reading) gets no more chat messages until it drains half of it; one
// that stays stuck for slow_client_timeout is disconnected. Memory per client
// stays bounded by the limit plus the socket buffers, whatever the others say.
inline constexpr std::size_t default_backlog_limit = 4 * 1024 * 1024;
inline constexpr std::chrono::seconds slow_client_timeout{5};

struct client {
  client(int socket, std::string address, steady_clock::time_point now)
      : fd(socket), peer(std::move(address)), accepted_at(now) {}

  int fd;
  std::string peer;  // "address:port", for the log
  steady_clock::time_point accepted_at;

  // Before the handshake: the request head, read by http_front.
  std::unique_ptr<http_front> front = std::make_unique<http_front>();
  std::string head;
  example::byte_queue http_answer;  // a plain HTTP answer (then the connection closes)
  bool answered = false;

  // wss://: TLS records in and out (nullptr for plain ws://).
  std::unique_ptr<example::tls_stream> tls;
  example::byte_queue tls_records;

  // After the handshake.
  std::optional<tether::connection> ws;
  tether::message_assembler messages;
  std::size_t room_slot = 0;
  bool in_room = false;

  // Backpressure: since when this client could not take messages, how many it missed.
  std::optional<steady_clock::time_point> slow_since;
  std::size_t dropped = 0;

  // Closing: our side is shut down (FIN sent) and what still arrives is read
  // and dropped, so the peer reads our last bytes (an HTTP answer, a close
  // frame) before it could see a reset for unread data.
  bool lingering = false;
  steady_clock::time_point linger_until{};

  bool close_logged = false;
  bool dead = false;   // to be closed at the end of this loop pass
  bool dirty = false;  // has new output or state: visit at the end of this loop pass
  std::uint32_t interest = 0;
};

// Clients with new output or a new state: the loop visits each once at the
// end of its pass (so a burst of broadcasts costs one write per client).
class touched_list {
 public:
  void add(client& c) {
    if (c.dirty) return;
    c.dirty = true;
    fds_.push_back(c.fd);
  }
  std::vector<int>& fds() noexcept { return fds_; }

 private:
  std::vector<int> fds_;
};

// One log line per closed connection, with the close code (1006: none on the wire).
inline void log_close(client& c, int code, std::string_view why) {
  if (c.close_logged) return;
  c.close_logged = true;
  std::printf("close fd=%d peer=%s code=%d reason=%.*s\n", c.fd, c.peer.c_str(), code, static_cast<int>(why.size()),
              why.data());
}

// A call tether refused: logged, and the connection is closed.
inline void fail(client& c, const char* what, std::error_code ec) {
  std::printf("%s fd=%d failed: %s\n", what, c.fd, ec.message().c_str());
  c.dead = true;
}

class room {
 public:
  // The limit holds at least two of the largest messages.
  explicit room(std::size_t max_message_size) : backlog_limit_(std::max(default_backlog_limit, 2 * max_message_size)) {}

  std::size_t size() const noexcept { return members_.size(); }
  std::size_t backlog_limit() const noexcept { return backlog_limit_; }

  void join(client& c) {
    if (c.in_room) return;
    c.room_slot = members_.size();
    c.in_room = true;
    members_.push_back(&c);
  }
  void leave(client& c) {
    if (!c.in_room) return;
    members_[c.room_slot] = members_.back();
    members_[c.room_slot]->room_slot = c.room_slot;
    members_.pop_back();
    c.in_room = false;
  }

  // Queues `payload` for one client, unless it is too far behind.
  void send_to(client& c, const std::string& payload, steady_clock::time_point now, touched_list& touched) const {
    if (c.ws->queued_output() + payload.size() > backlog_limit_) {
      if (!c.slow_since) {
        c.slow_since = now;
        std::printf("slow fd=%d: %zu bytes queued, dropping its messages\n", c.fd, c.ws->queued_output());
      }
      ++c.dropped;
      return;
    }
    if (const std::error_code ec = c.ws->send_text(payload)) {
      ++c.dropped;
      std::printf("send fd=%d refused: %s\n", c.fd, ec.message().c_str());
      return;
    }
    touched.add(c);
  }

  // The fan-out: one chat message to every open client. One send per client
  // today (each connection copies the payload into its queue); this is the
  // one place to change when tether can share one payload between clients.
  void broadcast(const std::string& payload, steady_clock::time_point now, touched_list& touched) const {
    for (client* c : members_) send_to(*c, payload, now, touched);
  }

  // A client that drained half its backlog gets messages again.
  void note_drained(client& c) const {
    if (!c.slow_since || c.ws->queued_output() > backlog_limit_ / 2) return;
    std::printf("slow fd=%d: caught up after missing %zu messages\n", c.fd, c.dropped);
    c.slow_since.reset();
    c.dropped = 0;
  }

 private:
  std::size_t backlog_limit_;
  std::vector<client*> members_;
};

}  // namespace chat

#endif
