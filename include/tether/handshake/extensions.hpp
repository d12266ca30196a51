// tether — header-only, sans-IO WebSocket (RFC 6455). Boost Software License 1.0.
#ifndef TETHER_HANDSHAKE_EXTENSIONS_HPP
#define TETHER_HANDSHAKE_EXTENSIONS_HPP

// The Sec-WebSocket-Extensions grammar of RFC 6455 §9.1:
//   extension-list = 1#extension
//   extension      = extension-token *( ";" extension-param )
//   extension-param = token [ "=" (token | quoted-string) ]
// with OWS around the separators (RFC 9110 §5.6). A quoted value must be a
// token once unescaped; param.value is the text between the quotes.

#include <cstddef>
#include <string_view>
#include <system_error>

#include "../error.hpp"

#include "../http/syntax.hpp"

namespace tether {

struct extension_param {
  std::string_view name;
  std::string_view value;  // empty when the parameter has no value
  bool has_value = false;
  bool escaped = false;  // the quoted value held backslash escapes (value is raw)
};

class extension_offer {
 public:
  std::string_view name;
  std::string_view params;  // the text after the name: "; a=1; b"

  // Calls f(extension_param) for each parameter; the text was validated before.
  template <class F>
  void for_each_param(F&& f) const {
    std::string_view rest = params;
    extension_param param;
    while (next_param(rest, param)) f(param);
  }

  // Parses one parameter off the front of rest ("; name[=value]"); false at the
  // end or on a syntax error (bad is set then).
  static bool next_param(std::string_view& rest, extension_param& param, bool* bad = nullptr) noexcept {
    rest = http::trim_ows(rest);
    if (rest.empty()) return false;
    auto fail = [&] {
      if (bad != nullptr) *bad = true;
      return false;
    };
    if (rest.front() != ';') return fail();
    rest = http::trim_ows(rest.substr(1));
    std::size_t i = 0;
    while (i < rest.size() && http::is_tchar(rest[i])) ++i;
    if (i == 0) return fail();
    param = {rest.substr(0, i), {}, false, false};
    rest = http::trim_ows(rest.substr(i));
    if (rest.empty() || rest.front() != '=') return true;
    rest = http::trim_ows(rest.substr(1));
    param.has_value = true;
    if (!rest.empty() && rest.front() == '"') {
      // quoted-string = DQUOTE *( qdtext / quoted-pair ) DQUOTE; the unescaped
      // content must be a token (§9.1), so only tchar and escapes are allowed.
      std::size_t j = 1;
      std::size_t unescaped = 0;
      while (j < rest.size() && rest[j] != '"') {
        if (rest[j] == '\\') {
          param.escaped = true;
          ++j;
          if (j == rest.size()) return fail();
        }
        if (!http::is_tchar(rest[j])) return fail();
        ++j, ++unescaped;
      }
      if (j == rest.size() || unescaped == 0) return fail();
      param.value = rest.substr(1, j - 1);
      rest = rest.substr(j + 1);
    } else {
      std::size_t j = 0;
      while (j < rest.size() && http::is_tchar(rest[j])) ++j;
      if (j == 0) return fail();
      param.value = rest.substr(0, j);
      rest = rest.substr(j);
    }
    return true;
  }
};

// Parses a Sec-WebSocket-Extensions value and calls f(extension_offer) for each
// extension. Returns false (after calling f for the ones before) when the
// value breaks the grammar.
template <class F>
bool parse_extensions(std::string_view value, F&& f) {
  // Commas inside quoted strings cannot occur (quoted values are tokens), so
  // splitting on commas first is exact.
  return http::for_each_list_element(value, [&](std::string_view element) {
    std::size_t i = 0;
    while (i < element.size() && http::is_tchar(element[i])) ++i;
    if (i == 0) return false;
    const extension_offer offer{element.substr(0, i), element.substr(i)};
    std::string_view rest = offer.params;
    extension_param param;
    bool bad = false;
    while (extension_offer::next_param(rest, param, &bad)) {
    }
    if (bad) return false;
    f(offer);
    return true;
  });
}

// An extension list the application wants to send (an offer or an answer):
// §9.1 grammar, and a field value as written (no surrounding whitespace, no
// control bytes), so what was checked is exactly what goes out.
inline std::error_code check_extension_value(std::string_view value) {
  if (value.empty()) return {};
  if (!http::is_field_value(value) || !parse_extensions(value, [](const extension_offer&) {})) {
    return error::bad_extension_value;
  }
  return {};
}

}  // namespace tether

#endif
