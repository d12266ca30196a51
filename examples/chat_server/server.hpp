// chat_server's event loop: single-threaded epoll over the listening socket,
// the clients and (with --redis) the two Redis connections. tether does the
// WebSocket protocol, OpenSSL (memory BIOs) the TLS, hiredis's reader the Redis
// replies, chat_service.hpp the chat itself; this file moves bytes.
#ifndef TETHER_EXAMPLES_CHAT_SERVER_SERVER_HPP
#define TETHER_EXAMPLES_CHAT_SERVER_SERVER_HPP

#include <tether/connection.hpp>

#include <signal.h>
#include <sys/epoll.h>

#include <algorithm>
#include <cstdio>
#include <memory>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include "../common/net.hpp"
#include "../common/redis_bus.hpp"
#include "../common/tether_io.hpp"
#include "../common/tls_stream.hpp"
#include "chat_room.hpp"
#include "chat_service.hpp"
#include "options.hpp"

namespace chat {

// A browser needs the request head in this long, or the connection is closed.
inline constexpr std::chrono::seconds request_timeout{10};
// How much of a request is kept before its head is complete.
inline constexpr std::size_t max_request_bytes = 64 * 1024;
// TLS records waiting for the socket; the backlog itself stays in tether's
// queue, where the room's backpressure rule sees it.
inline constexpr std::size_t tls_record_limit = 256 * 1024;
// How long a closed connection's input is still read (see client::lingering).
inline constexpr std::chrono::seconds linger_time{2};
// How long a shutdown waits for clients to answer its 1001 close.
inline constexpr std::chrono::seconds shutdown_grace{3};
// Timers (tether's keep-alive, close and slow-reader timeouts, the request
// timeout) need no finer grain than this.
inline constexpr std::chrono::milliseconds timer_grain{100};

class server {
 public:
  server(const server_options& options, SSL_CTX* tls)
      : options_(options), tls_(tls), chat_(options, tls != nullptr, touched_), deflate_(options.deflate) {
    connection_options_ = connection_options_for(options.max_message_size);
    connection_options_.extension = deflate_.get();
  }
  ~server() {
    for (auto& entry : clients_) ::close(entry.first);
    if (listener_ >= 0) ::close(listener_);
    if (epoll_ >= 0) ::close(epoll_);
  }

  // Listens, connects to Redis (in the background), prints the URL.
  bool start(std::string& error) {
    example::address where;
    if (!example::resolve(options_.host, options_.port, where, error)) return false;
    listener_ = example::listen_tcp(where);
    epoll_ = epoll_create1(EPOLL_CLOEXEC);
    if (listener_ < 0 || epoll_ < 0 || !watch(listener_, EPOLLIN)) {
      error = std::strerror(errno);
      return false;
    }
    if (!options_.redis_url.empty() && !start_redis(error)) return false;
    sockaddr_storage bound{};
    socklen_t size = sizeof bound;
    getsockname(listener_, reinterpret_cast<sockaddr*>(&bound), &size);
    const auto port = ntohs(reinterpret_cast<sockaddr_in*>(&bound)->sin_port);  // same offset for IPv6
    const bool v6 = options_.host.find(':') != std::string::npos;
    std::printf("listening on %s://%s%s%s:%u/\n", tls_ != nullptr ? "https" : "http", v6 ? "[" : "",
                options_.host.c_str(), v6 ? "]" : "", port);
    std::fflush(stdout);
    return true;
  }

  // Runs until `stop` is set (SIGINT/SIGTERM), then closes every client with 1001.
  void run(const volatile sig_atomic_t& stop) {
    std::optional<steady_clock::time_point> stop_deadline;
    epoll_event events[256];
    auto next_timers = steady_clock::now();
    for (;;) {
      if (stop && !stop_deadline) stop_deadline = begin_shutdown();
      if (stop_deadline && (clients_.empty() || steady_clock::now() > *stop_deadline)) break;
      const int ready = epoll_wait(epoll_, events, 256, wait_milliseconds(next_timers));
      if (ready < 0 && errno != EINTR) break;
      now_ = steady_clock::now();
      for (int i = 0; i < ready; ++i) dispatch(events[i].data.fd, events[i].events);
      if (now_ >= next_timers) {
        next_timers = now_ + timer_grain;
        run_timers();
      }
      visit_dirty();
    }
    std::printf("stopped\n");
    std::fflush(stdout);
  }

 private:
  // ---- the loop ---------------------------------------------------------

  int wait_milliseconds(steady_clock::time_point next_timers) const {
    auto until = next_timers;
    if (bus_) until = std::min(until, bus_->next_deadline());
    const auto wait = std::chrono::duration_cast<std::chrono::milliseconds>(until - steady_clock::now()).count();
    return wait < 0 ? 0 : static_cast<int>(wait) + 1;
  }

  void dispatch(int fd, std::uint32_t events) {
    if (fd == listener_) return accept_clients();
    if (bus_ && bus_->owns(fd)) return bus_->on_events(fd, events, now_);
    const auto found = clients_.find(fd);
    if (found == clients_.end()) return;
    client& c = *found->second;
    if (events & (EPOLLIN | EPOLLHUP | EPOLLERR | EPOLLRDHUP)) read_from(c);
    mark_dirty(c);  // EPOLLOUT, or what reading queued
  }

  bool watch(int fd, std::uint32_t events, int op = EPOLL_CTL_ADD) {
    epoll_event ev{};
    ev.events = events;
    ev.data.fd = fd;
    return epoll_ctl(epoll_, op, fd, &ev) == 0;
  }

  void close_soon(client& c) {
    c.dead = true;
    mark_dirty(c);
  }

  void mark_dirty(client& c) { touched_.add(c); }

  // Every client touched in this pass: write what it has, close it when its
  // connection says so, and watch for what it waits for.
  void visit_dirty() {
    std::vector<int>& touched = touched_.fds();
    for (std::size_t i = 0; i < touched.size(); ++i) {
      const auto found = clients_.find(touched[i]);
      if (found == clients_.end()) continue;
      client& c = *found->second;
      c.dirty = false;
      if (c.dead || (!c.lingering && !flush(c))) {
        drop(c);
        continue;
      }
      if (!c.lingering && finished(c)) start_lingering(c);
      const bool waits_for_socket = c.tls ? !c.tls_records.empty() : (!c.http_answer.empty() || has_ws_output(c));
      const std::uint32_t interest = EPOLLIN | EPOLLRDHUP | (waits_for_socket && !c.lingering ? EPOLLOUT : 0u);
      if (interest != c.interest) {
        c.interest = interest;
        if (!watch(c.fd, interest, EPOLL_CTL_MOD)) drop(c);
      }
    }
    touched.clear();
  }

  // ---- accepting --------------------------------------------------------

  void accept_clients() {
    for (int round = 0; round < 1024; ++round) {
      sockaddr_storage from{};
      socklen_t size = sizeof from;
      const int fd = accept4(listener_, reinterpret_cast<sockaddr*>(&from), &size, SOCK_NONBLOCK | SOCK_CLOEXEC);
      if (fd < 0) {
        if (errno == EMFILE || errno == ENFILE) {
          // Out of descriptors: stop accepting for a moment instead of spinning.
          std::printf("accept: %s; pausing accepts\n", std::strerror(errno));
          watch(listener_, 0, EPOLL_CTL_MOD);
          accept_paused_ = true;
        }
        return;
      }
      const int yes = 1;
      setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &yes, sizeof yes);
      auto c = std::make_unique<client>(fd, describe(from), now_);
      if (tls_ != nullptr) c->tls = std::make_unique<example::tls_stream>(tls_, example::tls_role::server);
      c->interest = EPOLLIN | EPOLLRDHUP;
      if (!watch(fd, c->interest)) {
        ::close(fd);
        continue;
      }
      std::printf("connect fd=%d peer=%s\n", fd, c->peer.c_str());
      clients_.emplace(fd, std::move(c));
    }
  }

  static std::string describe(const sockaddr_storage& from) {
    char host[INET6_ADDRSTRLEN] = "?";
    if (from.ss_family == AF_INET6) {
      const auto& a = reinterpret_cast<const sockaddr_in6&>(from);
      inet_ntop(AF_INET6, &a.sin6_addr, host, sizeof host);
      return "[" + std::string(host) + "]:" + std::to_string(ntohs(a.sin6_port));
    }
    const auto& a = reinterpret_cast<const sockaddr_in&>(from);
    inet_ntop(AF_INET, &a.sin_addr, host, sizeof host);
    return std::string(host) + ":" + std::to_string(ntohs(a.sin_port));
  }

  // ---- reading ----------------------------------------------------------

  void read_from(client& c) {
    static unsigned char buffer[256 * 1024];
    if (c.lingering) {
      ssize_t n = 0;
      while ((n = example::receive_bytes(c.fd, buffer, sizeof buffer)) > 0) {
      }
      if (n != -2) c.dead = true;  // the peer closed too (or the socket failed)
      return;
    }
    // A bounded number of reads per wakeup keeps one fast sender from
    // starving the others (epoll reports the socket again).
    for (int round = 0; round < 8 && !c.dead; ++round) {
      const ssize_t n = example::receive_bytes(c.fd, buffer, sizeof buffer);
      if (n == -2) return;
      if (n <= 0) return end_of_stream(c);
      if (!c.tls) {
        received(c, buffer, static_cast<std::size_t>(n));
        continue;
      }
      c.tls->put_ciphertext(buffer, static_cast<std::size_t>(n));
      decrypt(c);
    }
  }

  void decrypt(client& c) {
    static unsigned char plain[64 * 1024];
    for (;;) {
      example::tls_stream::status status{};
      const std::size_t n = c.tls->read(plain, sizeof plain, status);
      if (status == example::tls_stream::status::ok) {
        received(c, plain, n);
        if (c.dead) return;
        continue;
      }
      if (status == example::tls_stream::status::closed) return end_of_stream(c);
      if (status == example::tls_stream::status::failed) {
        std::printf("tls fd=%d failed: %s\n", c.fd, c.tls->error().c_str());
        c.dead = true;
      }
      return;
    }
  }

  void end_of_stream(client& c) {
    if (!c.ws) {
      c.dead = true;
      return;
    }
    c.ws->receive_eof();
    chat_.handle_events(c);
    c.dead = true;  // nothing more can be read; what is queued cannot be answered
  }

  // Plaintext from the client: the request head first, then WebSocket frames.
  void received(client& c, unsigned char* data, std::size_t size) {
    if (c.ws) {
      c.ws->receive(static_cast<void*>(data), size);  // unmasked in place; drained right below
      return chat_.handle_events(c);
    }
    if (c.answered) return;  // the rest of a plain HTTP request is not read
    if (c.head.size() + size > max_request_bytes) {
      c.dead = true;
      return;
    }
    c.head.append(reinterpret_cast<const char*>(data), size);
    std::string answer;
    int status = 0;
    switch (c.front->feed(c.head, answer, status)) {
      case head_verdict::need_more:
        return;
      case head_verdict::answered:
        std::printf("http fd=%d status=%d\n", c.fd, status);
        c.http_answer.append(answer);
        c.answered = true;
        c.front.reset();
        return;
      case head_verdict::websocket:
        c.front.reset();
        c.ws.emplace(tether::role::server, connection_options_);
        c.ws->tick(now_);
        c.messages = tether::message_assembler(options_.max_message_size);
        // The head (and anything after it) goes to the connection, which checks it by RFC 6455 §4.2.1.
        c.ws->receive(static_cast<void*>(c.head.data()), c.head.size());
        chat_.handle_events(c);
        std::string().swap(c.head);
        return;
    }
  }

  // ---- writing and closing ----------------------------------------------

  static bool has_ws_output(const client& c) { return c.ws && c.ws->has_output(); }

  bool flush(client& c) {
    if (c.tls) {
      while (!c.http_answer.empty() && c.tls_records.size() < tls_record_limit) {
        const std::size_t taken = c.tls->write(c.http_answer.data(), c.http_answer.size());
        if (taken == 0) break;
        c.http_answer.consume(taken);
      }
      if (c.ws && !example::encrypt_output(*c.ws, *c.tls, c.tls_records, tls_record_limit)) return false;
      c.tls->take_ciphertext(c.tls_records);
      if (c.tls->failed() || !example::flush_queue(c.fd, c.tls_records)) return false;
    } else if (!example::flush_queue(c.fd, c.http_answer) || (c.ws && !example::send_output(c.fd, *c.ws))) {
      return false;
    }
    return true;
  }

  // Everything is written and nothing more will be: a plain HTTP answer, or
  // the connection's say (RFC 6455 §7.1.1: the server closes TCP first).
  static bool finished(const client& c) {
    if (c.tls && !c.tls_records.empty()) return false;
    if (c.answered) return c.http_answer.empty();
    return c.ws && c.ws->should_close_transport();
  }

  void start_lingering(client& c) {
    if (c.tls) {
      c.tls->shutdown();  // close_notify, best effort
      c.tls->take_ciphertext(c.tls_records);
      example::flush_queue(c.fd, c.tls_records);
    }
    ::shutdown(c.fd, SHUT_WR);
    c.lingering = true;
    c.linger_until = now_ + linger_time;
  }

  void drop(client& c) {
    if (c.ws && !c.close_logged) log_close(c, 1006, "transport closed without a close frame");
    chat_.members().leave(c);
    ::close(c.fd);  // also removes it from the epoll set
    clients_.erase(c.fd);
  }

  // ---- timers -----------------------------------------------------------

  void run_timers() {
    if (bus_) bus_->tick(now_);
    if (accept_paused_) {
      accept_paused_ = false;
      watch(listener_, EPOLLIN, EPOLL_CTL_MOD);
    }
    for (auto& entry : clients_) {
      client& c = *entry.second;
      if (c.lingering) {
        if (now_ > c.linger_until) close_soon(c);
        continue;
      }
      if (!c.ws) {
        if (now_ - c.accepted_at > request_timeout) close_soon(c);
        continue;
      }
      if (const auto deadline = c.ws->next_deadline(); deadline && *deadline <= now_) {
        c.ws->tick(now_);
        chat_.handle_events(c);
      }
      if (c.dropped != 0 && !c.behind_since) c.behind_since = now_;
      if (c.behind_since && now_ - *c.behind_since > slow_client_timeout && !c.dead) {
        std::printf("slow fd=%d: disconnected after missing %zu messages\n", c.fd, c.dropped);
        log_close(c, 1006, "slow consumer disconnected");
        c.ws->abort();
        close_soon(c);
      }
    }
  }

  // ---- shutdown ---------------------------------------------------------

  steady_clock::time_point begin_shutdown() {
    std::printf("shutting down: closing %zu clients with 1001\n", clients_.size());
    ::close(listener_);
    listener_ = -1;
    for (auto& entry : clients_) {
      client& c = *entry.second;
      if (c.ws && c.ws->is_open()) {
        if (const std::error_code ec = c.ws->close(tether::close_code::going_away, "server shutting down")) {
          fail(c, "close", ec);
        }
      } else if (!c.answered) {
        c.dead = true;
      }
      mark_dirty(c);
    }
    visit_dirty();
    return steady_clock::now() + shutdown_grace;
  }

  bool start_redis(std::string& error) {
    example::redis_url url;
    example::address where;
    if (!example::parse_redis_url(options_.redis_url, url)) {
      error = "bad Redis URL " + options_.redis_url;
      return false;
    }
    if (!example::resolve(url.host, url.port, where, error)) return false;
    bus_ = std::make_unique<example::redis_bus>(epoll_, where, url, "tether:chat",
                                                [this](std::string_view m) { chat_.on_bus_message(m); });
    chat_.use_bus(*bus_);
    bus_->start(steady_clock::now());
    return true;
  }

  server_options options_;
  SSL_CTX* tls_;
  touched_list touched_;
  chat_service chat_;
  const example::deflate_extension deflate_;  // before clients_: every connection points to it
  tether::connection_options connection_options_;
  int listener_ = -1;
  int epoll_ = -1;
  bool accept_paused_ = false;
  steady_clock::time_point now_ = steady_clock::now();
  std::unordered_map<int, std::unique_ptr<client>> clients_;
  std::unique_ptr<example::redis_bus> bus_;
};

}  // namespace chat

#endif
