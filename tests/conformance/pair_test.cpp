// A client and a server connection wired to each other in memory.
#include <tether/connection.hpp>

#include "conversation.hpp"
#include "tether_catch.hpp"

using tether::event_type;
using tether::opcode;

namespace {

// Moves output from one side to the other (as mutable bytes, in pieces of at
// most `piece` bytes) and collects each side's events.
struct wire {
  tether::connection client{tether::role::client};
  tether::connection server{tether::role::server};
  test::event_log client_log, server_log;
  std::size_t piece = 1 << 20;
  std::vector<unsigned char> buffer;

  static void pump(tether::connection& from, tether::connection& to, test::event_log& log, std::size_t piece,
                   std::vector<unsigned char>& buffer, bool accept) {
    while (from.has_output()) {
      const tether::const_buffer out = from.output();
      const std::size_t n = out.size < piece ? out.size : piece;
      buffer.assign(static_cast<const unsigned char*>(out.data), static_cast<const unsigned char*>(out.data) + n);
      REQUIRE_FALSE(from.consume(n));
      to.receive(static_cast<void*>(buffer.data()), n);
      for (tether::event e = to.next_event(); e; e = to.next_event()) {
        log.add(e);
        if (accept && e.type == event_type::upgrade_request) REQUIRE_FALSE(to.accept());
      }
    }
  }

  void settle() {
    while (client.has_output() || server.has_output()) {
      pump(client, server, server_log, piece, buffer, true);
      pump(server, client, client_log, piece, buffer, false);
    }
  }

  void open() {
    tether::websocket_uri uri;
    REQUIRE_FALSE(tether::parse_websocket_uri("ws://localhost/", uri));
    REQUIRE_FALSE(client.connect(uri));
    settle();
    REQUIRE(client.is_open());
    REQUIRE(server.is_open());
  }
};

}  // namespace

TEST_CASE("pair: every kind of message crosses both ways", "[connection][pair]") {
  wire w;
  w.piece = 777;  // odd-sized reads
  w.open();
  REQUIRE_FALSE(w.client.send_text("hello server"));
  REQUIRE_FALSE(w.server.send_text("hello client"));
  REQUIRE_FALSE(w.client.send_binary("\x00\x01\x02", 3));
  REQUIRE_FALSE(w.server.send_binary("", 0));
  REQUIRE_FALSE(w.client.ping("are you there"));
  REQUIRE_FALSE(w.server.pong("unsolicited"));
  REQUIRE_FALSE(w.client.begin_message(opcode::text));
  REQUIRE_FALSE(w.client.send_chunk("stre", 4));
  REQUIRE_FALSE(w.client.send_chunk("am\xC3", 3));
  REQUIRE_FALSE(w.client.end_message("\xA9", 1));
  w.settle();
  CHECK(w.server_log.lines == std::vector<std::string>{"upgrade", "open", "text:hello server",
                                                       std::string("binary:\x00\x01\x02", 10), "ping:are you there",
                                                       "text:stream\xC3\xA9"});
  CHECK(w.client_log.lines ==
        std::vector<std::string>{"open", "text:hello client", "binary:", "pong:unsolicited", "pong:are you there"});
}

TEST_CASE("pair: the client closes, the server answers and closes TCP first", "[connection][pair][close]") {
  wire w;
  w.open();
  REQUIRE_FALSE(w.client.close(tether::close_code::normal, "bye"));
  w.settle();
  CHECK(w.server_log.lines.back() == "close 1000:bye");
  CHECK(w.client_log.lines.back() == "close 1000:bye");
  CHECK(w.server.should_close_transport());
  CHECK_FALSE(w.client.should_close_transport());  // waits for the server's TCP close
  w.client.receive_eof();
  CHECK(w.client.next_event().type == event_type::none);
  CHECK(w.client.should_close_transport());
}

TEST_CASE("pair: the server closes with a code from the 4000 range", "[connection][pair][close]") {
  wire w;
  w.open();
  REQUIRE_FALSE(w.server.close(static_cast<tether::close_code>(4001), "kicked"));
  w.settle();
  CHECK(w.client_log.lines.back() == "close 4001:kicked");
  CHECK(w.server_log.lines.back() == "close 4001:kicked");
  CHECK(w.server.should_close_transport());
}

TEST_CASE("pair: a 64 MiB message streams through with bounded memory on both sides", "[connection][pair][large]") {
  tether::connection_options options;
  options.max_message_size = 64ull * 1024 * 1024;
  options.max_queued_output = 1 << 20;
  tether::connection client(tether::role::client, options);
  tether::connection server(tether::role::server, options);
  {
    tether::websocket_uri uri;
    REQUIRE_FALSE(tether::parse_websocket_uri("ws://localhost/", uri));
    REQUIRE_FALSE(client.connect(uri));
    const std::string request = test::take_output(client);
    server.receive(static_cast<const void*>(request.data()), request.size());
    REQUIRE(server.next_event().type == event_type::upgrade_request);
    REQUIRE_FALSE(server.accept());
    REQUIRE(server.next_event().type == event_type::open);
    const std::string response = test::take_output(server);
    client.receive(static_cast<const void*>(response.data()), response.size());
    REQUIRE(client.next_event().type == event_type::open);
  }
  const std::size_t total = 64u * 1024 * 1024;
  const std::size_t chunk = 256 * 1024;
  std::vector<unsigned char> piece(chunk);
  std::vector<unsigned char> wire_bytes;
  std::size_t sent = 0, received = 0;
  std::uint64_t checksum_sent = 0, checksum_received = 0;
  bool message_done = false;
  REQUIRE_FALSE(client.begin_message(opcode::binary));
  while (!message_done) {
    if (sent < total) {
      for (std::size_t i = 0; i < chunk; ++i) piece[i] = static_cast<unsigned char>((sent + i) * 31 >> 3);
      for (unsigned char b : piece) checksum_sent = checksum_sent * 131 + b;
      sent += chunk;
      const std::error_code ec =
          sent < total ? client.send_chunk(piece.data(), chunk) : client.end_message(piece.data(), chunk);
      REQUIRE_FALSE(ec);
    }
    // The queue never holds more than one piece: memory is O(piece).
    CHECK(client.queued_output() <= chunk + 64);
    while (client.has_output()) {
      const tether::const_buffer out = client.output();
      wire_bytes.assign(static_cast<const unsigned char*>(out.data),
                        static_cast<const unsigned char*>(out.data) + out.size);
      REQUIRE_FALSE(client.consume(out.size));
      server.receive(static_cast<void*>(wire_bytes.data()), wire_bytes.size());
      for (tether::event e = server.next_event(); e; e = server.next_event()) {
        REQUIRE(e.type == event_type::data);
        for (std::size_t i = 0; i < e.size; ++i) checksum_received = checksum_received * 131 + e.bytes[i];
        received += e.size;
        message_done = e.message_ends;
      }
    }
  }
  CHECK(received == total);
  CHECK(checksum_received == checksum_sent);
}
