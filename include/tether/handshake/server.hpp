// tether — header-only, sans-IO WebSocket (RFC 6455). Boost Software License 1.0.
#ifndef TETHER_HANDSHAKE_SERVER_HPP
#define TETHER_HANDSHAKE_SERVER_HPP

// The server side of the opening handshake, RFC 6455 §4.2: read the client's
// upgrade request (any split), check it (request.hpp), let the application
// decide (route on the target, check Origin, pick a subprotocol, accept
// extensions, or reject with any status), then write the answer
// (response_writer.hpp).
//
//   tether::server_handshake<> handshake;
//   auto result = handshake.feed(bytes, size);             // any split
//   if (result.status == tether::handshake_status::complete) {
//     const auto& request = handshake.request();           // target, origin, offers
//     std::string response;
//     if (handshake.write_accept(response, {"chat"})) ...  // or write_reject_response(403, response)
//     /* write response; the bytes after result.consumed are frames */
//   } else if (result.status == tether::handshake_status::failed) {
//     tether::write_error_response(result.error(), response);  // 400, 426 or 431
//   }

#include <cstddef>
#include <string>
#include <system_error>

#include "../detail/head_reader.hpp"
#include "../error.hpp"
#include "../http/head_parser.hpp"
#include "../http/headers.hpp"
#include "../sha1.hpp"
#include "request.hpp"
#include "response_writer.hpp"
#include "result.hpp"

namespace tether {

// Storage for head bytes: anything with append(const char*, size_t), data(),
// size(). std::string is the default; http::fixed_buffer<N> never allocates.
template <class Headers = http::header_array<>, class Storage = std::string>
class server_handshake {
 public:
  explicit server_handshake(const http::head_limits& limits = {}) : reader_(limits) {}

  // Feeds bytes as they arrive. On complete, result.consumed tells how many
  // bytes of this call were the end of the head; the rest are frames.
  handshake_result feed(const void* data, std::size_t size) {
    return reader_.feed(data, size, request_.head, [&] { return validate_upgrade_request(request_); });
  }

  const basic_upgrade_request<Headers>& request() const noexcept { return request_; }
  const handshake_result& result() const noexcept { return reader_.result(); }

  template <class Hash = sha1, class Buffer>
  std::error_code write_accept(Buffer& out, const accept_options& options = {}) const {
    if (reader_.result().status != handshake_status::complete) return error::no_request_pending;
    return write_accept_response<Hash>(request_, options, out);
  }

 private:
  detail::head_reader<Storage> reader_;
  basic_upgrade_request<Headers> request_;
};

}  // namespace tether

#endif
