// echo_client: connects to a ws:// URL and echoes every message it receives
// back with the same opcode until the closing handshake completes.
//
//   echo_client [--no-deflate] URL
//
// It offers permessage-deflate (RFC 7692) when built with zlib, unless
// --no-deflate, and says on stderr what the server agreed to. Exits 0 after a
// clean close, non-zero (with the reason) otherwise.
#include <tether/connection.hpp>

#include <netdb.h>
#include <poll.h>
#include <sys/socket.h>
#include <sys/uio.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <string>
#include <string_view>

#include "deflate_extension.hpp"

namespace {

int connect_to(const tether::websocket_uri& uri) {
  addrinfo hints{};
  hints.ai_socktype = SOCK_STREAM;
  addrinfo* results = nullptr;
  const std::string host(uri.host);
  const std::string port = std::to_string(uri.port);
  if (getaddrinfo(host.c_str(), port.c_str(), &hints, &results) != 0) return -1;
  int fd = -1;
  for (addrinfo* a = results; a != nullptr && fd < 0; a = a->ai_next) {
    fd = ::socket(a->ai_family, a->ai_socktype | SOCK_CLOEXEC, a->ai_protocol);
    if (fd >= 0 && ::connect(fd, a->ai_addr, a->ai_addrlen) != 0) {
      ::close(fd);
      fd = -1;
    }
  }
  freeaddrinfo(results);
  return fd;
}

bool flush(int fd, tether::connection& ws) {
  iovec vectors[64];
  tether::const_buffer buffers[64];
  while (ws.has_output()) {
    const std::size_t count = ws.output_buffers(buffers, 64);
    for (std::size_t i = 0; i < count; ++i) vectors[i] = {const_cast<void*>(buffers[i].data), buffers[i].size};
    const ssize_t written = ::writev(fd, vectors, static_cast<int>(count));
    if (written < 0) {
      if (errno == EINTR) continue;
      return false;
    }
    if (ws.consume(static_cast<std::size_t>(written))) return false;
  }
  return true;
}

}  // namespace

int main(int argc, char** argv) {
  const bool deflate = !(argc == 3 && argv[1] == example::no_deflate_flag);
  if (argc != 2 && (argc != 3 || deflate)) {
    std::fprintf(stderr, "usage: %s [--no-deflate] ws://host:port/path\n", argv[0]);
    return 2;
  }
  const char* url = argv[argc - 1];
  tether::websocket_uri uri;
  if (const std::error_code ec = tether::parse_websocket_uri(url, uri)) {
    std::fprintf(stderr, "bad URL: %s\n", ec.message().c_str());
    return 2;
  }
  if (uri.secure) {
    std::fprintf(stderr, "wss:// needs TLS, which this example does not include; use ws://\n");
    return 2;
  }
  const int fd = connect_to(uri);
  if (fd < 0) {
    std::fprintf(stderr, "cannot connect to %s: %s\n", url, std::strerror(errno));
    return 1;
  }

  tether::connection_options options;
  options.max_message_size = options.max_frame_size = 64 * 1024 * 1024;
  const example::deflate_extension extension(deflate);
  options.extension = extension.get();
  tether::connection ws(tether::role::client, options);
  if (const std::error_code ec = ws.connect(uri)) {
    std::fprintf(stderr, "cannot start the handshake: %s\n", ec.message().c_str());
    return 1;
  }
  ws.tick(std::chrono::steady_clock::now());

  static unsigned char buffer[256 * 1024];
  bool clean_close = false;
  std::string failure;
  while (flush(fd, ws) && !ws.should_close_transport()) {
    // Sleep until the socket is readable or the next deadline.
    int timeout_ms = -1;
    if (const auto deadline = ws.next_deadline()) {
      const auto wait =
          std::chrono::duration_cast<std::chrono::milliseconds>(*deadline - std::chrono::steady_clock::now());
      timeout_ms = wait.count() < 0 ? 0 : static_cast<int>(wait.count()) + 1;
    }
    pollfd waiting{fd, POLLIN, 0};
    if (::poll(&waiting, 1, timeout_ms) > 0) {
      const ssize_t n = ::read(fd, buffer, sizeof buffer);
      if (n > 0) {
        ws.receive(static_cast<void*>(buffer), static_cast<std::size_t>(n));
      } else if (n == 0 || errno != EINTR) {
        ws.receive_eof();
      }
    }
    ws.tick(std::chrono::steady_clock::now());
    for (tether::event e = ws.next_event(); e; e = ws.next_event()) {
      switch (e.type) {
        case tether::event_type::open: {
          const std::string agreed(ws.extensions().empty() ? "none" : ws.extensions());
          std::fprintf(stderr, "open (extensions: %s)\n", agreed.c_str());
          break;
        }
        case tether::event_type::data: {
          // Echo as it arrives; a refused piece (output queue full) ends the
          // exchange rather than sending a truncated echo.
          std::error_code ec;
          if (e.message_begins) ec = ws.begin_message(e.message_type);
          if (!ec) ec = e.message_ends ? ws.end_message(e.bytes, e.size) : ws.send_chunk(e.bytes, e.size);
          if (ec) {
            failure = "cannot echo: " + ec.message();
            ws.abort();
          }
          break;
        }
        case tether::event_type::close:
          clean_close = true;  // the connection echoes the close; the server then closes TCP
          break;
        case tether::event_type::rejected:
          failure = "server answered HTTP " + std::to_string(e.http_status);
          break;
        case tether::event_type::failure:
          failure = e.error().message();
          break;
        default:
          break;
      }
    }
    if (!failure.empty()) {
      flush(fd, ws);
      break;
    }
  }
  ::close(fd);
  if (!failure.empty() || !clean_close) {
    std::fprintf(stderr, "connection failed: %s\n", failure.empty() ? "closed without a close frame" : failure.c_str());
    return 1;
  }
  return 0;
}
