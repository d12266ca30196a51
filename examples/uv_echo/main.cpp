// uv_echo: the echo server on libuv: every message comes back with the same
// opcode, streamed piece by piece.
//
//   uv_echo [--host 127.0.0.1] [--port 9001] [--max-message-size N] [--no-deflate]
//
// The glue, per connection: uv_read_start's callback hands the bytes to
// receive() and drains next_event(); uv_buf_t's made from output_buffers() go
// to uv_try_write, and what it leaves to uv_write, whose callback consume()s
// them. Reading goes on while a write is in flight, so more output is queued
// meanwhile: the buffers being written stay valid until consume() (tether's
// output contract). Reading stops while 4 MiB wait for the peer. A uv_timer_t
// set from next_deadline() calls tick(). SIGINT or SIGTERM: open connections get close 1001, exit 0 once all
// are gone. permessage-deflate (RFC 7692) is accepted when offered, unless --no-deflate.
#include <tether/connection.hpp>
#include <tether/io/loop.hpp>

#include <uv.h>

#include <array>
#include <chrono>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <unordered_set>
#include <vector>

#include "deflate_extension.hpp"

namespace {

using steady = std::chrono::steady_clock;

constexpr std::size_t read_pause_threshold = 4 * 1024 * 1024;

bool failed(int status, const char* what) {
  if (status < 0) std::fprintf(stderr, "%s: %s\n", what, uv_strerror(status));
  return status < 0;
}

struct client;
std::unordered_set<client*> clients;  // for the shutdown

struct client {
  explicit client(const tether::connection_options& options) : ws(tether::role::server, options) {
    tcp.data = timer.data = write_request.data = this;
    clients.insert(this);
  }
  ~client() { clients.erase(this); }

  uv_tcp_t tcp;
  uv_timer_t timer;
  uv_write_t write_request;
  tether::connection ws;
  tether::io::deadline_tracker deadline;
  std::vector<uv_buf_t> writing;  // the output_buffers() in flight
  int open_handles = 2;           // tcp and timer: freed when both are closed
  bool reading = false, writing_now = false, eof = false, stopped = false;
};

void on_handle_closed(uv_handle_t* handle) {
  auto* c = static_cast<client*>(handle->data);
  if (--c->open_handles == 0) delete c;
}

// A pending write ends with UV_ECANCELED before the close callbacks run.
void stop(client& c) {
  if (c.stopped) return;
  c.stopped = true;
  uv_close(reinterpret_cast<uv_handle_t*>(&c.tcp), on_handle_closed);
  uv_close(reinterpret_cast<uv_handle_t*>(&c.timer), on_handle_closed);
}

// Echoes what arrived: same opcode, same bytes, same message boundaries. False
// when tether refused a send: the echo would be cut short.
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

void pump(client& c);

// One read buffer for the whole loop: receive() unmasks it in place, and
// on_read drains next_event() before it returns, so the next read may reuse it.
std::array<char, 256 * 1024> read_buffer;

void on_read(uv_stream_t* stream, ssize_t nread, const uv_buf_t*) {
  client& c = *static_cast<client*>(stream->data);
  if (nread > 0) {
    c.ws.receive(static_cast<void*>(read_buffer.data()), static_cast<std::size_t>(nread));
  } else if (nread < 0) {
    if (nread != UV_EOF) failed(static_cast<int>(nread), "read");
    c.eof = true;
    c.ws.receive_eof();
  }
  pump(c);
}

void on_written(uv_write_t* request, int status) {
  client& c = *static_cast<client*>(request->data);
  c.writing_now = false;
  if (status == UV_ECANCELED || failed(status, "write")) return stop(c);
  std::size_t written = 0;
  for (const uv_buf_t& b : c.writing) written += b.len;  // uv_write writes all of them or fails
  if (const std::error_code ec = c.ws.consume(written)) {
    std::fprintf(stderr, "consume: %s\n", ec.message().c_str());
    return stop(c);
  }
  pump(c);
}

void on_timer(uv_timer_t* timer) {
  client& c = *static_cast<client*>(timer->data);
  c.deadline.fired();
  c.ws.tick(steady::now());
  pump(c);
}

// The output as uv_buf_t's in c.writing, which stay valid until consume().
unsigned gather_output(client& c) {
  tether::const_buffer out[64];
  const std::size_t count = c.ws.output_buffers(out, 64);
  c.writing.clear();
  for (std::size_t i = 0; i < count; ++i) {
    c.writing.push_back(
        uv_buf_init(static_cast<char*>(const_cast<void*>(out[i].data)), static_cast<unsigned>(out[i].size)));
  }
  return static_cast<unsigned>(count);
}

// After input, a timer or a command: echo, then start the I/O now due.
void pump(client& c) {
  if (c.stopped) return;
  if (!echo_events(c) || c.ws.should_close_transport()) return stop(c);
  auto* stream = reinterpret_cast<uv_stream_t*>(&c.tcp);
  if (!c.writing_now && c.ws.has_output()) {
    // Most output goes at once: uv_try_write takes it without a request, a
    // callback, or the epoll_ctl libuv pays after each uv_write. What the socket
    // did not take goes to uv_write, which calls on_written when it is all out.
    const unsigned count = gather_output(c);
    const int taken = uv_try_write(stream, c.writing.data(), count);
    if (taken < 0 && taken != UV_EAGAIN && failed(taken, "write")) return stop(c);
    if (taken > 0) {
      if (const std::error_code ec = c.ws.consume(static_cast<std::size_t>(taken))) {
        std::fprintf(stderr, "consume: %s\n", ec.message().c_str());
        return stop(c);
      }
    }
    if (c.ws.has_output()) {
      const unsigned rest = gather_output(c);
      if (failed(uv_write(&c.write_request, stream, c.writing.data(), rest, on_written), "uv_write")) return stop(c);
      c.writing_now = true;
    }
    if (c.ws.should_close_transport()) return stop(c);  // e.g. the echo of a close went out just now
  }
  const bool want_read = !c.eof && c.ws.queued_output() < read_pause_threshold;
  if (want_read != c.reading) {
    c.reading = want_read;
    const auto alloc = [](uv_handle_t*, std::size_t, uv_buf_t* b) {
      *b = uv_buf_init(read_buffer.data(), static_cast<unsigned>(read_buffer.size()));
    };
    if (failed(want_read ? uv_read_start(stream, alloc, on_read) : uv_read_stop(stream), "read start/stop")) {
      return stop(c);
    }
  }
  if (const auto next = c.deadline.rearm(c.ws)) {
    const auto delay = static_cast<std::uint64_t>(tether::io::milliseconds_until(*next, steady::now()));
    if (failed(uv_timer_start(&c.timer, on_timer, delay, 0), "uv_timer_start")) return stop(c);
  }
}

// Server shutdown: close 1001 ("going away", RFC 6455 §7.4.1) if open, drop
// if still in the handshake; a connection closing already ends on its own.
void shut_down(client& c) {
  if (c.ws.state() == tether::connection_state::reading_request) return stop(c);
  if (!c.ws.is_open()) return;
  c.ws.tick(steady::now());  // the close timeout counts from now
  if (const std::error_code ec = c.ws.close(tether::close_code::going_away, "server shutting down")) {
    std::fprintf(stderr, "close refused: %s\n", ec.message().c_str());
    return stop(c);
  }
  pump(c);
}

struct server {
  uv_loop_t* loop;
  uv_tcp_t listener;
  uv_signal_t interrupt, terminate;
  tether::connection_options options;
};

void on_connection(uv_stream_t* listener, int status) {
  if (failed(status, "listen")) return;
  const server& s = *static_cast<server*>(listener->data);
  auto* c = new client(s.options);
  if (failed(uv_tcp_init(s.loop, &c->tcp), "uv_tcp_init")) return delete c;
  if (failed(uv_timer_init(s.loop, &c->timer), "uv_timer_init")) {
    c->open_handles = 1;
    return uv_close(reinterpret_cast<uv_handle_t*>(&c->tcp), on_handle_closed);
  }
  if (failed(uv_accept(listener, reinterpret_cast<uv_stream_t*>(&c->tcp)), "accept")) return stop(*c);
  failed(uv_tcp_nodelay(&c->tcp, 1), "TCP_NODELAY");
  c->ws.tick(steady::now());  // starts the handshake timeout
  pump(*c);
}

void on_signal(uv_signal_t* signal, int) {
  server& s = *static_cast<server*>(signal->data);
  uv_close(reinterpret_cast<uv_handle_t*>(&s.listener), nullptr);
  uv_close(reinterpret_cast<uv_handle_t*>(&s.interrupt), nullptr);
  uv_close(reinterpret_cast<uv_handle_t*>(&s.terminate), nullptr);
  const std::vector<client*> open(clients.begin(), clients.end());
  for (client* c : open) shut_down(*c);
}

}  // namespace

int main(int argc, char** argv) {
  std::string host = "127.0.0.1";
  int port = 9001;
  bool deflate = true;
  server s{};
  for (int i = 1; i < argc; ++i) {
    const std::string arg = argv[i];
    if (arg == "--host" && i + 1 < argc) {
      host = argv[++i];
    } else if (arg == "--port" && i + 1 < argc) {
      port = std::atoi(argv[++i]);
    } else if (arg == "--max-message-size" && i + 1 < argc) {
      s.options.max_message_size = s.options.max_frame_size = std::strtoull(argv[++i], nullptr, 10);
    } else if (arg == example::no_deflate_flag) {
      deflate = false;
    } else {
      std::fprintf(stderr, "usage: %s [--host 127.0.0.1] [--port 9001] [--max-message-size N] [--no-deflate]\n",
                   argv[0]);
      return 2;
    }
  }
  const example::deflate_extension extension(deflate);  // outlives the loop, and so every connection
  s.options.extension = extension.get();
  std::signal(SIGPIPE, SIG_IGN);  // libuv writes with writev(): a vanished peer must be EPIPE, not death

  uv_loop_t loop;
  sockaddr_in address{};
  s.loop = &loop;
  s.listener.data = s.interrupt.data = s.terminate.data = &s;
  if (failed(uv_loop_init(&loop), "uv_loop_init") || failed(uv_ip4_addr(host.c_str(), port, &address), "address") ||
      failed(uv_tcp_init(&loop, &s.listener), "uv_tcp_init") ||
      failed(uv_tcp_bind(&s.listener, reinterpret_cast<const sockaddr*>(&address), 0), "bind") ||
      failed(uv_listen(reinterpret_cast<uv_stream_t*>(&s.listener), 1024, on_connection), "listen") ||
      failed(uv_signal_init(&loop, &s.interrupt), "uv_signal_init") ||
      failed(uv_signal_init(&loop, &s.terminate), "uv_signal_init") ||
      failed(uv_signal_start(&s.interrupt, on_signal, SIGINT), "SIGINT") ||
      failed(uv_signal_start(&s.terminate, on_signal, SIGTERM), "SIGTERM")) {
    return 1;
  }
  std::printf("listening on %s:%d\n", host.c_str(), port);
  std::fflush(stdout);
  failed(uv_run(&loop, UV_RUN_DEFAULT), "uv_run");  // returns once no handle is left
  if (failed(uv_loop_close(&loop), "uv_loop_close")) return 1;
  std::printf("stopped\n");
  return 0;
}
