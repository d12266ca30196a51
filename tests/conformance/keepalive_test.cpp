// Keep-alive, handshake and closing timeouts, all driven by the caller's now.
#include <tether/connection.hpp>

#include "conversation.hpp"
#include "tether_catch.hpp"

using namespace std::chrono_literals;
using tether::opcode;

namespace {
const tether::clock_time t0 = tether::clock_time{} + std::chrono::hours(24);
}

TEST_CASE("keep-alive: an idle connection pings, and fails with 1011 when no pong comes", "[connection][timers]") {
  tether::connection_options options;
  options.ping_interval = 1000ms;
  options.pong_timeout = 500ms;
  tether::connection server(tether::role::server, options);
  test::open_server(server);
  server.tick(t0);
  REQUIRE(server.next_deadline());
  CHECK(*server.next_deadline() == t0 + 1000ms);
  server.tick(t0 + 999ms);
  CHECK_FALSE(server.has_output());
  server.tick(t0 + 1000ms);
  const std::string ping = test::take_output(server);
  REQUIRE(ping.size() == 2 + 4);
  CHECK(static_cast<unsigned char>(ping[0]) == 0x89);
  CHECK(*server.next_deadline() == t0 + 1500ms);
  server.tick(t0 + 1500ms);
  const tether::event e = server.next_event();
  CHECK(e.type == tether::event_type::failure);
  CHECK(e.failure == tether::error::ping_timeout);
  CHECK(e.code == tether::close_code::internal_error);
  CHECK(test::take_output(server) == test::text_of(test::frame(opcode::close, test::close_body(1011), true, false)));
  CHECK_FALSE(server.next_deadline());
}

TEST_CASE("keep-alive: a pong in time keeps the connection — traffic postpones the ping", "[connection][timers]") {
  tether::connection_options options;
  options.ping_interval = 1000ms;
  options.pong_timeout = 500ms;
  tether::connection server(tether::role::server, options);
  test::open_server(server);
  server.tick(t0);
  server.tick(t0 + 1000ms);
  const std::string ping = test::take_output(server);
  REQUIRE(ping.size() == 2 + 4);
  const std::string payload = ping.substr(2);  // 4 random bytes
  // §5.5.3: a pong answers the ping only with the ping's payload; another
  // (here: the payload with one bit flipped) is an unsolicited pong.
  std::string wrong = payload;
  wrong[0] = static_cast<char>(wrong[0] ^ 1);
  test::feed(server, test::frame(opcode::pong, wrong));
  test::feed(server, test::frame(opcode::pong, payload));
  server.tick(t0 + 1200ms);
  CHECK(server.next_event().type == tether::event_type::none);
  CHECK(server.is_open());
  // Incoming traffic counts as activity: no ping while data flows.
  test::feed(server, test::frame(opcode::text, "busy"));
  server.tick(t0 + 2100ms);
  CHECK_FALSE(server.has_output());
  server.tick(t0 + 3100ms);
  CHECK(server.has_output());
}

TEST_CASE("keep-alive: a pong with another payload does not answer the ping", "[connection][timers]") {
  tether::connection_options options;
  options.ping_interval = 1000ms;
  options.pong_timeout = 500ms;
  tether::connection server(tether::role::server, options);
  test::open_server(server);
  server.tick(t0);
  server.tick(t0 + 1000ms);
  const std::string ping = test::take_output(server);
  REQUIRE(ping.size() == 2 + 4);
  std::string wrong = ping.substr(2);
  wrong[3] = static_cast<char>(wrong[3] ^ 0x80);
  test::feed(server, test::frame(opcode::pong, wrong));
  test::feed(server, test::frame(opcode::pong, ""));
  server.tick(t0 + 1500ms);
  CHECK(server.next_event().failure == tether::error::ping_timeout);
}

TEST_CASE("keep-alive: a zero interval turns pings off", "[connection][timers]") {
  tether::connection_options options;
  options.ping_interval = 0ms;
  tether::connection server(tether::role::server, options);
  test::open_server(server);
  server.tick(t0);
  server.tick(t0 + 1000h);
  CHECK_FALSE(server.has_output());
  CHECK_FALSE(server.next_deadline());
}

TEST_CASE("timeouts: an unanswered close fails after close_timeout", "[connection][timers]") {
  tether::connection_options options;
  options.close_timeout = 2000ms;
  tether::connection server(tether::role::server, options);
  test::open_server(server);
  server.tick(t0);
  // Asked 25 s after the last tick, the closing handshake is timed from then.
  REQUIRE_FALSE(server.close(tether::close_code::normal, "", t0 + 25s));
  test::take_output(server);
  CHECK(*server.next_deadline() == t0 + 27s);
  server.tick(t0 + 26s);
  CHECK(server.next_event().type == tether::event_type::none);
  server.tick(t0 + 27s);
  const tether::event e = server.next_event();
  CHECK(e.failure == tether::error::close_timeout);
  CHECK_FALSE(server.has_output());  // the close frame went out already
  CHECK(server.should_close_transport());
}

TEST_CASE("timeouts: close() without a time is timed from the next tick, never from an older one",
          "[connection][timers]") {
  tether::connection_options options;
  options.close_timeout = 2000ms;
  tether::connection server(tether::role::server, options);
  test::open_server(server);
  server.tick(t0);
  REQUIRE_FALSE(server.close());
  test::take_output(server);
  CHECK(*server.next_deadline() == t0);  // asks for a tick now, to date the timer
  server.tick(t0 + 25s);
  CHECK(server.next_event().type == tether::event_type::none);
  CHECK(*server.next_deadline() == t0 + 27s);
  server.tick(t0 + 27s);
  CHECK(server.next_event().failure == tether::error::close_timeout);
}

TEST_CASE("timeouts: a handshake that does not finish fails", "[connection][timers]") {
  tether::connection_options options;
  options.handshake_timeout = 3000ms;
  tether::connection server(tether::role::server, options);
  server.tick(t0);
  const std::string half = test::sample_request().substr(0, 20);
  server.receive(static_cast<const void*>(half.data()), half.size());
  CHECK(server.next_event().type == tether::event_type::none);
  server.tick(t0 + 3000ms);
  CHECK(server.next_event().failure == tether::error::handshake_timeout);
  CHECK(server.should_close_transport());
}
