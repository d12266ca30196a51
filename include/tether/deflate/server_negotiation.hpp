// tether — header-only, sans-IO WebSocket (RFC 6455). Boost Software License 1.0.
#ifndef TETHER_DEFLATE_SERVER_NEGOTIATION_HPP
#define TETHER_DEFLATE_SERVER_NEGOTIATION_HPP

// The server side of permessage-deflate negotiation (RFC 7692 §5, §7). A client
// may send several offers in preference order; the server accepts the first
// one it can honour under its policy and declines the others (§5: a declined
// offer is simply not answered). An offer with an unknown, repeated or invalid
// parameter is declined (§7), never an error of the handshake. The answer
// states exactly the parameters in force. No zlib.
//
//   tether::deflate_server_negotiation deflate(policy);
//   request.for_each_extension(deflate);   // or deflate.consider(header_value)
//   if (deflate.accepted()) {
//     accept_options.extensions = deflate.response();   // "permessage-deflate; ..."
//     use deflate.agreed() for the engines
//   }

#include <string_view>

#include "../error.hpp"
#include "../handshake/extensions.hpp"
#include "../http/writer.hpp"
#include "../role.hpp"
#include "agreement.hpp"
#include "options.hpp"
#include "parameters.hpp"

namespace tether {

namespace detail {

// Writes "; name=bits" (or "; name" when bits is 0).
template <class Buffer>
void append_deflate_parameter(Buffer& out, std::string_view name, int bits = 0) {
  http::append(out, "; ");
  http::append(out, name);
  if (bits != 0) {
    char scratch[20];
    http::append(out, "=");
    http::append(out, http::format_unsigned(static_cast<unsigned>(bits), scratch));
  }
}

constexpr int min_bits(int a, int b) noexcept { return a < b ? a : b; }

}  // namespace detail

class deflate_server_negotiation {
 public:
  // The longest answer: "permessage-deflate" and all four parameters.
  static constexpr std::size_t max_response_size = 128;

  explicit deflate_server_negotiation(const deflate_options& policy) noexcept
      : policy_(policy), policy_error_(check_deflate_options(policy)) {}

  // Considers one element of the request's Sec-WebSocket-Extensions (the
  // shape parse_extensions and for_each_extension hand out). Other extensions
  // and offers after an accepted one are ignored.
  void operator()(const extension_offer& element) noexcept {
    if (accepted_ || !is_permessage_deflate(element)) return;
    if (policy_error_ != tether::error{}) {
      declined_ = policy_error_;
      return;
    }
    deflate_parameters offer;
    if (const tether::error bad = parse_deflate_parameters(element, deflate_element::offer, offer);
        bad != tether::error{}) {
      declined_ = bad;  // §7: "MUST decline" an offer with an undefined, repeated or invalid parameter
      return;
    }
    accept(offer);
  }

  // Considers every element of one Sec-WebSocket-Extensions value; false when
  // the value breaks the grammar of RFC 6455 §9.1 (elements before the error
  // were considered).
  bool consider(std::string_view header_value) noexcept { return parse_extensions(header_value, *this); }

  bool accepted() const noexcept { return accepted_; }
  // The parameters in force (valid when accepted()).
  const agreed_deflate& agreed() const noexcept { return agreed_; }
  // The element to send in Sec-WebSocket-Extensions (empty unless accepted());
  // it points into this object.
  std::string_view response() const noexcept { return accepted_ ? response_.view() : std::string_view{}; }
  // Why the last offer considered was declined (tether::error{} when none was), or
  // bad_deflate_options when the policy itself is out of range.
  tether::error declined_because() const noexcept { return declined_; }

 private:
  void accept(const deflate_parameters& offer) noexcept {
    // §7.1.2.2: a client that did not offer client_max_window_bits cannot be
    // asked for a smaller window; the policy decides whether that is acceptable.
    const int wanted_client_bits = detail::zlib_compatible_window_bits(policy_.client_max_window_bits);
    if (!offer.has_client_max_window_bits && wanted_client_bits < max_deflate_window_bits &&
        policy_.require_client_max_window_bits) {
      declined_ = tether::error::missing_deflate_parameter;
      return;
    }

    // Server to client. §7.1.2.1: an offered server_max_window_bits binds us
    // (even 8: see window_bits.hpp); otherwise the window is our choice.
    deflate_direction server_sends;
    server_sends.window_bits = detail::zlib_compatible_window_bits(policy_.server_max_window_bits);
    if (offer.server_max_window_bits != 0) {
      server_sends.window_bits = detail::min_bits(server_sends.window_bits, offer.server_max_window_bits);
    }
    // §7.1.1.1: a requested server_no_context_takeover is always granted.
    server_sends.no_context_takeover = offer.server_no_context_takeover || policy_.server_no_context_takeover;

    // Client to server. §7.1.2.2: an offered value is the client's own limit.
    deflate_direction client_sends;
    if (offer.has_client_max_window_bits) {
      client_sends.window_bits = wanted_client_bits;
      if (offer.client_max_window_bits != 0) {
        client_sends.window_bits = detail::min_bits(client_sends.window_bits, offer.client_max_window_bits);
      }
    }
    // §7.1.1.2: the client promised it, or we impose it.
    client_sends.no_context_takeover = offer.client_no_context_takeover || policy_.client_no_context_takeover;

    agreed_ = agreed_deflate::for_role(role::server, server_sends, client_sends);
    write_response(offer, server_sends, client_sends);
    accepted_ = true;
    declined_ = tether::error{};
  }

  void write_response(const deflate_parameters& offer, const deflate_direction& server_sends,
                      const deflate_direction& client_sends) noexcept {
    response_.clear();
    http::append(response_, permessage_deflate_name);
    if (server_sends.no_context_takeover) detail::append_deflate_parameter(response_, "server_no_context_takeover");
    if (client_sends.no_context_takeover) detail::append_deflate_parameter(response_, "client_no_context_takeover");
    // §7.1.2.1: an offered server_max_window_bits must be answered.
    if (offer.server_max_window_bits != 0 || server_sends.window_bits < max_deflate_window_bits) {
      detail::append_deflate_parameter(response_, "server_max_window_bits", server_sends.window_bits);
    }
    // §7.1.2.2: only when offered, and only as a real limit.
    if (offer.has_client_max_window_bits && client_sends.window_bits < max_deflate_window_bits) {
      detail::append_deflate_parameter(response_, "client_max_window_bits", client_sends.window_bits);
    }
  }

  deflate_options policy_;
  tether::error policy_error_;
  bool accepted_ = false;
  tether::error declined_{};
  agreed_deflate agreed_;
  http::fixed_buffer<max_response_size> response_;
};

}  // namespace tether

#endif
