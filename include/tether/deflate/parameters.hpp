// tether — header-only, sans-IO WebSocket (RFC 6455). Boost Software License 1.0.
#ifndef TETHER_DEFLATE_PARAMETERS_HPP
#define TETHER_DEFLATE_PARAMETERS_HPP

// The four parameters of one permessage-deflate element (RFC 7692 §7.1), read
// from an extension element already checked against the grammar of RFC 6455
// §9.1 (tether::parse_extensions). One element is either an offer (request)
// or a response; the rules differ only for client_max_window_bits, which may
// come without a value in an offer only (§7.1.2.2). No zlib.

#include <string_view>

#include "../error.hpp"
#include "../handshake/extensions.hpp"
#include "../http/syntax.hpp"
#include "window_bits.hpp"

namespace tether {

inline constexpr std::string_view permessage_deflate_name = "permessage-deflate";

enum class deflate_element { offer, response };

struct deflate_parameters {
  bool server_no_context_takeover = false;
  bool client_no_context_takeover = false;
  int server_max_window_bits = 0;           // 0: absent
  bool has_client_max_window_bits = false;  // present, with or without a value
  int client_max_window_bits = 0;           // 0: absent, or present without a value (offers only)
};

inline bool is_permessage_deflate(const extension_offer& element) noexcept {
  return http::iequals(element.name, permessage_deflate_name);
}

namespace detail {

// RFC 7692 §7.1.2.1-2: "1*DIGIT", "a decimal integer value without leading
// zeroes between 8 to 15"; RFC 6455 §9.1 also allows it as a quoted-string
// (param.value is then the text between the quotes, escapes still in).
inline error parse_window_bits(const extension_param& param, int& bits) noexcept {
  std::size_t digits = 0;
  int value = 0;
  bool leading_zero = false;
  for (std::size_t i = 0; i < param.value.size(); ++i) {
    char c = param.value[i];
    if (param.escaped && c == '\\' && i + 1 < param.value.size()) c = param.value[++i];  // quoted-pair
    if (c < '0' || c > '9') return error::bad_deflate_parameter_value;
    if (digits == 0) leading_zero = c == '0';
    if (value < 100) value = value * 10 + (c - '0');  // saturates: any 3-digit value is out of range
    ++digits;
  }
  if (digits == 0 || (leading_zero && digits > 1)) return error::bad_deflate_parameter_value;
  if (!is_valid_deflate_window_bits(value)) return error::deflate_window_bits_out_of_range;
  bits = value;
  return error{};
}

}  // namespace detail

// Reads the parameters of one permessage-deflate element into out. Returns
// error{} or the first rule broken, in the order the parameters appear:
// unknown_deflate_parameter, duplicate_deflate_parameter,
// bad_deflate_parameter_value, deflate_window_bits_out_of_range. Parameter
// names compare case-insensitively (RFC 9110 §5.6.6).
inline error parse_deflate_parameters(const extension_offer& element, deflate_element kind,
                                      deflate_parameters& out) noexcept {
  out = {};
  error failure{};
  bool seen_server_window = false;
  element.for_each_param([&](const extension_param& param) {
    if (failure != error{}) return;
    const auto flag = [&](bool& value) {
      if (value) {
        failure = error::duplicate_deflate_parameter;
      } else if (param.has_value) {
        failure = error::bad_deflate_parameter_value;  // §7.1.1: these have no value
      } else {
        value = true;
      }
    };
    if (http::iequals(param.name, "server_no_context_takeover")) {
      flag(out.server_no_context_takeover);
    } else if (http::iequals(param.name, "client_no_context_takeover")) {
      flag(out.client_no_context_takeover);
    } else if (http::iequals(param.name, "server_max_window_bits")) {
      if (seen_server_window) {
        failure = error::duplicate_deflate_parameter;
      } else {
        seen_server_window = true;
        // §7.1.2.1: a value is required in offers and responses alike.
        failure = param.has_value ? detail::parse_window_bits(param, out.server_max_window_bits)
                                  : error::bad_deflate_parameter_value;
      }
    } else if (http::iequals(param.name, "client_max_window_bits")) {
      if (out.has_client_max_window_bits) {
        failure = error::duplicate_deflate_parameter;
      } else {
        out.has_client_max_window_bits = true;
        // §7.1.2.2: "no value" is allowed in an offer only.
        if (param.has_value) {
          failure = detail::parse_window_bits(param, out.client_max_window_bits);
        } else if (kind == deflate_element::response) {
          failure = error::bad_deflate_parameter_value;
        }
      }
    } else {
      failure = error::unknown_deflate_parameter;  // §7: "not defined for use in an offer/response"
    }
  });
  return failure;
}

}  // namespace tether

#endif
