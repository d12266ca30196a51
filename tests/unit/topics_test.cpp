#include <tether/connection.hpp>
#include <tether/topics.hpp>

#include <memory>
#include <string>
#include <vector>

#include "conversation.hpp"
#include "tether_catch.hpp"

TEST_CASE("topics: publish reaches every member once — unsubscribe and unsubscribe_all remove", "[topics]") {
  std::vector<std::unique_ptr<tether::connection>> peers;
  for (int i = 0; i < 6; ++i) {
    peers.push_back(std::make_unique<tether::connection>(tether::role::server));
    test::open_server(*peers.back());
  }
  tether::topics<tether::connection> rooms;
  for (auto& p : peers) CHECK(rooms.subscribe("lobby", *p));
  CHECK_FALSE(rooms.subscribe("lobby", *peers[0]));  // once
  CHECK(rooms.subscribe("news", *peers[0]));
  CHECK(rooms.subscribe("news", *peers[5]));
  CHECK(rooms.size("lobby") == 6);

  auto refused = [](tether::connection&, std::error_code) { FAIL("no refusal expected"); };
  CHECK(rooms.publish("lobby", tether::shared_message::text("hi"), refused) == 6);
  for (auto& p : peers)
    CHECK(test::take_output(*p) == test::text_of(test::frame(tether::opcode::text, "hi", true, false)));

  CHECK(rooms.unsubscribe("lobby", *peers[2]));
  CHECK_FALSE(rooms.unsubscribe("lobby", *peers[2]));
  rooms.unsubscribe_all(*peers[0]);
  CHECK(rooms.size("lobby") == 4);
  CHECK(rooms.size("news") == 1);
  CHECK(rooms.publish("lobby", tether::shared_message::binary("x", 1), refused) == 4);
  CHECK_FALSE(peers[0]->has_output());
  CHECK_FALSE(peers[2]->has_output());
  CHECK(peers[1]->has_output());
  rooms.unsubscribe_all(*peers[5]);
  CHECK(rooms.size("news") == 0);
  CHECK(rooms.publish("news", tether::shared_message::binary("x", 1), refused) == 0);
}

TEST_CASE("topics: a refused member is reported and may be dropped from inside publish", "[topics]") {
  tether::connection_options small;
  small.max_queued_output = 64;
  tether::connection slow(tether::role::server, small), fine(tether::role::server);
  test::open_server(slow);
  test::open_server(fine);
  tether::topics<tether::connection> rooms;
  rooms.subscribe("room", slow);
  rooms.subscribe("room", fine);
  const auto message = tether::shared_message::text(std::string(100, 'm'));
  std::vector<tether::connection*> dropped;
  const std::size_t sent = rooms.publish("room", message, [&](tether::connection& member, std::error_code ec) {
    CHECK(ec == tether::error::output_queue_full);
    dropped.push_back(&member);
    rooms.unsubscribe_all(member);
  });
  CHECK(sent == 1);
  CHECK(dropped == std::vector<tether::connection*>{&slow});
  CHECK(rooms.size("room") == 1);
}
