// asio_echo: the echo server on Asio (standalone, or Boost.Asio with
// TETHER_BOOST_ASIO): every message comes back with the same opcode, streamed
// piece by piece.
//
//   asio_echo [--host 127.0.0.1] [--port 9001] [--max-message-size N] [--no-deflate]
//
// The glue, per connection: async_read_some into a buffer -> receive() ->
// next_event() until none -> async_write of output_buffers(), consume() in its
// completion handler; a steady_timer set from next_deadline() calls tick().
// Reading continues while a write is in flight, so more output is queued
// meanwhile: the buffers being written stay valid until consume() (tether's
// output contract). Reading pauses while 4 MiB wait for the peer.
// With C++20 coroutines the three activities are coroutines, else chains of
// plain handlers (TETHER_ASIO_HANDLERS chooses them anyway).
// SIGINT or SIGTERM: open connections get close 1001, exit 0 once all are gone.
// permessage-deflate (RFC 7692) is accepted when offered, unless --no-deflate.
#if defined(TETHER_BOOST_ASIO)
#include <boost/asio.hpp>
namespace asio = boost::asio;
using error_code = boost::system::error_code;
#else
// Asio 1.22 looks for C++20 coroutines the GCC way only; clang has them too.
#if defined(__clang__) && defined(__cpp_impl_coroutine) && __cplusplus >= 202002L
#define ASIO_HAS_CO_AWAIT 1
#define ASIO_HAS_STD_COROUTINE 1
#endif
#include <asio.hpp>
using error_code = asio::error_code;
#endif
#if (defined(ASIO_HAS_CO_AWAIT) || defined(BOOST_ASIO_HAS_CO_AWAIT)) && defined(__cpp_exceptions) && \
    !defined(TETHER_ASIO_HANDLERS)
#define TETHER_COROUTINES 1
#endif
#include <tether/connection.hpp>
#include <tether/io/loop.hpp>

#include <array>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <memory>
#include <string>
#include <unordered_set>
#include <vector>

#include "deflate_extension.hpp"

using asio::ip::tcp;
using steady = std::chrono::steady_clock;

#if defined(ASIO_NO_EXCEPTIONS)  // -fno-exceptions: Asio reports what it would throw here
template <class Exception>
void asio::detail::throw_exception(const Exception& e) {
  std::fprintf(stderr, "asio: %s\n", e.what());
  std::abort();
}
#endif
#if defined(TETHER_BOOST_ASIO) && defined(BOOST_NO_EXCEPTIONS)
void boost::throw_exception(const std::exception& e) {
  std::fprintf(stderr, "asio: %s\n", e.what());
  std::abort();
}
void boost::throw_exception(const std::exception& e, const boost::source_location&) { boost::throw_exception(e); }
#endif

namespace {

constexpr std::size_t read_pause_threshold = 4 * 1024 * 1024;

class session : public std::enable_shared_from_this<session> {
 public:
  session(tcp::socket socket, const tether::connection_options& options, std::unordered_set<session*>& all)
      : socket_(std::move(socket)), timer_(socket_.get_executor()), ws_(tether::role::server, options), all_(all) {
    all_.insert(this);
  }
  ~session() { all_.erase(this); }

  void start() {
    ws_.tick(steady::now());  // starts the handshake timeout
#if defined(TETHER_COROUTINES)
    timer_.expires_at(steady::time_point::max());
    wake_writer_.expires_at(steady::time_point::max());
    wake_reader_.expires_at(steady::time_point::max());
    asio::co_spawn(socket_.get_executor(), reader(shared_from_this()), asio::detached);
    asio::co_spawn(socket_.get_executor(), writer(shared_from_this()), asio::detached);
    asio::co_spawn(socket_.get_executor(), ticker(shared_from_this()), asio::detached);
#endif
    pump();
  }

  // Server shutdown: close 1001 ("going away", RFC 6455 §7.4.1) if open, drop
  // if still in the handshake; a connection closing already ends on its own.
  void shut_down() {
    if (ws_.state() == tether::connection_state::reading_request) return stop();
    if (!ws_.is_open()) return;
    ws_.tick(steady::now());  // the close timeout counts from now
    if (const std::error_code ec = ws_.close(tether::close_code::going_away, "server shutting down")) {
      std::fprintf(stderr, "close refused: %s\n", ec.message().c_str());
      return stop();
    }
    pump();
  }

 private:
  // After input, a timer or a command: echo, then start the I/O now due.
  void pump() {
    if (stopped_) return;
    if (!echo_events() || ws_.should_close_transport()) return stop();
#if defined(TETHER_COROUTINES)
    if (ws_.has_output()) wake_writer_.cancel();
    if (ws_.queued_output() < read_pause_threshold) wake_reader_.cancel();
    if (const auto deadline = deadline_.rearm(ws_)) timer_.expires_at(*deadline);  // wakes ticker()
#else
    write();
    read();
    arm_timer();
#endif
  }

  // Echoes what arrived: same opcode, same bytes, same message boundaries.
  // False when tether refused a send: the echo would be cut short.
  bool echo_events() {
    for (tether::event e = ws_.next_event(); e; e = ws_.next_event()) {
      std::error_code ec;
      switch (e.type) {
        case tether::event_type::upgrade_request:
          ec = ws_.accept();
          break;
        case tether::event_type::data:
          if (!ws_.is_open()) break;  // we sent a close: no more data frames (RFC 6455 §5.5.1)
          if (e.message_begins) ec = ws_.begin_message(e.message_type);
          if (!ec) ec = e.message_ends ? ws_.end_message(e.bytes, e.size) : ws_.send_chunk(e.bytes, e.size);
          break;
        case tether::event_type::failure:
          std::fprintf(stderr, "connection failed: %s\n", e.error().message().c_str());
          break;
        default:  // pings are answered and closes echoed by the connection itself
          break;
      }
      if (ec) {
        std::fprintf(stderr, "send refused (%s), closing\n", ec.message().c_str());
        return false;
      }
    }
    return true;
  }

  void on_read(const error_code& ec, std::size_t n) {
    if (!ec) {
      ws_.receive(static_cast<void*>(buffer_.data()), n);
    } else if (ec != asio::error::operation_aborted) {
      if (ec != asio::error::eof) std::fprintf(stderr, "read: %s\n", ec.message().c_str());
      eof_ = true;
      ws_.receive_eof();
    }
    pump();
  }

  // The buffers to write, in Asio's type. They stay valid until consume().
  const std::vector<asio::const_buffer>& output() {
    tether::const_buffer out[64];
    const std::size_t count = ws_.output_buffers(out, 64);
    writing_.clear();
    for (std::size_t i = 0; i < count; ++i) writing_.emplace_back(out[i].data, out[i].size);
    return writing_;
  }

  void on_written(const error_code& ec, std::size_t n) {
    if (ec) {
      if (ec != asio::error::operation_aborted) std::fprintf(stderr, "write: %s\n", ec.message().c_str());
      return stop();
    }
    if (const std::error_code refused = ws_.consume(n)) {
      std::fprintf(stderr, "consume: %s\n", refused.message().c_str());
      return stop();
    }
    pump();
  }

  void on_timer(const error_code& ec) {
    if (ec || !deadline_.fired(timer_.expiry())) return;  // re-armed or stopped meanwhile
    ws_.tick(steady::now());
    pump();
  }

#if defined(TETHER_COROUTINES)
  static asio::awaitable<void> reader(std::shared_ptr<session> self) {
    while (!self->stopped_ && !self->eof_) {
      error_code ec;
      if (self->ws_.queued_output() >= read_pause_threshold) {
        co_await self->wake_reader_.async_wait(asio::redirect_error(asio::use_awaitable, ec));
        continue;
      }
      const std::size_t n = co_await self->socket_.async_read_some(asio::buffer(self->buffer_),
                                                                   asio::redirect_error(asio::use_awaitable, ec));
      self->on_read(ec, n);
    }
  }

  static asio::awaitable<void> writer(std::shared_ptr<session> self) {
    while (!self->stopped_) {
      error_code ec;
      if (!self->ws_.has_output()) {
        co_await self->wake_writer_.async_wait(asio::redirect_error(asio::use_awaitable, ec));
        continue;
      }
      const std::size_t n =
          co_await asio::async_write(self->socket_, self->output(), asio::redirect_error(asio::use_awaitable, ec));
      self->on_written(ec, n);
    }
  }

  static asio::awaitable<void> ticker(std::shared_ptr<session> self) {
    while (!self->stopped_) {
      error_code ec;
      co_await self->timer_.async_wait(asio::redirect_error(asio::use_awaitable, ec));
      self->on_timer(ec);
    }
  }
#else
  void read() {
    if (reading_ || eof_ || ws_.queued_output() >= read_pause_threshold) return;
    reading_ = true;
    socket_.async_read_some(asio::buffer(buffer_), [self = shared_from_this()](const error_code& ec, std::size_t n) {
      self->reading_ = false;
      self->on_read(ec, n);
    });
  }

  void write() {
    if (writing_now_ || !ws_.has_output()) return;
    writing_now_ = true;
    asio::async_write(socket_, output(), [self = shared_from_this()](const error_code& ec, std::size_t n) {
      self->writing_now_ = false;
      self->on_written(ec, n);
    });
  }

  void arm_timer() {
    const auto deadline = deadline_.rearm(ws_);
    if (!deadline) return;
    timer_.expires_at(*deadline);  // a wait pending on the old time ends with operation_aborted
    timer_.async_wait([self = shared_from_this()](const error_code& ec) { self->on_timer(ec); });
  }
#endif

  void stop() {
    if (stopped_) return;
    stopped_ = true;
    error_code ec;
    socket_.close(ec);
    if (ec) std::fprintf(stderr, "close: %s\n", ec.message().c_str());
    timer_.cancel();  // pending operations end with operation_aborted and release this session
#if defined(TETHER_COROUTINES)
    wake_writer_.cancel();
    wake_reader_.cancel();
#endif
  }

  tcp::socket socket_;
  asio::steady_timer timer_;
  tether::connection ws_;
  tether::io::deadline_tracker deadline_;
  std::unordered_set<session*>& all_;
  std::array<unsigned char, 64 * 1024> buffer_;  // receive() unmasks it in place
  std::vector<asio::const_buffer> writing_;
  bool eof_ = false, stopped_ = false;
#if defined(TETHER_COROUTINES)
  asio::steady_timer wake_writer_{socket_.get_executor()};  // cancel() = "output queued"
  asio::steady_timer wake_reader_{socket_.get_executor()};  // cancel() = "below the read pause"
#else
  bool reading_ = false, writing_now_ = false;
#endif
};

class server {
 public:
  server(asio::io_context& io, const tether::connection_options& options)
      : acceptor_(io), signals_(io, SIGINT, SIGTERM), options_(options) {}

  bool listen(const tcp::endpoint& endpoint) {
    error_code ec;
    acceptor_.open(endpoint.protocol(), ec);
    if (!ec) acceptor_.set_option(tcp::acceptor::reuse_address(true), ec);
    if (!ec) acceptor_.bind(endpoint, ec);
    if (!ec) acceptor_.listen(asio::socket_base::max_listen_connections, ec);
    if (ec) {
      std::fprintf(stderr, "cannot listen: %s\n", ec.message().c_str());
      return false;
    }
    signals_.async_wait([this](const error_code& signal_ec, int) {
      if (signal_ec) return;
      error_code close_ec;
      acceptor_.close(close_ec);
      if (close_ec) std::fprintf(stderr, "close: %s\n", close_ec.message().c_str());
      const std::vector<session*> open(sessions_.begin(), sessions_.end());
      for (session* s : open) s->shut_down();
    });
    accept();
    return true;
  }

 private:
  void accept() {
    acceptor_.async_accept([this](const error_code& ec, tcp::socket socket) {
      if (ec == asio::error::operation_aborted) return;  // shutting down
      if (ec) {
        std::fprintf(stderr, "accept: %s\n", ec.message().c_str());
      } else {
        error_code option_ec;
        socket.set_option(tcp::no_delay(true), option_ec);
        if (option_ec) std::fprintf(stderr, "TCP_NODELAY: %s\n", option_ec.message().c_str());
        std::make_shared<session>(std::move(socket), options_, sessions_)->start();
      }
      accept();
    });
  }

  tcp::acceptor acceptor_;
  asio::signal_set signals_;
  tether::connection_options options_;
  std::unordered_set<session*> sessions_;
};

}  // namespace

int main(int argc, char** argv) {
  std::string host = "127.0.0.1";
  unsigned short port = 9001;
  bool deflate = true;
  tether::connection_options options;
  for (int i = 1; i < argc; ++i) {
    const std::string arg = argv[i];
    if (arg == "--host" && i + 1 < argc) {
      host = argv[++i];
    } else if (arg == "--port" && i + 1 < argc) {
      port = static_cast<unsigned short>(std::atoi(argv[++i]));
    } else if (arg == "--max-message-size" && i + 1 < argc) {
      options.max_message_size = options.max_frame_size = std::strtoull(argv[++i], nullptr, 10);
    } else if (arg == example::no_deflate_flag) {
      deflate = false;
    } else {
      std::fprintf(stderr, "usage: %s [--host 127.0.0.1] [--port 9001] [--max-message-size N] [--no-deflate]\n",
                   argv[0]);
      return 2;
    }
  }
  const example::deflate_extension extension(deflate);  // outlives the io_context below
  options.extension = extension.get();
  error_code ec;
  const asio::ip::address address = asio::ip::make_address(host, ec);
  if (ec) {
    std::fprintf(stderr, "bad host %s: %s\n", host.c_str(), ec.message().c_str());
    return 2;
  }
  asio::io_context io(1);
  server echo(io, options);
  if (!echo.listen({address, port})) return 1;
  std::printf("listening on %s:%u\n", host.c_str(), static_cast<unsigned>(port));
  std::fflush(stdout);
  io.run();  // returns once the listener, the signal wait and every session are done
  std::printf("stopped\n");
  return 0;
}
