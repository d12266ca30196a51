// Data framing rules on an open connection, both roles (RFC 6455 §5, §8.1).
#include <tether/connection.hpp>

#include "conversation.hpp"
#include "tether_catch.hpp"

using test::frame;
using tether::opcode;

namespace {

// Feeds frames to an open server and returns the event log and the output.
struct outcome {
  std::vector<std::string> events;
  std::string output;
  tether::connection_state state;
};

outcome to_server(const test::bytes& input, tether::connection_options options = {}) {
  tether::connection server(tether::role::server, options);
  test::open_server(server);
  const auto log = test::feed(server, input);
  return {log.lines, test::take_output(server), server.state()};
}

outcome to_client(const test::bytes& input, tether::connection_options options = {}) {
  tether::connection client(tether::role::client, options);
  test::open_client(client);
  const auto log = test::feed(client, input);
  return {log.lines, test::take_output(client), client.state()};
}

// The close frame a server sends when it fails with `code` (unmasked).
std::string server_close(std::uint16_t code) {
  return test::text_of(frame(opcode::close, test::close_body(code), true, false));
}

}  // namespace

TEST_CASE("rule §5.4: a continuation without a started message fails with 1002", "[connection][rules]") {
  const auto r = to_server(frame(opcode::continuation, "x"));
  REQUIRE(r.events.size() == 1);
  CHECK(r.events[0] == "failure 1002 unexpected_continuation");
  CHECK(r.output == server_close(1002));
  CHECK(r.state == tether::connection_state::failed);
}

TEST_CASE("rule §5.4: a new data frame inside a fragmented message fails with 1002", "[connection][rules]") {
  const auto r = to_server(test::concat({frame(opcode::text, "a", false), frame(opcode::binary, "b")}));
  REQUIRE(r.events.size() == 1);
  CHECK(r.events[0] == "failure 1002 expected_continuation");
  CHECK(r.output == server_close(1002));
}

TEST_CASE("rule §5.4: control frames between fragments are handled at once", "[connection][rules]") {
  const auto r = to_server(test::concat({frame(opcode::text, "Hel", false), frame(opcode::ping, "p"),
                                         frame(opcode::continuation, "lo", false), frame(opcode::pong, "q"),
                                         frame(opcode::continuation, "!")}));
  CHECK(r.events == std::vector<std::string>{"ping:p", "pong:q", "text:Hello!"});
  CHECK(r.output == test::text_of(frame(opcode::pong, "p", true, false)));  // answered before the message ended
}

TEST_CASE("rule §5.1: a server fails on unmasked frames, a client on masked ones", "[connection][rules]") {
  const auto server = to_server(frame(opcode::text, "x", true, false));
  REQUIRE(server.events.size() == 1);
  CHECK(server.events[0] == "failure 1002 unmasked_frame");
  const auto client = to_client(frame(opcode::text, "x", true, true));
  REQUIRE(client.events.size() == 1);
  CHECK(client.events[0] == "failure 1002 masked_frame");
}

TEST_CASE("rule §5.2: reserved opcodes and RSV bits fail with 1002", "[connection][rules]") {
  for (int raw : {3, 4, 5, 6, 7, 0xB, 0xC, 0xD, 0xE, 0xF}) {
    const auto r = to_server(frame(static_cast<opcode>(static_cast<std::uint8_t>(raw)), ""));
    REQUIRE(r.events.size() == 1);
    CHECK(r.events[0] == "failure 1002 reserved_opcode");
  }
  for (int rsv : {1, 2, 4, 7}) {
    const auto r = to_server(frame(opcode::text, "x", true, true, {1, 2, 3, 4}, static_cast<std::uint8_t>(rsv)));
    REQUIRE(r.events.size() == 1);
    CHECK(r.events[0] == "failure 1002 reserved_bits");
  }
}

TEST_CASE("rule §5.5: long or fragmented control frames fail with 1002", "[connection][rules]") {
  const auto long_ping = to_server(frame(opcode::ping, std::string(126, 'x')));
  CHECK(long_ping.events.at(0) == "failure 1002 control_frame_too_long");
  const auto fragmented = to_server(frame(opcode::ping, "x", false));
  CHECK(fragmented.events.at(0) == "failure 1002 control_frame_fragmented");
  const auto max_ping = to_server(frame(opcode::ping, std::string(125, 'y')));
  CHECK(max_ping.events == std::vector<std::string>{"ping:" + std::string(125, 'y')});
}

TEST_CASE("rule §8.1: invalid UTF-8 fails with 1007 before the message ends", "[connection][rules][utf8]") {
  // The first fragment already holds an impossible byte: fail now, not at FIN.
  const auto early = to_server(frame(opcode::text, "ok \xC0\xAF", false));
  REQUIRE(early.events.size() == 1);
  CHECK(early.events[0] == "failure 1007 invalid_utf8");
  CHECK(early.output == server_close(1007));
  // A sequence split across fragments is fine when it is valid...
  const auto split =
      to_server(test::concat({frame(opcode::text, "\xE2\x82", false), frame(opcode::continuation, "\xAC")}));
  CHECK(split.events == std::vector<std::string>{"text:\xE2\x82\xAC"});
  // ...and fails at the first impossible continuation.
  const auto bad_split =
      to_server(test::concat({frame(opcode::text, "\xED", false), frame(opcode::continuation, "\xA0\x80", false)}));
  CHECK(bad_split.events.at(0) == "failure 1007 invalid_utf8");
  // A message may not end in the middle of a character.
  const auto truncated = to_server(frame(opcode::text, "\xE2\x82"));
  CHECK(truncated.events.at(0) == "failure 1007 invalid_utf8");
  // Binary messages are not checked.
  CHECK(to_server(frame(opcode::binary, "\xFF")).events == std::vector<std::string>{"binary:\xFF"});
}

TEST_CASE("rule §8.1: the validator state is per message", "[connection][rules][utf8]") {
  const auto r = to_server(test::concat({frame(opcode::text, "\xCE\xBA"), frame(opcode::text, "z")}));
  CHECK(r.events == std::vector<std::string>{"text:\xCE\xBA", "text:z"});
}

TEST_CASE("rule §5.5.2: pings are answered with the same payload — unsolicited pongs are fine", "[connection][rules]") {
  const auto r = to_server(test::concat({frame(opcode::ping, "Hello"), frame(opcode::pong, "unasked")}));
  CHECK(r.events == std::vector<std::string>{"ping:Hello", "pong:unasked"});
  CHECK(r.output == test::text_of(frame(opcode::pong, "Hello", true, false)));
  tether::connection_options manual;
  manual.auto_pong = false;
  const auto off = to_server(frame(opcode::ping, "Hello"), manual);
  CHECK(off.events == std::vector<std::string>{"ping:Hello"});
  CHECK(off.output.empty());
}

TEST_CASE("client frames are masked with fresh keys — server frames are not", "[connection][rules]") {
  tether::connection client(tether::role::client);
  test::open_client(client);
  REQUIRE_FALSE(client.send_text("same"));
  REQUIRE_FALSE(client.send_text("same"));
  const std::string out = test::take_output(client);
  REQUIRE(out.size() == 2 * (2 + 4 + 4));
  CHECK((static_cast<unsigned char>(out[1]) & 0x80) != 0);
  CHECK(out.substr(2, 4) != out.substr(12, 4));  // different keys (2^-32 chance of a false failure)
  CHECK(out.substr(6, 4) != out.substr(16, 4));
  tether::frame_decoder decoder({tether::role::server});
  test::bytes bytes(out.begin(), out.end());
  const auto step = decoder.decode(bytes.data(), bytes.size());
  CHECK(test::as_text(step.payload, step.payload_size) == "same");

  tether::connection server(tether::role::server);
  test::open_server(server);
  REQUIRE_FALSE(server.send_text("same"));
  CHECK(test::take_output(server) == test::text_of(frame(opcode::text, "same", true, false)));
}

TEST_CASE("limits: frames and messages over the limits fail with 1009", "[connection][limits]") {
  tether::connection_options options;
  options.max_message_size = 10;
  const auto big =
      to_server(test::concat({frame(opcode::binary, "123456", false), frame(opcode::continuation, "78901")}), options);
  CHECK(big.events.at(0) == "failure 1009 message_too_big");
  CHECK(big.output == server_close(1009));
  options.max_message_size = 1000;
  options.max_frame_size = 4;
  const auto frame_limit = to_server(frame(opcode::binary, "12345"), options);
  CHECK(frame_limit.events.at(0) == "failure 1009 frame_too_big");
}

TEST_CASE("limits: the output queue refuses what does not fit", "[connection][limits]") {
  tether::connection_options options;
  options.max_queued_output = 100;
  tether::connection server(tether::role::server, options);
  test::open_server(server);
  CHECK_FALSE(server.send_binary(std::string(50, 'a').data(), 50));
  CHECK(server.send_binary(std::string(50, 'b').data(), 50) == tether::error::output_queue_full);
  CHECK(server.queued_output() == 52);
  test::take_output(server);
  CHECK_FALSE(server.send_binary(std::string(50, 'c').data(), 50));
}

TEST_CASE("limits: pings while the output is full are answered once it drains", "[connection][limits]") {
  tether::connection_options options;
  options.max_queued_output = 64;
  tether::connection server(tether::role::server, options);
  test::open_server(server);
  REQUIRE_FALSE(server.send_binary(std::string(60, 'a').data(), 60));
  test::bytes pings = test::concat({frame(opcode::ping, "1"), frame(opcode::ping, "2"), frame(opcode::ping, "3")});
  test::feed(server, pings);
  CHECK(server.queued_output() == 62);  // no pong queued beyond the limit
  std::string out = test::take_output(server);
  // §5.5.3: only the latest ping needs an answer.
  CHECK(out.substr(62) + test::take_output(server) == test::text_of(frame(opcode::pong, "3", true, false)));
}

TEST_CASE("sending: automatic fragmentation and streamed messages", "[connection][send]") {
  tether::connection_options options;
  options.fragment_size = 10;
  tether::connection server(tether::role::server, options);
  test::open_server(server);
  REQUIRE_FALSE(server.send_text("abcdefghijklmnopqrstuvwxy"));
  CHECK(test::take_output(server) ==
        test::text_of(test::concat({frame(opcode::text, "abcdefghij", false, false),
                                    frame(opcode::continuation, "klmnopqrst", false, false),
                                    frame(opcode::continuation, "uvwxy", true, false)})));
  REQUIRE_FALSE(server.begin_message(opcode::binary));
  CHECK(server.begin_message(opcode::binary) == tether::error::message_in_progress);
  CHECK(server.send_text("no") == tether::error::message_in_progress);
  REQUIRE_FALSE(server.send_chunk("12", 2));
  REQUIRE_FALSE(server.ping("p"));  // control frames may interleave
  REQUIRE_FALSE(server.send_chunk("34", 2));
  REQUIRE_FALSE(server.end_message());
  CHECK(server.send_chunk("x", 1) == tether::error::no_message_in_progress);
  CHECK(test::take_output(server) ==
        test::text_of(test::concat({frame(opcode::binary, "12", false, false), frame(opcode::ping, "p", true, false),
                                    frame(opcode::continuation, "34", false, false),
                                    frame(opcode::continuation, "", true, false)})));
}

TEST_CASE("sending: text must be UTF-8, control payloads short", "[connection][send][misuse]") {
  tether::connection server(tether::role::server);
  test::open_server(server);
  CHECK(server.send_text("\xC0\x80") == tether::error::text_not_utf8);
  CHECK(server.ping(std::string(126, 'x')) == tether::error::control_frame_too_long);
  REQUIRE_FALSE(server.begin_message(opcode::text));
  REQUIRE_FALSE(server.send_chunk("\xE2\x82", 2));  // a character may span chunks
  CHECK(server.end_message() == tether::error::text_not_utf8);
  REQUIRE_FALSE(server.end_message("\xAC", 1));
  CHECK_FALSE(server.has_output() == false);
}

TEST_CASE("sending: a server's borrowed payload is referenced, not copied", "[connection][send]") {
  tether::connection server(tether::role::server);
  test::open_server(server);
  static const char payload[] = "borrowed bytes";
  REQUIRE_FALSE(server.send_borrowed(opcode::binary, payload, sizeof payload - 1));
  tether::const_buffer buffers[4];
  REQUIRE(server.output_buffers(buffers, 4) == 2);
  CHECK(buffers[1].data == payload);
  CHECK(test::take_output(server) == test::text_of(frame(opcode::binary, "borrowed bytes", true, false)));
}
