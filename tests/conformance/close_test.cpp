// The closing handshake and the end of the connection (RFC 6455 §5.5.1, §7).
#include <tether/connection.hpp>

#include "conversation.hpp"
#include "tether_catch.hpp"

using test::frame;
using tether::opcode;

namespace {

std::string server_frame(opcode op, std::string_view payload) { return test::text_of(frame(op, payload, true, false)); }

}  // namespace

TEST_CASE("close §5.5.1: the peer's close is echoed with its code — the server closes TCP first",
          "[connection][close]") {
  tether::connection server(tether::role::server);
  test::open_server(server);
  const auto log = test::feed(
      server, test::concat({frame(opcode::text, "last words"), frame(opcode::close, test::close_body(1000, "bye")),
                            frame(opcode::text, "ignored after close")}));
  // Everything sent before the close is delivered before it.
  CHECK(log.lines == std::vector<std::string>{"text:last words", "close 1000:bye"});
  CHECK(server.state() == tether::connection_state::closed);
  CHECK_FALSE(server.should_close_transport());  // the echo is not written yet
  // The echo carries the peer's code and reason, as browsers, ws and websockets do.
  CHECK(test::take_output(server) == server_frame(opcode::close, test::close_body(1000, "bye")));
  CHECK(server.should_close_transport());
  CHECK(server.send_text("late") == tether::error::connection_closed);
  CHECK(server.ping() == tether::error::connection_closed);
  CHECK(server.close() == tether::error::connection_closed);
}

TEST_CASE("close §7.1.1: a client waits for the server's TCP close, bounded by close_timeout", "[connection][close]") {
  tether::connection client(tether::role::client);
  test::open_client(client);
  const auto start = tether::clock_time{} + std::chrono::hours(1);
  client.tick(start);
  test::feed(client, frame(opcode::close, test::close_body(1001), true, false));
  CHECK(test::take_output(client).size() == 2 + 4 + 2);  // masked echo
  CHECK_FALSE(client.should_close_transport());
  // The wait is timed from the first tick after the close arrived (never
  // from an older one): next_deadline() asks for that tick at once.
  CHECK(*client.next_deadline() == start);
  client.tick(start + std::chrono::seconds(5));
  CHECK_FALSE(client.should_close_transport());
  client.tick(start + std::chrono::seconds(14));
  CHECK_FALSE(client.should_close_transport());
  client.tick(start + std::chrono::seconds(15));
  CHECK(client.should_close_transport());

  tether::connection polite(tether::role::client);
  test::open_client(polite);
  test::feed(polite, frame(opcode::close, test::close_body(1000), true, false));
  test::take_output(polite);
  polite.receive_eof();
  CHECK(polite.next_event().type == tether::event_type::none);  // a clean end, not 1006
  CHECK(polite.should_close_transport());
}

TEST_CASE("close §7.1.2: after sending close only the close goes out — the peer's answer completes it",
          "[connection][close]") {
  tether::connection server(tether::role::server);
  test::open_server(server);
  REQUIRE_FALSE(server.close(tether::close_code::going_away, "restart"));
  CHECK(server.close() == tether::error::close_already_sent);
  CHECK(server.send_binary("x", 1) == tether::error::close_already_sent);
  CHECK(server.send_text("x") == tether::error::close_already_sent);
  CHECK(server.begin_message(opcode::text) == tether::error::close_already_sent);
  CHECK(test::take_output(server) == server_frame(opcode::close, test::close_body(1001, "restart")));
  CHECK_FALSE(server.write_side_finished());  // pongs may still follow until the peer's close
  // Data the peer sent before seeing our close still arrives, and its pings are
  // answered until its close arrives (§5.5.2: "unless it already received a Close").
  const auto log = test::feed(server, test::concat({frame(opcode::text, "in flight"), frame(opcode::ping, "p"),
                                                    frame(opcode::close, test::close_body(1001))}));
  CHECK(log.lines == std::vector<std::string>{"text:in flight", "ping:p", "close 1001:"});
  CHECK(test::take_output(server) == server_frame(opcode::pong, "p"));
  CHECK(server.write_side_finished());
  CHECK(server.should_close_transport());
}

TEST_CASE("close §7.4: codes that may not be sent fail with 1002 — others are echoed", "[connection][close]") {
  for (unsigned code : {0u, 999u, 1004u, 1005u, 1006u, 1015u, 1016u, 1100u, 2000u, 2999u, 5000u, 65535u}) {
    tether::connection server(tether::role::server);
    test::open_server(server);
    const auto log = test::feed(server, frame(opcode::close, test::close_body(static_cast<std::uint16_t>(code))));
    INFO(code);
    REQUIRE(log.lines.size() == 1);
    CHECK(log.lines[0] == "failure 1002 invalid_close_code");
    CHECK(test::take_output(server) == server_frame(opcode::close, test::close_body(1002)));
  }
  for (unsigned code : {1000u, 1001u, 1002u, 1003u, 1007u, 1008u, 1009u, 1010u, 1011u, 1012u, 1013u, 1014u, 3000u,
                        3999u, 4000u, 4999u}) {
    tether::connection server(tether::role::server);
    test::open_server(server);
    const auto log = test::feed(server, frame(opcode::close, test::close_body(static_cast<std::uint16_t>(code))));
    INFO(code);
    CHECK(log.lines == std::vector<std::string>{"close " + std::to_string(code) + ":"});
    CHECK(test::take_output(server) == server_frame(opcode::close, test::close_body(static_cast<std::uint16_t>(code))));
  }
}

TEST_CASE("close §5.5.1: a 1-byte body fails with 1002, an empty one is answered empty", "[connection][close]") {
  tether::connection server(tether::role::server);
  test::open_server(server);
  const auto log = test::feed(server, frame(opcode::close, "\x03"));
  CHECK(log.lines.at(0) == "failure 1002 bad_close_payload");

  tether::connection empty(tether::role::server);
  test::open_server(empty);
  CHECK(test::feed(empty, frame(opcode::close, "")).lines == std::vector<std::string>{"close 1005:"});
  CHECK(test::take_output(empty) == server_frame(opcode::close, ""));
}

TEST_CASE("close §8.1: the close reason must be UTF-8 (1007)", "[connection][close][utf8]") {
  tether::connection server(tether::role::server);
  test::open_server(server);
  const auto log = test::feed(server, frame(opcode::close, test::close_body(1000, "\xFF")));
  CHECK(log.lines.at(0) == "failure 1007 invalid_utf8");
  CHECK(test::take_output(server) == server_frame(opcode::close, test::close_body(1007)));
}

TEST_CASE("close: what the application may send", "[connection][close][misuse]") {
  tether::connection server(tether::role::server);
  test::open_server(server);
  CHECK(server.close(tether::close_code::abnormal_closure) == tether::error::invalid_close_code_to_send);
  CHECK(server.close(static_cast<tether::close_code>(2000)) == tether::error::invalid_close_code_to_send);
  CHECK(server.close(tether::close_code::normal, std::string(124, 'x')) == tether::error::invalid_close_code_to_send);
  CHECK(server.close(tether::close_code::normal, "\xC3") == tether::error::text_not_utf8);
  CHECK(server.close(tether::close_code::none, "reason without code") == tether::error::invalid_close_code_to_send);
  REQUIRE_FALSE(server.close(static_cast<tether::close_code>(4000), std::string(123, 'r')));
}

TEST_CASE("close §7.1.5: a peer that vanishes without a close is 1006", "[connection][close]") {
  tether::connection server(tether::role::server);
  test::open_server(server);
  test::bytes partial = frame(opcode::text, "cut short");
  partial.resize(5);
  server.receive(static_cast<void*>(partial.data()), partial.size());
  CHECK(server.next_event().type == tether::event_type::none);
  server.receive_eof();
  const tether::event e = server.next_event();
  CHECK(e.type == tether::event_type::failure);
  CHECK(e.failure == tether::error::connection_lost);
  CHECK(e.code == tether::close_code::abnormal_closure);
  CHECK_FALSE(server.has_output());  // 1006 is never sent (§7.4.1)
  CHECK(server.should_close_transport());
}
