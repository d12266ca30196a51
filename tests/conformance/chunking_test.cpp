// The chunking property (GUIDE §7): a conversation fed whole, byte by byte and
// at random split points gives the same events and the same output.
#include <tether/connection.hpp>

#include "conversation.hpp"
#include "tether_catch.hpp"

using test::frame;
using tether::opcode;

namespace {

struct run_result {
  std::vector<std::string> events;
  std::string output;
  bool operator==(const run_result& other) const { return events == other.events && output == other.output; }
};

run_result run_server(const test::bytes& input, const std::vector<std::size_t>& plan) {
  tether::connection server(tether::role::server);
  auto log = test::feed(server, input, plan, [](tether::connection& c) { REQUIRE_FALSE(c.accept({"chat", {}, {}})); });
  return {log.lines, test::take_output(server)};
}

run_result run_client(const test::bytes& input, const std::vector<std::size_t>& plan, tether::connection& client) {
  auto log = test::feed(client, input, plan, [](tether::connection&) {});
  return {log.lines, test::take_output(client)};
}

}  // namespace

TEST_CASE("chunking: a server conversation gives the same events and output at any split", "[connection][chunking]") {
  const test::bytes conversation = test::concat({
      test::from_text(test::sample_request()),
      frame(opcode::text, "Hello"),
      frame(opcode::binary, std::string(300, 'b')),
      frame(opcode::text, "frag", false),
      frame(opcode::ping, "mid"),
      frame(opcode::continuation, "mented \xE2\x82", false),
      frame(opcode::continuation, "\xAC"),
      frame(opcode::binary, ""),
      frame(opcode::binary, std::string(70000, 'z')),
      frame(opcode::pong, ""),
      frame(opcode::close, test::close_body(1000, "done")),
  });
  auto rng = test::make_rng(30);
  const run_result whole = run_server(conversation, {conversation.size()});
  REQUIRE(whole.events.size() == 10);
  CHECK(whole.events[0] == "upgrade");
  CHECK(whole.events[1] == "open");
  CHECK(whole.events[4] == "ping:mid");
  CHECK(whole.events[5] == "text:fragmented \xE2\x82\xAC");
  CHECK(whole.events[9] == "close 1000:done");
  for (const auto& plan : test::split_plans(conversation.size(), rng, 10)) {
    INFO("pieces: " << plan.size() << " seed " << test::test_seed());
    CHECK(run_server(conversation, plan) == whole);
  }
}

TEST_CASE("chunking: a failing conversation fails the same way at any split", "[connection][chunking]") {
  const test::bytes conversation = test::concat({
      test::from_text(test::sample_request()),
      frame(opcode::text, "fine"),
      frame(opcode::text, "bad \xF4\x90 text", false),
      frame(opcode::continuation, "never seen"),
  });
  auto rng = test::make_rng(31);
  const run_result whole = run_server(conversation, {conversation.size()});
  REQUIRE(whole.events.size() == 4);
  CHECK(whole.events[3] == "failure 1007 invalid_utf8");
  for (const auto& plan : test::split_plans(conversation.size(), rng, 10)) {
    CHECK(run_server(conversation, plan) == whole);
  }
}

TEST_CASE("chunking: a client conversation gives the same events at any split", "[connection][chunking]") {
  // Build the server's side once, from a client's real request.
  tether::connection probe(tether::role::client);
  tether::websocket_uri uri;
  REQUIRE_FALSE(tether::parse_websocket_uri("ws://localhost/", uri));
  auto rng = test::make_rng(32);
  for (const auto& plan_seed : {0, 1, 2, 3, 4, 5}) {
    (void)plan_seed;
    tether::connection client(tether::role::client);
    REQUIRE_FALSE(client.connect(uri));
    const std::string request = test::take_output(client);
    tether::server_handshake<> peer;
    REQUIRE(peer.feed(request.data(), request.size()).status == tether::handshake_status::complete);
    std::string response;
    REQUIRE_FALSE(peer.write_accept(response));
    const test::bytes conversation = test::concat({
        test::from_text(response),
        frame(opcode::text, "one", true, false),
        frame(opcode::ping, "x", true, false),
        frame(opcode::binary, std::string(1000, 'q'), false, false),
        frame(opcode::continuation, "end", true, false),
        frame(opcode::close, test::close_body(1000), true, false),
    });
    const auto plans = test::split_plans(conversation.size(), rng, 1);
    const auto& plan = plans[static_cast<std::size_t>(plan_seed) % plans.size()];
    const run_result result = run_client(conversation, plan, client);
    CHECK(result.events == std::vector<std::string>{"open", "text:one", "ping:x",
                                                    "binary:" + std::string(1000, 'q') + "end", "close 1000:"});
    CHECK(result.output.size() == (2 + 4 + 1) + (2 + 4 + 2));  // masked pong "x", masked close echo
  }
}
