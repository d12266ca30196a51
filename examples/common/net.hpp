// Socket glue shared by the chat examples (Linux): listening and connecting
// TCP sockets, non-blocking writes that never raise SIGPIPE, a byte queue for
// bytes that wait for the socket, and the open-file limit.
#ifndef TETHER_EXAMPLES_COMMON_NET_HPP
#define TETHER_EXAMPLES_COMMON_NET_HPP

#include <arpa/inet.h>
#include <fcntl.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/uio.h>
#include <unistd.h>

#include <cerrno>
#include <cstddef>
#include <cstring>
#include <string>
#include <string_view>

namespace example {

// One resolved address (getaddrinfo is blocking: call it at start-up only).
struct address {
  sockaddr_storage storage{};
  socklen_t size = 0;
  const sockaddr* get() const noexcept { return reinterpret_cast<const sockaddr*>(&storage); }
};

inline bool resolve(const std::string& host, int port, address& out, std::string& error) {
  addrinfo hints{};
  hints.ai_socktype = SOCK_STREAM;
  addrinfo* results = nullptr;
  const std::string service = std::to_string(port);
  if (const int status = getaddrinfo(host.c_str(), service.c_str(), &hints, &results); status != 0) {
    error = gai_strerror(status);
    return false;
  }
  std::memcpy(&out.storage, results->ai_addr, results->ai_addrlen);
  out.size = results->ai_addrlen;
  freeaddrinfo(results);
  return true;
}

// A non-blocking listening socket, or -1 with errno set.
inline int listen_tcp(const address& where, int backlog = 4096) {
  const int fd = ::socket(where.storage.ss_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
  if (fd < 0) return -1;
  const int yes = 1;
  setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &yes, sizeof yes);
  if (::bind(fd, where.get(), where.size) != 0 || ::listen(fd, backlog) != 0) {
    const int saved = errno;
    ::close(fd);
    errno = saved;
    return -1;
  }
  return fd;
}

// Starts a non-blocking connect: the socket becomes writable when it is done
// (then connect_error() tells how it went). -1 when it failed at once.
inline int connect_tcp(const address& where) {
  const int fd = ::socket(where.storage.ss_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
  if (fd < 0) return -1;
  if (::connect(fd, where.get(), where.size) != 0 && errno != EINPROGRESS) {
    const int saved = errno;
    ::close(fd);
    errno = saved;
    return -1;
  }
  const int yes = 1;
  setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &yes, sizeof yes);
  return fd;
}

inline int connect_error(int fd) {
  int error = 0;
  socklen_t size = sizeof error;
  if (getsockopt(fd, SOL_SOCKET, SO_ERROR, &error, &size) != 0) return errno;
  return error;
}

// Writes as much of `vectors` as the socket takes. MSG_NOSIGNAL: a peer that
// is gone gives EPIPE here, not a SIGPIPE that kills the process. Returns the
// bytes written, 0 when the socket is full (EAGAIN), -1 on a real error.
inline ssize_t send_vectors(int fd, iovec* vectors, std::size_t count) {
  msghdr message{};
  message.msg_iov = vectors;
  message.msg_iovlen = count;
  for (;;) {
    const ssize_t written = ::sendmsg(fd, &message, MSG_NOSIGNAL);
    if (written >= 0) return written;
    if (errno == EINTR) continue;
    return errno == EAGAIN || errno == EWOULDBLOCK ? 0 : -1;
  }
}

inline ssize_t send_bytes(int fd, const void* data, std::size_t size) {
  iovec vector{const_cast<void*>(data), size};
  return send_vectors(fd, &vector, 1);
}

// Reads what is there: bytes read, 0 at end of stream, -1 on error, and
// -2 when nothing is there yet (EAGAIN). EINTR is retried.
inline ssize_t receive_bytes(int fd, void* data, std::size_t size) {
  for (;;) {
    const ssize_t n = ::recv(fd, data, size, 0);
    if (n >= 0) return n;
    if (errno == EINTR) continue;
    return errno == EAGAIN || errno == EWOULDBLOCK ? -2 : -1;
  }
}

// Bytes waiting for a socket (an HTTP answer, TLS records, Redis commands).
class byte_queue {
 public:
  void append(std::string_view bytes) {
    if (sent_ != 0 && sent_ == bytes_.size()) clear();
    bytes_.append(bytes.data(), bytes.size());
  }
  const char* data() const noexcept { return bytes_.data() + sent_; }
  std::size_t size() const noexcept { return bytes_.size() - sent_; }
  bool empty() const noexcept { return size() == 0; }
  void consume(std::size_t n) {
    sent_ += n;
    if (sent_ == bytes_.size()) {
      clear();
    } else if (sent_ > 64 * 1024 && sent_ * 2 > bytes_.size()) {
      bytes_.erase(0, sent_);  // keep the memory bounded by what waits
      sent_ = 0;
    }
  }
  void clear() noexcept {
    bytes_.clear();
    sent_ = 0;
  }

 private:
  std::string bytes_;
  std::size_t sent_ = 0;
};

// Writes the front of `queue`; false on a socket error.
inline bool flush_queue(int fd, byte_queue& queue) {
  while (!queue.empty()) {
    const ssize_t written = send_bytes(fd, queue.data(), queue.size());
    if (written < 0) return false;
    if (written == 0) return true;
    queue.consume(static_cast<std::size_t>(written));
  }
  return true;
}

// Many clients need many descriptors: raise the soft limit to the hard one.
inline void raise_open_file_limit() {
  rlimit limit{};
  if (getrlimit(RLIMIT_NOFILE, &limit) == 0 && limit.rlim_cur < limit.rlim_max) {
    limit.rlim_cur = limit.rlim_max;
    setrlimit(RLIMIT_NOFILE, &limit);
  }
}

}  // namespace example

#endif
