// Memory over time: what a connection holds follows what is queued, whatever
// the peer and the application do, and nothing is left behind. This binary
// counts every heap byte (support/heap_counter.hpp replaces operator new).
#include <tether/connection.hpp>

#include <random>
#include <string>
#include <vector>

#include "../support/heap_counter.hpp"
#include "conversation.hpp"
#include "pair_driver.hpp"
#include "tether_catch.hpp"

using test::frame;
using tether::opcode;

namespace {

std::size_t live() { return bench::heap_in_use(); }

struct rng_choices {
  std::mt19937_64 rng;
  unsigned next(unsigned n) { return static_cast<unsigned>(rng() % n); }
};

}  // namespace

TEST_CASE("memory: sending and consuming in a loop holds no more than what is queued", "[memory][output]") {
  tether::connection server(tether::role::server);
  test::open_server(server);
  const std::string message(1000, 'm');
  const std::size_t baseline = live();
  std::size_t peak = 0;
  tether::const_buffer buffers[8]{};  // zeroed: g++ -O3 cannot see that count != 0 filled the first
  for (int i = 0; i < 200000; ++i) {
    REQUIRE_FALSE(server.send_text(message));
    // Write part of it: something always stays queued, as with a busy socket.
    const std::size_t count = server.output_buffers(buffers, 8);
    REQUIRE(count != 0);
    const std::size_t n = buffers[0].size > 900 ? 900 : buffers[0].size;
    REQUIRE_FALSE(server.consume(n));
    if (server.queued_output() > 4096) REQUIRE_FALSE(server.consume(server.queued_output() - 200));
    peak = std::max(peak, live() - baseline);
  }
  // Queued stays under 4 KiB: the queue holds its blocks (4 KiB each, one
  // being filled, one spare) and a small segment ring.
  CHECK(peak <= 3 * 4096 + 64 * 32 + 1024);
}

TEST_CASE("memory: a peer that pings fast and reads slowly cannot grow the heap", "[memory][output]") {
  tether::connection_options options;
  options.max_queued_output = 64 * 1024;
  tether::connection server(tether::role::server, options);
  test::open_server(server);
  const std::size_t baseline = live();
  std::size_t peak = 0;
  test::bytes pings;
  for (int i = 0; i < 100; ++i) {
    const test::bytes one = frame(opcode::ping, std::string(100, static_cast<char>('a' + i % 26)));
    pings.insert(pings.end(), one.begin(), one.end());
  }
  for (int round = 0; round < 3000; ++round) {
    test::bytes input = pings;
    server.receive(static_cast<void*>(input.data()), input.size());
    while (server.next_event()) {
    }
    // The peer reads a little less than the pongs it provoked.
    const std::size_t read = server.queued_output() < 9000 ? server.queued_output() : 9000;
    REQUIRE_FALSE(server.consume(read));
    peak = std::max(peak, live() - baseline);
  }
  CHECK(server.is_open());
  CHECK(server.queued_output() <= options.max_queued_output + 256);
  CHECK(peak <= options.max_queued_output + 4 * 4096 + 64 * 1024);
}

TEST_CASE("memory: a shared message lives until the last connection consumed it", "[memory][broadcast]") {
  {
    std::vector<std::unique_ptr<tether::connection>> room;
    for (int i = 0; i < 40; ++i) {
      room.push_back(std::make_unique<tether::connection>(i % 4 == 0 ? tether::role::client : tether::role::server));
      if (i % 4 == 0) {
        test::open_client(*room.back());
      } else {
        test::open_server(*room.back());
      }
    }
    const std::size_t before = live();
    const std::string text(64 * 1024, 'x');
    {
      const tether::shared_message message = tether::shared_message::text(text);
      for (auto& ws : room) REQUIRE_FALSE(ws->send_shared(message));
    }
    // One copy of the payload for all 30 servers (each of the 10 clients masks
    // its own copy); per connection at most an output block and a segment ring.
    const std::size_t servers_and_clients = live() - before;
    CHECK(servers_and_clients < (1 + 10) * text.size() + room.size() * (4096 + 512) + 16 * 1024);
    // Some consume part, some close, some fail, some abort, then all finish.
    for (std::size_t i = 0; i < room.size(); ++i) {
      tether::connection& ws = *room[i];
      if (i % 5 == 1) REQUIRE_FALSE(ws.consume(1000));
      if (i % 5 == 2) REQUIRE_FALSE(ws.close());
      if (i % 5 == 3) ws.abort();
      if (i % 5 == 4) {
        test::bytes bad = frame(opcode::binary, "x", true, i % 4 != 0);
        bad[0] = 0x83;  // reserved opcode: fails with 1002
        ws.receive(static_cast<void*>(bad.data()), bad.size());
        while (ws.next_event()) {
        }
      }
    }
    bool consumed = true;
    for (auto& ws : room) {
      tether::const_buffer buffers[8];
      while (ws->has_output()) {
        const std::size_t count = ws->output_buffers(buffers, 8);
        std::size_t n = 0;
        for (std::size_t k = 0; k < count; ++k) n += buffers[k].size;
        consumed = consumed && !ws->consume(n);
      }
    }
    // Back where it was before the message: the payload, the clients' copies
    // and every frame are gone (each connection keeps its spare output blocks).
    const std::size_t after = live();
    CHECK(consumed);
    CHECK(after <= before + room.size() * 2 * 4096);
    room.clear();
  }
}

TEST_CASE("memory: random interleavings of a whole conversation stay within the limits", "[memory][property]") {
  tether::connection_options options;
  options.max_queued_output = 256 * 1024;
  options.output_high_watermark = 64 * 1024;
  options.output_low_watermark = 16 * 1024;
  options.max_buffered_input = 128 * 1024;
  options.max_message_size = options.max_frame_size = 128 * 1024;
  options.fragment_size = 1000;
  options.ping_interval = std::chrono::milliseconds(3000);
  options.pong_timeout = std::chrono::milliseconds(5000);
  options.close_timeout = std::chrono::milliseconds(4000);
  const std::size_t per_connection_bound =
      options.max_queued_output + 256 + options.max_buffered_input + 3 * 4096 + 16 * 1024;
  auto check = [](bool ok, const char* what) {
    if (!ok) FAIL(what);
  };
  std::size_t operations = 0;
  for (int run = 0; operations < 1000000; ++run) {
    INFO("run " << run << " seed " << test::test_seed());
    rng_choices choices{test::make_rng(1000 + static_cast<std::uint64_t>(run))};
    const std::size_t baseline = live();
    {
      test::pair_driver<rng_choices, decltype(check)> pair(choices, check, options);
      for (int i = 0; i < 2000; ++i, ++operations) {
        pair.step();
        if (i % 64 == 0) {
          std::size_t test_owned = pair.pipe_bytes();
          for (const auto* s : {&pair.client(), &pair.server()}) {
            for (const auto& m : s->sent) test_owned += m.capacity() + 64;
            for (const auto& m : s->received) test_owned += m.capacity() + 64;
            test_owned += s->partial.capacity() + s->held.capacity() * 24 + s->received.capacity() * 32;
          }
          const std::size_t in_use = live() - baseline;
          REQUIRE(in_use <= test_owned + 2 * per_connection_bound + 64 * 1024);
        }
      }
      pair.finish();
    }
    REQUIRE(live() == baseline);
  }
}

TEST_CASE("memory: an idle connection gives its output memory back at the ticks", "[memory][output]") {
  tether::connection server(tether::role::server);
  test::open_server(server);
  const auto now = tether::clock_time{} + std::chrono::hours(1);
  server.tick(now);
  server.tick(now);
  const std::size_t idle = live();
  REQUIRE_FALSE(server.send_text("hello"));
  const std::size_t busy = live();
  CHECK(busy > idle);  // a block for the frame
  REQUIRE_FALSE(server.consume(server.queued_output()));
  server.tick(now);  // something was queued since the last tick: kept for the next message
  CHECK(live() == busy);
  REQUIRE_FALSE(server.send_text("again"));  // and reused: no allocation
  CHECK(live() == busy);
  REQUIRE_FALSE(server.consume(server.queued_output()));
  server.tick(now);
  server.tick(now);  // a tick interval without traffic: given back
  CHECK(live() == idle);
}
