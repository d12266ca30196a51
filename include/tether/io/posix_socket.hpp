// tether — header-only, sans-IO WebSocket (RFC 6455). Boost Software License 1.0.
#ifndef TETHER_IO_POSIX_SOCKET_HPP
#define TETHER_IO_POSIX_SOCKET_HPP

// Optional glue for POSIX sockets: a connection's output as iovecs, and the
// loop that writes it to a non-blocking socket. Not included by tether.hpp and
// not needed by the connection. Unlike the rest of tether, this header includes
// platform headers (<sys/socket.h>, <sys/uio.h>): it is the socket side of the
// sans-IO contract, for programs that own their sockets.

#include <sys/socket.h>
#include <sys/types.h>
#include <sys/uio.h>

#include <cerrno>
#include <cstddef>
#include <system_error>

#include "../connection/output_queue.hpp"
#include "loop.hpp"

namespace tether::io {

// Up to N of the connection's output buffers as iovecs, for writev, sendmsg or
// an io_uring send; returns how many. They stay valid until consumed.
template <std::size_t N, class Connection>
std::size_t output_iovecs(const Connection& ws, iovec (&out)[N]) noexcept {
  const_buffer buffers[N];
  const std::size_t count = ws.output_buffers(buffers, N);
  for (std::size_t i = 0; i < count; ++i) out[i] = {const_cast<void*>(buffers[i].data), buffers[i].size};
  return count;
}

struct flush_result {
  bool blocked = false;   // output is left and the socket is full: wait until it is writable
  std::error_code error;  // the socket failed (an errno): close it
};

// Writes the connection's output to a socket and consume()s what it took, until
// nothing is left or the socket is full (EAGAIN, or it took less than offered:
// asking again would only cost a system call that says EAGAIN). EINTR is retried.
// MSG_NOSIGNAL: a peer that went away is EPIPE here, not a SIGPIPE that ends the
// process.
template <class Connection>
flush_result flush(int fd, Connection& ws) {
  iovec vectors[64];
  while (ws.has_output()) {
    msghdr message{};
    message.msg_iov = vectors;
    message.msg_iovlen = output_iovecs(ws, vectors);
    std::size_t offered = 0;
    for (std::size_t i = 0; i < message.msg_iovlen; ++i) offered += vectors[i].iov_len;
    const ssize_t written = message.msg_iovlen == 1 ? ::send(fd, vectors[0].iov_base, offered, MSG_NOSIGNAL)
                                                    : ::sendmsg(fd, &message, MSG_NOSIGNAL);
    if (written < 0) {
      if (errno == EINTR) continue;
      if (errno == EAGAIN || errno == EWOULDBLOCK) return {true, {}};
      return {false, std::error_code(errno, std::system_category())};
    }
    if (const std::error_code ec = ws.consume(static_cast<std::size_t>(written))) return {false, ec};
    if (static_cast<std::size_t>(written) < offered) return {ws.has_output(), {}};
  }
  return {};
}

}  // namespace tether::io

#endif
