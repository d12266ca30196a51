// chat_load: N tether clients in one chat room, for the chat benchmark and
// the chat interop tests. Every client connects (offering "chat"), waits for
// the welcome, then the clients take turns sending chat messages at
// `rate` messages/s each; every message should reach every client. Reports
// deliveries per second while sending and the delivery latency (send to
// receive, one steady clock: same machine).
//
//   chat_load --clients N [--rate M | --messages K] [--duration S] [--size B]
//             [--drain S] [--check] URL [URL...]
//
// Clients are spread round-robin over the URLs (several chat_server
// instances sharing Redis). --messages K sends K messages in all (one every
// 10 ms) instead of a rate. --check: exit 1 unless every client was welcomed
// and got every message. Output: one line of key=value pairs.
//
// The load generator reads only its own marker from each message's text
// ("#<sender>:<sequence>:<nanoseconds>#"), not the JSON around it: it must
// stay cheaper than the servers it measures. The tests check the JSON.
#include <tether/connection.hpp>

#include <signal.h>
#include <sys/epoll.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "net.hpp"
#include "tether_io.hpp"

namespace {

using clock_type = std::chrono::steady_clock;

struct settings {
  std::vector<std::string> urls;
  std::size_t clients = 10;
  double rate = 1.0;  // messages per second per client
  std::size_t messages = 0;
  double duration = 5.0;
  double drain = 5.0;
  std::size_t size = 0;
  bool check = false;
};

struct peer {
  int fd = -1;
  std::unique_ptr<tether::connection> ws;
  tether::message_assembler messages{1 << 20};
  bool welcomed = false;
  bool failed = false;
  std::uint32_t interest = EPOLLIN | EPOLLOUT;
  std::size_t received = 0;
};

std::int64_t nanoseconds(clock_type::time_point t) {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(t.time_since_epoch()).count();
}

bool parse(int argc, char** argv, settings& s) {
  for (int i = 1; i < argc; ++i) {
    const std::string_view arg = argv[i];
    const bool more = i + 1 < argc;
    if (arg == "--clients" && more) {
      s.clients = std::strtoul(argv[++i], nullptr, 10);
    } else if (arg == "--rate" && more) {
      s.rate = std::strtod(argv[++i], nullptr);
    } else if (arg == "--messages" && more) {
      s.messages = std::strtoul(argv[++i], nullptr, 10);
    } else if (arg == "--duration" && more) {
      s.duration = std::strtod(argv[++i], nullptr);
    } else if (arg == "--drain" && more) {
      s.drain = std::strtod(argv[++i], nullptr);
    } else if (arg == "--size" && more) {
      s.size = std::strtoul(argv[++i], nullptr, 10);
    } else if (arg == "--check") {
      s.check = true;
    } else if (!arg.empty() && arg[0] != '-') {
      s.urls.emplace_back(arg);
    } else {
      return false;
    }
  }
  return !s.urls.empty() && s.clients > 0 && s.rate > 0;
}

class load {
 public:
  explicit load(const settings& s) : settings_(s), epoll_(epoll_create1(EPOLL_CLOEXEC)) {}
  ~load() {
    for (peer& p : peers_) {
      if (p.fd >= 0) ::close(p.fd);
    }
    ::close(epoll_);
  }

  bool connect_all(std::string& error) {
    peers_.resize(settings_.clients);
    std::vector<tether::websocket_uri> uris(settings_.urls.size());
    std::vector<example::address> addresses(settings_.urls.size());
    for (std::size_t u = 0; u < settings_.urls.size(); ++u) {
      if (tether::parse_websocket_uri(settings_.urls[u], uris[u]) || uris[u].secure) {
        error = "need a ws:// URL: " + settings_.urls[u];
        return false;
      }
      if (!example::resolve(std::string(uris[u].host), uris[u].port, addresses[u], error)) return false;
    }
    static const std::string_view offered[] = {"chat"};
    tether::client_request_options request;
    request.subprotocols = {offered, 1};
    tether::connection_options options;
    options.ping_interval = std::chrono::milliseconds(0);
    for (std::size_t i = 0; i < peers_.size(); ++i) {
      peer& p = peers_[i];
      const std::size_t u = i % uris.size();
      p.fd = example::connect_tcp(addresses[u]);
      if (p.fd < 0) {
        error = std::string("connect: ") + std::strerror(errno);
        return false;
      }
      p.ws = std::make_unique<tether::connection>(tether::role::client, options);
      if (const std::error_code ec = p.ws->connect(uris[u], request)) {
        error = "request: " + ec.message();
        return false;
      }
      epoll_event ev{};
      ev.events = EPOLLIN | EPOLLOUT;
      ev.data.u64 = i;
      epoll_ctl(epoll_, EPOLL_CTL_ADD, p.fd, &ev);
    }
    return true;
  }

  // Runs the event loop until `until`, or until `done()` holds.
  template <class Done>
  void pump(clock_type::time_point until, Done&& done, bool sending) {
    epoll_event events[512];
    while (clock_type::now() < until && !done()) {
      if (sending) send_due();
      const int ready = epoll_wait(epoll_, events, 512, 1);
      for (int i = 0; i < ready; ++i) on_ready(peers_[events[i].data.u64], events[i].events);
    }
  }

  std::size_t welcomed() const {
    return static_cast<std::size_t>(
        std::count_if(peers_.begin(), peers_.end(), [](const peer& p) { return p.welcomed; }));
  }
  std::size_t failed() const {
    return static_cast<std::size_t>(
        std::count_if(peers_.begin(), peers_.end(), [](const peer& p) { return p.failed; }));
  }

  void start_sending(clock_type::time_point start, clock_type::time_point stop) {
    send_start_ = start;
    send_stop_ = stop;
  }

  std::size_t sent() const noexcept { return sent_; }
  std::size_t delivered() const noexcept { return delivered_; }
  std::size_t delivered_in_window() const noexcept { return delivered_in_window_; }
  std::vector<float>& latencies() noexcept { return latencies_; }
  std::size_t complete_clients() const {
    return static_cast<std::size_t>(
        std::count_if(peers_.begin(), peers_.end(), [&](const peer& p) { return p.received == sent_; }));
  }

 private:
  // Messages due by now, taking turns over the clients.
  void send_due() {
    const auto now = clock_type::now();
    if (now < send_start_ || now >= send_stop_) return;
    const double elapsed = std::chrono::duration<double>(now - send_start_).count();
    const double per_second = settings_.messages != 0 ? 100.0 : settings_.rate * static_cast<double>(settings_.clients);
    auto due = static_cast<std::size_t>(elapsed * per_second) + 1;
    if (settings_.messages != 0) due = std::min(due, settings_.messages);
    while (sent_ < due) {
      peer& p = peers_[next_sender_];
      next_sender_ = (next_sender_ + 1) % peers_.size();
      if (!p.ws->is_open()) continue;
      std::string text = "#" + std::to_string(&p - peers_.data()) + ":" + std::to_string(sent_) + ":" +
                         std::to_string(nanoseconds(clock_type::now())) + "#";
      text.append(settings_.size, 'x');
      const std::string message = R"({"type":"chat","text":")" + text + R"(","sentAt":"2000-01-01T00:00:00.000Z"})";
      if (p.ws->send_text(message)) p.failed = true;
      ++sent_;
      flush(p);
    }
  }

  void flush(peer& p) {
    if (!example::send_output(p.fd, *p.ws)) p.failed = true;
    if (p.failed) {
      epoll_ctl(epoll_, EPOLL_CTL_DEL, p.fd, nullptr);  // a failed client is not read any more
      return;
    }
    const std::uint32_t interest = EPOLLIN | (p.ws->has_output() ? static_cast<std::uint32_t>(EPOLLOUT) : 0u);
    if (interest == p.interest) return;
    p.interest = interest;
    epoll_event ev{};
    ev.events = interest;
    ev.data.u64 = static_cast<std::uint64_t>(&p - peers_.data());
    epoll_ctl(epoll_, EPOLL_CTL_MOD, p.fd, &ev);
  }

  void on_ready(peer& p, std::uint32_t events) {
    static unsigned char buffer[256 * 1024];
    if (events & (EPOLLIN | EPOLLHUP | EPOLLERR)) {
      const ssize_t n = example::receive_bytes(p.fd, buffer, sizeof buffer);
      if (n > 0) {
        p.ws->receive(static_cast<void*>(buffer), static_cast<std::size_t>(n));
      } else if (n != -2) {
        p.ws->receive_eof();
      }
      handle_events(p);
    }
    flush(p);
  }

  void handle_events(peer& p) {
    for (tether::event e = p.ws->next_event(); e; e = p.ws->next_event()) {
      if (e.type == tether::event_type::failure || e.type == tether::event_type::rejected ||
          e.type == tether::event_type::close) {
        if (!p.failed)
          std::fprintf(
              stderr, "client %zu: %s\n", static_cast<std::size_t>(&p - peers_.data()),
              e.type == tether::event_type::failure ? e.error().message().c_str() : "closed or rejected");
        p.failed = true;
      }
      if (!p.messages.add(e)) continue;
      const std::string_view text = p.messages.view();
      const auto mark = text.find("\"#");
      if (mark == std::string_view::npos) {
        p.welcomed = p.welcomed || text.find("Welcome!") != std::string_view::npos;
        continue;
      }
      const auto last_colon = text.find(':', text.find(':', mark) + 1);
      const std::int64_t sent_ns = std::strtoll(text.data() + last_colon + 1, nullptr, 10);
      const auto now = clock_type::now();
      latencies_.push_back(static_cast<float>(nanoseconds(now) - sent_ns) / 1e6f);
      ++p.received;
      ++delivered_;
      if (now <= send_stop_) ++delivered_in_window_;
    }
  }

  settings settings_;
  int epoll_;
  std::vector<peer> peers_;
  std::size_t next_sender_ = 0;
  std::size_t sent_ = 0;
  std::size_t delivered_ = 0;
  std::size_t delivered_in_window_ = 0;
  clock_type::time_point send_start_{clock_type::time_point::max()};
  clock_type::time_point send_stop_{};
  std::vector<float> latencies_;
};

float percentile(std::vector<float>& values, double p) {
  if (values.empty()) return 0;
  const auto k = static_cast<std::size_t>(p * static_cast<double>(values.size() - 1));
  std::nth_element(values.begin(), values.begin() + static_cast<std::ptrdiff_t>(k), values.end());
  return values[k];
}

}  // namespace

int main(int argc, char** argv) {
  settings s;
  if (!parse(argc, argv, s)) {
    std::fprintf(stderr,
                 "usage: chat_load --clients N [--rate M | --messages K] [--duration S] [--size B] [--drain S] "
                 "[--check] URL...\n");
    return 2;
  }
  signal(SIGPIPE, SIG_IGN);
  example::raise_open_file_limit();
  load run(s);
  std::string error;
  const auto begin = clock_type::now();
  if (!run.connect_all(error)) {
    std::fprintf(stderr, "chat_load: %s\n", error.c_str());
    return 1;
  }
  auto seconds = [](double count) {
    return std::chrono::duration_cast<clock_type::duration>(std::chrono::duration<double>(count));
  };
  run.pump(
      begin + seconds(30), [&] { return run.welcomed() + run.failed() == s.clients; }, false);
  const double connect_s = std::chrono::duration<double>(clock_type::now() - begin).count();
  const std::size_t welcomed = run.welcomed();

  const double window = s.messages != 0 ? static_cast<double>(s.messages) / 100.0 + 0.01 : s.duration;
  const auto start = clock_type::now();
  const auto stop = start + seconds(window);
  run.start_sending(start, stop);
  run.pump(
      stop, [] { return false; }, true);
  const std::size_t expected = run.sent() * s.clients;
  run.pump(
      stop + seconds(s.drain), [&] { return run.delivered() >= expected; }, false);

  auto& latencies = run.latencies();
  const float p50 = percentile(latencies, 0.50);
  const float p99 = percentile(latencies, 0.99);
  std::printf(
      "clients=%zu welcomed=%zu failed=%zu connect_s=%.2f sent=%zu delivered=%zu expected=%zu complete_clients=%zu "
      "window_s=%.2f deliveries_per_s=%.0f p50_ms=%.2f p99_ms=%.2f\n",
      s.clients, welcomed, run.failed(), connect_s, run.sent(), run.delivered(), expected, run.complete_clients(),
      window, static_cast<double>(run.delivered_in_window()) / window, static_cast<double>(p50),
      static_cast<double>(p99));
  if (!s.check) return 0;
  return welcomed == s.clients && run.failed() == 0 && run.delivered() == expected ? 0 : 1;
}
