// tether — header-only, sans-IO WebSocket (RFC 6455). Boost Software License 1.0.
#ifndef TETHER_HANDSHAKE_CLIENT_HPP
#define TETHER_HANDSHAKE_CLIENT_HPP

// The client side of the opening handshake, RFC 6455 §4.1: write the upgrade
// GET with a fresh random key, then check the server's answer. A status other
// than 101 is not a parse failure: the application gets the status, the
// headers and the head size (a body, if any, follows in the stream).
//
//   tether::websocket_uri uri;
//   tether::parse_websocket_uri("ws://example.com/chat", uri);
//   tether::client_handshake<> handshake(random);
//   std::string request;
//   handshake.write_request(uri, {}, request);            // send it
//   auto result = handshake.feed(bytes, size);            // the response, any split
//   if (result.status == tether::handshake_status::complete) { ... frames follow }

#include <cstddef>
#include <string>
#include <string_view>
#include <system_error>

#include "../base64.hpp"
#include "../error.hpp"
#include "../http/head_parser.hpp"
#include "../http/headers.hpp"
#include "../http/writer.hpp"
#include "../sha1.hpp"
#include "accept_key.hpp"
#include "extensions.hpp"
#include "head_reader.hpp"
#include "uri.hpp"

namespace tether {

// A list of names given by pointer and count (subprotocol offers).
struct name_list {
  const std::string_view* names = nullptr;
  std::size_t count = 0;
  const std::string_view* begin() const noexcept { return names; }
  const std::string_view* end() const noexcept { return names + count; }
  bool contains(std::string_view name) const noexcept {
    for (std::string_view n : *this) {
      if (n == name) return true;
    }
    return false;
  }
};

struct client_request_options {
  std::string_view origin;          // sent as Origin when not empty (browsers always send it)
  name_list subprotocols;           // names to offer, in order of preference
  std::string_view extensions;      // Sec-WebSocket-Extensions offer, e.g. "permessage-deflate"
  http::header_span extra_headers;  // e.g. Authorization, Cookie
};

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

// What an application may put in a request must not break the head (RFC 9110 §5).
inline std::error_code check_request_options(const client_request_options& options) {
  if (const std::error_code ec = http::check_headers(options.extra_headers)) return ec;
  for (std::string_view protocol : options.subprotocols) {
    if (!http::is_token(protocol)) return error::header_injection;
  }
  if (!http::is_field_value(options.origin)) return error::header_injection;
  return check_extension_value(options.extensions);
}

// A URI given as a struct (not parsed by parse_websocket_uri) is checked the
// same way before it becomes the request line and Host: no byte of it may
// break the head.
inline std::error_code check_uri_for_request(const websocket_uri& uri) noexcept {
  if (uri.host.empty()) return error::bad_uri_host;
  for (char c : uri.host) {
    if (!is_uri_host_char(c, uri.ipv6_literal)) return error::bad_uri_host;
  }
  for (char c : uri.resource) {
    if (!is_uri_resource_char(c)) return error::bad_uri;
  }
  return {};
}

template <class Buffer>
std::error_code write_client_request(const websocket_uri& uri, std::string_view key,
                                     const client_request_options& options, Buffer& out) {
  if (const std::error_code ec = check_uri_for_request(uri)) return ec;
  if (const std::error_code ec = check_request_options(options)) return ec;
  http::append(out, "GET ");
  if (uri.resource_needs_slash()) http::append(out, "/");
  http::append(out, uri.resource);
  http::append(out, " HTTP/1.1\r\nHost: ");
  // §4.1 item 4: the port is omitted when it is the scheme's default.
  if (uri.ipv6_literal) http::append(out, "[");
  http::append(out, uri.host);
  if (uri.ipv6_literal) http::append(out, "]");
  if (!uri.default_port()) {
    char scratch[20];
    http::append(out, ":");
    http::append(out, http::format_unsigned(uri.port, scratch));
  }
  http::append(out, "\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: ");
  http::append(out, key);
  http::append(out, "\r\nSec-WebSocket-Version: 13\r\n");
  // Every value was checked above, so these appends cannot refuse.
  if (!options.origin.empty()) http::append_checked_header(out, "Origin", options.origin);
  if (options.subprotocols.count != 0) {
    http::append(out, "Sec-WebSocket-Protocol: ");
    for (std::size_t i = 0; i < options.subprotocols.count; ++i) {
      if (i != 0) http::append(out, ", ");
      http::append(out, options.subprotocols.names[i]);
    }
    http::append(out, "\r\n");
  }
  if (!options.extensions.empty()) http::append_checked_header(out, "Sec-WebSocket-Extensions", options.extensions);
  for (const http::header_field& field : options.extra_headers)
    http::append_checked_header(out, field.name, field.value);
  http::append(out, "\r\n");
  return {};
}

// What the server agreed to, as views into the response head.
template <class Headers>
struct basic_upgrade_response {
  http::basic_response_head<Headers> head;
  std::string_view subprotocol;  // empty when none was selected
  int status() const noexcept { return head.status; }
  const Headers& headers() const noexcept { return head.headers; }
  template <class F>
  void for_each_extension(F&& f) const {
    for (const auto& field : head.headers) {
      if (http::iequals(field.name, "Sec-WebSocket-Extensions")) parse_extensions(field.value, f);
    }
  }
};

// §4.1 item 6: the server selects at most one subprotocol, one the client
// offered (names compare case-sensitively): is_offered(name) says which.
template <class Headers, class IsOffered>
std::error_code check_selected_subprotocol(const Headers& headers, std::string_view header_name, IsOffered&& is_offered,
                                           std::string_view& selected) {
  selected = {};
  const http::header_field* protocol = http::find_header(headers, header_name);
  if (protocol == nullptr) return {};
  if (!is_offered(protocol->value) || http::count_headers(headers, header_name) != 1) {
    return error::unrequested_subprotocol;
  }
  selected = protocol->value;
  return {};
}

// Checks the server's response against §4.1 (the numbered items of "the client
// MUST"). offered_extensions: the offer that was sent, to check that every
// accepted extension was one of them.
template <class Hash = sha1, class Headers>
std::error_code validate_upgrade_response(basic_upgrade_response<Headers>& response, std::string_view key,
                                          std::string_view offered_subprotocols, std::string_view offered_extensions) {
  const Headers& headers = response.head.headers;
  if (response.head.status != 101) return error::unexpected_status;                                           // item 1
  if (!http::headers_have_token(headers, "Upgrade", "websocket")) return error::missing_upgrade_websocket;    // item 2
  if (!http::headers_have_token(headers, "Connection", "Upgrade")) return error::missing_connection_upgrade;  // item 3
  const http::header_field* accept = http::find_header(headers, "Sec-WebSocket-Accept");
  if (accept == nullptr) return error::missing_sec_websocket_accept;
  if (http::count_headers(headers, "Sec-WebSocket-Accept") != 1 || make_accept_key_with<Hash>(key) != accept->value) {
    return error::bad_sec_websocket_accept;  // item 4
  }
  // Item 5: every extension in use must have been offered.
  if (const std::error_code ec = check_accepted_extensions(headers, "Sec-WebSocket-Extensions", offered_extensions)) {
    return ec;
  }
  // Item 6: a selected subprotocol must be one that was offered, and only one.
  return check_selected_subprotocol(
      headers, "Sec-WebSocket-Protocol",
      [&](std::string_view name) { return http::list_has_exact(offered_subprotocols, name); }, response.subprotocol);
}

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
    for (std::string_view protocol : options.subprotocols) {
      if (!offered_subprotocols_.empty()) offered_subprotocols_ += ", ";
      offered_subprotocols_.append(protocol.data(), protocol.size());
    }
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
