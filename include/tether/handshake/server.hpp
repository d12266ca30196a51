// tether — header-only, sans-IO WebSocket (RFC 6455). Boost Software License 1.0.
#ifndef TETHER_HANDSHAKE_SERVER_HPP
#define TETHER_HANDSHAKE_SERVER_HPP

// The server side of the opening handshake, RFC 6455 §4.2: read the client's
// upgrade request, check it rule by rule (§4.2.1), let the application decide
// (route on the target, check Origin, pick a subprotocol, accept extensions,
// or reject with any status), then write the 101 answer (§4.2.2).
//
//   tether::server_handshake<> handshake;
//   auto result = handshake.feed(bytes, size);            // any split
//   if (result.status == tether::handshake_status::complete) {
//     const auto& request = handshake.request();          // target, origin, offers
//     std::string response;
//     handshake.write_accept(response, {"chat"});          // or write_reject(...)
//     /* write response; bytes after result.head_size are frames */
//   }

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
    http::for_each_header_element(head.headers, "Sec-WebSocket-Protocol", [&](std::string_view p) {
      f(p);
      return true;
    });
  }
  bool offers_subprotocol(std::string_view name) const {
    // Subprotocol names are compared case-sensitively (§4.1 item 6 of the client rules).
    bool found = false;
    http::for_each_header_element(head.headers, "Sec-WebSocket-Protocol", [&](std::string_view p) {
      found = p == name;
      return !found;
    });
    return found;
  }
  // Sec-WebSocket-Extensions offers, each with its parameters (§9.1).
  template <class F>
  void for_each_extension(F&& f) const {
    for (const auto& field : head.headers) {
      if (http::iequals(field.name, "Sec-WebSocket-Extensions")) parse_extensions(field.value, f);
    }
  }
};

// Offered subprotocols must be tokens (§4.1 item 10, §11.3.4) and offered
// extensions must follow §9.1. Header names differ between HTTP/1.1 and HTTP/2.
template <class Headers>
std::error_code check_offers(const Headers& headers, std::string_view protocol_header,
                             std::string_view extension_header) {
  bool protocols_ok = true;
  http::for_each_header_element(headers, protocol_header, [&](std::string_view p) {
    protocols_ok = http::is_token(p);
    return protocols_ok;
  });
  if (!protocols_ok) return error::bad_subprotocol_offer;
  if (!extensions_are_valid(headers, extension_header)) return error::bad_extension_offer;
  return {};
}

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

  template <class Headers>
  explicit upgrade_fields(const Headers& headers) {
    for (const http::header_field& field : headers) {
      const std::string_view name = field.name;
      // Dispatch on the length first: most fields are rejected by one compare.
      switch (name.size()) {
        case 4:
          if (http::token_equals_lowercase(name, "host")) note(host, host_count, field);
          break;
        case 6:
          if (http::token_equals_lowercase(name, "origin") && origin == nullptr) origin = &field;
          break;
        case 7:
          if (http::token_equals_lowercase(name, "upgrade"))
            upgrade_websocket |= http::list_has_token(field.value, "websocket");
          break;
        case 10:
          if (http::token_equals_lowercase(name, "connection"))
            connection_upgrade |= http::list_has_token(field.value, "Upgrade");
          break;
        case 14:
          // RFC 9110 §8.6: Content-Length: 0 announces no content; any other
          // value is a body that would be taken for frames.
          has_body |= http::token_equals_lowercase(name, "content-length") && field.value != "0";
          break;
        case 17:
          if (http::token_equals_lowercase(name, "sec-websocket-key")) {
            note(key, key_count, field);
          } else {
            has_body |= http::token_equals_lowercase(name, "transfer-encoding");
          }
          break;
        case 21:
          if (http::token_equals_lowercase(name, "sec-websocket-version")) note(version, version_count, field);
          break;
        case 22:
          if (http::token_equals_lowercase(name, "sec-websocket-protocol")) {
            protocols_ok = protocols_ok && http::for_each_list_element(
                                               field.value, [](std::string_view p) { return http::is_token(p); });
          }
          break;
        case 24:
          if (http::token_equals_lowercase(name, "sec-websocket-extensions")) {
            extensions_ok = extensions_ok && parse_extensions(field.value, [](const extension_offer&) {});
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
  if (fields.version->value != "13" || fields.version_count != 1) return error::unsupported_sec_websocket_version;
  if (!fields.protocols_ok) return error::bad_subprotocol_offer;
  if (!fields.extensions_ok) return error::bad_extension_offer;

  request.host = fields.host->value;
  request.origin = fields.origin != nullptr ? fields.origin->value : std::string_view{};
  request.key = fields.key->value;
  return {};
}

// What the application answers an acceptable request with.
struct accept_options {
  std::string_view subprotocol;     // one the client offered, or empty for none
  std::string_view extensions;      // the accepted extensions' response value, or empty
  http::header_span extra_headers;  // e.g. Set-Cookie
};

// Writes the 101 response (§4.2.2 item 5). Hash: the SHA-1 policy.
template <class Hash = sha1, class Headers, class Buffer>
std::error_code write_accept_response(const basic_upgrade_request<Headers>& request, const accept_options& options,
                                      Buffer& out) {
  if (!options.subprotocol.empty() && !request.offers_subprotocol(options.subprotocol)) {
    return error::subprotocol_not_offered;
  }
  if (const std::error_code ec = check_extension_value(options.extensions)) return ec;
  // Check everything before writing anything, so a refused call leaves out as it was.
  if (const std::error_code ec = http::check_headers(options.extra_headers)) return ec;
  const accept_key accept = make_accept_key_with<Hash>(request.key);
  http::append_status_line(out, 101);
  http::append(out, "Upgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Accept: ");
  http::append(out, accept.view());
  http::append(out, "\r\n");
  // Every value was checked above, so these appends cannot refuse.
  if (!options.subprotocol.empty()) http::append_checked_header(out, "Sec-WebSocket-Protocol", options.subprotocol);
  if (!options.extensions.empty()) http::append_checked_header(out, "Sec-WebSocket-Extensions", options.extensions);
  for (const http::header_field& field : options.extra_headers)
    http::append_checked_header(out, field.name, field.value);
  http::append(out, "\r\n");
  return {};
}

// Writes a rejection: status line, Sec-WebSocket-Version: 13 for 426 (§4.2.2
// item 4), the extra headers, Content-Length, and the body.
template <class Buffer>
std::error_code write_reject_response(int status, Buffer& out, std::string_view body = {},
                                      http::header_span extra_headers = {}) {
  if (status < 200 || status > 599) return error::invalid_http_status;
  if (const std::error_code ec = http::check_headers(extra_headers)) return ec;
  http::append_status_line(out, status);
  if (status == 426) http::append(out, "Sec-WebSocket-Version: 13\r\n");
  for (const http::header_field& field : extra_headers) http::append_checked_header(out, field.name, field.value);
  char scratch[20];
  http::append(out, "Content-Length: ");
  http::append(out, http::format_unsigned(body.size(), scratch));
  http::append(out, "\r\nConnection: close\r\n\r\n");
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
