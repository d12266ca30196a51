// echo_server: an epoll WebSocket server that echoes every message back with
// the same opcode, streaming it piece by piece (a message of any size passes
// with O(read buffer) memory).
//
//   echo_server [--host 127.0.0.1] [--port 9001] [--max-message-size N] [--threads N] [--no-deflate]
//
// permessage-deflate (RFC 7692) is accepted when a client offers it (built
// with zlib), unless --no-deflate; messages are then inflated as they arrive
// and the echo is compressed as it goes out.
//
// tether does the protocol; this file does the sockets. Each thread runs its
// own epoll loop over its own SO_REUSEPORT listener (the kernel spreads new
// connections over them): nothing is shared or locked on the data path. The
// kernel is most of what an echo costs, so system calls are what there is to
// save: one recv and one send per wakeup, epoll_ctl only at accept. SIGINT or
// SIGTERM closes open connections with 1001 and exits 0 once they are gone.
#include <tether/connection.hpp>
#include <tether/io/loop.hpp>
#include <tether/io/posix_socket.hpp>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <pthread.h>
#include <signal.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <string>
#include <system_error>
#include <thread>
#include <unordered_map>
#include <vector>

#include "deflate_extension.hpp"

namespace {

using steady = std::chrono::steady_clock;

// Stop reading from a peer while this much output waits for it (backpressure).
constexpr std::size_t read_pause_threshold = 4 * 1024 * 1024;
constexpr std::size_t read_buffer_size = 256 * 1024;

struct client {
  client(int socket, const tether::connection_options& options) : fd(socket), ws(tether::role::server, options) {}
  int fd;
  tether::connection ws;
  tether::io::deadline_tracker timer;
  bool unread = false;  // input may be waiting: epoll said so, and no short read since
};

// Echoes what arrived: same opcode, same bytes, same message boundaries. False
// when tether refused a send: the echo would be cut short, so the caller drops
// the connection rather than send a truncated message.
bool echo_events(client& c) {
  for (tether::event e = c.ws.next_event(); e; e = c.ws.next_event()) {
    std::error_code ec;
    switch (e.type) {
      case tether::event_type::upgrade_request:
        ec = c.ws.accept();
        break;
      case tether::event_type::data:
        if (!c.ws.is_open()) break;  // we sent a close (shutdown): no more data frames (RFC 6455 §5.5.1)
        if (e.message_begins) ec = c.ws.begin_message(e.message_type);
        if (!ec) ec = e.message_ends ? c.ws.end_message(e.bytes, e.size) : c.ws.send_chunk(e.bytes, e.size);
        break;
      case tether::event_type::failure:
        std::fprintf(stderr, "fd %d failed: %s\n", c.fd, e.error().message().c_str());
        break;
      default:  // pings are answered and closes echoed by the connection itself
        break;
    }
    if (ec) {
      std::fprintf(stderr, "fd %d: send refused (%s), closing\n", c.fd, ec.message().c_str());
      return false;
    }
  }
  return true;
}

class worker {
 public:
  worker(int listener, int stop_fd, const tether::connection_options& options)
      : listener_(listener), stop_fd_(stop_fd), options_(options), buffer_(read_buffer_size) {}

  // Runs until a stop was asked for and every connection is gone.
  bool run() {
    epoll_ = epoll_create1(EPOLL_CLOEXEC);
    if (epoll_ < 0 || !watch(listener_, EPOLLIN) || !watch(stop_fd_, EPOLLIN)) {
      std::perror("epoll");
      return false;
    }
    epoll_event events[256];
    while (listener_ >= 0 || !clients_.empty()) {
      int timeout = -1;
      if (const auto next = deadlines_.earliest()) {
        timeout = static_cast<int>(tether::io::milliseconds_until(*next, steady::now()));
      }
      const int ready = epoll_wait(epoll_, events, 256, timeout);
      if (ready < 0 && errno != EINTR) {
        std::perror("epoll_wait");
        return false;
      }
      for (int i = 0; i < ready; ++i) {
        const int fd = events[i].data.fd;
        if (fd == stop_fd_) {
          shut_down();
        } else if (fd == listener_) {
          accept_all();
        } else if (const auto found = clients_.find(fd); found != clients_.end()) {
          on_ready(*found->second, events[i].events);
        }
      }
      run_timers(steady::now());
    }
    ::close(epoll_);
    return true;
  }

 private:
  bool watch(int fd, std::uint32_t interest) {
    epoll_event ev{};
    ev.events = interest;
    ev.data.fd = fd;
    return epoll_ctl(epoll_, EPOLL_CTL_ADD, fd, &ev) == 0;
  }

  void accept_all() {
    for (;;) {
      const int fd = ::accept4(listener_, nullptr, nullptr, SOCK_NONBLOCK | SOCK_CLOEXEC);
      if (fd < 0) {
        if (errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR) std::perror("accept4");
        return;
      }
      const int yes = 1;
      setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &yes, sizeof yes);
      auto c = std::make_unique<client>(fd, options_);
      c->ws.tick(steady::now());  // starts the handshake timeout
      if (!watch(fd, EPOLLIN | EPOLLOUT | EPOLLET)) {
        std::perror("epoll_ctl");
        ::close(fd);
        continue;
      }
      arm_timer(*c);
      clients_.emplace(fd, std::move(c));
    }
  }

  // Edge-triggered: epoll reports new input, or room to write after the socket
  // was full, once; both were asked for at accept, so epoll_ctl is never needed
  // again. A recv that comes back short of the buffer drained the socket (more
  // input brings a new edge), so one recv per wakeup is the rule and a recv
  // that would only say EAGAIN is saved.
  void on_ready(client& c, std::uint32_t events) {
    if (events & (EPOLLIN | EPOLLHUP | EPOLLERR)) c.unread = true;
    advance(c);
  }

  // After input, a tick or a close: read (unless output backs up), echo, write;
  // then drop the connection or arm its timer. While output waits, unread input
  // stays in the socket (backpressure) until a write edge brings us back here.
  void advance(client& c) {
    do {
      if (c.unread && c.ws.queued_output() < read_pause_threshold) read_once(c);
      if (!echo_events(c)) return drop(c);
      const tether::io::flush_result flushed = tether::io::flush(c.fd, c.ws);
      if (flushed.error) {
        std::fprintf(stderr, "fd %d: send: %s\n", c.fd, flushed.error.message().c_str());
        return drop(c);
      }
      if (c.ws.should_close_transport()) return drop(c);
    } while (c.unread && c.ws.queued_output() < read_pause_threshold);
    arm_timer(c);
  }

  void read_once(client& c) {
    const ssize_t n = ::recv(c.fd, buffer_.data(), buffer_.size(), 0);
    if (n > 0) {
      c.ws.receive(static_cast<void*>(buffer_.data()), static_cast<std::size_t>(n));
      c.unread = static_cast<std::size_t>(n) == buffer_.size();
    } else if (n == 0) {
      c.ws.receive_eof();
      c.unread = false;
    } else if (errno == EAGAIN || errno == EWOULDBLOCK) {
      c.unread = false;
    } else if (errno != EINTR) {
      std::fprintf(stderr, "fd %d: recv: %s\n", c.fd, std::strerror(errno));
      c.ws.receive_eof();  // the connection is gone as surely as with a FIN
      c.unread = false;
    }
  }

  void arm_timer(client& c) {
    if (const auto deadline = c.timer.rearm(c.ws)) deadlines_.push(*deadline, c.fd);
  }

  void run_timers(steady::time_point now) {
    while (const auto due = deadlines_.pop_due(now)) {
      const auto found = clients_.find(due->second);
      if (found == clients_.end() || !found->second->timer.fired(due->first)) continue;  // stale entry
      found->second->ws.tick(now);
      advance(*found->second);
    }
  }

  // Stop accepting; open connections get a close 1001 (RFC 6455 §7.4.1 "going
  // away"), those still in the handshake are dropped, and those closing
  // already finish. The loop ends when the last one is gone.
  void shut_down() {
    ::close(listener_);  // also leaves the epoll set
    listener_ = -1;
    epoll_ctl(epoll_, EPOLL_CTL_DEL, stop_fd_, nullptr);
    std::vector<client*> all;
    for (auto& entry : clients_) all.push_back(entry.second.get());
    for (client* c : all) {
      const tether::connection_state state = c->ws.state();
      if (state == tether::connection_state::reading_request) {
        drop(*c);  // still in the handshake: nothing to say goodbye to
        continue;
      }
      if (state != tether::connection_state::open) continue;  // closing already: it ends on its own
      c->ws.tick(steady::now());                              // the close timeout counts from now
      if (const std::error_code ec = c->ws.close(tether::close_code::going_away, "server shutting down")) {
        std::fprintf(stderr, "fd %d: close refused: %s\n", c->fd, ec.message().c_str());
        drop(*c);
        continue;
      }
      advance(*c);
    }
  }

  void drop(client& c) {
    const int fd = c.fd;
    ::close(fd);  // also leaves the epoll set
    clients_.erase(fd);
  }

  int listener_;
  int stop_fd_;
  tether::connection_options options_;
  std::vector<unsigned char> buffer_;  // one per thread: receive() unmasks it in place
  int epoll_ = -1;
  std::unordered_map<int, std::unique_ptr<client>> clients_;
  tether::io::deadline_queue<int> deadlines_;
};

int listen_on(const char* host, int port, bool share_port) {
  const int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
  if (fd < 0) return -1;
  const int yes = 1;
  setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &yes, sizeof yes);
  if (share_port) setsockopt(fd, SOL_SOCKET, SO_REUSEPORT, &yes, sizeof yes);
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
  int threads = 1;
  bool deflate = true;
  tether::connection_options options;
  for (int i = 1; i < argc; ++i) {
    const std::string arg = argv[i];
    if (arg == "--host" && i + 1 < argc) {
      host = argv[++i];
    } else if (arg == "--port" && i + 1 < argc) {
      port = std::atoi(argv[++i]);
    } else if (arg == "--max-message-size" && i + 1 < argc) {
      options.max_message_size = options.max_frame_size = std::strtoull(argv[++i], nullptr, 10);
    } else if (arg == "--threads" && i + 1 < argc && std::atoi(argv[i + 1]) > 0) {
      threads = std::atoi(argv[++i]);
    } else if (arg == example::no_deflate_flag) {
      deflate = false;
    } else {
      std::fprintf(stderr,
                   "usage: %s [--host 127.0.0.1] [--port 9001] [--max-message-size N] [--threads N] [--no-deflate]\n",
                   argv[0]);
      return 2;
    }
  }
  const example::deflate_extension extension(deflate);  // shared by every thread's connections, read only
  options.extension = extension.get();

  std::vector<int> listeners;
  for (int i = 0; i < threads; ++i) {
    listeners.push_back(listen_on(host, port, threads > 1));
    if (listeners.back() < 0) {
      std::fprintf(stderr, "cannot listen on %s:%d: %s\n", host, port, std::strerror(errno));
      return 1;
    }
  }
  // Signals are taken by this thread alone (sigwait); the workers learn of a
  // stop through an eventfd that every epoll set watches.
  sigset_t stop_signals;
  sigemptyset(&stop_signals);
  sigaddset(&stop_signals, SIGINT);
  sigaddset(&stop_signals, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &stop_signals, nullptr);
  const int stop_fd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
  if (stop_fd < 0) {
    std::perror("eventfd");
    return 1;
  }

  std::vector<std::thread> running;
  std::vector<char> succeeded(listeners.size(), 0);
  for (std::size_t i = 0; i < listeners.size(); ++i) {
    running.emplace_back([&, i] {
      succeeded[i] = worker(listeners[i], stop_fd, options).run();
      if (!succeeded[i]) kill(getpid(), SIGTERM);  // wakes sigwait below: the others stop too
    });
  }
  std::printf("listening on %s:%d\n", host, port);
  std::fflush(stdout);

  int signal_number = 0;
  sigwait(&stop_signals, &signal_number);
  const std::uint64_t one = 1;
  if (::write(stop_fd, &one, sizeof one) != sizeof one) std::perror("eventfd write");
  for (std::thread& t : running) t.join();
  ::close(stop_fd);
  for (const char ok : succeeded) {
    if (!ok) return 1;
  }
  std::printf("stopped\n");
  return 0;
}
