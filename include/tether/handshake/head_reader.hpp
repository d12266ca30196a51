// tether — header-only, sans-IO WebSocket (RFC 6455). Boost Software License 1.0.
#ifndef TETHER_HANDSHAKE_HEAD_READER_HPP
#define TETHER_HANDSHAKE_HEAD_READER_HPP

// Collects the bytes of an HTTP head as they arrive (never more than the head
// size limit, +1 to notice it) and runs the incremental parser over them.
// Shared by the server and client handshakes.

#include <cstddef>
#include <string_view>

#include "../http/head_parser.hpp"

namespace tether::detail {

template <class Storage>
class head_reader {
 public:
  explicit head_reader(const http::head_limits& limits) : parser_(limits) {}

  struct step {
    http::parse_result parsed;
    std::size_t taken = 0;       // bytes of this call stored
    std::size_t head_bytes = 0;  // when complete: bytes of this call that ended the head
  };

  template <class Head>
  step feed(const void* data, std::size_t size, Head& head) {
    const std::size_t before = storage_.size();
    const std::size_t room = parser_.limits().max_head_size + 1 - before;
    const std::size_t take = size < room ? size : room;
    storage_.append(static_cast<const char*>(data), take);
    step result;
    result.parsed = parser_.parse(std::string_view(storage_.data(), storage_.size()), head);
    result.taken = take;
    if (result.parsed.status == http::parse_status::complete) result.head_bytes = result.parsed.head_size - before;
    return result;
  }

 private:
  http::head_parser parser_;
  Storage storage_;
};

}  // namespace tether::detail

#endif
