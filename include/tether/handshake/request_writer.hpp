// tether — header-only, sans-IO WebSocket (RFC 6455). Boost Software License 1.0.
#ifndef TETHER_HANDSHAKE_REQUEST_WRITER_HPP
#define TETHER_HANDSHAKE_REQUEST_WRITER_HPP

// A client's upgrade GET (RFC 6455 §4.1): checked first (no value the
// application gives may break the head), then written to any buffer with
// append(const char*, size_t).

#include <cstddef>
#include <string_view>
#include <system_error>

#include "../error.hpp"
#include "../http/syntax.hpp"
#include "../http/writer.hpp"
#include "extensions.hpp"
#include "names.hpp"
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

// Writes the names as a list: "chat, superchat" (RFC 9110 §5.6.1).
template <class Buffer>
void append_name_list(Buffer& out, name_list names) {
  for (std::size_t i = 0; i < names.count; ++i) {
    if (i != 0) http::append(out, ", ");
    http::append(out, names.names[i]);
  }
}

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
  // Everything was checked above, so the appends cannot refuse.
  http::append(out, "GET ");
  if (uri.resource_needs_slash()) http::append(out, "/");
  http::append(out, uri.resource);
  http::append(out, " HTTP/1.1\r\n");
  http::append(out, field::host.text);
  http::append(out, ": ");
  // §4.1 item 4: the port is omitted when it is the scheme's default.
  if (uri.ipv6_literal) http::append(out, "[");
  http::append(out, uri.host);
  if (uri.ipv6_literal) http::append(out, "]");
  if (!uri.default_port()) {
    char scratch[20];
    http::append(out, ":");
    http::append(out, http::format_unsigned(uri.port, scratch));
  }
  http::append(out, "\r\n");
  http::append_checked_header(out, field::upgrade.text, websocket_token);
  http::append_checked_header(out, field::connection.text, upgrade_token);
  http::append_checked_header(out, field::sec_websocket_key.text, key);
  http::append_checked_header(out, field::sec_websocket_version.text, websocket_version);
  if (!options.origin.empty()) http::append_checked_header(out, field::origin.text, options.origin);
  if (options.subprotocols.count != 0) {
    http::append(out, field::sec_websocket_protocol.text);
    http::append(out, ": ");
    append_name_list(out, options.subprotocols);
    http::append(out, "\r\n");
  }
  if (!options.extensions.empty()) {
    http::append_checked_header(out, field::sec_websocket_extensions.text, options.extensions);
  }
  http::append_checked_headers(out, options.extra_headers);
  http::append(out, "\r\n");
  return {};
}

}  // namespace tether

#endif
