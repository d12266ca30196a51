// tether — header-only, sans-IO WebSocket (RFC 6455). Boost Software License 1.0.
#ifndef TETHER_DEFLATE_PERMESSAGE_DEFLATE_HPP
#define TETHER_DEFLATE_PERMESSAGE_DEFLATE_HPP

// permessage-deflate as an extension a connection runs (tether/extension.hpp):
// one permessage_deflate object holds the policy and negotiates for every
// connection that points to it; each connection that agrees gets its own
// deflate_codec (an inflater and a deflater, zlib state per connection).
//
//   tether::permessage_deflate deflate;          // defaults: deflate/options.hpp
//   tether::connection_options options;
//   options.extension = &deflate;                // must outlive the connections
//   tether::connection ws(tether::role::server, options);
//
// A client offers it (several option sets may be offered, in preference
// order); a server accepts the first acceptable offer under its policy (the
// first option set). Received messages are inflated as their frames arrive,
// in pieces of connection_options::decoded_chunk_size, with
// max_message_size applied to the inflated size; sent messages are
// compressed when at least deflate_options::min_compress_size long, and go
// out plain when compressing does not make them smaller. A shared message is
// compressed once for all connections that agreed no context takeover for
// what they send (with the same window), and per connection otherwise.

#include <array>
#include <cstddef>
#include <cstdint>
#include <limits>
#include <memory>
#include <string>
#include <vector>

#include "../error.hpp"
#include "../extension.hpp"
#include "../frame/header.hpp"
#include "../handshake/names.hpp"
#include "../handshake/offers.hpp"
#include "../http/headers.hpp"
#include "agreement.hpp"
#include "client_negotiation.hpp"
#include "deflater.hpp"
#include "inflater.hpp"
#include "options.hpp"
#include "server_negotiation.hpp"

namespace tether {

class deflate_codec final : public message_codec {
 public:
  deflate_codec(const agreed_deflate& agreed, const deflate_options& options)
      : agreed_(agreed),
        options_(options),
        // The connection holds the decoded size to max_message_size itself
        // (it counts what comes out of any codec), so the inflater need not.
        inflater_(agreed.decompress, inflater_options{std::numeric_limits<std::uint64_t>::max(), {}}),
        deflater_(agreed.compress, options) {}

  std::uint8_t rsv_bits() const noexcept override { return rsv::rsv1; }  // RFC 7692 §6

  decode_step decode(const unsigned char* in, std::size_t size, bool message_ends, unsigned char* out,
                     std::size_t capacity) noexcept override {
    const inflate_step step = inflater_.inflate(in, size, message_ends, out, capacity);
    return {step.consumed, step.produced, step.finished, step.failure};
  }

  bool worth_encoding(std::size_t size) const noexcept override { return deflater_.worth_compressing(size); }

  encode_result encode(const unsigned char* in, std::size_t size, bool message_ends, bool whole,
                       std::vector<unsigned char>& out) override {
    out.clear();
    const deflate_result result =
        whole ? deflater_.compress_message(in, size, out) : deflater_.compress(in, size, message_ends, out);
    return {result.send_uncompressed, result.failure};
  }

  // Without context takeover the compressed bytes depend only on the window,
  // the level and the memory level: connections alike share one encoding.
  std::uint64_t shared_encoding_key() const noexcept override {
    if (!agreed_.compress.no_context_takeover) return 0;
    return 1u | std::uint64_t(agreed_.compress.window_bits) << 8 |
           std::uint64_t(static_cast<unsigned>(options_.compression_level)) << 16 |
           std::uint64_t(static_cast<unsigned>(options_.memory_level)) << 24;
  }

  const agreed_deflate& agreed() const noexcept { return agreed_; }

 private:
  agreed_deflate agreed_;
  deflate_options options_;
  message_inflater inflater_;
  message_deflater deflater_;
};

class permessage_deflate final : public extension {
 public:
  static constexpr std::size_t max_offers = deflate_client_negotiation::max_offers;

  explicit permessage_deflate(const deflate_options& options = {}) noexcept : count_(1) { offers_[0] = options; }
  // A client offers these in preference order; a server's policy is the first.
  permessage_deflate(const deflate_options* offers, std::size_t count) noexcept
      : count_(count < max_offers ? count : max_offers) {
    for (std::size_t i = 0; i < count_; ++i) offers_[i] = offers[i];
  }

  // Options out of range (check_deflate_options): nothing is offered or accepted.
  error failure() const noexcept {
    for (std::size_t i = 0; i < count_; ++i) {
      if (const error bad = check_deflate_options(offers_[i]); bad != error{}) return bad;
    }
    return count_ == 0 ? error::bad_deflate_options : error{};
  }

  void append_offer(std::string& value) const override {
    if (failure() == error{}) deflate_client_negotiation(offers_.data(), count_).append_offers(value);
  }

  std::unique_ptr<message_codec> accept_answer(const http::header_vector<>& response_headers,
                                               error& failure) const override {
    if (this->failure() != error{}) return nullptr;  // nothing was offered
    deflate_client_negotiation negotiation(offers_.data(), count_);
    for_each_extension(response_headers, field::sec_websocket_extensions.text, negotiation);
    if (negotiation.failed()) {
      failure = negotiation.failure();
      return nullptr;
    }
    if (!negotiation.accepted()) return nullptr;
    return std::make_unique<deflate_codec>(negotiation.agreed(), offers_[negotiation.accepted_offer()]);
  }

  std::unique_ptr<message_codec> negotiate(const http::header_vector<>& request_headers,
                                           std::string& answer) const override {
    if (failure() != error{}) return nullptr;
    deflate_server_negotiation negotiation(offers_[0]);
    for_each_extension(request_headers, field::sec_websocket_extensions.text, negotiation);
    if (!negotiation.accepted()) return nullptr;
    answer.assign(negotiation.response().data(), negotiation.response().size());
    return std::make_unique<deflate_codec>(negotiation.agreed(), offers_[0]);
  }

 private:
  std::array<deflate_options, max_offers> offers_{};
  std::size_t count_;
};

}  // namespace tether

#endif
