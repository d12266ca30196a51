// tether — header-only, sans-IO WebSocket (RFC 6455). Boost Software License 1.0.
#ifndef TETHER_HANDSHAKE_CLIENT_HPP
#define TETHER_HANDSHAKE_CLIENT_HPP

// The client side of the opening handshake, RFC 6455 §4.1: write the upgrade
// GET with a fresh random key, then check the server's answer. A status other
// than 101 is not a parse failure: the application gets the status, the
// headers and the head size (a body, if any, follows in the stream).
//
//   tether::websocket_uri uri;
//   if (tether::parse_websocket_uri("ws://example.com/chat", uri)) ...  // bad URL
//   tether::default_random random;
//   tether::client_handshake<> handshake;
//   std::string request;
//   if (handshake.write_request(uri, {}, random, request)) ...       // refused option
//   /* send request */
//   auto result = handshake.feed(bytes, size);                         // the response, any split
//   if (result.status == tether::handshake_status::complete) { ... frames follow result.consumed }

#include <cstddef>
#include <string>
#include <string_view>
#include <system_error>

#include "../base64.hpp"
#include "../detail/head_reader.hpp"
#include "../error.hpp"
#include "../http/head_parser.hpp"
#include "../http/headers.hpp"
#include "../sha1.hpp"
#include "accept_key.hpp"
#include "request_writer.hpp"
#include "response.hpp"
#include "result.hpp"
#include "uri.hpp"

namespace tether {

// A fresh Sec-WebSocket-Key: base64 of 16 random bytes (§4.1 item 7).
class client_key {
 public:
  template <class Random>
  static client_key generate(Random& random) noexcept {
    unsigned char nonce[16];
    random.fill(nonce, sizeof nonce);
    client_key key;
    base64::encode(nonce, sizeof nonce, key.chars_);
    return key;
  }
  std::string_view view() const noexcept { return {chars_, client_key_size}; }

 private:
  char chars_[client_key_size] = {};
};

template <class Headers = http::header_array<>, class Storage = std::string>
class client_handshake {
 public:
  explicit client_handshake(const http::head_limits& limits = {}) : reader_(limits) {}

  // Writes the upgrade request with a fresh key from `random`. What was
  // offered is copied: the response is checked against it later, and the
  // caller's options need not live that long.
  template <class Random, class Buffer>
  std::error_code write_request(const websocket_uri& uri, const client_request_options& options, Random& random,
                                Buffer& out) {
    key_ = client_key::generate(random);
    if (const std::error_code ec = write_client_request(uri, key_.view(), options, out)) return ec;
    offered_subprotocols_.clear();
    append_name_list(offered_subprotocols_, options.subprotocols);
    offered_extensions_.assign(options.extensions.data(), options.extensions.size());
    return {};
  }

  // Feeds response bytes; complete means 101 and every check passed; failed
  // with error::unexpected_status means a complete non-101 head (see response()).
  template <class Hash = sha1>
  handshake_result feed(const void* data, std::size_t size) {
    return reader_.feed(data, size, response_.head, [&] {
      return validate_upgrade_response<Hash>(response_, key_.view(), offered_subprotocols_, offered_extensions_);
    });
  }

  const basic_upgrade_response<Headers>& response() const noexcept { return response_; }
  const handshake_result& result() const noexcept { return reader_.result(); }
  std::string_view key() const noexcept { return key_.view(); }

 private:
  detail::head_reader<Storage> reader_;
  basic_upgrade_response<Headers> response_;
  client_key key_;
  std::string offered_subprotocols_;  // comma-separated, as sent
  std::string offered_extensions_;
};

}  // namespace tether

#endif
