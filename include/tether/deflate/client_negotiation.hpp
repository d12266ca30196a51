// tether — header-only, sans-IO WebSocket (RFC 6455). Boost Software License 1.0.
#ifndef TETHER_DEFLATE_CLIENT_NEGOTIATION_HPP
#define TETHER_DEFLATE_CLIENT_NEGOTIATION_HPP

// The client side of permessage-deflate negotiation (RFC 7692 §5, §7): write
// one or more offers (preference order), then check the server's answer. The
// client must fail the connection when the answer has a parameter not defined
// for a response, a repeated parameter, an invalid value, or a configuration
// no offer allows (§7); or when permessage-deflate is accepted twice (§5: both
// would claim RSV1). A valid answer fits the first offer it can belong to. No zlib.
//
//   tether::deflate_client_negotiation deflate(options);     // or (offers, count)
//   deflate.append_offers(value);   // value: "permessage-deflate; client_max_window_bits=12..."
//   ... send it in Sec-WebSocket-Extensions; when the 101 arrives:
//   response.for_each_extension(deflate);   // or deflate.consider(header_value)
//   if (deflate.failed()) fail the connection with deflate.error();
//   else if (deflate.accepted()) use deflate.agreed() for the engines

#include <cstddef>
#include <string_view>
#include <system_error>

#include "../error.hpp"
#include "../handshake/extensions.hpp"
#include "../role.hpp"
#include "agreement.hpp"
#include "options.hpp"
#include "parameters.hpp"
#include "server_negotiation.hpp"

namespace tether {

// Appends one offer for options to out (", " first when out is not empty).
// out: any buffer with append(const char*, size_t) and size().
template <class Buffer>
void append_deflate_offer(Buffer& out, const deflate_options& options) {
  if (out.size() != 0) http::append(out, ", ");
  http::append(out, permessage_deflate_name);
  if (options.server_no_context_takeover) detail::append_deflate_parameter(out, "server_no_context_takeover");
  if (options.client_no_context_takeover) detail::append_deflate_parameter(out, "client_no_context_takeover");
  const int server_bits = detail::zlib_compatible_window_bits(options.server_max_window_bits);
  if (server_bits < max_deflate_window_bits)
    detail::append_deflate_parameter(out, "server_max_window_bits", server_bits);
  if (options.offer_client_max_window_bits) {
    // §7.1.2.2: bare says "you may limit my window"; a value is also our own limit.
    const int client_bits = detail::zlib_compatible_window_bits(options.client_max_window_bits);
    detail::append_deflate_parameter(out, "client_max_window_bits",
                                     client_bits < max_deflate_window_bits ? client_bits : 0);
  }
}

class deflate_client_negotiation {
 public:
  static constexpr std::size_t max_offers = 4;

  explicit deflate_client_negotiation(const deflate_options& offer) noexcept : deflate_client_negotiation(&offer, 1) {}
  // offers: in preference order, copied (1..max_offers).
  deflate_client_negotiation(const deflate_options* offers, std::size_t count) noexcept {
    if (count == 0 || count > max_offers) {
      failure_ = tether::error::bad_deflate_options;
      return;
    }
    for (std::size_t i = 0; i < count; ++i) {
      if (check_deflate_options(offers[i]) != tether::error{}) failure_ = tether::error::bad_deflate_options;
      offers_[i] = offers[i];
    }
    count_ = count;
  }

  // The Sec-WebSocket-Extensions value offering every option set, in order
  // (nothing when the options are out of range: see failure()).
  template <class Buffer>
  void append_offers(Buffer& out) const {
    if (failure_ == tether::error::bad_deflate_options) return;
    for (std::size_t i = 0; i < count_; ++i) append_deflate_offer(out, offers_[i]);
  }

  // Considers one element of the response's Sec-WebSocket-Extensions (the
  // shape parse_extensions and for_each_extension hand out).
  void operator()(const extension_offer& element) noexcept {
    if (failed() || !is_permessage_deflate(element)) return;
    if (accepted_) {
      failure_ = tether::error::deflate_accepted_twice;
      accepted_ = false;
      return;
    }
    deflate_parameters response;
    if (const tether::error bad = parse_deflate_parameters(element, deflate_element::response, response);
        bad != tether::error{}) {
      failure_ = bad;
      return;
    }
    tether::error first_misfit{};
    for (std::size_t i = 0; i < count_; ++i) {
      const tether::error misfit = fits(offers_[i], response);
      if (misfit == tether::error{}) {
        agree(offers_[i], response);
        accepted_offer_ = i;
        accepted_ = true;
        return;
      }
      if (first_misfit == tether::error{}) first_misfit = misfit;
    }
    failure_ = first_misfit;  // §7: "the client does not support the configuration"
  }

  // Considers every element of one Sec-WebSocket-Extensions value; false when
  // the value breaks the grammar of RFC 6455 §9.1.
  bool consider(std::string_view header_value) noexcept {
    const bool valid = parse_extensions(header_value, *this);
    if (!valid && !failed()) {
      failure_ = tether::error::bad_extension_response;
      accepted_ = false;
    }
    return valid;
  }

  // The server accepted permessage-deflate with a valid answer.
  bool accepted() const noexcept { return accepted_ && !failed(); }
  const agreed_deflate& agreed() const noexcept { return agreed_; }
  // Which offer (index into the offers given) the answer accepted.
  std::size_t accepted_offer() const noexcept { return accepted_offer_; }

  bool failed() const noexcept { return failure_ != tether::error{}; }
  tether::error failure() const noexcept { return failure_; }
  std::error_code error() const noexcept { return failed() ? make_error_code(failure_) : std::error_code{}; }

 private:
  // Why the response cannot answer this offer (tether::error{} when it can).
  static tether::error fits(const deflate_options& offer, const deflate_parameters& response) noexcept {
    // §7.1.1.1: a server accepting a request for server_no_context_takeover must say so.
    if (offer.server_no_context_takeover && !response.server_no_context_takeover) {
      return tether::error::missing_deflate_parameter;
    }
    // §7.1.2.1: a requested server_max_window_bits must be answered, same or smaller.
    const int server_bits = detail::zlib_compatible_window_bits(offer.server_max_window_bits);
    if (server_bits < max_deflate_window_bits) {
      if (response.server_max_window_bits == 0) return tether::error::missing_deflate_parameter;
      if (response.server_max_window_bits > server_bits) return tether::error::deflate_window_too_large;
    }
    // §7.1.2.2: client_max_window_bits only when offered, and not above an offered value.
    if (response.has_client_max_window_bits) {
      if (!offer.offer_client_max_window_bits) return tether::error::unoffered_deflate_parameter;
      const int client_bits = detail::zlib_compatible_window_bits(offer.client_max_window_bits);
      if (response.client_max_window_bits > client_bits) return tether::error::deflate_window_too_large;
    }
    // An unrequested server_no_context_takeover or server_max_window_bits, or a
    // client_no_context_takeover, only asks something we can always do.
    return tether::error{};
  }

  void agree(const deflate_options& offer, const deflate_parameters& response) noexcept {
    deflate_direction server_sends;
    if (response.server_max_window_bits != 0) server_sends.window_bits = response.server_max_window_bits;
    server_sends.no_context_takeover = response.server_no_context_takeover;
    deflate_direction client_sends;
    // A limit from the server binds us, even 8 (window_bits.hpp); else our own policy.
    client_sends.window_bits = response.has_client_max_window_bits
                                   ? response.client_max_window_bits
                                   : detail::zlib_compatible_window_bits(offer.client_max_window_bits);
    client_sends.no_context_takeover = offer.client_no_context_takeover || response.client_no_context_takeover;
    agreed_ = agreed_deflate::for_role(role::client, server_sends, client_sends);
  }

  deflate_options offers_[max_offers];
  std::size_t count_ = 0;
  bool accepted_ = false;
  std::size_t accepted_offer_ = 0;
  tether::error failure_{};
  agreed_deflate agreed_;
};

}  // namespace tether

#endif
