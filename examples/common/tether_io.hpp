// Moving a tether::connection's output to a socket, plain or through TLS, and
// the one place each example reads an event's error.
#ifndef TETHER_EXAMPLES_COMMON_TETHER_IO_HPP
#define TETHER_EXAMPLES_COMMON_TETHER_IO_HPP

#include <tether/connection.hpp>

#include <sys/uio.h>

#include <cstddef>
#include <system_error>
#include <type_traits>

#include "net.hpp"
#include "tls_stream.hpp"

namespace example {

// Writes queued output to a plain socket until it is empty or the socket is
// full. False on a socket error (or a consume() the connection refused).
template <class Connection>
bool send_output(int fd, Connection& ws) {
  constexpr std::size_t batch = 64;
  tether::const_buffer buffers[batch];
  iovec vectors[batch];
  while (ws.has_output()) {
    const std::size_t count = ws.output_buffers(buffers, batch);
    for (std::size_t i = 0; i < count; ++i) vectors[i] = {const_cast<void*>(buffers[i].data), buffers[i].size};
    const ssize_t written = send_vectors(fd, vectors, count);
    if (written < 0) return false;
    if (written == 0) return true;
    if (ws.consume(static_cast<std::size_t>(written))) return false;
  }
  return true;
}

// Encrypts queued output into `records` while fewer than `limit` bytes of
// records wait for the socket (so a slow peer's memory stays bounded by what
// tether holds). False when TLS failed.
template <class Connection>
bool encrypt_output(Connection& ws, tls_stream& tls, byte_queue& records, std::size_t limit) {
  while (ws.has_output() && records.size() < limit) {
    const tether::const_buffer front = ws.output();
    const std::size_t piece = front.size < 64 * 1024 ? front.size : 64 * 1024;
    const std::size_t taken = tls.write(front.data, piece);
    if (taken == 0 || ws.consume(taken)) break;
    tls.take_ciphertext(records);
  }
  tls.take_ciphertext(records);
  return !tls.failed();
}

}  // namespace example

#endif
