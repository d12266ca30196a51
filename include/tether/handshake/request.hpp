// tether — header-only, sans-IO WebSocket (RFC 6455). Boost Software License 1.0.
#ifndef TETHER_HANDSHAKE_REQUEST_HPP
#define TETHER_HANDSHAKE_REQUEST_HPP

// The client's upgrade request as a server sees it (RFC 6455 §4.2.1): the
// parsed head with views of what the handshake needs, and the checks of
// §4.2.1, rule by rule.

#include <string_view>
#include <system_error>

#include "../base64.hpp"
#include "../error.hpp"
#include "../http/head_parser.hpp"
#include "../http/headers.hpp"
#include "../http/syntax.hpp"
#include "names.hpp"
#include "offers.hpp"

namespace tether {

// A validated upgrade request: views into the head (valid while it lives).
template <class Headers>
struct basic_upgrade_request {
  http::basic_request_head<Headers> head;
  std::string_view host;
  std::string_view origin;  // empty when absent (non-browser clients, §4.2.1 item 7)
  std::string_view key;     // Sec-WebSocket-Key, 24 characters

  std::string_view target() const noexcept { return head.target; }
  const Headers& headers() const noexcept { return head.headers; }

  // Sec-WebSocket-Protocol offers, in the client's order of preference (§11.3.4).
  template <class F>
  void for_each_subprotocol(F&& f) const {
    tether::for_each_subprotocol(head.headers, field::sec_websocket_protocol.text, f);
  }
  bool offers_subprotocol(std::string_view name) const {
    return tether::offers_subprotocol(head.headers, field::sec_websocket_protocol.text, name);
  }
  // Sec-WebSocket-Extensions offers, each with its parameters (§9.1).
  template <class F>
  void for_each_extension(F&& f) const {
    tether::for_each_extension(head.headers, field::sec_websocket_extensions.text, f);
  }
};

namespace detail {

// One pass over the request's fields, noting what §4.2.1 asks about.
struct upgrade_fields {
  const http::header_field* host = nullptr;
  const http::header_field* origin = nullptr;
  const http::header_field* key = nullptr;
  const http::header_field* version = nullptr;
  unsigned host_count = 0, key_count = 0, version_count = 0;
  bool upgrade_websocket = false;
  bool connection_upgrade = false;
  bool has_body = false;
  bool protocols_ok = true;
  bool extensions_ok = true;

  // Keeps the first field of a name and counts them all (duplicates are errors).
  static void note(const http::header_field*& first, unsigned& count, const http::header_field& field) noexcept {
    if (first == nullptr) first = &field;
    ++count;
  }

  static bool is(std::string_view name, const field_name& wanted) noexcept {
    return http::token_equals_lowercase(name, wanted.lowercase);
  }

  template <class Headers>
  explicit upgrade_fields(const Headers& headers) {
    for (const http::header_field& f : headers) {
      const std::string_view name = f.name;
      // Dispatch on the length first: most fields are rejected by one compare.
      switch (name.size()) {
        case field::host.lowercase.size():
          if (is(name, field::host)) note(host, host_count, f);
          break;
        case field::origin.lowercase.size():
          if (is(name, field::origin) && origin == nullptr) origin = &f;
          break;
        case field::upgrade.lowercase.size():
          if (is(name, field::upgrade)) upgrade_websocket |= http::list_has_token(f.value, websocket_token);
          break;
        case field::connection.lowercase.size():
          if (is(name, field::connection)) connection_upgrade |= http::list_has_token(f.value, upgrade_token);
          break;
        case field::content_length.lowercase.size():
          // RFC 9110 §8.6: Content-Length: 0 announces no content; any other
          // value is a body that would be taken for frames.
          has_body |= is(name, field::content_length) && f.value != "0";
          break;
        case field::sec_websocket_key.lowercase.size():  // also Transfer-Encoding
          static_assert(field::sec_websocket_key.lowercase.size() == field::transfer_encoding.lowercase.size());
          if (is(name, field::sec_websocket_key)) {
            note(key, key_count, f);
          } else {
            has_body |= is(name, field::transfer_encoding);
          }
          break;
        case field::sec_websocket_version.lowercase.size():
          if (is(name, field::sec_websocket_version)) note(version, version_count, f);
          break;
        case field::sec_websocket_protocol.lowercase.size():
          if (is(name, field::sec_websocket_protocol)) protocols_ok = protocols_ok && is_subprotocol_list(f.value);
          break;
        case field::sec_websocket_extensions.lowercase.size():
          if (is(name, field::sec_websocket_extensions)) {
            extensions_ok = extensions_ok && parse_extensions(f.value, [](const extension_offer&) {});
          }
          break;
        default:
          break;
      }
    }
  }
};

}  // namespace detail

// Checks a parsed request against RFC 6455 §4.2.1, rule by rule, in the order
// the RFC lists them; fills `request`'s views.
template <class Headers>
std::error_code validate_upgrade_request(basic_upgrade_request<Headers>& request) {
  const auto& head = request.head;
  if (head.method != "GET") return error::method_not_get;  // methods are case-sensitive (RFC 9110 §9.1)
  if (head.version.major < 1 || (head.version.major == 1 && head.version.minor < 1)) {
    return error::http_version_too_old;
  }
  const detail::upgrade_fields fields(head.headers);
  if (fields.host == nullptr || fields.host->value.empty()) return error::missing_host;
  if (fields.host_count > 1) return error::duplicate_host;
  // An upgrade request has no content (RFC 9110 §9.3.1); a body here would be
  // taken for frames.
  if (fields.has_body) return error::request_has_body;
  if (!fields.upgrade_websocket) return error::missing_upgrade_websocket;
  if (!fields.connection_upgrade) return error::missing_connection_upgrade;
  if (fields.key == nullptr) return error::missing_sec_websocket_key;
  if (!base64::is_base64_of_16_bytes(fields.key->value) || fields.key_count != 1) return error::bad_sec_websocket_key;
  if (fields.version == nullptr) return error::missing_sec_websocket_version;
  if (fields.version->value != websocket_version || fields.version_count != 1) {
    return error::unsupported_sec_websocket_version;
  }
  if (!fields.protocols_ok) return error::bad_subprotocol_offer;
  if (!fields.extensions_ok) return error::bad_extension_offer;

  request.host = fields.host->value;
  request.origin = fields.origin != nullptr ? fields.origin->value : std::string_view{};
  request.key = fields.key->value;
  return {};
}

}  // namespace tether

#endif
