// tether — header-only, sans-IO WebSocket (RFC 6455). Boost Software License 1.0.
#ifndef TETHER_HANDSHAKE_RESPONSE_WRITER_HPP
#define TETHER_HANDSHAKE_RESPONSE_WRITER_HPP

// A server's answers to an upgrade request (RFC 6455 §4.2.2): 101 Switching
// Protocols, or an HTTP error. Each checks everything first and writes
// nothing when it refuses. Output goes to any buffer with
// append(const char*, size_t) (std::string, http::fixed_buffer<N>).

#include <string>
#include <string_view>
#include <system_error>

#include "../error.hpp"
#include "../http/writer.hpp"
#include "../sha1.hpp"
#include "accept_key.hpp"
#include "extensions.hpp"
#include "names.hpp"
#include "request.hpp"

namespace tether {

// What the application answers an acceptable request with.
struct accept_options {
  std::string_view subprotocol;     // one the client offered, or empty for none
  std::string_view extensions;      // the accepted extensions' response value, or empty
  http::header_span extra_headers;  // e.g. Set-Cookie
};

// The checks every accept makes, whatever the transport (HTTP/1.1 here,
// extended CONNECT in h2.hpp). offered(name): did the client offer it.
template <class Offered>
std::error_code check_accept_options(const accept_options& options, Offered&& offered) {
  if (!options.subprotocol.empty() && !offered(options.subprotocol)) return error::subprotocol_not_offered;
  if (const std::error_code ec = check_extension_value(options.extensions)) return ec;
  return http::check_headers(options.extra_headers);
}

// Writes the 101 response (§4.2.2 item 5). Hash: the SHA-1 policy.
template <class Hash = sha1, class Headers, class Buffer>
std::error_code write_accept_response(const basic_upgrade_request<Headers>& request, const accept_options& options,
                                      Buffer& out) {
  const std::error_code refused =
      check_accept_options(options, [&](std::string_view name) { return request.offers_subprotocol(name); });
  if (refused) return refused;
  const accept_key accept = make_accept_key_with<Hash>(request.key);
  // Everything was checked above, so the appends cannot refuse.
  http::append_status_line(out, 101);
  http::append_checked_header(out, field::upgrade.text, websocket_token);
  http::append_checked_header(out, field::connection.text, upgrade_token);
  http::append_checked_header(out, field::sec_websocket_accept.text, accept.view());
  if (!options.subprotocol.empty()) {
    http::append_checked_header(out, field::sec_websocket_protocol.text, options.subprotocol);
  }
  if (!options.extensions.empty()) {
    http::append_checked_header(out, field::sec_websocket_extensions.text, options.extensions);
  }
  http::append_checked_headers(out, options.extra_headers);
  http::append(out, "\r\n");
  return {};
}

// Writes a rejection: status line, Sec-WebSocket-Version for 426 (§4.2.2
// item 4), the extra headers, Content-Length, and the body.
template <class Buffer>
std::error_code write_reject_response(int status, Buffer& out, std::string_view body = {},
                                      http::header_span extra_headers = {}) {
  if (status < 200 || status > 599) return error::invalid_http_status;
  if (const std::error_code ec = http::check_headers(extra_headers)) return ec;
  http::append_status_line(out, status);
  if (status == 426) http::append_checked_header(out, field::sec_websocket_version.text, websocket_version);
  http::append_checked_headers(out, extra_headers);
  char scratch[20];
  http::append_checked_header(out, field::content_length.text, http::format_unsigned(body.size(), scratch));
  http::append_checked_header(out, field::connection.text, "close");
  http::append(out, "\r\n");
  http::append(out, body);
  return {};
}

// The rejection for a request that failed validation: the status that the
// error carries (400, 426, 431) and the rule as the body. Returns the status.
template <class Buffer>
int write_error_response(std::error_code ec, Buffer& out) {
  const int status = http_status_for(ec) != 0 ? http_status_for(ec) : 400;
  const std::string message = ec.message();
  static_cast<void>(write_reject_response(status, out, message));  // a 4xx with no extra headers always writes
  return status;
}

}  // namespace tether

#endif
