// Load generator for the echo servers: C connections over loopback, each
// keeping W text messages of S bytes in flight ("depth"), for D seconds after a
// warm-up; prints echoes per second and, given the server's pid, the server's
// CPU time per echo (user + system, from /proc/PID/stat, all threads).
//   echo_load [--port 9001] [--connections 100] [--window 8] [--size 32] [--seconds 5]
//             [--warmup 1] [--server-pid PID]
// Bounded in time and count; loopback only. Output, one line:
//   connections=C window=W size=S echoes_per_second=E server_cpu_us_per_echo=U
#include <tether/connection.hpp>
#include <tether/io/posix_socket.hpp>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <memory>
#include <sstream>
#include <string>
#include <vector>

namespace {

struct peer {
  explicit peer(const tether::connection_options& options) : ws(tether::role::client, options) {}
  int fd = -1;
  tether::connection ws;
  std::size_t in_flight = 0;
  bool open = false;
};

// Blocking sockets: flush() returns with everything written or an error.
bool write_all(peer& p) {
  while (p.ws.has_output()) {
    if (const tether::io::flush_result r = tether::io::flush(p.fd, p.ws); r.error) {
      std::fprintf(stderr, "send: %s\n", r.error.message().c_str());
      return false;
    }
  }
  return true;
}

// utime + stime of a process, all threads, in seconds (fields 14 and 15 of
// /proc/PID/stat, counted after the parenthesised command name).
double cpu_seconds(long pid) {
  std::ifstream stat("/proc/" + std::to_string(pid) + "/stat");
  std::string text((std::istreambuf_iterator<char>(stat)), std::istreambuf_iterator<char>());
  std::istringstream fields(text.substr(text.rfind(')') + 2));
  std::string field;
  double ticks = 0;
  for (int i = 3; i <= 15 && fields >> field; ++i) {
    if (i >= 14) ticks += std::atof(field.c_str());
  }
  return ticks / static_cast<double>(sysconf(_SC_CLK_TCK));
}

}  // namespace

int main(int argc, char** argv) {
  int port = 9001, connections = 100, window = 8;
  double seconds = 5, warmup = 1;
  long server_pid = 0;
  std::size_t size = 32;
  for (int i = 1; i + 1 < argc; i += 2) {
    const std::string arg = argv[i];
    const char* value = argv[i + 1];
    if (arg == "--port") {
      port = std::atoi(value);
    } else if (arg == "--connections") {
      connections = std::atoi(value);
    } else if (arg == "--window") {
      window = std::atoi(value);
    } else if (arg == "--size") {
      size = std::strtoull(value, nullptr, 10);
    } else if (arg == "--seconds") {
      seconds = std::atof(value);
    } else if (arg == "--warmup") {
      warmup = std::atof(value);
    } else if (arg == "--server-pid") {
      server_pid = std::atol(value);
    } else {
      std::fprintf(stderr, "unknown option %s\n", argv[i]);
      return 2;
    }
  }
  const std::string message(size, 'm');
  const int epoll_fd = epoll_create1(0);
  std::vector<std::unique_ptr<peer>> peers;
  const std::string url = "ws://127.0.0.1:" + std::to_string(port) + "/";
  tether::connection_options options;
  options.max_message_size = options.max_frame_size = size + 1024;
  for (int i = 0; i < connections; ++i) {
    auto p = std::make_unique<peer>(options);
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
    if (const std::error_code ec = p->ws.connect(url)) {
      std::fprintf(stderr, "connect: %s\n", ec.message().c_str());
      return 1;
    }
    if (!write_all(*p)) return 1;
    epoll_event ev{};
    ev.events = EPOLLIN;
    ev.data.ptr = p.get();
    epoll_ctl(epoll_fd, EPOLL_CTL_ADD, p->fd, &ev);
    peers.push_back(std::move(p));
  }
  static unsigned char buffer[256 * 1024];
  epoll_event events[256];
  std::size_t echoed = 0, echoed_at_start = 0;
  double cpu_at_start = 0;
  using clock = std::chrono::steady_clock;
  const auto measure_from =
      clock::now() + std::chrono::duration_cast<clock::duration>(std::chrono::duration<double>(warmup));
  const auto end = measure_from + std::chrono::duration_cast<clock::duration>(std::chrono::duration<double>(seconds));
  bool measuring = false;
  clock::time_point started;
  for (auto now = clock::now(); now < end; now = clock::now()) {
    if (!measuring && now >= measure_from) {
      measuring = true;
      started = now;
      echoed_at_start = echoed;
      if (server_pid != 0) cpu_at_start = cpu_seconds(server_pid);
    }
    const int ready = epoll_wait(epoll_fd, events, 256, 100);
    for (int i = 0; i < ready; ++i) {
      peer& p = *static_cast<peer*>(events[i].data.ptr);
      const ssize_t n = ::read(p.fd, buffer, sizeof buffer);
      if (n <= 0) {
        std::fprintf(stderr, "the server closed a connection\n");
        return 1;
      }
      p.ws.receive(static_cast<void*>(buffer), static_cast<std::size_t>(n));
      for (tether::event e = p.ws.next_event(); e; e = p.ws.next_event()) {
        if (e.type == tether::event_type::open) p.open = true;
        if (e.type == tether::event_type::data && e.message_ends) ++echoed, --p.in_flight;
        if (e.type == tether::event_type::failure || e.type == tether::event_type::rejected) {
          std::fprintf(stderr, "a connection failed\n");
          return 1;
        }
      }
      while (p.open && p.in_flight < static_cast<std::size_t>(window)) {
        if (const std::error_code ec = p.ws.send_text(message)) {
          std::fprintf(stderr, "send: %s\n", ec.message().c_str());
          return 1;
        }
        ++p.in_flight;
      }
      if (!write_all(p)) return 1;
    }
  }
  const double elapsed = std::chrono::duration<double>(clock::now() - started).count();
  const double count = static_cast<double>(echoed - echoed_at_start);
  std::printf("connections=%d window=%d size=%zu echoes_per_second=%.0f", connections, window, size, count / elapsed);
  if (server_pid != 0)
    std::printf(" server_cpu_us_per_echo=%.2f", (cpu_seconds(server_pid) - cpu_at_start) * 1e6 / count);
  std::printf("\n");
  for (auto& p : peers) ::close(p->fd);
  return 0;
}
