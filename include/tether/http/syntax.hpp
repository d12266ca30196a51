// tether — header-only, sans-IO WebSocket (RFC 6455). Boost Software License 1.0.
#ifndef TETHER_HTTP_SYNTAX_HPP
#define TETHER_HTTP_SYNTAX_HPP

// The character classes of HTTP (RFC 9110 §5.6.2, §5.5) as one table, and the
// small helpers every header check uses: case-insensitive comparison, OWS
// trimming and comma-separated lists (RFC 9110 §5.6.1).

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <string_view>

namespace tether::http {

namespace detail {

enum char_class : std::uint8_t {
  tchar = 1 << 0,          // token characters (RFC 9110 §5.6.2)
  field_vchar = 1 << 1,    // VCHAR / obs-text (RFC 9110 §5.5)
  whitespace = 1 << 2,     // SP / HTAB
  target_char = 1 << 3,    // what a request-target may contain (visible ASCII)
  field_content = 1 << 4,  // field_vchar or whitespace: any byte of a field value
};

struct char_table {
  std::uint8_t bits[256];
  char lowered[256];
  constexpr char_table() : bits{}, lowered{} {
    constexpr std::string_view token_specials = "!#$%&'*+-.^_`|~";
    for (int c = 0; c < 256; ++c) {
      std::uint8_t b = 0;
      const bool alnum = (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
      if (alnum || token_specials.find(static_cast<char>(c)) != std::string_view::npos) b |= tchar;
      if ((c >= 0x21 && c <= 0x7E) || c >= 0x80) b |= field_vchar;
      if (c >= 0x21 && c <= 0x7E) b |= target_char;
      if (c == ' ' || c == '\t') b |= whitespace;
      if (b & (field_vchar | whitespace)) b |= field_content;
      bits[c] = b;
      lowered[c] = static_cast<char>((c >= 'A' && c <= 'Z') ? c + ('a' - 'A') : c);
    }
  }
};
inline constexpr char_table chars{};

constexpr bool has(char c, char_class cls) noexcept { return (chars.bits[static_cast<unsigned char>(c)] & cls) != 0; }

constexpr char lower(char c) noexcept { return chars.lowered[static_cast<unsigned char>(c)]; }

}  // namespace detail

// A token character (RFC 9110 §5.6.2).
constexpr bool is_tchar(char c) noexcept { return detail::has(c, detail::tchar); }

constexpr bool is_token(std::string_view text) noexcept {
  if (text.empty()) return false;
  for (char c : text) {
    if (!is_tchar(c)) return false;
  }
  return true;
}

// A field value may hold VCHAR, obs-text, and SP/HTAB between them (RFC 9110 §5.5).
constexpr bool is_field_value(std::string_view text) noexcept {
  for (char c : text) {
    if (!detail::has(c, detail::field_content)) return false;
  }
  return text.empty() ||
         (!detail::has(text.front(), detail::whitespace) && !detail::has(text.back(), detail::whitespace));
}

// ASCII case-insensitive equality (header names and tokens, RFC 9110 §5.1).
constexpr bool iequals(std::string_view a, std::string_view b) noexcept {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i) {
    if (detail::lower(a[i]) != detail::lower(b[i])) return false;
  }
  return true;
}

// The same against a literal that is already lowercase (half the table lookups).
constexpr bool iequals_lowercase(std::string_view text, std::string_view lowercase) noexcept {
  if (text.size() != lowercase.size()) return false;
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (detail::lower(text[i]) != lowercase[i]) return false;
  }
  return true;
}

// Case-insensitive equality of a token (a header name the parser accepted)
// with a literal of lowercase letters, digits and '-', eight bytes a step:
// OR-ing 0x20 lowercases letters and leaves digits and '-' alone; the only
// other bytes it could map onto those are control characters, which a token
// never holds.
inline bool token_equals_lowercase(std::string_view token, std::string_view literal) noexcept {
  const std::size_t n = literal.size();
  if (token.size() != n) return false;
  if (n < 8) return iequals_lowercase(token, literal);
  constexpr std::uint64_t lower_bits = 0x2020202020202020ull;
  auto differs = [&](std::size_t at) {
    std::uint64_t a, b;
    std::memcpy(&a, token.data() + at, 8);
    std::memcpy(&b, literal.data() + at, 8);
    return ((a | lower_bits) ^ b) != 0;
  };
  for (std::size_t at = 0; at + 8 < n; at += 8) {
    if (differs(at)) return false;
  }
  return !differs(n - 8);  // the last eight bytes (overlapping the previous step)
}

constexpr std::string_view trim_ows(std::string_view text) noexcept {
  while (!text.empty() && detail::has(text.front(), detail::whitespace)) text.remove_prefix(1);
  while (!text.empty() && detail::has(text.back(), detail::whitespace)) text.remove_suffix(1);
  return text;
}

// Calls f(element) for each non-empty element of a comma-separated list,
// OWS trimmed (RFC 9110 §5.6.1: empty elements are ignored). Stops early when
// f returns false; returns false then.
template <class F>
constexpr bool for_each_list_element(std::string_view list, F&& f) {
  while (true) {
    const std::size_t comma = list.find(',');
    const std::string_view element = trim_ows(list.substr(0, comma));
    if (!element.empty() && !f(element)) return false;
    if (comma == std::string_view::npos) return true;
    list.remove_prefix(comma + 1);
  }
}

// True when the comma-separated list holds `name` exactly (case-sensitive:
// subprotocol names, RFC 6455 §4.1 item 6).
constexpr bool list_has_exact(std::string_view list, std::string_view name) {
  bool found = false;
  for_each_list_element(list, [&](std::string_view element) {
    found = element == name;
    return !found;
  });
  return found;
}

// True when the comma-separated list holds `token` (case-insensitive).
constexpr bool list_has_token(std::string_view list, std::string_view token) {
  if (iequals(list, token)) return true;  // the usual single-element value
  bool found = false;
  for_each_list_element(list, [&](std::string_view element) {
    found = iequals(element, token);
    return !found;
  });
  return found;
}

}  // namespace tether::http

#endif
