// uring_echo: the echo server on io_uring (liburing): every message comes back
// with the same opcode, streamed piece by piece.
//
//   uring_echo [--host 127.0.0.1] [--port 9001] [--max-message-size N] [--single-shot] [--no-deflate]
//
// The glue: one multishot receive per connection takes kernel-chosen buffers
// from a provided-buffer ring (Linux 6.0; --single-shot, or an older kernel,
// uses one receive at a time into the connection's own buffer); the bytes go
// to receive(), next_event() is drained, and the buffer goes back to the ring.
// Sends are submitted straight from output_buffers() and consume()d when they
// complete: the kernel reads those buffers long after the submission, while
// more output is queued, so they must stay put until consume() (tether's
// output contract). Timers from next_deadline() set the wait's timeout.
// Where io_uring is not allowed (containers often forbid it) it says why and
// exits 77, which the tests report as skipped. SIGINT or SIGTERM: open
// connections get close 1001, exit 0 once all are gone. permessage-deflate
// (RFC 7692) is accepted when offered, unless --no-deflate.
#include <tether/connection.hpp>
#include <tether/io/loop.hpp>
#include <tether/io/posix_socket.hpp>

#include <arpa/inet.h>
#include <liburing.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <signal.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <string>
#include <unordered_set>
#include <vector>

#include "deflate_extension.hpp"

namespace {

using steady = std::chrono::steady_clock;

constexpr std::size_t read_pause_threshold = 4 * 1024 * 1024;
constexpr unsigned buffer_count = 64;         // provided buffers, shared by all connections
constexpr unsigned buffer_size = 128 * 1024;  // a 64 KiB message and its header in one
constexpr int buffer_group = 1;
constexpr int skip_exit_code = 77;

// What a completion is for: the low bits of its user_data (the rest is the
// connection's address, or nothing for the listener and the signalfd).
enum operation : std::uintptr_t { receive_op = 1, send_op = 2, cancel_op = 3, accept_op = 4, signal_op = 5 };

struct client {
  client(int socket, const tether::connection_options& options) : fd(socket), ws(tether::role::server, options) {}
  int fd;
  tether::connection ws;
  tether::io::deadline_tracker deadline;
  iovec sending[64];  // the send in flight, made from output_buffers()
  msghdr message{};
  std::unique_ptr<unsigned char[]> own_buffer;  // single-shot receives only
  int in_flight = 0;                            // operations the kernel holds: freed at 0 once stopped
  bool receiving = false, cancelling = false, sending_now = false, eof = false, stopped = false;
};

class server {
 public:
  server(const tether::connection_options& options, bool multishot) : options_(options), multishot_(multishot) {}

  ~server() {
    if (ring_ready_) io_uring_queue_exit(&ring_);
  }

  // False where io_uring cannot run.
  bool start(int listener, int signals) {
    listener_ = listener;
    signals_ = signals;
    if (const int e = io_uring_queue_init(256, &ring_, 0); e < 0) {
      std::fprintf(stderr,
                   "uring_echo: io_uring is not available here (%s); a container's seccomp profile or "
                   "kernel.io_uring_disabled may forbid it\n",
                   std::strerror(-e));
      return false;
    }
    ring_ready_ = true;
    if (multishot_ && !provide_buffers()) {
      std::fprintf(stderr, "uring_echo: no provided-buffer rings (Linux < 5.19): one receive at a time\n");
      multishot_ = false;
    }
    submit_accept();
    submit_signal_read();
    return true;
  }

  // 0 after a clean stop.
  int run() {
    int status = 0;
    while (listener_ >= 0 || !clients_.empty()) {
      __kernel_timespec timeout{};
      __kernel_timespec* wait = nullptr;
      if (const auto next = deadlines_.earliest()) {
        const std::int64_t ms = tether::io::milliseconds_until(*next, steady::now());
        timeout.tv_sec = ms / 1000;
        timeout.tv_nsec = (ms % 1000) * 1'000'000;
        wait = &timeout;
      }
      io_uring_cqe* cqe = nullptr;
      const int e = io_uring_submit_and_wait_timeout(&ring_, &cqe, 1, wait, nullptr);
      if (e < 0 && e != -ETIME && e != -EINTR) {
        std::fprintf(stderr, "io_uring wait: %s\n", std::strerror(-e));
        status = 1;
        break;
      }
      unsigned head = 0, seen = 0;
      io_uring_for_each_cqe(&ring_, head, cqe) {
        complete(cqe->user_data, cqe->res, cqe->flags);
        ++seen;
      }
      io_uring_cq_advance(&ring_, seen);
      run_timers(steady::now());
    }
    return status;
  }

 private:
  io_uring_sqe* next_sqe() {
    io_uring_sqe* sqe = io_uring_get_sqe(&ring_);
    if (sqe == nullptr) {  // the submission queue is full: hand it to the kernel first
      io_uring_submit(&ring_);
      sqe = io_uring_get_sqe(&ring_);
    }
    return sqe;
  }

  static std::uint64_t tag(client* c, operation op) { return reinterpret_cast<std::uintptr_t>(c) | op; }

  bool provide_buffers() {
    const std::size_t ring_bytes = (buffer_count * sizeof(io_uring_buf) + 4095) / 4096 * 4096;
    buffer_ring_.reset(static_cast<io_uring_buf_ring*>(std::aligned_alloc(4096, ring_bytes)));
    buffers_.reset(new unsigned char[std::size_t{buffer_count} * buffer_size]);
    io_uring_buf_reg registration{};
    registration.ring_addr = reinterpret_cast<std::uintptr_t>(buffer_ring_.get());
    registration.ring_entries = buffer_count;
    registration.bgid = buffer_group;
    if (io_uring_register_buf_ring(&ring_, &registration, 0) < 0) return false;
    io_uring_buf_ring_init(buffer_ring_.get());
    for (unsigned id = 0; id < buffer_count; ++id) give_back(id);
    return true;
  }

  void give_back(unsigned id) {
    io_uring_buf_ring_add(buffer_ring_.get(), buffers_.get() + std::size_t{id} * buffer_size, buffer_size,
                          static_cast<unsigned short>(id), io_uring_buf_ring_mask(buffer_count), 0);
    io_uring_buf_ring_advance(buffer_ring_.get(), 1);
  }

  void submit_accept() {
    io_uring_sqe* sqe = next_sqe();
    io_uring_prep_accept(sqe, listener_, nullptr, nullptr, SOCK_CLOEXEC);
    io_uring_sqe_set_data64(sqe, accept_op);
  }

  void submit_signal_read() {
    io_uring_sqe* sqe = next_sqe();
    io_uring_prep_read(sqe, signals_, &signal_info_, sizeof signal_info_, 0);
    io_uring_sqe_set_data64(sqe, signal_op);
  }

  void complete(std::uint64_t user_data, int result, unsigned flags) {
    const auto op = static_cast<operation>(user_data & 7u);
    client* c = reinterpret_cast<client*>(user_data & ~std::uint64_t{7});
    switch (op) {
      case accept_op:
        return accepted(result);
      case signal_op:
        return shut_down();
      case receive_op:
        received(*c, result, flags);
        break;
      case send_op:
        sent(*c, result);
        break;
      case cancel_op:
        c->cancelling = false;
        --c->in_flight;
        break;
    }
    if (c->stopped && c->in_flight == 0) return forget(c);
    pump(*c);
  }

  void accepted(int fd) {
    if (listener_ < 0) {  // shutting down
      if (fd >= 0) ::close(fd);
      return;
    }
    if (fd < 0) std::fprintf(stderr, "accept: %s\n", std::strerror(-fd));
    if (fd >= 0) {
      const int yes = 1;
      if (setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &yes, sizeof yes) != 0) std::perror("TCP_NODELAY");
      client* c = *clients_.insert(new client(fd, options_)).first;
      c->ws.tick(steady::now());  // starts the handshake timeout
      pump(*c);
    }
    submit_accept();
  }

  void received(client& c, int result, unsigned flags) {
    if (!(flags & IORING_CQE_F_MORE)) {  // this receive is over
      c.receiving = false;
      --c.in_flight;
    }
    const bool provided = flags & IORING_CQE_F_BUFFER;
    const unsigned id = flags >> IORING_CQE_BUFFER_SHIFT;
    if (result > 0) {
      unsigned char* bytes = provided ? buffers_.get() + std::size_t{id} * buffer_size : c.own_buffer.get();
      c.ws.receive(static_cast<void*>(bytes), static_cast<std::size_t>(result));
      if (!echo_events(c)) stop(c);  // every event is out: the buffer is free again
    } else if (result == -EINVAL && multishot_) {
      std::fprintf(stderr, "uring_echo: no multishot receive (Linux < 6.0): one receive at a time\n");
      multishot_ = false;
    } else if (result != -ENOBUFS && result != -ECANCELED) {  // ENOBUFS: the ring ran dry; pump() re-arms
      if (result < 0 && !c.stopped) std::fprintf(stderr, "fd %d: receive: %s\n", c.fd, std::strerror(-result));
      c.eof = true;
      c.ws.receive_eof();
    }
    if (provided) give_back(id);
  }

  void sent(client& c, int result) {
    c.sending_now = false;
    --c.in_flight;
    if (result < 0) {
      if (!c.stopped) std::fprintf(stderr, "fd %d: send: %s\n", c.fd, std::strerror(-result));
      return stop(c);
    }
    if (const std::error_code ec = c.ws.consume(static_cast<std::size_t>(result))) {
      std::fprintf(stderr, "fd %d: consume: %s\n", c.fd, ec.message().c_str());
      stop(c);
    }
  }

  // Echoes what arrived: same opcode, same bytes, same message boundaries.
  // False when tether refused a send: the echo would be cut short.
  bool echo_events(client& c) {
    for (tether::event e = c.ws.next_event(); e; e = c.ws.next_event()) {
      std::error_code ec;
      switch (e.type) {
        case tether::event_type::upgrade_request:
          ec = c.ws.accept();
          break;
        case tether::event_type::data:
          if (!c.ws.is_open()) break;  // we sent a close: no more data frames (RFC 6455 §5.5.1)
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

  // After a completion, a timer or a command: echo, then submit what is due.
  void pump(client& c) {
    if (c.stopped) return;
    if (!echo_events(c) || c.ws.should_close_transport()) return stop(c);
    if (!c.sending_now && c.ws.has_output()) {
      c.message.msg_iov = c.sending;
      c.message.msg_iovlen = tether::io::output_iovecs(c.ws, c.sending);
      io_uring_sqe* sqe = next_sqe();
      io_uring_prep_sendmsg(sqe, c.fd, &c.message, MSG_NOSIGNAL);  // a vanished peer: EPIPE, not SIGPIPE
      io_uring_sqe_set_data64(sqe, tag(&c, send_op));
      c.sending_now = true;
      ++c.in_flight;
    }
    const bool want_read = !c.eof && c.ws.queued_output() < read_pause_threshold;
    if (want_read && !c.receiving) {
      io_uring_sqe* sqe = next_sqe();
      if (multishot_) {
        io_uring_prep_recv_multishot(sqe, c.fd, nullptr, 0, 0);
        sqe->flags |= IOSQE_BUFFER_SELECT;
        sqe->buf_group = buffer_group;
      } else {
        if (!c.own_buffer) c.own_buffer.reset(new unsigned char[buffer_size]);
        io_uring_prep_recv(sqe, c.fd, c.own_buffer.get(), buffer_size, 0);
      }
      io_uring_sqe_set_data64(sqe, tag(&c, receive_op));
      c.receiving = true;
      ++c.in_flight;
    } else if (!want_read && c.receiving && multishot_ && !c.cancelling) {
      io_uring_sqe* sqe = next_sqe();  // backpressure: end the multishot receive until output drains
      io_uring_prep_cancel64(sqe, tag(&c, receive_op), 0);
      io_uring_sqe_set_data64(sqe, tag(&c, cancel_op));
      c.cancelling = true;
      ++c.in_flight;
    }
    if (const auto next = c.deadline.rearm(c.ws)) deadlines_.push(*next, &c);
  }

  void run_timers(steady::time_point now) {
    while (const auto due = deadlines_.pop_due(now)) {
      client* c = due->second;
      if (clients_.count(c) == 0 || !c->deadline.fired(due->first)) continue;  // stale entry
      c->ws.tick(now);
      pump(*c);
      if (c->stopped && c->in_flight == 0) forget(c);
    }
  }

  // The socket is shut down at once, so that the operations the kernel holds
  // end; the connection is freed when the last of them has completed.
  void stop(client& c) {
    if (c.stopped) return;
    c.stopped = true;
    if (c.in_flight != 0 && ::shutdown(c.fd, SHUT_RDWR) != 0 && errno != ENOTCONN) std::perror("shutdown");
  }

  void forget(client* c) {
    if (::close(c->fd) != 0) std::perror("close");
    clients_.erase(c);
    delete c;
  }

  // Stop accepting; open connections get a close 1001 (RFC 6455 §7.4.1 "going
  // away"), those still in the handshake are dropped, and those closing
  // already finish. The loop ends when the last one is gone.
  void shut_down() {
    if (::shutdown(listener_, SHUT_RDWR) != 0) std::perror("shutdown");  // ends the pending accept
    if (::close(listener_) != 0) std::perror("close");
    listener_ = -1;
    const std::vector<client*> all(clients_.begin(), clients_.end());
    for (client* c : all) {
      if (c->ws.state() == tether::connection_state::reading_request) {
        stop(*c);
      } else if (c->ws.is_open()) {
        c->ws.tick(steady::now());  // the close timeout counts from now
        if (const std::error_code ec = c->ws.close(tether::close_code::going_away, "server shutting down")) {
          std::fprintf(stderr, "fd %d: close refused: %s\n", c->fd, ec.message().c_str());
          stop(*c);
        }
      }
      pump(*c);
      if (c->stopped && c->in_flight == 0) forget(c);
    }
  }

  struct free_deleter {
    void operator()(void* p) const noexcept { std::free(p); }
  };

  tether::connection_options options_;
  bool multishot_;
  int listener_ = -1;
  int signals_ = -1;
  io_uring ring_{};
  bool ring_ready_ = false;
  signalfd_siginfo signal_info_{};
  std::unique_ptr<io_uring_buf_ring, free_deleter> buffer_ring_;
  std::unique_ptr<unsigned char[]> buffers_;
  std::unordered_set<client*> clients_;
  tether::io::deadline_queue<client*> deadlines_;
};

int listen_on(const char* host, int port) {
  const int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
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
  bool multishot = true;
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
    } else if (arg == "--single-shot") {
      multishot = false;
    } else if (arg == example::no_deflate_flag) {
      deflate = false;
    } else {
      std::fprintf(stderr,
                   "usage: %s [--host 127.0.0.1] [--port 9001] [--max-message-size N] [--single-shot] [--no-deflate]\n",
                   argv[0]);
      return 2;
    }
  }
  const example::deflate_extension extension(deflate);  // outlives the server, and so every connection
  options.extension = extension.get();
  // SIGINT and SIGTERM arrive as reads from a signalfd, like any other completion.
  sigset_t stop_signals;
  sigemptyset(&stop_signals);
  sigaddset(&stop_signals, SIGINT);
  sigaddset(&stop_signals, SIGTERM);
  sigprocmask(SIG_BLOCK, &stop_signals, nullptr);
  const int signals = signalfd(-1, &stop_signals, SFD_CLOEXEC);
  const int listener = listen_on(host, port);
  if (signals < 0 || listener < 0) {
    std::fprintf(stderr, "cannot listen on %s:%d: %s\n", host, port, std::strerror(errno));
    return 1;
  }
  server echo(options, multishot);
  if (!echo.start(listener, signals)) return skip_exit_code;
  std::printf("listening on %s:%d\n", host, port);
  std::fflush(stdout);
  const int status = echo.run();
  ::close(signals);
  if (status == 0) std::printf("stopped\n");
  return status;
}
