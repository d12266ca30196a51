// tether — header-only, sans-IO WebSocket (RFC 6455). Boost Software License 1.0.
#ifndef TETHER_DETAIL_HEAD_READER_HPP
#define TETHER_DETAIL_HEAD_READER_HPP

// Collects the bytes of an HTTP head as they arrive (never more than the head
// size limit, +1 to notice it), runs the incremental parser over them, and
// applies a role's checks to the complete head. Shared by the server and
// client handshakes.

#include <cstddef>
#include <string_view>
#include <system_error>

#include "../error.hpp"
#include "../handshake/result.hpp"
#include "../http/head_parser.hpp"

namespace tether {

namespace detail {

// One side of the opening handshake up to its verdict: the head's bytes as
// they arrive, the parser, then the role's checks, and the result kept.
template <class Storage>
class head_reader {
 public:
  explicit head_reader(const http::head_limits& limits) : parser_(limits) {}

  // Feeds bytes; when the head is complete, validate() (returning a
  // std::error_code) gives the verdict. consumed counts the bytes of this call
  // that belong to the head: whatever follows is not HTTP.
  template <class Head, class Validate>
  handshake_result feed(const void* data, std::size_t size, Head& head, Validate&& validate) {
    if (result_.status != handshake_status::need_more) return {result_.status, 0, result_.failure};
    const std::size_t before = storage_.size();
    const std::size_t room = parser_.limits().max_head_size + 1 - before;  // +1 notices the limit
    const std::size_t take = size < room ? size : room;
    storage_.append(static_cast<const char*>(data), take);
    // A fixed-size storage refuses what does not fit: that is a head too
    // large for it, never bytes silently skipped.
    if (storage_.size() != before + take) return settle(handshake_status::failed, 0, error::head_too_large);
    const http::parse_result parsed = parser_.parse(std::string_view(storage_.data(), storage_.size()), head);
    if (parsed.status == http::parse_status::need_more) return {handshake_status::need_more, take, {}};
    if (parsed.status == http::parse_status::failed) return settle(handshake_status::failed, take, parsed.failure);
    const std::size_t head_bytes = parsed.head_size - before;
    if (const std::error_code ec = validate()) {
      return settle(handshake_status::failed, head_bytes, static_cast<tether::error>(ec.value()));
    }
    return settle(handshake_status::complete, head_bytes, {});
  }

  const handshake_result& result() const noexcept { return result_; }

 private:
  handshake_result settle(handshake_status status, std::size_t consumed, tether::error failure) {
    result_ = {status, consumed, failure};
    return result_;
  }

  http::head_parser parser_;
  Storage storage_;
  handshake_result result_;
};

}  // namespace detail
}  // namespace tether

#endif
