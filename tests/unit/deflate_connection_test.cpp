// permessage-deflate in the connection (RFC 7692 §5-§7 end to end): the
// handshake agrees, messages go out with RSV1 on their first frame only and
// come back intact, control frames interleave, inflation streams in bounded
// pieces with max_message_size on the inflated size, and a shared message is
// compressed once for the connections that can share its encoding.
#include <tether/connection.hpp>
#include <tether/deflate.hpp>
#include <tether/frame.hpp>

#include <random>
#include <string>
#include <vector>

#include "conversation.hpp"
#include "deflate_support.hpp"
#include "tether_catch.hpp"

using tether::event_type;
using tether::opcode;

namespace {

struct pair_of {
  tether::connection client;
  tether::connection server;
  test::event_log client_log, server_log;
  pair_of(const tether::connection_options& client_options, const tether::connection_options& server_options)
      : client(tether::role::client, client_options), server(tether::role::server, server_options) {}
};

// Moves everything `from` wrote into `to`, `piece` bytes per receive.
void pump(tether::connection& from, tether::connection& to, test::event_log& log, std::size_t piece = 1 << 20) {
  std::string wire = test::take_output(from);
  for (std::size_t at = 0; at < wire.size(); at += piece) {
    std::vector<unsigned char> bytes(wire.begin() + static_cast<long>(at),
                                     wire.begin() + static_cast<long>(std::min(wire.size(), at + piece)));
    to.receive(static_cast<void*>(bytes.data()), bytes.size());
    for (tether::event e = to.next_event(); e; e = to.next_event()) {
      log.add(e);
      if (e.type == event_type::upgrade_request) REQUIRE_FALSE(to.accept());
    }
  }
}

void handshake(pair_of& p) {
  REQUIRE_FALSE(p.client.connect("ws://localhost/chat"));
  pump(p.client, p.server, p.server_log);
  pump(p.server, p.client, p.client_log);
  REQUIRE(p.client.is_open());
  REQUIRE(p.server.is_open());
}

// The first header byte of every frame in a stream written by `sender`.
std::vector<unsigned> first_bytes(const std::string& wire, tether::role receiver) {
  tether::frame_decoder decoder({receiver, 1u << 30, 1u << 30, tether::rsv::rsv1, true});
  std::vector<unsigned> out;
  std::string copy = wire;
  auto* data = reinterpret_cast<unsigned char*>(copy.data());
  std::size_t size = copy.size();
  while (size != 0) {
    const auto step = decoder.decode(data, size);
    REQUIRE_FALSE(step.failed());
    if (step.frame_begins) {
      const auto& h = decoder.header();
      out.push_back((h.fin ? 0x80u : 0u) | unsigned(h.rsv) << 4 | unsigned(h.op));
    }
    data += step.consumed;
    size -= step.consumed;
  }
  return out;
}

}  // namespace

TEST_CASE("deflate connection: both roles agree and every message round-trips compressed", "[deflate][connection]") {
  const tether::permessage_deflate deflate;
  tether::connection_options options;
  options.extension = &deflate;
  options.fragment_size = 64 * 1024;
  pair_of p(options, options);
  REQUIRE_FALSE(p.client.connect("ws://localhost/chat"));
  const std::string request = test::take_output(p.client);
  CHECK(request.find("Sec-WebSocket-Extensions: permessage-deflate") != std::string::npos);
  {
    std::vector<unsigned char> bytes(request.begin(), request.end());
    p.server.receive(static_cast<void*>(bytes.data()), bytes.size());
    REQUIRE(p.server.next_event().type == event_type::upgrade_request);
    REQUIRE_FALSE(p.server.accept());
    REQUIRE(p.server.next_event().type == event_type::open);
  }
  const std::string response = test::take_output(p.server);
  CHECK(response.find("Sec-WebSocket-Extensions: permessage-deflate") != std::string::npos);
  p.client.receive(static_cast<const void*>(response.data()), response.size());
  REQUIRE(p.client.next_event().type == event_type::open);
  // Both sides say what was agreed: the server's answer, as sent and as read.
  CHECK(p.server.extensions().rfind("permessage-deflate", 0) == 0);
  CHECK(p.client.extensions() == p.server.extensions());

  std::mt19937 rng(7);
  std::string json_like;
  while (json_like.size() < 300000)
    json_like += "{\"type\":\"chat\",\"text\":\"hello " + std::to_string(rng() % 100) + "\"}";
  const std::vector<std::string> messages = {"", "tiny", json_like.substr(0, 200), json_like.substr(0, 5000),
                                             json_like.substr(0, 300000)};
  for (tether::connection* sender : {&p.client, &p.server}) {
    tether::connection& receiver = sender == &p.client ? p.server : p.client;
    test::event_log log;
    for (const std::string& m : messages) REQUIRE_FALSE(sender->send_text(m));
    REQUIRE_FALSE(sender->send_binary(json_like.data(), 70000));
    const std::string wire = test::take_output(*sender);
    // RSV1 on the first frame of each compressed message only: the 300000-byte
    // one compresses below one fragment; the empty and tiny ones stay plain.
    const auto firsts = first_bytes(wire, receiver.self());
    REQUIRE(firsts.size() == 6);
    CHECK(firsts[0] == 0x81);                                                        // empty: plain
    CHECK(firsts[1] == 0x81);                                                        // under min_compress_size: plain
    for (int i = 2; i < 5; ++i) CHECK(firsts[static_cast<std::size_t>(i)] == 0xC1);  // FIN, RSV1, text
    CHECK(firsts[5] == 0xC2);
    CHECK(wire.size() < 40000);  // ~645 KB of repetitive text, compressed
    std::vector<unsigned char> bytes(wire.begin(), wire.end());
    receiver.receive(static_cast<void*>(bytes.data()), bytes.size());
    test::drain_events(receiver, log);
    std::vector<std::string> expected;
    for (const auto& m : messages) expected.push_back("text:" + m);
    expected.push_back("binary:" + json_like.substr(0, 70000));
    CHECK(log.lines == expected);
  }
}

TEST_CASE("deflate connection: any split of the input gives the same messages", "[deflate][connection][chunking]") {
  const tether::permessage_deflate deflate;
  tether::connection_options options;
  options.extension = &deflate;
  options.decoded_chunk_size = 100;  // many pieces per message
  pair_of p(options, options);
  handshake(p);
  std::string text;
  for (int i = 0; i < 400; ++i) text += "caf\xC3\xA9 \xE2\x82\xAC " + std::to_string(i);
  REQUIRE_FALSE(p.client.send_text(text));
  REQUIRE_FALSE(p.client.begin_message(opcode::binary));
  REQUIRE_FALSE(p.client.send_chunk(text.data(), 1000));
  REQUIRE_FALSE(p.client.ping("between"));
  REQUIRE_FALSE(p.client.end_message(text.data() + 1000, 3000));
  const std::string wire = test::take_output(p.client);
  auto rng = test::make_rng(71);
  std::vector<std::string> reference;
  for (const auto& plan : test::split_plans(wire.size(), rng, 6)) {
    INFO("pieces " << plan.size() << " seed " << test::test_seed());
    pair_of q(options, options);
    handshake(q);
    test::event_log log = test::feed(q.server, test::from_text(wire), plan, [](tether::connection&) {});
    if (reference.empty()) reference = log.lines;
    CHECK(log.lines == reference);
  }
  REQUIRE(reference.size() == 3);
  CHECK(reference[0] == "text:" + text);
  CHECK(reference[1] == "ping:between");
  CHECK(reference[2] == "binary:" + text.substr(0, 4000));
}

TEST_CASE("deflate connection: max_message_size holds for the inflated size (a compression bomb fails fast)",
          "[deflate][connection][limits]") {
  const tether::permessage_deflate deflate;
  tether::connection_options client_options, server_options;
  client_options.extension = server_options.extension = &deflate;
  client_options.max_queued_output = 256u << 20;
  server_options.max_message_size = 1 << 20;
  pair_of p(client_options, server_options);
  handshake(p);
  const std::string zeros(64u << 20, '\0');
  REQUIRE_FALSE(p.client.send_binary(zeros.data(), zeros.size()));
  const std::string wire = test::take_output(p.client);
  CHECK(wire.size() < 200 * 1024);  // 64 MiB of zeros
  std::vector<unsigned char> bytes(wire.begin(), wire.end());
  p.server.receive(static_cast<void*>(bytes.data()), bytes.size());
  std::size_t delivered = 0;
  tether::event last;
  for (tether::event e = p.server.next_event(); e; e = p.server.next_event()) {
    if (e.type == event_type::data) delivered += e.size;
    last = e;
  }
  CHECK(last.failure == tether::error::message_too_big);
  CHECK(last.code == tether::close_code::message_too_big);
  CHECK(delivered <= (1u << 20));
}

TEST_CASE("deflate connection: a shared message is compressed once when no context is kept",
          "[deflate][connection][broadcast]") {
  tether::deflate_options policy;
  policy.server_no_context_takeover = true;
  const tether::permessage_deflate server_deflate(policy);
  const tether::permessage_deflate client_deflate;
  tether::connection_options client_options, server_options;
  client_options.extension = &client_deflate;
  server_options.extension = &server_deflate;
  std::vector<std::unique_ptr<pair_of>> pairs;
  for (int i = 0; i < 3; ++i) {
    pairs.push_back(std::make_unique<pair_of>(client_options, server_options));
    handshake(*pairs.back());
  }
  std::string text;
  for (int i = 0; i < 200; ++i) text += "shared text " + std::to_string(i % 7) + " ";
  const auto message = tether::shared_message::text(text);
  std::vector<std::string> wires;
  for (auto& p : pairs) {
    REQUIRE_FALSE(p->server.send_shared(message));
    REQUIRE_FALSE(p->server.send_shared(message));
    tether::const_buffer buffers[4];
    const std::size_t count = p->server.output_buffers(buffers, 4);
    REQUIRE(count == 2);
    // The same compressed frame, referenced from the message (not copied): same address.
    wires.push_back(test::take_output(p->server));
    static_cast<void>(buffers);
  }
  CHECK(wires[0] == wires[1]);
  CHECK(wires[1] == wires[2]);
  CHECK(wires[0].size() < text.size() / 4);
  CHECK(first_bytes(wires[0], tether::role::client) == std::vector<unsigned>{0xC1, 0xC1});
  for (auto& p : pairs) {
    std::vector<unsigned char> bytes(wires[0].begin(), wires[0].end());
    p->client.receive(static_cast<void*>(bytes.data()), bytes.size());
    test::event_log log;
    test::drain_events(p->client, log);
    CHECK(log.lines == std::vector<std::string>{"text:" + text, "text:" + text});
  }
}

TEST_CASE("deflate connection: a server without the extension declines, and messages stay plain",
          "[deflate][connection]") {
  const tether::permessage_deflate deflate;
  tether::connection_options client_options;
  client_options.extension = &deflate;
  pair_of p(client_options, tether::connection_options{});
  handshake(p);
  CHECK(p.client.extensions().empty());
  CHECK(p.server.extensions().empty());
  REQUIRE_FALSE(p.client.send_text(std::string(1000, 'a')));
  CHECK(first_bytes(test::take_output(p.client), tether::role::server) == std::vector<unsigned>{0x81});
}

TEST_CASE("deflate connection: an answer that breaks RFC 7692 fails the client's handshake", "[deflate][connection]") {
  const tether::permessage_deflate deflate;
  tether::connection_options options;
  options.extension = &deflate;
  for (const char* answer : {"permessage-deflate; server_max_window_bits=16", "permessage-deflate; x=1",
                             "permessage-deflate; server_no_context_takeover; server_no_context_takeover",
                             "permessage-deflate, permessage-deflate"}) {
    INFO(answer);
    tether::connection client(tether::role::client, options);
    REQUIRE_FALSE(client.connect("ws://localhost/"));
    const std::string request = test::take_output(client);
    const std::size_t at = request.find("Sec-WebSocket-Key: ") + 19;
    const std::string key = request.substr(at, 24);
    const std::string response =
        "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
        "Sec-WebSocket-Accept: " +
        std::string(tether::make_accept_key(key).view()) + "\r\nSec-WebSocket-Extensions: " + answer + "\r\n\r\n";
    client.receive(static_cast<const void*>(response.data()), response.size());
    const tether::event e = client.next_event();
    CHECK(e.type == event_type::failure);
    CHECK(std::error_code(e.failure) == tether::condition::handshake_failed);
  }
}

TEST_CASE("deflate connection: RSV1 on a continuation or a control frame fails with 1002", "[deflate][connection]") {
  const tether::permessage_deflate deflate;
  tether::connection_options options;
  options.extension = &deflate;
  for (int variant = 0; variant < 2; ++variant) {
    pair_of p(options, options);
    handshake(p);
    test::bytes bad =
        variant == 0
            ? test::concat({test::frame(opcode::text, "ab", false),
                            test::frame(opcode::continuation, "cd", true, true, {1, 2, 3, 4}, tether::rsv::rsv1)})
            : test::frame(opcode::ping, "", true, true, {1, 2, 3, 4}, tether::rsv::rsv1);
    test::event_log log = test::feed(p.server, bad, {bad.size()}, [](tether::connection&) {});
    REQUIRE_FALSE(log.lines.empty());
    CHECK(log.lines.back() == "failure 1002 reserved_bits");
  }
}

TEST_CASE(
    "deflate connection: message_too_big — an inflated message exactly at max_message_size passes, one byte more fails",
    "[deflate][connection][limits]") {
  const tether::permessage_deflate deflate;
  tether::connection_options client_options, server_options;
  client_options.extension = server_options.extension = &deflate;
  server_options.max_message_size = 1 << 16;
  for (const std::size_t size : {std::size_t{1} << 16, (std::size_t{1} << 16) + 1}) {
    INFO(size);
    pair_of p(client_options, server_options);
    handshake(p);
    const std::string zeros(size, '\0');
    REQUIRE_FALSE(p.client.send_binary(zeros.data(), zeros.size()));
    pump(p.client, p.server, p.server_log);
    REQUIRE(p.server_log.lines.size() == 3);  // upgrade, open, then the message or the failure
    if (size == std::size_t{1} << 16) {
      CHECK(p.server_log.lines[2] == "binary:" + zeros);
    } else {
      CHECK(p.server_log.lines[2] == "failure 1009 message_too_big");
    }
  }
}

TEST_CASE("deflate connection: bad_deflate_options — an extension with no offer, or one out of range, reports it",
          "[deflate][connection]") {
  CHECK(tether::permessage_deflate().failure() == tether::error{});
  CHECK(tether::permessage_deflate(nullptr, 0).failure() == tether::error::bad_deflate_options);
  tether::deflate_options out_of_range;
  out_of_range.memory_level = 10;
  CHECK(tether::permessage_deflate(out_of_range).failure() == tether::error::bad_deflate_options);
}
