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
#include "../extension.hpp"
#include "../handshake/client.hpp"
#include "../handshake/names.hpp"
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

  // Writes the upgrade GET into `request` (with the extension's offer) and
  // keeps what is needed to check the answer.
  template <class Random>
  std::error_code start_client(const websocket_uri& uri, client_request_options options,
                               const http::head_limits& limits, Random& random, std::string& request) {
    std::string offer;
    if (extension_ != nullptr) extension_->append_offer(offer);
    options.extensions = offer;
    auto client = std::make_unique<client_handshake<headers>>(limits);
    if (const std::error_code ec = client->write_request(uri, options, random, request)) return ec;
    client_ = std::move(client);
    return {};
  }

  // Reads the request (server) or the answer (client) from the input.
  handshake_result read(input_buffer& input) {
    handshake_result result = server_ != nullptr ? server_->feed(input.data(), input.size())
                                                 : client_->template feed<Hash>(input.data(), input.size());
    input.advance(result.consumed);
    if (result.status == handshake_status::complete && client_ != nullptr) {
      subprotocol_.assign(client_->response().subprotocol.data(), client_->response().subprotocol.size());
      // §4.1 item 5: what the server agreed to must follow the extension's rules.
      if (extension_ != nullptr) {
        error failure{};
        codec_ = extension_->accept_answer(client_->response().headers(), failure);
        if (failure != error{}) result = {handshake_status::failed, result.consumed, failure};
        if (codec_ != nullptr) agreed_extensions(client_->response().headers());
      }
    }
    return result;
  }

  const upgrade_request* request() const noexcept { return server_ != nullptr ? &server_->request() : nullptr; }
  const upgrade_response* response() const noexcept { return client_ != nullptr ? &client_->response() : nullptr; }
  int response_status() const noexcept { return client_ != nullptr ? client_->response().status() : 0; }

  // Answers 101, with the extension's answer when one of its offers was
  // acceptable (the codec is kept for the connection).
  std::error_code write_accept(accept_options options, std::string& out) {
    if (server_ == nullptr) return error::no_request_pending;
    std::string answer;
    std::unique_ptr<message_codec> codec;
    if (extension_ != nullptr) codec = extension_->negotiate(server_->request().headers(), answer);
    options.extensions = answer;
    if (const std::error_code ec = server_->template write_accept<Hash>(out, options)) return ec;
    subprotocol_.assign(options.subprotocol.data(), options.subprotocol.size());
    codec_ = std::move(codec);
    if (codec_ != nullptr) extensions_ = std::move(answer);
    return {};
  }

  void use(const extension* negotiator) noexcept { extension_ = negotiator; }
  // What the handshake agreed to run on messages (null: nothing).
  std::unique_ptr<message_codec> take_codec() noexcept { return std::move(codec_); }

  // The request's memory is not needed once it is answered.
  void release_request() noexcept { server_.reset(); }

  std::string_view subprotocol() const noexcept { return subprotocol_; }
  std::string_view extensions() const noexcept { return extensions_; }

 private:
  // The client keeps the server's Sec-WebSocket-Extensions (RFC 6455 §9.1: a
  // list that may span several fields) once the extension accepted it.
  template <class Headers>
  void agreed_extensions(const Headers& response_headers) {
    for (const http::header_field& field : response_headers) {
      if (!http::iequals(field.name, field::sec_websocket_extensions.text)) continue;
      if (!extensions_.empty()) extensions_ += ", ";
      extensions_.append(field.value.data(), field.value.size());
    }
  }

  std::unique_ptr<server_handshake<headers>> server_;
  std::unique_ptr<client_handshake<headers>> client_;
  std::string subprotocol_;
  std::string extensions_;
  const extension* extension_ = nullptr;
  std::unique_ptr<message_codec> codec_;
};

}  // namespace tether::detail

#endif
