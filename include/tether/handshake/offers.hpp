// tether — header-only, sans-IO WebSocket (RFC 6455). Boost Software License 1.0.
#ifndef TETHER_HANDSHAKE_OFFERS_HPP
#define TETHER_HANDSHAKE_OFFERS_HPP

// What a client offers in its handshake, read from any header list (an
// HTTP/1.1 head or an HTTP/2 header block), once for every user of it:
//  - subprotocols: a list of tokens (§4.1 item 10, §11.3.4), in order of
//    preference, compared case-sensitively;
//  - extensions: the §9.1 grammar (extensions.hpp).
// A list may be split over several fields of the same name (RFC 9110 §5.3).

#include <string_view>
#include <system_error>

#include "../error.hpp"
#include "../http/headers.hpp"
#include "../http/syntax.hpp"
#include "extensions.hpp"

namespace tether {

// A Sec-WebSocket-Protocol value: tokens separated by commas.
constexpr bool is_subprotocol_list(std::string_view value) {
  return http::for_each_list_element(value, [](std::string_view name) { return http::is_token(name); });
}

// Calls f(name) for every offered subprotocol, in order.
template <class Headers, class F>
void for_each_subprotocol(const Headers& headers, std::string_view header_name, F&& f) {
  http::for_each_header_element(headers, header_name, [&](std::string_view name) {
    f(name);
    return true;
  });
}

template <class Headers>
bool offers_subprotocol(const Headers& headers, std::string_view header_name, std::string_view name) {
  bool found = false;
  http::for_each_header_element(headers, header_name, [&](std::string_view offered) {
    found = offered == name;
    return !found;
  });
  return found;
}

// Calls f(extension_offer) for every extension of every field named
// header_name; false when a field breaks the grammar (f saw the ones before).
template <class Headers, class F>
bool for_each_extension(const Headers& headers, std::string_view header_name, F&& f) {
  for (const http::header_field& field : headers) {
    if (http::iequals(field.name, header_name) && !parse_extensions(field.value, f)) return false;
  }
  return true;
}

// Offered subprotocols must be tokens and offered extensions must follow §9.1.
template <class Headers>
std::error_code check_offers(const Headers& headers, std::string_view protocol_header,
                             std::string_view extension_header) {
  bool protocols_ok = true;
  for (const http::header_field& field : headers) {
    if (http::iequals(field.name, protocol_header)) protocols_ok = protocols_ok && is_subprotocol_list(field.value);
  }
  if (!protocols_ok) return error::bad_subprotocol_offer;
  if (!for_each_extension(headers, extension_header, [](const extension_offer&) {})) {
    return error::bad_extension_offer;
  }
  return {};
}

// RFC 6455 §4.1 item 5 (client side): every extension the server accepted
// must be one the client offered (`offered`: the value sent), and the answer
// must follow §9.1.
template <class Headers>
std::error_code check_accepted_extensions(const Headers& headers, std::string_view header_name,
                                          std::string_view offered) {
  bool all_offered = true;
  const bool grammar_ok = for_each_extension(headers, header_name, [&](const extension_offer& accepted) {
    bool was_offered = false;
    parse_extensions(offered, [&](const extension_offer& offer) {
      was_offered = was_offered || http::iequals(offer.name, accepted.name);
    });
    all_offered = all_offered && was_offered;
  });
  if (!grammar_ok) return error::bad_extension_response;
  return all_offered ? std::error_code{} : std::error_code{error::unrequested_extension};
}

}  // namespace tether

#endif
