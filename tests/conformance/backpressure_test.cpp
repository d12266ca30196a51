// Backpressure with a way back (watermarks, the writable event, the slow
// reader limit) and one message for many connections (shared_message).
#include <tether/connection.hpp>

#include <memory>
#include <string>
#include <vector>

#include "conversation.hpp"
#include "tether_catch.hpp"

using namespace std::chrono_literals;
using test::frame;
using tether::event_type;
using tether::opcode;

namespace {

const tether::clock_time t0 = tether::clock_time{} + std::chrono::hours(72);

tether::connection_options watermarks(std::size_t high, std::size_t low) {
  tether::connection_options options;
  options.output_high_watermark = high;
  options.output_low_watermark = low;
  options.max_queued_output = 8 * high;
  options.ping_interval = 0ms;
  return options;
}

int writable_events(tether::connection& ws) {
  int count = 0;
  for (tether::event e = ws.next_event(); e; e = ws.next_event()) count += e.type == event_type::writable ? 1 : 0;
  return count;
}

}  // namespace

TEST_CASE("backpressure: over the high watermark sends still queue and say so", "[backpressure]") {
  tether::connection server(tether::role::server, watermarks(1000, 200));
  test::open_server(server);
  REQUIRE_FALSE(server.send_binary(std::string(900, 'a').data(), 900));
  CHECK_FALSE(server.backpressured());
  REQUIRE_FALSE(server.send_binary(std::string(200, 'b').data(), 200));  // crosses 1000
  CHECK(server.backpressured());
  REQUIRE_FALSE(server.send_binary(std::string(5000, 'c').data(), 5000));  // still queued, up to the hard limit
  CHECK(server.send_binary(std::string(8000, 'd').data(), 8000) == tether::error::output_queue_full);
  const std::string all = test::take_output(server);
  CHECK(all.size() == (2 + 2 + 900) + (2 + 2 + 200) + (2 + 2 + 5000));  // nothing accepted was dropped
}

TEST_CASE("backpressure: writable comes exactly once per crossing under the low watermark", "[backpressure]") {
  auto rng = test::make_rng(77);
  tether::connection server(tether::role::server, watermarks(4000, 1000));
  test::open_server(server);
  int crossings = 0, events = 0;
  bool was_on = false;
  for (int round = 0; round < 3000; ++round) {
    if (rng() % 2 == 0) {
      const std::size_t size = rng() % 1500;
      if (!server.send_binary(std::string(size, 'x').data(), size) && server.backpressured()) was_on = true;
    } else if (server.has_output()) {
      const std::size_t n = 1 + rng() % server.queued_output();
      REQUIRE_FALSE(server.consume(n));
      if (was_on && server.queued_output() < 1000) {
        ++crossings;
        was_on = false;
        CHECK_FALSE(server.backpressured());
      }
    }
    events += writable_events(server);
    CHECK(events == crossings);
  }
  CHECK(crossings > 10);
}

TEST_CASE("backpressure: a queue over the high watermark for max_backpressure_time fails the connection",
          "[backpressure][timers]") {
  tether::connection_options options = watermarks(1000, 200);
  options.max_backpressure_time = 5s;
  tether::connection server(tether::role::server, options);
  test::open_server(server);
  server.tick(t0);
  REQUIRE_FALSE(server.send_binary(std::string(3000, 'a').data(), 3000));
  server.tick(t0 + 1s);  // dates the limit: over the mark since this tick
  server.tick(t0 + 5999ms);
  CHECK(server.next_event().type == event_type::none);
  CHECK(server.is_open());
  // Draining below the high mark (not yet the low one) stops the clock.
  REQUIRE_FALSE(server.consume(2500));
  server.tick(t0 + 7s);
  CHECK(server.is_open());
  REQUIRE_FALSE(server.send_binary(std::string(3000, 'b').data(), 3000));
  server.tick(t0 + 8s);
  server.tick(t0 + 12999ms);
  CHECK(server.is_open());
  server.tick(t0 + 13s);
  const tether::event e = server.next_event();
  CHECK(e.failure == tether::error::slow_reader);
  // Nothing was handed out, so the queue is dropped and a 1008 can go cleanly.
  CHECK(e.code == tether::close_code::policy_violation);
  CHECK(test::take_output(server) == test::text_of(frame(opcode::close, test::close_body(1008), true, false)));
  CHECK(server.should_close_transport());
}

TEST_CASE("backpressure: a slow reader with a write in flight is dropped without a close frame",
          "[backpressure][timers]") {
  tether::connection_options options = watermarks(1000, 200);
  options.max_backpressure_time = 5s;
  tether::connection server(tether::role::server, options);
  test::open_server(server);
  server.tick(t0);
  REQUIRE_FALSE(server.send_binary(std::string(3000, 'a').data(), 3000));
  tether::const_buffer held[4];
  REQUIRE(server.output_buffers(held, 4) != 0);  // an async write holds it
  REQUIRE_FALSE(server.consume(10));
  server.tick(t0 + 1s);
  server.tick(t0 + 6s);
  const tether::event e = server.next_event();
  CHECK(e.failure == tether::error::slow_reader);
  CHECK(e.code == tether::close_code::abnormal_closure);  // a close frame cannot follow half a frame
  CHECK(server.queued_output() == 2 + 2 + 3000 - 10);     // what was handed out stays until consumed
  CHECK(server.should_close_transport());
}

TEST_CASE("shared message: each connection gets it intact, once, whatever it does meanwhile", "[broadcast]") {
  const std::string text = "broadcast \xE2\x9C\x93 " + std::string(2000, 'x');
  const tether::shared_message message = tether::shared_message::text(text);
  REQUIRE(message);
  CHECK(message.type() == opcode::text);
  std::vector<std::unique_ptr<tether::connection>> room;
  for (int i = 0; i < 12; ++i) {
    room.push_back(std::make_unique<tether::connection>(i % 3 == 0 ? tether::role::client : tether::role::server));
    if (i % 3 == 0) {
      test::open_client(*room.back());
    } else {
      test::open_server(*room.back());
    }
  }
  for (auto& ws : room) REQUIRE_FALSE(ws->send_shared(message));
  REQUIRE_FALSE(room[1]->send_shared(message));  // twice to one: it gets it twice
  for (std::size_t i = 0; i < room.size(); ++i) {
    tether::connection& ws = *room[i];
    const bool client = i % 3 == 0;
    // Read back what each would write, in odd pieces, and decode it as its peer would.
    tether::frame_decoder decoder({client ? tether::role::server : tether::role::client});
    std::string wire = test::take_output(ws);
    std::string got;
    int messages = 0;
    std::size_t at = 0;
    while (at < wire.size()) {
      auto* data = reinterpret_cast<unsigned char*>(&wire[at]);
      const auto step = decoder.decode(data, std::min<std::size_t>(wire.size() - at, 7));
      REQUIRE_FALSE(step.failed());
      got.append(reinterpret_cast<const char*>(step.payload), step.payload_size);
      if (step.frame_ends) ++messages;
      at += step.consumed;
    }
    CHECK(messages == (i == 1 ? 2 : 1));
    CHECK(got == (i == 1 ? text + text : text));
  }
  CHECK(room[0]->send_shared(tether::shared_message::text("\xC0\xAF")) == tether::error::text_not_utf8);
  CHECK(room[0]->send_shared(tether::shared_message()) == tether::error::empty_shared_message);
  REQUIRE_FALSE(room[2]->close());
  CHECK(room[2]->send_shared(message) == tether::error::close_already_sent);
}
