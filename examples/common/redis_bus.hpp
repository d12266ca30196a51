// Redis pub/sub as a message bus between chat_server instances, driven from
// the caller's epoll loop without ever blocking it. Two connections, because
// a connection that has SUBSCRIBEd may send nothing but (UN)SUBSCRIBE/PING:
// one subscribes to the channel, the other PUBLISHes. hiredis is used only for
// its sans-IO parts: redisReader parses RESP replies from bytes we read, and
// redisFormatCommandArgv writes commands we send; the sockets are ours.
//
// When Redis goes away, each connection retries with exponential backoff
// (100 ms doubling to 2 s) and logs what happens. Pub/sub keeps nothing: what
// is published while a subscriber is disconnected is lost for it.
#ifndef TETHER_EXAMPLES_COMMON_REDIS_BUS_HPP
#define TETHER_EXAMPLES_COMMON_REDIS_BUS_HPP

#include <hiredis/hiredis.h>
#include <sys/epoll.h>

#include <chrono>
#include <cstdio>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "net.hpp"

namespace example {

// redis://[:password@]host[:port][/db]. Pub/sub channels are shared by all
// databases, so the db number is accepted and otherwise unused.
struct redis_url {
  std::string host = "127.0.0.1";
  int port = 6379;
  std::string password;
};

inline bool parse_redis_url(std::string_view text, redis_url& url) {
  constexpr std::string_view scheme = "redis://";
  if (text.substr(0, scheme.size()) != scheme) return false;
  text.remove_prefix(scheme.size());
  text = text.substr(0, text.find('/'));
  if (const auto at = text.rfind('@'); at != std::string_view::npos) {
    const std::string_view user_info = text.substr(0, at);
    const auto colon = user_info.find(':');
    url.password = std::string(colon == std::string_view::npos ? user_info : user_info.substr(colon + 1));
    text.remove_prefix(at + 1);
  }
  if (const auto colon = text.rfind(':'); colon != std::string_view::npos) {
    const std::string port(text.substr(colon + 1));
    url.port = std::atoi(port.c_str());
    text = text.substr(0, colon);
  }
  if (!text.empty()) url.host = std::string(text);
  return url.port > 0 && url.port < 65536;
}

using steady_time = std::chrono::steady_clock::time_point;

// One RESP connection that reconnects on its own.
class redis_link {
 public:
  using reply_handler = std::function<void(const redisReply&)>;

  redis_link(const char* name, int epoll_fd, const address& where, reply_handler on_reply)
      : name_(name), epoll_fd_(epoll_fd), where_(where), on_reply_(std::move(on_reply)) {}
  ~redis_link() { disconnect(); }
  redis_link(const redis_link&) = delete;
  redis_link& operator=(const redis_link&) = delete;

  int fd() const noexcept { return fd_; }
  bool ready() const noexcept { return state_ == state::ready; }
  std::size_t queued() const noexcept { return out_.size(); }
  // Commands sent first on every (re)connection (AUTH, SUBSCRIBE).
  std::vector<std::vector<std::string>> greeting;

  // Queues one command (sent once connected; dropped on disconnection).
  void command(const std::vector<std::string_view>& args) {
    std::vector<const char*> pointers;
    std::vector<std::size_t> sizes;
    for (std::string_view a : args) pointers.push_back(a.data()), sizes.push_back(a.size());
    char* formatted = nullptr;
    const int size = redisFormatCommandArgv(&formatted, static_cast<int>(args.size()), pointers.data(), sizes.data());
    if (size < 0) return;
    out_.append(std::string_view(formatted, static_cast<std::size_t>(size)));
    redisFreeCommand(formatted);
    if (state_ == state::ready) write();
  }

  // Connects when the retry time has come.
  void tick(steady_time now) {
    if (state_ == state::waiting && now >= retry_at_) start_connect(now);
  }
  steady_time next_deadline() const noexcept { return state_ == state::waiting ? retry_at_ : steady_time::max(); }

  void on_events(std::uint32_t events, steady_time now) {
    if (state_ == state::connecting) {
      if (const int error = connect_error(fd_); error != 0) return lost(std::strerror(error), now);
      if ((events & EPOLLOUT) == 0) return;
      std::printf("redis %s: connected to %s\n", name_, describe().c_str());
      std::fflush(stdout);
      backoff_ = initial_backoff;
      for (const auto& g : greeting) command(std::vector<std::string_view>(g.begin(), g.end()));
      state_ = state::ready;
    }
    if (events & (EPOLLIN | EPOLLHUP | EPOLLERR)) {
      if (!read(now)) return;
    }
    write();
    if (fd_ >= 0 && !watch()) lost("epoll", now);
  }

  // First connection attempt.
  void start(steady_time now) { start_connect(now); }

 private:
  static constexpr std::chrono::milliseconds initial_backoff{100};
  static constexpr std::chrono::milliseconds max_backoff{2000};
  enum class state { waiting, connecting, ready };

  struct reader_free {
    void operator()(redisReader* reader) const noexcept { redisReaderFree(reader); }
  };

  std::string describe() const {
    char host[INET6_ADDRSTRLEN] = "?";
    const auto& s = where_.storage;
    const void* raw = s.ss_family == AF_INET6
                          ? static_cast<const void*>(&reinterpret_cast<const sockaddr_in6*>(&s)->sin6_addr)
                          : static_cast<const void*>(&reinterpret_cast<const sockaddr_in*>(&s)->sin_addr);
    inet_ntop(s.ss_family, raw, host, sizeof host);
    const std::uint16_t port = s.ss_family == AF_INET6 ? reinterpret_cast<const sockaddr_in6*>(&s)->sin6_port
                                                       : reinterpret_cast<const sockaddr_in*>(&s)->sin_port;
    return std::string(host) + ":" + std::to_string(ntohs(port));
  }

  void start_connect(steady_time now) {
    reader_.reset(redisReaderCreate());
    fd_ = connect_tcp(where_);
    if (fd_ < 0) return lost(std::strerror(errno), now);
    state_ = state::connecting;
    epoll_event ev{};
    ev.events = EPOLLIN | EPOLLOUT;
    ev.data.fd = fd_;
    if (epoll_ctl(epoll_fd_, EPOLL_CTL_ADD, fd_, &ev) != 0) lost(std::strerror(errno), now);
  }

  bool watch() {
    epoll_event ev{};
    ev.events = EPOLLIN | (out_.empty() ? 0u : static_cast<std::uint32_t>(EPOLLOUT));
    ev.data.fd = fd_;
    return epoll_ctl(epoll_fd_, EPOLL_CTL_MOD, fd_, &ev) == 0;
  }

  bool read(steady_time now) {
    char buffer[64 * 1024];
    for (;;) {
      const ssize_t n = receive_bytes(fd_, buffer, sizeof buffer);
      if (n == -2) return true;
      if (n <= 0) {
        lost(n == 0 ? "closed by the server" : std::strerror(errno), now);
        return false;
      }
      if (redisReaderFeed(reader_.get(), buffer, static_cast<std::size_t>(n)) != REDIS_OK) {
        lost("bad reply", now);
        return false;
      }
      void* reply = nullptr;
      while (redisReaderGetReply(reader_.get(), &reply) == REDIS_OK && reply != nullptr) {
        on_reply_(*static_cast<redisReply*>(reply));
        freeReplyObject(reply);
        reply = nullptr;
      }
      if (reader_->err != 0) {
        lost("protocol error", now);
        return false;
      }
    }
  }

  void write() {
    if (state_ == state::ready && !flush_queue(fd_, out_)) {
      // The read side notices the failure and reconnects.
      out_.clear();
    }
  }

  void disconnect() {
    if (fd_ >= 0) ::close(fd_);  // close() also removes it from the epoll set
    fd_ = -1;
    out_.clear();
  }

  void lost(const char* why, steady_time now) {
    disconnect();
    state_ = state::waiting;
    retry_at_ = now + backoff_;
    std::printf("redis %s: connection to %s lost (%s); reconnecting in %lld ms\n", name_, describe().c_str(), why,
                static_cast<long long>(backoff_.count()));
    std::fflush(stdout);
    backoff_ = backoff_ * 2 > max_backoff ? max_backoff : backoff_ * 2;
  }

  const char* name_;
  int epoll_fd_;
  address where_;
  reply_handler on_reply_;
  std::unique_ptr<redisReader, reader_free> reader_;
  int fd_ = -1;
  state state_ = state::waiting;
  byte_queue out_;
  steady_time retry_at_{};
  std::chrono::milliseconds backoff_ = initial_backoff;
};

// The bus: publish() sends to the channel, on_message gets everything the
// channel carries, our own publications included.
class redis_bus {
 public:
  using message_handler = std::function<void(std::string_view)>;
  // Above this, PUBLISHes waiting for a slow Redis are dropped, not queued.
  static constexpr std::size_t max_queued_publish = 16 * 1024 * 1024;

  redis_bus(int epoll_fd, const address& where, const redis_url& url, std::string channel, message_handler on_message)
      : channel_(std::move(channel)),
        on_message_(std::move(on_message)),
        subscriber_("subscriber", epoll_fd, where, [this](const redisReply& r) { on_subscriber_reply(r); }),
        publisher_("publisher", epoll_fd, where, [](const redisReply& r) { report_error(r); }) {
    if (!url.password.empty()) {
      subscriber_.greeting.push_back({"AUTH", url.password});
      publisher_.greeting.push_back({"AUTH", url.password});
    }
    subscriber_.greeting.push_back({"SUBSCRIBE", channel_});
  }

  void start(steady_time now) {
    subscriber_.start(now);
    publisher_.start(now);
  }
  bool owns(int fd) const noexcept { return fd >= 0 && (fd == subscriber_.fd() || fd == publisher_.fd()); }
  void on_events(int fd, std::uint32_t events, steady_time now) {
    (fd == subscriber_.fd() ? subscriber_ : publisher_).on_events(events, now);
  }
  void tick(steady_time now) {
    subscriber_.tick(now);
    publisher_.tick(now);
  }
  steady_time next_deadline() const noexcept {
    return std::min(subscriber_.next_deadline(), publisher_.next_deadline());
  }

  // False when the message could not be handed to Redis (down, or too slow).
  bool publish(std::string_view payload) {
    if (!publisher_.ready() || publisher_.queued() > max_queued_publish) return false;
    publisher_.command({"PUBLISH", channel_, payload});
    return true;
  }

 private:
  static void report_error(const redisReply& reply) {
    if (reply.type == REDIS_REPLY_ERROR) {
      std::printf("redis: error reply: %.*s\n", static_cast<int>(reply.len), reply.str);
      std::fflush(stdout);
    }
  }

  // Pushes on a subscribed connection: ["subscribe", channel, count] and
  // ["message", channel, payload].
  void on_subscriber_reply(const redisReply& reply) {
    report_error(reply);
    if (reply.type != REDIS_REPLY_ARRAY || reply.elements != 3) return;
    const redisReply& kind = *reply.element[0];
    const redisReply& body = *reply.element[2];
    const std::string_view name(kind.str, kind.len);
    if (name == "message" && body.type == REDIS_REPLY_STRING) {
      on_message_(std::string_view(body.str, body.len));
    } else if (name == "subscribe") {
      std::printf("redis subscriber: subscribed to %s\n", channel_.c_str());
      std::fflush(stdout);
    }
  }

  std::string channel_;
  message_handler on_message_;
  redis_link subscriber_;
  redis_link publisher_;
};

}  // namespace example

#endif
