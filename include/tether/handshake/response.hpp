// tether — header-only, sans-IO WebSocket (RFC 6455). Boost Software License 1.0.
#ifndef TETHER_HANDSHAKE_RESPONSE_HPP
#define TETHER_HANDSHAKE_RESPONSE_HPP

// The server's answer as a client sees it: the parsed head with what was
// agreed, and the checks of RFC 6455 §4.1 ("the client MUST ...").

#include <string_view>
#include <system_error>

#include "../error.hpp"
#include "../http/head_parser.hpp"
#include "../http/headers.hpp"
#include "../http/syntax.hpp"
#include "../sha1.hpp"
#include "accept_key.hpp"
#include "names.hpp"
#include "offers.hpp"

namespace tether {

// What the server agreed to, as views into the response head.
template <class Headers>
struct basic_upgrade_response {
  http::basic_response_head<Headers> head;
  std::string_view subprotocol;  // empty when none was selected
  int status() const noexcept { return head.status; }
  const Headers& headers() const noexcept { return head.headers; }
  template <class F>
  void for_each_extension(F&& f) const {
    tether::for_each_extension(head.headers, field::sec_websocket_extensions.text, f);
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
  if (response.head.status != 101) return error::unexpected_status;  // item 1
  if (!http::headers_have_token(headers, field::upgrade.text, websocket_token)) {
    return error::missing_upgrade_websocket;  // item 2
  }
  if (!http::headers_have_token(headers, field::connection.text, upgrade_token)) {
    return error::missing_connection_upgrade;  // item 3
  }
  const http::header_field* accept = http::find_header(headers, field::sec_websocket_accept.text);
  if (accept == nullptr) return error::missing_sec_websocket_accept;
  if (http::count_headers(headers, field::sec_websocket_accept.text) != 1 ||
      make_accept_key_with<Hash>(key) != accept->value) {
    return error::bad_sec_websocket_accept;  // item 4
  }
  // Item 5: every extension in use must have been offered.
  if (const std::error_code ec =
          check_accepted_extensions(headers, field::sec_websocket_extensions.text, offered_extensions)) {
    return ec;
  }
  // Item 6: a selected subprotocol must be one that was offered, and only one.
  return check_selected_subprotocol(
      headers, field::sec_websocket_protocol.text,
      [&](std::string_view name) { return http::list_has_exact(offered_subprotocols, name); }, response.subprotocol);
}

}  // namespace tether

#endif
