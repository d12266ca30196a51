// tether — header-only, sans-IO WebSocket (RFC 6455). Boost Software License 1.0.
#ifndef TETHER_HANDSHAKE_URI_HPP
#define TETHER_HANDSHAKE_URI_HPP

// WebSocket URIs, RFC 6455 §3:
//   ws-URI  = "ws:" "//" host [ ":" port ] path [ "?" query ]
//   wss-URI = "wss:" "//" host [ ":" port ] path [ "?" query ]
// The scheme and host are case-insensitive; the port defaults to 80 / 443;
// fragments are not allowed. Host may be an IPv6 literal in brackets
// (RFC 3986 §3.2.2); userinfo is not accepted (it would be sent nowhere).

#include <cstdint>
#include <string_view>
#include <system_error>

#include "../error.hpp"
#include "../http/syntax.hpp"

namespace tether {

struct websocket_uri {
  bool secure = false;    // wss
  std::string_view host;  // without brackets for IPv6 literals
  bool ipv6_literal = false;
  std::uint16_t port = 80;
  bool explicit_port = false;  // the URI named a port (even the default one)
  std::string_view resource;   // path and query as written; may be empty or start with '?'
  // RFC 6455 §3: an empty path is sent as "/" (write_client_request does that).
  bool resource_needs_slash() const noexcept { return resource.empty() || resource.front() == '?'; }
  bool default_port() const noexcept { return port == (secure ? 443 : 80); }
};

// The characters of a host: an IPv6 literal's hex digits, ':' and '.'; or a
// reg-name's unreserved, sub-delims and pct-encoded (RFC 3986 §3.2.2).
constexpr bool is_uri_host_char(char c, bool ipv6_literal) noexcept {
  if (ipv6_literal) {
    return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F') || c == ':' || c == '.';
  }
  return http::is_tchar(c) || c == '%' || c == '(' || c == ')' || c == ',' || c == ';' || c == '=';
}

// Path and query: visible ASCII only, never '#' (RFC 6455 §3: no fragment).
constexpr bool is_uri_resource_char(char c) noexcept {
  return static_cast<unsigned char>(c) > 0x20 && static_cast<unsigned char>(c) < 0x7F && c != '#';
}

inline std::error_code parse_websocket_uri(std::string_view text, websocket_uri& uri) noexcept {
  uri = {};
  const std::size_t scheme_end = text.find("://");
  if (scheme_end == std::string_view::npos) return error::bad_uri;
  const std::string_view scheme = text.substr(0, scheme_end);
  if (http::iequals(scheme, "ws")) {
    uri.secure = false;
  } else if (http::iequals(scheme, "wss")) {
    uri.secure = true;
  } else {
    return error::bad_uri_scheme;
  }
  uri.port = uri.secure ? 443 : 80;
  std::string_view rest = text.substr(scheme_end + 3);
  if (rest.find('#') != std::string_view::npos) return error::uri_has_fragment;
  for (char c : rest) {
    // Only visible ASCII; no spaces or controls anywhere (RFC 3986 §2).
    if (static_cast<unsigned char>(c) <= 0x20 || static_cast<unsigned char>(c) >= 0x7F) return error::bad_uri;
  }
  const std::size_t authority_end = rest.find_first_of("/?");
  std::string_view authority = rest.substr(0, authority_end);
  const std::string_view resource =
      authority_end == std::string_view::npos ? std::string_view{} : rest.substr(authority_end);
  if (authority.find('@') != std::string_view::npos) return error::bad_uri_host;
  std::string_view port_text;
  if (!authority.empty() && authority.front() == '[') {
    const std::size_t close = authority.find(']');
    if (close == std::string_view::npos || close == 1) return error::bad_uri_host;
    uri.host = authority.substr(1, close - 1);
    uri.ipv6_literal = true;
    for (char c : uri.host) {
      if (!is_uri_host_char(c, true)) return error::bad_uri_host;
    }
    const std::string_view after = authority.substr(close + 1);
    if (!after.empty()) {
      if (after.front() != ':') return error::bad_uri_host;
      port_text = after.substr(1);
      uri.explicit_port = true;
    }
  } else {
    const std::size_t colon = authority.find(':');
    uri.host = authority.substr(0, colon);
    if (colon != std::string_view::npos) {
      port_text = authority.substr(colon + 1);
      uri.explicit_port = true;
    }
    if (uri.host.empty()) return error::bad_uri_host;
    for (char c : uri.host) {
      if (!is_uri_host_char(c, false)) return error::bad_uri_host;
    }
  }
  if (uri.explicit_port) {
    if (port_text.empty() || port_text.size() > 5) return error::bad_uri_port;
    std::uint32_t port = 0;
    for (char c : port_text) {
      if (c < '0' || c > '9') return error::bad_uri_port;
      port = port * 10 + static_cast<std::uint32_t>(c - '0');
    }
    if (port > 65535) return error::bad_uri_port;
    uri.port = static_cast<std::uint16_t>(port);
  }
  uri.resource = resource;
  return {};
}

}  // namespace tether

#endif
