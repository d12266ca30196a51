// The opening handshake as a conversation with the connection (RFC 6455 §4).
#include <tether/connection.hpp>

#include "conversation.hpp"
#include "tether_catch.hpp"

using tether::event_type;

TEST_CASE("server: upgrade request, accept, then frames that came in the same read", "[connection][server]") {
  tether::connection server(tether::role::server);
  const test::bytes input =
      test::concat({test::from_text(test::sample_request()), test::frame(tether::opcode::text, "Hello")});
  test::event_log log = test::feed(server, input, {input.size()}, [](tether::connection& c) {
    REQUIRE(c.request() != nullptr);
    CHECK(c.request()->target() == "/chat");
    CHECK(c.request()->offers_subprotocol("chat"));
    REQUIRE_FALSE(c.accept({"chat", {}, {}}));
    CHECK(c.accept() == tether::error::no_request_pending);  // accepting twice is refused
  });
  CHECK(log.lines == std::vector<std::string>{"upgrade", "open", "text:Hello"});
  const std::string out = test::take_output(server);
  CHECK(out.rfind("HTTP/1.1 101 Switching Protocols\r\n", 0) == 0);
  CHECK(out.find("Sec-WebSocket-Accept: s3pPLMBiTxaQ9kYGzzhZRbK+xOo=\r\n") != std::string::npos);
  CHECK(out.find("Sec-WebSocket-Protocol: chat\r\n") != std::string::npos);
  CHECK(server.subprotocol() == "chat");
  CHECK(server.is_open());
}

TEST_CASE("server: frames wait while the application decides, even across reads", "[connection][server]") {
  tether::connection server(tether::role::server);
  test::bytes first = test::concat({test::from_text(test::sample_request()), test::frame(tether::opcode::text, "one")});
  server.receive(static_cast<void*>(first.data()), first.size());
  CHECK(server.next_event().type == event_type::upgrade_request);
  CHECK(server.next_event().type == event_type::none);
  test::bytes second = test::frame(tether::opcode::text, "two");
  server.receive(static_cast<void*>(second.data()), second.size());
  first.assign(first.size(), 0);  // the application reuses its buffer: nothing may be lost
  CHECK(server.next_event().type == event_type::none);
  REQUIRE_FALSE(server.accept());
  test::event_log log;
  test::drain_events(server, log);
  CHECK(log.lines == std::vector<std::string>{"open", "text:one", "text:two"});
}

TEST_CASE("server: an invalid request is answered with its status and fails", "[connection][server]") {
  tether::connection server(tether::role::server);
  const std::string request =
      "GET / HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
      "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 12\r\n\r\n";
  const auto log = test::feed(server, test::from_text(request));
  REQUIRE(log.lines.size() == 1);
  CHECK(log.lines[0] == "failure 1006 unsupported_sec_websocket_version");
  const std::string out = test::take_output(server);
  CHECK(out.rfind("HTTP/1.1 426 Upgrade Required\r\nSec-WebSocket-Version: 13\r\n", 0) == 0);
  CHECK(server.should_close_transport());
  CHECK(server.send_text("x") == tether::error::connection_failed);
}

TEST_CASE("server: an oversized head gets 431 without buffering past the limit", "[connection][server]") {
  tether::connection_options options;
  options.handshake_limits.max_head_size = 256;
  tether::connection server(tether::role::server, options);
  const std::string request = "GET / HTTP/1.1\r\nX-Long: " + std::string(1000, 'a') + "\r\n\r\n";
  test::feed(server, test::from_text(request));
  CHECK(test::take_output(server).rfind("HTTP/1.1 431 ", 0) == 0);
  CHECK(server.state() == tether::connection_state::failed);
}

TEST_CASE("server: the application may reject with any status", "[connection][server]") {
  tether::connection server(tether::role::server);
  test::feed(server, test::from_text(test::sample_request()), {test::sample_request().size()},
             [](tether::connection& c) { REQUIRE_FALSE(c.reject(403, "go away")); });
  const std::string out = test::take_output(server);
  CHECK(out.rfind("HTTP/1.1 403 Forbidden\r\n", 0) == 0);
  CHECK(out.find("\r\n\r\ngo away") != std::string::npos);
  CHECK(server.should_close_transport());
}

TEST_CASE("client: connect, 101, open, then frames in the same read", "[connection][client]") {
  tether::connection client(tether::role::client);
  tether::websocket_uri uri;
  REQUIRE_FALSE(tether::parse_websocket_uri("ws://example.com:8080/chat", uri));
  const std::string_view protocols[] = {"chat"};
  tether::client_request_options options;
  options.subprotocols = {protocols, 1};
  REQUIRE_FALSE(client.connect(uri, options));
  CHECK(client.connect(uri, options) == tether::error::already_connected);
  const std::string request = test::take_output(client);
  CHECK(request.rfind("GET /chat HTTP/1.1\r\nHost: example.com:8080\r\n", 0) == 0);

  tether::server_handshake<> peer;
  REQUIRE(peer.feed(request.data(), request.size()).status == tether::handshake_status::complete);
  std::string response;
  REQUIRE_FALSE(peer.write_accept(response, {"chat", {}, {}}));
  const test::bytes input =
      test::concat({test::from_text(response), test::frame(tether::opcode::binary, "data", true, false)});
  const auto log = test::feed(client, input);
  CHECK(log.lines == std::vector<std::string>{"open", "binary:data"});
  CHECK(client.subprotocol() == "chat");
}

TEST_CASE("client: a non-101 answer is reported as rejected with the status", "[connection][client]") {
  tether::connection client(tether::role::client);
  tether::websocket_uri uri;
  REQUIRE_FALSE(tether::parse_websocket_uri("ws://example.com/", uri));
  REQUIRE_FALSE(client.connect(uri));
  test::take_output(client);
  const auto log = test::feed(client, test::from_text("HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\n\r\n"));
  CHECK(log.lines == std::vector<std::string>{"rejected 404"});
  REQUIRE(client.response() != nullptr);
  CHECK(client.response()->status() == 404);
  CHECK(client.should_close_transport());
}

TEST_CASE("client: a wrong Sec-WebSocket-Accept fails the connection", "[connection][client]") {
  tether::connection client(tether::role::client);
  tether::websocket_uri uri;
  REQUIRE_FALSE(tether::parse_websocket_uri("ws://example.com/", uri));
  REQUIRE_FALSE(client.connect(uri));
  test::take_output(client);
  const auto log = test::feed(client, test::from_text("HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\n"
                                                      "Connection: Upgrade\r\nSec-WebSocket-Accept: "
                                                      "s3pPLMBiTxaQ9kYGzzhZRbK+xOo=\r\n\r\n"));
  REQUIRE(log.lines.size() == 1);
  CHECK(log.lines[0] == "failure 1006 bad_sec_websocket_accept");
  CHECK(client.state() == tether::connection_state::failed);
}

TEST_CASE("misuse before the handshake is an error value", "[connection][misuse]") {
  tether::connection server(tether::role::server);
  CHECK(server.send_text("x") == tether::error::not_open);
  CHECK(server.ping() == tether::error::not_open);
  CHECK(server.accept() == tether::error::no_request_pending);
  tether::websocket_uri uri;
  REQUIRE_FALSE(tether::parse_websocket_uri("ws://example.com/", uri));
  CHECK(server.connect(uri) == tether::error::wrong_role);
  // close() before the handshake ends aborts: nothing to close politely.
  CHECK_FALSE(server.close());
  CHECK(server.state() == tether::connection_state::failed);
  CHECK(server.should_close_transport());
  CHECK(server.send_text("x") == tether::error::connection_failed);
}

TEST_CASE("server: input piling up while the application decides is bounded", "[connection][server][limits]") {
  tether::connection_options options;
  options.max_buffered_input = 1000;
  tether::connection server(tether::role::server, options);
  test::bytes first = test::concat({test::from_text(test::sample_request()), test::frame(tether::opcode::text, "x")});
  server.receive(static_cast<void*>(first.data()), first.size());
  REQUIRE(server.next_event().type == event_type::upgrade_request);
  // The application does not decide, and more keeps arriving.
  test::bytes more = test::frame(tether::opcode::binary, std::string(400, 'b'));
  server.receive(static_cast<void*>(more.data()), more.size());
  server.receive(static_cast<void*>(more.data()), more.size());
  server.receive(static_cast<void*>(more.data()), more.size());  // over 1000 bytes pending
  const tether::event e = server.next_event();
  CHECK(e.type == event_type::failure);
  CHECK(e.failure == tether::error::input_backlog_too_large);
  CHECK(server.state() == tether::connection_state::failed);
}

TEST_CASE("client: connect from URL text keeps nothing of the text", "[connection][client]") {
  tether::connection client(tether::role::client);
  {
    std::string url = "ws://example.com:8080/chat?room=7";
    REQUIRE_FALSE(client.connect(url));
    url.assign(url.size(), 'x');  // the caller's string may change or die right after
  }
  const std::string request = test::take_output(client);
  CHECK(request.rfind("GET /chat?room=7 HTTP/1.1\r\nHost: example.com:8080\r\n", 0) == 0);
  tether::connection other(tether::role::client);
  CHECK(other.connect(std::string_view("http://example.com/")) == tether::error::bad_uri_scheme);
}
