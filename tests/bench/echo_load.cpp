// Load generator for echo_server: C connections over loopback, each keeping W
// small messages in flight, for D seconds; prints echoed messages per second.
//   echo_load [--port 9001] [--connections 100] [--window 8] [--size 32] [--seconds 5]
// Bounded in time and count; loopback only.
#include <tether/connection.hpp>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <sys/uio.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <string>
#include <vector>

namespace {

struct peer {
  int fd = -1;
  tether::connection ws{tether::role::client};
  std::size_t in_flight = 0;
  bool open = false;
};

bool flush(peer& p) {
  iovec vectors[32];
  tether::const_buffer buffers[32];
  while (p.ws.has_output()) {
    const std::size_t n = p.ws.output_buffers(buffers, 32);
    for (std::size_t i = 0; i < n; ++i) vectors[i] = {const_cast<void*>(buffers[i].data), buffers[i].size};
    const ssize_t written = ::writev(p.fd, vectors, static_cast<int>(n));
    if (written <= 0) return false;
    p.ws.consume(static_cast<std::size_t>(written));
  }
  return true;
}

}  // namespace

int main(int argc, char** argv) {
  int port = 9001, connections = 100, window = 8, seconds = 5;
  std::size_t size = 32;
  for (int i = 1; i + 1 < argc; i += 2) {
    const std::string arg = argv[i];
    const long value = std::atol(argv[i + 1]);
    if (arg == "--port")
      port = static_cast<int>(value);
    else if (arg == "--connections")
      connections = static_cast<int>(value);
    else if (arg == "--window")
      window = static_cast<int>(value);
    else if (arg == "--size")
      size = static_cast<std::size_t>(value);
    else if (arg == "--seconds")
      seconds = static_cast<int>(value);
  }
  const std::string message(size, 'm');
  const int epoll_fd = epoll_create1(0);
  std::vector<std::unique_ptr<peer>> peers;
  const std::string url = "ws://127.0.0.1:" + std::to_string(port) + "/";  // uri holds views into it
  tether::websocket_uri uri;
  tether::parse_websocket_uri(url, uri);
  for (int i = 0; i < connections; ++i) {
    auto p = std::make_unique<peer>();
    p->fd = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_port = htons(static_cast<std::uint16_t>(port));
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (::connect(p->fd, reinterpret_cast<sockaddr*>(&address), sizeof address) != 0) {
      std::perror("connect");
      return 1;
    }
    const int yes = 1;
    setsockopt(p->fd, IPPROTO_TCP, TCP_NODELAY, &yes, sizeof yes);
    p->ws.connect(uri);
    flush(*p);
    epoll_event ev{};
    ev.events = EPOLLIN;
    ev.data.ptr = p.get();
    epoll_ctl(epoll_fd, EPOLL_CTL_ADD, p->fd, &ev);
    peers.push_back(std::move(p));
  }
  static unsigned char buffer[256 * 1024];
  epoll_event events[256];
  std::size_t echoed = 0;
  const auto start = std::chrono::steady_clock::now();
  const auto end = start + std::chrono::seconds(seconds);
  while (std::chrono::steady_clock::now() < end) {
    const int ready = epoll_wait(epoll_fd, events, 256, 100);
    for (int i = 0; i < ready; ++i) {
      peer& p = *static_cast<peer*>(events[i].data.ptr);
      const ssize_t n = ::read(p.fd, buffer, sizeof buffer);
      if (n <= 0) {
        std::fprintf(stderr, "server closed a connection\n");
        return 1;
      }
      p.ws.receive(static_cast<void*>(buffer), static_cast<std::size_t>(n));
      for (tether::event e = p.ws.next_event(); e; e = p.ws.next_event()) {
        if (e.type == tether::event_type::open) p.open = true;
        if (e.type == tether::event_type::data && e.message_ends) ++echoed, --p.in_flight;
      }
      while (p.open && p.in_flight < static_cast<std::size_t>(window)) {
        p.ws.send_text(message);
        ++p.in_flight;
      }
      flush(p);
    }
  }
  const double elapsed = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  std::printf("connections=%d window=%d size=%zu: %.0f echoed messages/s (%.1f MB/s of payload each way)\n",
              connections, window, size, static_cast<double>(echoed) / elapsed,
              static_cast<double>(echoed * size) / elapsed / 1e6);
  for (auto& p : peers) ::close(p->fd);
  return 0;
}
