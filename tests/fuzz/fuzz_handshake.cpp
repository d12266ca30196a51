// Opening handshake: the server side validates any bytes without crashing and
// answers either 101 or an HTTP error; the client side checks any response.
#include <tether/handshake.hpp>
#include <tether/random.hpp>

#include <string>

#include "fuzz_check.hpp"

extern "C" int LLVMFuzzerTestOneInput(const unsigned char* data, std::size_t size) {
  tether::server_handshake<> server;
  const auto result = server.feed(data, size);
  FUZZ_CHECK(result.consumed <= size);
  std::string response;
  if (result.status == tether::handshake_status::complete) {
    FUZZ_CHECK(!server.write_accept(response));
    FUZZ_CHECK(response.rfind("HTTP/1.1 101 ", 0) == 0);
    server.request().for_each_extension(
        [](const tether::extension_offer& offer) { offer.for_each_param([](const tether::extension_param&) {}); });
  } else if (result.status == tether::handshake_status::failed) {
    FUZZ_CHECK(tether::write_error_response(result.error(), response) >= 400);
    FUZZ_CHECK(tether::http_status_for(result.error()) >= 400);
  }

  // The same bytes as a response to a client's request.
  tether::chacha20_random random(std::array<std::uint32_t, 8>{}.data(), 0);
  tether::websocket_uri uri;
  FUZZ_CHECK(!tether::parse_websocket_uri("ws://example.com/", uri));
  tether::client_handshake<> client;
  std::string request;
  FUZZ_CHECK(!client.write_request(uri, {}, random, request));
  const auto answer = client.feed(data, size);
  FUZZ_CHECK(answer.consumed <= size);

  // URIs and extension lists from the same bytes.
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  tether::parse_websocket_uri(text, uri);
  tether::parse_extensions(text, [](const tether::extension_offer&) {});
  return 0;
}
