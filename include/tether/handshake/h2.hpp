// tether — header-only, sans-IO WebSocket (RFC 6455). Boost Software License 1.0.
#ifndef TETHER_HANDSHAKE_H2_HPP
#define TETHER_HANDSHAKE_H2_HPP

// Bootstrapping WebSockets over HTTP/2 (RFC 8441) and HTTP/3 (RFC 9220): an
// extended CONNECT on one stream instead of an Upgrade GET. There is no
// Sec-WebSocket-Key/Accept (RFC 8441 §5); a 2xx answer opens the WebSocket and
// the stream's DATA carries the frames. tether writes no HTTP/2 framing: the
// functions here work on the header list that nghttp2, an HTTP/3 stack or any
// other one decodes and encodes. Headers are a range of http::header_field
// (pseudo-headers first, lowercase names, RFC 9113 §8.2-8.3).

#include <cstddef>
#include <string_view>
#include <system_error>

#include "../error.hpp"
#include "../http/headers.hpp"
#include "../http/syntax.hpp"
#include "extensions.hpp"
#include "names.hpp"
#include "offers.hpp"
#include "request_writer.hpp"
#include "response.hpp"
#include "response_writer.hpp"

namespace tether {

template <class Headers>
struct basic_connect_request {
  const Headers* fields = nullptr;
  std::string_view scheme, authority, path, origin;

  template <class F>
  void for_each_subprotocol(F&& f) const {
    tether::for_each_subprotocol(*fields, field::sec_websocket_protocol.lowercase, f);
  }
  bool offers_subprotocol(std::string_view name) const {
    return tether::offers_subprotocol(*fields, field::sec_websocket_protocol.lowercase, name);
  }
  template <class F>
  void for_each_extension(F&& f) const {
    tether::for_each_extension(*fields, field::sec_websocket_extensions.lowercase, f);
  }
};

// Server: checks an extended CONNECT (RFC 8441 §4, §5; RFC 9220 §3).
template <class Headers>
std::error_code validate_extended_connect(const Headers& fields, basic_connect_request<Headers>& request) {
  request = {};
  request.fields = &fields;
  std::string_view method, protocol;
  bool regular_seen = false;
  for (const http::header_field& field : fields) {
    for (char c : field.name) {
      if (c >= 'A' && c <= 'Z') return error::bad_pseudo_header;  // RFC 9113 §8.2.1: lowercase only
    }
    if (field.name.empty() || field.name.front() != ':') {
      regular_seen = true;
      continue;
    }
    if (regular_seen) return error::bad_pseudo_header;  // RFC 9113 §8.3: pseudo-headers come first
    std::string_view* slot = field.name == ":method"      ? &method
                             : field.name == ":protocol"  ? &protocol
                             : field.name == ":scheme"    ? &request.scheme
                             : field.name == ":authority" ? &request.authority
                             : field.name == ":path"      ? &request.path
                                                          : nullptr;
    if (slot == nullptr || !slot->empty() || field.value.empty()) return error::bad_pseudo_header;
    *slot = field.value;
  }
  if (method != "CONNECT" || protocol != websocket_token) return error::not_extended_connect;
  // RFC 8441 §4: an extended CONNECT carries :scheme and :path as well.
  if (request.scheme.empty() || request.path.empty() || request.authority.empty()) return error::bad_pseudo_header;
  const http::header_field* version_field = http::find_header(fields, field::sec_websocket_version.lowercase);
  if (version_field == nullptr) return error::missing_sec_websocket_version;
  if (version_field->value != websocket_version) return error::unsupported_sec_websocket_version;
  if (const std::error_code ec =
          check_offers(fields, field::sec_websocket_protocol.lowercase, field::sec_websocket_extensions.lowercase)) {
    return ec;
  }
  const http::header_field* origin = http::find_header(fields, field::origin.lowercase);
  request.origin = origin != nullptr ? origin->value : std::string_view{};
  return {};
}

// Server: the 200 answer as header fields, into any sink with add(name, value).
template <class Headers, class Sink>
std::error_code write_extended_connect_response(const basic_connect_request<Headers>& request,
                                                const accept_options& options, Sink& out) {
  const std::error_code refused =
      check_accept_options(options, [&](std::string_view name) { return request.offers_subprotocol(name); });
  if (refused) return refused;
  out.add(":status", "200");
  if (!options.subprotocol.empty()) out.add(field::sec_websocket_protocol.lowercase, options.subprotocol);
  if (!options.extensions.empty()) out.add(field::sec_websocket_extensions.lowercase, options.extensions);
  for (const auto& field : options.extra_headers) out.add(field.name, field.value);
  return {};
}

// Client: the extended CONNECT request as header fields.
template <class Sink>
std::error_code write_extended_connect_request(const websocket_uri& uri, std::string_view authority,
                                               const client_request_options& options, Sink& out) {
  if (const std::error_code ec = check_request_options(options)) return ec;
  // :path must start with "/" (RFC 9113 §8.3.1); "ws://host?q" would need a
  // "/" in front of "?q", which a view into the URI cannot hold.
  if (!uri.resource.empty() && uri.resource.front() == '?') return error::bad_uri;
  out.add(":method", "CONNECT");
  out.add(":protocol", websocket_token);
  out.add(":scheme", uri.secure ? "https" : "http");  // RFC 8441 §5: ws maps to http, wss to https
  out.add(":path", uri.resource.empty() ? std::string_view("/") : uri.resource);
  out.add(":authority", authority);
  out.add(field::sec_websocket_version.lowercase, websocket_version);
  if (!options.origin.empty()) out.add(field::origin.lowercase, options.origin);
  for (std::string_view protocol : options.subprotocols) out.add(field::sec_websocket_protocol.lowercase, protocol);
  if (!options.extensions.empty()) out.add(field::sec_websocket_extensions.lowercase, options.extensions);
  for (const auto& field : options.extra_headers) out.add(field.name, field.value);
  return {};
}

// Client: checks the answer (any 2xx opens the WebSocket, RFC 8441 §5).
template <class Headers>
std::error_code validate_extended_connect_response(const Headers& fields, name_list offered_subprotocols,
                                                   std::string_view offered_extensions,
                                                   std::string_view* selected_subprotocol = nullptr) {
  const http::header_field* status = http::find_header(fields, ":status");
  if (status == nullptr || status->value.size() != 3) return error::bad_pseudo_header;
  if (status->value[0] != '2') return error::unexpected_status;
  std::string_view selected;
  if (const std::error_code ec = check_selected_subprotocol(
          fields, field::sec_websocket_protocol.lowercase,
          [&](std::string_view name) { return offered_subprotocols.contains(name); }, selected)) {
    return ec;
  }
  if (selected_subprotocol != nullptr) *selected_subprotocol = selected;
  return check_accepted_extensions(fields, field::sec_websocket_extensions.lowercase, offered_extensions);
}

}  // namespace tether

#endif
