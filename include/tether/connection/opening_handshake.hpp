// tether — header-only, sans-IO WebSocket (RFC 6455). Boost Software License 1.0.
#ifndef TETHER_CONNECTION_OPENING_HANDSHAKE_HPP
#define TETHER_CONNECTION_OPENING_HANDSHAKE_HPP

// The connection's opening handshake, either role: the incremental head
// reader and checks of handshake/, with header storage sized by the
// configured max_header_count, the writing of the request or the answers, and
// the subprotocol agreed. Its memory (the head) is released once the
// connection is open. The connection owns the states; this owns the bytes.

#include <cstddef>
#include <memory>
#include <string>
#include <string_view>
#include <system_error>

#include "../error.hpp"
#include "../handshake/client.hpp"
#include "../handshake/server.hpp"
#include "../http/headers.hpp"
#include "input_buffer.hpp"

namespace tether::detail {

template <class Hash>
class opening_handshake {
  using headers = http::header_vector<>;  // grows to what arrived, bounded by max_header_count

 public:
  using upgrade_request = basic_upgrade_request<headers>;
  using upgrade_response = basic_upgrade_response<headers>;

  void start_server(const http::head_limits& limits) { server_ = std::make_unique<server_handshake<headers>>(limits); }

  // Writes the upgrade GET into `request` and keeps what is needed to check the answer.
  template <class Random>
  std::error_code start_client(const websocket_uri& uri, const client_request_options& options,
                               const http::head_limits& limits, Random& random, std::string& request) {
    auto client = std::make_unique<client_handshake<headers>>(limits);
    if (const std::error_code ec = client->write_request(uri, options, random, request)) return ec;
    client_ = std::move(client);
    return {};
  }

  // Reads the request (server) or the answer (client) from the input.
  handshake_result read(input_buffer& input) {
    const handshake_result result = server_ != nullptr ? server_->feed(input.data(), input.size())
                                                       : client_->template feed<Hash>(input.data(), input.size());
    input.advance(result.consumed);
    if (result.status == handshake_status::complete && client_ != nullptr) {
      subprotocol_.assign(client_->response().subprotocol.data(), client_->response().subprotocol.size());
    }
    return result;
  }

  const upgrade_request* request() const noexcept { return server_ != nullptr ? &server_->request() : nullptr; }
  const upgrade_response* response() const noexcept { return client_ != nullptr ? &client_->response() : nullptr; }
  int response_status() const noexcept { return client_ != nullptr ? client_->response().status() : 0; }

  std::error_code write_accept(const accept_options& options, std::string& out) {
    if (server_ == nullptr) return error::no_request_pending;
    if (const std::error_code ec = server_->template write_accept<Hash>(out, options)) return ec;
    subprotocol_.assign(options.subprotocol.data(), options.subprotocol.size());
    return {};
  }

  // The request's memory is not needed once it is answered.
  void release_request() noexcept { server_.reset(); }

  std::string_view subprotocol() const noexcept { return subprotocol_; }

 private:
  std::unique_ptr<server_handshake<headers>> server_;
  std::unique_ptr<client_handshake<headers>> client_;
  std::string subprotocol_;
};

}  // namespace tether::detail

#endif
