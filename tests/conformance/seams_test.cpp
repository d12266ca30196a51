// The seams between tether and the application: buffers that must stay put,
// bytes that must be copied, and a lifecycle without dead ends. One test per
// item of the review that found them ("Safe at every seam"); under ASan the
// lifetime ones also catch a read of freed or reused memory.
#include <tether/connection.hpp>
#include <tether/handshake.hpp>

#include <cstring>
#include <string>
#include <vector>

#include "conversation.hpp"
#include "tether_catch.hpp"

using namespace std::chrono_literals;
using test::frame;
using tether::event_type;
using tether::opcode;

namespace {

const tether::clock_time t0 = tether::clock_time{} + std::chrono::hours(48);

struct held_buffers {
  std::vector<tether::const_buffer> buffers;
  std::vector<std::string> contents;
};

held_buffers hold(const tether::connection& c) {
  held_buffers held;
  held.buffers.resize(64);
  held.buffers.resize(c.output_buffers(held.buffers.data(), held.buffers.size()));
  for (const auto& b : held.buffers) held.contents.emplace_back(static_cast<const char*>(b.data), b.size);
  return held;
}

// Every held buffer still holds what it held, at the same address.
void check_unchanged(const held_buffers& held) {
  for (std::size_t i = 0; i < held.buffers.size(); ++i) {
    INFO("buffer " << i);
    CHECK(std::string(static_cast<const char*>(held.buffers[i].data), held.buffers[i].size) == held.contents[i]);
  }
}

std::size_t total(const held_buffers& held) {
  std::size_t n = 0;
  for (const auto& b : held.buffers) n += b.size;
  return n;
}

}  // namespace

TEST_CASE("seam 1: buffers handed out stay put and unchanged while more is queued", "[seams][output]") {
  tether::connection server(tether::role::server);
  test::open_server(server);
  REQUIRE_FALSE(server.send_text(std::string(3000, 'a')));
  REQUIRE_FALSE(server.send_binary(std::string(100000, 'b').data(), 100000));
  const held_buffers held = hold(server);  // an async write is now reading these
  // Meanwhile: automatic pongs, many sends (the queue grows far past its
  // first block and segment ring), a close.
  for (int i = 0; i < 200; ++i) {
    std::string name = "p";  // appended, not "p" + ...: g++ 12 -O3 -Wrestrict false positive
    name += std::to_string(i);
    test::feed(server, frame(opcode::ping, name));
  }
  for (int i = 0; i < 2000; ++i) REQUIRE_FALSE(server.send_text("more " + std::to_string(i)));
  REQUIRE_FALSE(server.close(tether::close_code::going_away, "bye"));
  check_unchanged(held);
  tether::const_buffer again[2];
  REQUIRE(server.output_buffers(again, 2) == 2);
  CHECK(again[0].data == held.buffers[0].data);
  // Acknowledged in odd pieces, the rest of what was held stays as it was.
  REQUIRE_FALSE(server.consume(1234));
  held_buffers rest = held;
  for (std::size_t skip = 1234; skip != 0;) {
    const std::size_t n = std::min(skip, rest.buffers.front().size);
    rest.buffers.front().data = static_cast<const char*>(rest.buffers.front().data) + n;
    rest.buffers.front().size -= n;
    rest.contents.front().erase(0, n);
    skip -= n;
    if (rest.buffers.front().size == 0) {
      rest.buffers.erase(rest.buffers.begin());
      rest.contents.erase(rest.contents.begin());
    }
  }
  for (int i = 0; i < 100; ++i) REQUIRE_FALSE(server.pong("x"));
  check_unchanged(rest);
  // The whole stream, read back, is the frames in order.
  const std::string all = test::take_output(server);
  CHECK(all.compare(0, held.contents[0].size() - 1234, held.contents[0], 1234) == 0);
}

TEST_CASE("seam 1: buffers stay valid after abort and failure until consumed", "[seams][output]") {
  tether::connection server(tether::role::server);
  test::open_server(server);
  REQUIRE_FALSE(server.send_binary(std::string(50000, 'z').data(), 50000));
  const held_buffers held = hold(server);
  REQUIRE_FALSE(server.send_text("never sent"));
  server.abort();
  CHECK(server.should_close_transport());
  CHECK(server.queued_output() == total(held));  // what was handed out stays; the rest is dropped
  check_unchanged(held);
  REQUIRE_FALSE(server.consume(server.queued_output()));
}

TEST_CASE("seam 3: frames that came with the upgrade request are copied before next_event() says none",
          "[seams][input]") {
  tether::connection server(tether::role::server);
  test::bytes buffer = test::concat({test::from_text(test::sample_request()), frame(opcode::text, "early"),
                                     frame(opcode::binary, std::string(200, 'e'))});
  server.receive(static_cast<void*>(buffer.data()), buffer.size());
  REQUIRE(server.next_event().type == event_type::upgrade_request);
  REQUIRE(server.next_event().type == event_type::none);  // the application decides later...
  std::fill(buffer.begin(), buffer.end(), 0xEE);          // ...and reuses its buffer for another socket
  test::bytes later = frame(opcode::text, "later");
  server.receive(static_cast<void*>(later.data()), later.size());
  REQUIRE(server.next_event().type == event_type::none);
  std::fill(later.begin(), later.end(), 0xDD);
  REQUIRE_FALSE(server.accept());
  test::event_log log;
  test::drain_events(server, log);
  CHECK(log.lines == std::vector<std::string>{"open", "text:early", "binary:" + std::string(200, 'e'), "text:later"});
}

TEST_CASE("seam 4: connect() keeps nothing of its options", "[seams][client]") {
  tether::connection client(tether::role::client);
  {
    std::string first = "chat", second = "superchat";
    const std::string_view names[] = {first, second};
    tether::client_request_options options;
    options.subprotocols = {names, 2};
    std::string url = "ws://localhost/chat";
    REQUIRE_FALSE(client.connect(url, options));
    first.assign(4, '#'), second.assign(9, '#'), url.assign(url.size(), '#');  // poisoned
  }
  const std::string request = test::take_output(client);
  CHECK(request.find("Sec-WebSocket-Protocol: chat, superchat\r\n") != std::string::npos);
  tether::server_handshake<> peer;
  REQUIRE(peer.feed(request.data(), request.size()).status == tether::handshake_status::complete);
  std::string response;
  REQUIRE_FALSE(peer.write_accept(response, {"superchat", {}, {}}));
  client.receive(static_cast<const void*>(response.data()), response.size());
  CHECK(client.next_event().type == event_type::open);
  CHECK(client.subprotocol() == "superchat");
}

TEST_CASE("seam 5: a URI given as a struct cannot inject header lines", "[seams][client]") {
  tether::websocket_uri uri;
  REQUIRE_FALSE(tether::parse_websocket_uri("ws://example.com/chat", uri));
  tether::websocket_uri bad_resource = uri;
  bad_resource.resource = "/chat HTTP/1.1\r\nX-Injected: 1\r\n\r\n";
  tether::connection client(tether::role::client);
  CHECK(client.connect(bad_resource) == tether::error::bad_uri);
  tether::websocket_uri bad_host = uri;
  bad_host.host = "example.com\r\nX-Injected: 1";
  CHECK(client.connect(bad_host) == tether::error::bad_uri_host);
  CHECK_FALSE(client.has_output());
  CHECK(client.state() == tether::connection_state::idle_client);
  CHECK_FALSE(client.connect(uri));
}

TEST_CASE("seam 6: a fixed-size head storage that overflows fails the head, it never skips bytes",
          "[seams][handshake]") {
  tether::server_handshake<tether::http::header_array<>, tether::http::fixed_buffer<64>> handshake;
  const std::string& request = test::sample_request();
  tether::handshake_result result;
  for (std::size_t i = 0; i < request.size() && result.status == tether::handshake_status::need_more; i += 40) {
    result = handshake.feed(request.data() + i, std::min<std::size_t>(40, request.size() - i));
  }
  CHECK(result.status == tether::handshake_status::failed);
  CHECK(result.failure == tether::error::head_too_large);
}

namespace {
struct open_recorder {
  std::vector<std::string> log;
  void on_open() { log.push_back("open"); }
  void on_message(opcode, std::string_view text) { log.push_back(std::string(text)); }
};
struct template_rejecter {
  bool called = false;
  template <class Connection>
  void on_upgrade(Connection& ws) {
    called = true;
    REQUIRE_FALSE(ws.reject(403));
  }
};
}  // namespace

TEST_CASE("seam 7: a server's handler gets on_open after the accept", "[seams][handler]") {
  tether::connection server(tether::role::server);
  test::bytes input = test::concat({test::from_text(test::sample_request()), frame(opcode::text, "hi")});
  server.receive(static_cast<void*>(input.data()), input.size());
  open_recorder handler;
  tether::message_assembler messages;
  tether::dispatch_events(server, messages, handler);
  CHECK(handler.log == std::vector<std::string>{"open", "hi"});
}

TEST_CASE("seam 8: a handler member template is called, not skipped", "[seams][handler]") {
  tether::connection server(tether::role::server);
  server.receive(static_cast<const void*>(test::sample_request().data()), test::sample_request().size());
  template_rejecter handler;
  tether::message_assembler messages;
  tether::dispatch_events(server, messages, handler);
  CHECK(handler.called);
  CHECK(server.state() == tether::connection_state::failed);  // rejected, never accepted
  CHECK(test::take_output(server).rfind("HTTP/1.1 403 ", 0) == 0);
}

TEST_CASE("seam 9: send_borrowed() sends messages only", "[seams][send]") {
  tether::connection server(tether::role::server);
  test::open_server(server);
  const std::string payload(300, 'p');
  for (auto op : {opcode::ping, opcode::pong, opcode::close, opcode::continuation, static_cast<opcode>(0x3),
                  static_cast<opcode>(0xB)}) {
    INFO(static_cast<int>(op));
    CHECK(server.send_borrowed(op, payload.data(), payload.size()) == tether::error::not_a_data_opcode);
  }
  CHECK_FALSE(server.has_output());
  CHECK(server.is_open());
  CHECK(server.begin_message(opcode::ping) == tether::error::not_a_data_opcode);
}

TEST_CASE("seam 10: pings are answered after our close until the peer's close arrives", "[seams][close]") {
  tether::connection client(tether::role::client);
  test::open_client(client);
  REQUIRE_FALSE(client.close());
  test::take_output(client);
  test::feed(client, frame(opcode::ping, "still there?", true, false));
  const std::string pong = test::take_output(client);
  REQUIRE(pong.size() == 2 + 4 + 12);
  CHECK(static_cast<unsigned char>(pong[0]) == 0x8A);
  CHECK_FALSE(client.pong("unsolicited"));
  test::take_output(client);
  test::feed(client, frame(opcode::close, test::close_body(1000), true, false));
  CHECK(client.pong("late") == tether::error::connection_closed);
}

TEST_CASE("seam 12: a peer that never reads cannot pin the connection", "[seams][lifecycle]") {
  tether::connection_options options;
  options.close_timeout = 1000ms;
  options.ping_interval = 1000ms;
  options.pong_timeout = 1000ms;
  SECTION("close timeout with output queued") {
    tether::connection server(tether::role::server, options);
    test::open_server(server);
    server.tick(t0);
    REQUIRE_FALSE(server.send_binary(std::string(1 << 20, 'x').data(), 1 << 20));
    REQUIRE_FALSE(server.close(tether::close_code::normal, "", t0));
    CHECK_FALSE(server.should_close_transport());
    tether::error failure{};
    for (int ticks = 0; ticks < 5 && failure == tether::error{}; ++ticks) {
      REQUIRE(server.next_deadline());
      CHECK(*server.next_deadline() <= t0 + 1000ms);
      server.tick(*server.next_deadline());
      failure = server.next_event().failure;
    }
    CHECK(failure == tether::error::close_timeout);
    CHECK(server.should_close_transport());
    CHECK_FALSE(server.has_output());
  }
  SECTION("pong timeout with output queued") {
    tether::connection server(tether::role::server, options);
    test::open_server(server);
    server.tick(t0);
    REQUIRE_FALSE(server.send_binary(std::string(1 << 20, 'x').data(), 1 << 20));
    for (int ticks = 0; ticks < 10 && !server.should_close_transport(); ++ticks) {
      REQUIRE(server.next_deadline());
      server.tick(*server.next_deadline());
      while (server.next_event()) {
      }
    }
    CHECK(server.should_close_transport());
    CHECK(server.state() == tether::connection_state::failed);
  }
  SECTION("a client waiting for the server's TCP close") {
    tether::connection client(tether::role::client, options);
    test::open_client(client);
    client.tick(t0);
    test::feed(client, frame(opcode::close, test::close_body(1000), true, false));
    test::take_output(client);
    for (int ticks = 0; ticks < 5 && !client.should_close_transport(); ++ticks) {
      REQUIRE(client.next_deadline());
      client.tick(*client.next_deadline());
    }
    CHECK(client.should_close_transport());
    CHECK_FALSE(client.next_deadline());
  }
}

TEST_CASE("seam 13: consume() beyond what is queued is refused and changes nothing", "[seams][output]") {
  tether::connection server(tether::role::server);
  test::open_server(server);
  REQUIRE_FALSE(server.send_text("keep me"));
  const std::size_t queued = server.queued_output();
  CHECK(server.consume(static_cast<std::size_t>(-1)) == tether::error::consume_beyond_queued);
  CHECK(server.consume(queued + 1) == tether::error::consume_beyond_queued);
  CHECK(server.queued_output() == queued);
  CHECK(test::take_output(server) == test::text_of(frame(opcode::text, "keep me", true, false)));
}

TEST_CASE("seam 15: max_header_count above 100 is honoured by the connection", "[seams][handshake]") {
  std::string request = test::sample_request();
  request.erase(request.size() - 2);
  for (int i = 0; i < 150; ++i) request += "X-Header-" + std::to_string(i) + ": v\r\n";
  request += "\r\n";
  tether::connection_options options;
  options.handshake_limits.max_header_count = 200;
  options.handshake_limits.max_head_size = 16 * 1024;
  tether::connection server(tether::role::server, options);
  server.receive(static_cast<const void*>(request.data()), request.size());
  const tether::event e = server.next_event();
  CHECK(e.type == event_type::upgrade_request);
  REQUIRE(server.request() != nullptr);
  CHECK(server.request()->headers().size() == 156);
  tether::connection strict(tether::role::server);
  strict.receive(static_cast<const void*>(request.data()), request.size());
  CHECK(strict.next_event().failure == tether::error::too_many_headers);
}

TEST_CASE("seam 16: the connection refuses to agree to an extension it cannot run", "[seams][handshake]") {
  tether::connection server(tether::role::server);
  server.receive(static_cast<const void*>(test::sample_request().data()), test::sample_request().size());
  REQUIRE(server.next_event().type == event_type::upgrade_request);
  CHECK(server.accept({{}, "x-unknown", {}}) == tether::error::unsupported_extension);
  CHECK(server.state() == tether::connection_state::awaiting_decision);
  tether::connection client(tether::role::client);
  tether::client_request_options options;
  options.extensions = "x-unknown";
  CHECK(client.connect("ws://localhost/", options) == tether::error::unsupported_extension);
}

TEST_CASE("seam 17: an extension value that would not be sent as checked is refused", "[seams][handshake]") {
  tether::server_handshake<> handshake;
  REQUIRE(handshake.feed(test::sample_request().data(), test::sample_request().size()).status ==
          tether::handshake_status::complete);
  std::string response;
  CHECK(handshake.write_accept(response, {{}, " x-ext", {}}) == tether::error::bad_extension_value);
  CHECK(handshake.write_accept(response, {{}, "x-ext ", {}}) == tether::error::bad_extension_value);
  CHECK(handshake.write_accept(response, {{}, "x-ext;;", {}}) == tether::error::bad_extension_value);
  CHECK(response.empty());
  REQUIRE_FALSE(handshake.write_accept(response, {{}, "x-ext; a=1", {}}));
  CHECK(response.find("Sec-WebSocket-Extensions: x-ext; a=1\r\n") != std::string::npos);
  tether::websocket_uri uri;
  REQUIRE_FALSE(tether::parse_websocket_uri("ws://localhost/", uri));
  tether::client_request_options options;
  options.extensions = "x-ext\t";
  std::string request;
  CHECK(tether::write_client_request(uri, "dGhlIHNhbXBsZSBub25jZQ==", options, request) ==
        tether::error::bad_extension_value);
}

TEST_CASE("seam 18: Content-Length: 0 on an upgrade request is no body", "[seams][handshake]") {
  std::string request = test::sample_request();
  request.insert(request.size() - 2, "Content-Length: 0\r\n");
  tether::server_handshake<> zero;
  CHECK(zero.feed(request.data(), request.size()).status == tether::handshake_status::complete);
  std::string with_body = test::sample_request();
  with_body.insert(with_body.size() - 2, "Content-Length: 5\r\n");
  tether::server_handshake<> five;
  CHECK(five.feed(with_body.data(), with_body.size()).failure == tether::error::request_has_body);
}

TEST_CASE("seam 19: a failure says what was answered — abort() ends any state", "[seams][lifecycle]") {
  tether::connection server(tether::role::server);
  const std::string bad = "GET / HTTP/1.1\r\nHost: x\r\n\r\n";
  server.receive(static_cast<const void*>(bad.data()), bad.size());
  const tether::event e = server.next_event();
  CHECK(e.type == event_type::failure);
  CHECK(e.http_status == 400);
  CHECK(e.code == tether::close_code::abnormal_closure);  // no close frame: the answer was HTTP

  for (int state = 0; state < 5; ++state) {
    INFO("state " << state);
    tether::connection c(state < 2 ? tether::role::server : tether::role::client);
    if (state == 1) {
      c.receive(static_cast<const void*>(test::sample_request().data()), test::sample_request().size());
      REQUIRE(c.next_event().type == event_type::upgrade_request);
    }
    if (state == 3) REQUIRE_FALSE(c.connect("ws://localhost/"));
    if (state == 4) test::open_client(c);
    c.abort();
    CHECK(c.state() == tether::connection_state::failed);
    CHECK_FALSE(c.has_output());
    CHECK(c.should_close_transport());
    CHECK(c.next_event().type == event_type::none);
    CHECK(c.send_text("x") == tether::error::connection_failed);
  }
}
