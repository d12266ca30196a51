// The chat's room: every open client, the one broadcast() that fans a chat
// message out to them, and the per-client backpressure rule.
#ifndef TETHER_EXAMPLES_CHAT_SERVER_CHAT_ROOM_HPP
#define TETHER_EXAMPLES_CHAT_SERVER_CHAT_ROOM_HPP

#include <tether/connection.hpp>
#include <tether/connection/shared_message.hpp>

#include <algorithm>
#include <chrono>
#include <cstdint>
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

// Per-client backpressure, with tether's watermarks: a client whose queued
// output passes the backlog limit (it stopped reading) gets no chat messages
// until it drains to half of it (tether's `writable` event); one that stays
// over the limit for slow_client_timeout is failed by tether (slow_reader,
// 1008), and one that stays behind (backpressured) that long is aborted by
// the server's timer pass (tether's clock stops when the kernel takes a few
// bytes and the queue dips under the high watermark, while the client is
// still behind and gets nothing); either way its socket is closed at once. Memory per client stays bounded by the
// limit plus the socket buffers, whatever the others say.
inline constexpr std::size_t default_backlog_limit = 4 * 1024 * 1024;
inline constexpr std::chrono::seconds slow_client_timeout{5};

// The limit holds at least two of the largest messages.
inline std::size_t backlog_limit_for(std::uint64_t max_message_size) {
  return std::max(default_backlog_limit, static_cast<std::size_t>(2 * max_message_size));
}

inline tether::connection_options connection_options_for(std::uint64_t max_message_size) {
  tether::connection_options options;
  options.max_message_size = options.max_frame_size = max_message_size;
  options.output_high_watermark = backlog_limit_for(max_message_size);
  options.output_low_watermark = options.output_high_watermark / 2;
  options.max_queued_output = 2 * options.output_high_watermark;  // a hard cap behind the watermark
  options.max_backpressure_time = slow_client_timeout;
  return options;
}

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

  // Backpressure: how many chat messages this client missed while it was
  // behind, and since when (noted by the timer pass).
  std::size_t dropped = 0;
  std::optional<steady_clock::time_point> behind_since;

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
  std::size_t size() const noexcept { return members_.size(); }

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

  // The fan-out: one chat message to every open client. The payload is
  // copied and checked once; every connection's queue references it.
  void broadcast(std::string_view payload, touched_list& touched) const {
    const tether::shared_message message = tether::shared_message::text(payload);
    for (client* c : members_) send_to(*c, message, touched);
  }

  // Queues a message for one client, unless it is behind (backpressured).
  static void send_to(client& c, const tether::shared_message& message, touched_list& touched) {
    if (c.ws->backpressured()) {
      if (c.dropped++ == 0) {
        std::printf("slow fd=%d: %zu bytes queued, dropping its messages\n", c.fd, c.ws->queued_output());
      }
      return;
    }
    if (const std::error_code ec = c.ws->send_shared(message)) {
      ++c.dropped;
      std::printf("send fd=%d refused: %s\n", c.fd, ec.message().c_str());
      return;
    }
    touched.add(c);
  }
  static void send_to(client& c, std::string_view payload, touched_list& touched) {
    send_to(c, tether::shared_message::text(payload), touched);
  }

  // tether's `writable` event: the client drained half its backlog.
  static void caught_up(client& c) {
    if (c.dropped == 0) return;
    std::printf("slow fd=%d: caught up after missing %zu messages\n", c.fd, c.dropped);
    c.dropped = 0;
    c.behind_since.reset();
  }

 private:
  std::vector<client*> members_;
};

}  // namespace chat

#endif
