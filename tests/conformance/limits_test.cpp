// Every limit at its boundary: exactly at the limit passes, one byte more does
// not (RFC 6455 §10.4 and tether's own limits, connection_options).
#include <tether/connection.hpp>

#include <string>

#include "conversation.hpp"
#include "tether_catch.hpp"

using namespace std::chrono_literals;
using test::frame;
using tether::event_type;
using tether::opcode;

namespace {

tether::connection_options watermarks(std::size_t high, std::size_t low) {
  tether::connection_options options;
  options.output_high_watermark = high;
  options.output_low_watermark = low;
  options.max_queued_output = 8 * high;
  options.ping_interval = 0ms;
  return options;
}

}  // namespace

TEST_CASE("output_high_watermark: a queue exactly at the mark is not backpressured, one byte over is",
          "[backpressure][limits]") {
  tether::connection server(tether::role::server, watermarks(1000, 200));
  test::open_server(server);
  REQUIRE_FALSE(server.send_binary(std::string(996, 'a').data(), 996));  // 4 header bytes + 996 = 1000
  REQUIRE(server.queued_output() == 1000);
  CHECK_FALSE(server.backpressured());
  REQUIRE_FALSE(server.send_binary("b", 1));
  CHECK(server.backpressured());
}

TEST_CASE("output_low_watermark: writable comes under the mark, not at it", "[backpressure][limits]") {
  tether::connection server(tether::role::server, watermarks(1000, 200));
  test::open_server(server);
  REQUIRE_FALSE(server.send_binary(std::string(2000, 'a').data(), 2000));
  REQUIRE(server.backpressured());
  const std::size_t queued = server.queued_output();
  REQUIRE_FALSE(server.consume(queued - 200));
  CHECK(server.next_event().type == event_type::none);
  CHECK(server.backpressured());
  REQUIRE_FALSE(server.consume(1));
  CHECK(server.next_event().type == event_type::writable);
  CHECK_FALSE(server.backpressured());
}

TEST_CASE("input_backlog_too_large: a backlog exactly at max_buffered_input is kept, one byte more fails",
          "[connection][limits]") {
  for (const std::size_t extra : {std::size_t{0}, std::size_t{1}}) {
    INFO("bytes over the limit: " << extra);
    tether::connection_options options;
    options.max_buffered_input = 1000;
    tether::connection server(tether::role::server, options);
    test::bytes first = test::from_text(test::sample_request());
    first.push_back(0x82);  // the start of a frame, kept while the application decides
    server.receive(static_cast<void*>(first.data()), first.size());
    REQUIRE(server.next_event().type == event_type::upgrade_request);
    test::bytes more(999 + extra, 'b');
    server.receive(static_cast<void*>(more.data()), more.size());
    const tether::event e = server.next_event();
    if (extra == 0) {
      CHECK(e.type == event_type::none);
      CHECK(server.state() == tether::connection_state::awaiting_decision);
    } else {
      CHECK(e.failure == tether::error::input_backlog_too_large);
    }
  }
}

TEST_CASE("message_assembler: a message at its max_message_size is delivered, one byte more closes with 1009",
          "[connection][handler][limits]") {
  struct counter {
    std::vector<std::string> messages;
    void on_message(opcode, std::string_view payload) { messages.emplace_back(payload); }
  };
  tether::connection server(tether::role::server);
  test::open_server(server);
  counter handler;
  tether::message_assembler messages(4);
  test::bytes input = test::concat({frame(opcode::text, "abcd"), frame(opcode::text, "abcde")});
  server.receive(static_cast<void*>(input.data()), input.size());
  tether::dispatch_events(server, messages, handler);
  CHECK(handler.messages == std::vector<std::string>{"abcd"});
  CHECK(test::take_output(server) ==
        test::text_of(frame(opcode::close, test::close_body(1009, "message too big"), true, false)));
}

TEST_CASE("failure after our close: no second close frame, and the event says none went out (1006)",
          "[connection][close]") {
  tether::connection server(tether::role::server);
  test::open_server(server);
  REQUIRE_FALSE(server.close(tether::close_code::going_away));
  CHECK(test::take_output(server) == test::text_of(frame(opcode::close, test::close_body(1001), true, false)));
  const auto log = test::feed(server, frame(static_cast<opcode>(0x3), ""));
  CHECK(log.lines == std::vector<std::string>{"failure 1006 reserved_opcode"});
  CHECK(test::take_output(server).empty());  // §5.5.1: one close frame per side
}

TEST_CASE("failure during the opening handshake: the HTTP answer and nothing after it", "[connection][server]") {
  tether::connection server(tether::role::server);
  std::string request = test::sample_request();
  request.replace(0, 3, "PUT");
  server.receive(static_cast<const void*>(request.data()), request.size());
  const tether::event e = server.next_event();
  CHECK(e.failure == tether::error::method_not_get);
  CHECK(e.code == tether::close_code::abnormal_closure);
  CHECK(e.http_status == 400);
  const std::string out = test::take_output(server);
  CHECK(out.rfind("HTTP/1.1 400 ", 0) == 0);
  CHECK(out.find("\x88") == std::string::npos);  // no close frame: the connection never opened
}

TEST_CASE("output_queue_full: a queue exactly at max_queued_output takes the message, one byte more is refused",
          "[backpressure][limits]") {
  tether::connection_options options = watermarks(1000, 200);
  options.max_queued_output = 1000;
  tether::connection server(tether::role::server, options);
  test::open_server(server);
  REQUIRE_FALSE(server.send_binary(std::string(996, 'a').data(), 996));  // 4 header bytes + 996 = 1000
  CHECK(server.send_binary("b", 1) == tether::error::output_queue_full);
  CHECK(server.queued_output() == 1000);
}

TEST_CASE("output_queue_full: streamed pieces count against max_queued_output too", "[backpressure][limits]") {
  tether::connection_options options = watermarks(1000, 200);
  options.max_queued_output = 1000;
  tether::connection server(tether::role::server, options);
  test::open_server(server);
  REQUIRE_FALSE(server.begin_message(opcode::binary));
  REQUIRE_FALSE(server.send_chunk(std::string(996, 'a').data(), 996));
  CHECK(server.send_chunk("b", 1) == tether::error::output_queue_full);
  CHECK(server.queued_output() == 1000);
}

TEST_CASE("no_request_pending: reject() only answers a pending upgrade request", "[connection][server]") {
  tether::connection server(tether::role::server);
  CHECK(server.reject(403) == tether::error::no_request_pending);  // nothing received yet
  CHECK_FALSE(server.has_output());
  test::open_server(server);
  CHECK(server.reject(403) == tether::error::no_request_pending);  // accepted already
  CHECK(server.is_open());
  CHECK_FALSE(server.has_output());
}

TEST_CASE("message_in_progress: a shared message waits for the streamed message to end (RFC 6455 §5.4)",
          "[connection][backpressure]") {
  tether::connection server(tether::role::server);
  test::open_server(server);
  REQUIRE_FALSE(server.begin_message(opcode::text));
  REQUIRE_FALSE(server.send_chunk("Hel", 3));
  CHECK(server.send_shared(tether::shared_message::text("other")) == tether::error::message_in_progress);
  REQUIRE_FALSE(server.end_message("lo", 2));
  CHECK(test::take_output(server) == test::text_of(test::concat({frame(opcode::text, "Hel", false, false),
                                                                 frame(opcode::continuation, "lo", true, false)})));
  CHECK_FALSE(server.send_shared(tether::shared_message::text("other")));
}
