// echo_server: a single-threaded epoll WebSocket server that echoes every
// message back with the same opcode, streaming it piece by piece (a message
// of any size passes with O(read buffer) memory).
//
//   echo_server [--host 127.0.0.1] [--port 9001] [--max-message-size N]
//
// tether does the protocol; this file does the sockets: accept, read into a
// buffer, hand it to the connection, write what the connection queued.
#include <tether/connection.hpp>

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <signal.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <sys/uio.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <string>
#include <unordered_map>

namespace {

volatile sig_atomic_t stop_requested = 0;
void on_signal(int) { stop_requested = 1; }

// Stop reading from a peer while this much output waits for it (backpressure).
constexpr std::size_t read_pause_threshold = 4 * 1024 * 1024;

struct client {
  explicit client(int socket, const tether::connection_options& options)
      : fd(socket), ws(tether::role::server, options) {}
  int fd;
  tether::connection ws;
  bool reading = true;
  bool writing = false;
};

void echo_events(client& c) {
  for (tether::event e = c.ws.next_event(); e; e = c.ws.next_event()) {
    switch (e.type) {
      case tether::event_type::upgrade_request:
        if (const std::error_code ec = c.ws.accept()) std::fprintf(stderr, "fd %d: %s\n", c.fd, ec.message().c_str());
        break;
      case tether::event_type::data: {
        // Echo as it arrives: same opcode, same bytes, same message boundaries.
        // A refused piece (the output queue is full) must not leave a
        // truncated echo behind: the connection is closed instead.
        std::error_code ec;
        if (e.message_begins) ec = c.ws.begin_message(e.message_type);
        if (!ec) ec = e.message_ends ? c.ws.end_message(e.bytes, e.size) : c.ws.send_chunk(e.bytes, e.size);
        if (ec) {
          std::fprintf(stderr, "fd %d: cannot echo: %s\n", c.fd, ec.message().c_str());
          if (c.ws.close(tether::close_code::internal_error, "cannot echo")) c.ws.abort();
        }
        break;
      }
      case tether::event_type::failure:
        std::fprintf(stderr, "fd %d failed: %s\n", c.fd, e.error().message().c_str());
        break;
      default:  // pings are answered and closes echoed by the connection itself
        break;
    }
  }
}

// Writes what is queued; false when the socket is gone.
bool flush(client& c) {
  iovec vectors[64];
  tether::const_buffer buffers[64];
  while (c.ws.has_output()) {
    const std::size_t count = c.ws.output_buffers(buffers, 64);
    for (std::size_t i = 0; i < count; ++i) vectors[i] = {const_cast<void*>(buffers[i].data), buffers[i].size};
    const ssize_t written = ::writev(c.fd, vectors, static_cast<int>(count));
    if (written < 0 && errno == EINTR) continue;
    if (written < 0) return errno == EAGAIN || errno == EWOULDBLOCK;
    if (c.ws.consume(static_cast<std::size_t>(written))) return false;
  }
  return true;
}

void update_interest(int epoll_fd, client& c) {
  const bool want_read = c.ws.queued_output() < read_pause_threshold;
  const bool want_write = c.ws.has_output();
  if (want_read == c.reading && want_write == c.writing) return;
  c.reading = want_read, c.writing = want_write;
  epoll_event ev{};
  ev.events = (want_read ? EPOLLIN : 0u) | (want_write ? EPOLLOUT : 0u) | EPOLLRDHUP;
  ev.data.fd = c.fd;
  epoll_ctl(epoll_fd, EPOLL_CTL_MOD, c.fd, &ev);
}

int listen_on(const char* host, int port) {
  const int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
  if (fd < 0) return -1;
  const int yes = 1;
  setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &yes, sizeof yes);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_port = htons(static_cast<std::uint16_t>(port));
  if (inet_pton(AF_INET, host, &address.sin_addr) != 1 ||
      ::bind(fd, reinterpret_cast<sockaddr*>(&address), sizeof address) != 0 || ::listen(fd, 1024) != 0) {
    ::close(fd);
    return -1;
  }
  return fd;
}

}  // namespace

int main(int argc, char** argv) {
  const char* host = "127.0.0.1";
  int port = 9001;
  tether::connection_options options;
  for (int i = 1; i < argc; ++i) {
    const std::string arg = argv[i];
    if (arg == "--host" && i + 1 < argc) {
      host = argv[++i];
    } else if (arg == "--port" && i + 1 < argc) {
      port = std::atoi(argv[++i]);
    } else if (arg == "--max-message-size" && i + 1 < argc) {
      options.max_message_size = options.max_frame_size = std::strtoull(argv[++i], nullptr, 10);
    } else {
      std::fprintf(stderr, "usage: %s [--host 127.0.0.1] [--port 9001] [--max-message-size N]\n", argv[0]);
      return 2;
    }
  }

  struct sigaction action {};
  action.sa_handler = on_signal;
  sigaction(SIGINT, &action, nullptr);
  sigaction(SIGTERM, &action, nullptr);
  signal(SIGPIPE, SIG_IGN);

  const int listener = listen_on(host, port);
  if (listener < 0) {
    std::fprintf(stderr, "cannot listen on %s:%d: %s\n", host, port, std::strerror(errno));
    return 1;
  }
  const int epoll_fd = epoll_create1(EPOLL_CLOEXEC);
  epoll_event listen_event{};
  listen_event.events = EPOLLIN;
  listen_event.data.fd = listener;
  epoll_ctl(epoll_fd, EPOLL_CTL_ADD, listener, &listen_event);
  std::printf("listening on %s:%d\n", host, port);
  std::fflush(stdout);

  std::unordered_map<int, std::unique_ptr<client>> clients;
  static unsigned char buffer[256 * 1024];
  epoll_event events[256];
  auto next_timer_pass = std::chrono::steady_clock::now();

  auto drop = [&](int fd) {
    epoll_ctl(epoll_fd, EPOLL_CTL_DEL, fd, nullptr);
    ::close(fd);
    clients.erase(fd);
  };

  while (!stop_requested) {
    const int ready = epoll_wait(epoll_fd, events, 256, 250);
    if (ready < 0 && errno != EINTR) break;
    for (int i = 0; i < ready; ++i) {
      const int fd = events[i].data.fd;
      if (fd == listener) {
        while (true) {
          const int accepted = ::accept4(listener, nullptr, nullptr, SOCK_NONBLOCK | SOCK_CLOEXEC);
          if (accepted < 0) break;
          const int yes = 1;
          setsockopt(accepted, IPPROTO_TCP, TCP_NODELAY, &yes, sizeof yes);
          auto entry = std::make_unique<client>(accepted, options);
          entry->ws.tick(std::chrono::steady_clock::now());
          epoll_event ev{};
          ev.events = EPOLLIN | EPOLLRDHUP;
          ev.data.fd = accepted;
          epoll_ctl(epoll_fd, EPOLL_CTL_ADD, accepted, &ev);
          clients.emplace(accepted, std::move(entry));
        }
        continue;
      }
      auto found = clients.find(fd);
      if (found == clients.end()) continue;
      client& c = *found->second;
      if (events[i].events & (EPOLLIN | EPOLLRDHUP | EPOLLHUP | EPOLLERR)) {
        // Read what is there, and echo it, until the socket is empty or output backs up.
        while (c.ws.queued_output() < read_pause_threshold) {
          const ssize_t n = ::read(fd, buffer, sizeof buffer);
          if (n > 0) {
            c.ws.receive(static_cast<void*>(buffer), static_cast<std::size_t>(n));
            echo_events(c);
            continue;
          }
          if (n == 0 || (errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR)) {
            c.ws.receive_eof();
            echo_events(c);
            flush(c);
            drop(fd);
          }
          break;
        }
        if (clients.find(fd) == clients.end()) continue;
      }
      if (!flush(c) || c.ws.should_close_transport()) {
        drop(fd);
        continue;
      }
      update_interest(epoll_fd, c);
    }
    // Timers (keep-alive pings, pong and close timeouts) need no finer grain
    // than a quarter second: visit every connection only that often.
    const auto now = std::chrono::steady_clock::now();
    if (now < next_timer_pass) continue;
    next_timer_pass = now + std::chrono::milliseconds(250);
    for (auto it = clients.begin(); it != clients.end();) {
      client& c = *it->second;
      c.ws.tick(now);
      echo_events(c);
      const int fd = it->first;
      ++it;
      if (!flush(c) || c.ws.should_close_transport()) {
        drop(fd);
      } else {
        update_interest(epoll_fd, c);
      }
    }
  }
  for (auto& entry : clients) ::close(entry.first);
  ::close(listener);
  ::close(epoll_fd);
  std::printf("stopped\n");
  return 0;
}
