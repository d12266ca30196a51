// Scripted conversations with a tether connection: feed bytes (whole, byte by
// byte or at random splits), collect events as a normalized log, and collect
// what the connection wants written.
#ifndef TETHER_TESTS_CONVERSATION_HPP
#define TETHER_TESTS_CONVERSATION_HPP

#include <tether/connection.hpp>
#include <tether/frame.hpp>

#include <cstdint>

#include <string>
#include <vector>

#include "test_bytes.hpp"
#include "tether_catch.hpp"

namespace test {

// A frame as a peer would send it; masked with `key` when masked is true.
// Built by hand from RFC 6455 §5.2, not with tether's encoder or masking
// kernels, so that an encoder bug and the matching decoder bug cannot cancel.
inline bytes frame(tether::opcode op, std::string_view payload, bool fin = true, bool masked = true,
                   tether::masking_key key = {0x11, 0x22, 0x33, 0x44}, std::uint8_t rsv = 0) {
  bytes out;
  // Byte 0: FIN, RSV1-3, opcode (4 bits).
  out.push_back(
      static_cast<unsigned char>((fin ? 0x80u : 0x00u) | ((rsv & 0x7u) << 4) | (static_cast<unsigned>(op) & 0xFu)));
  // Byte 1: MASK, then the 7-bit length, or 126 + 16 bits, or 127 + 64 bits
  // (network byte order, shortest form).
  const unsigned char mask_bit = masked ? 0x80 : 0x00;
  const std::uint64_t length = payload.size();
  if (length <= 125) {
    out.push_back(static_cast<unsigned char>(mask_bit | length));
  } else if (length <= 0xFFFF) {
    out.push_back(static_cast<unsigned char>(mask_bit | 126));
    for (int shift = 8; shift >= 0; shift -= 8) out.push_back(static_cast<unsigned char>(length >> shift));
  } else {
    out.push_back(static_cast<unsigned char>(mask_bit | 127));
    for (int shift = 56; shift >= 0; shift -= 8) out.push_back(static_cast<unsigned char>(length >> shift));
  }
  if (masked) out.insert(out.end(), key.begin(), key.end());
  // §5.3: octet i of the payload is XORed with octet i mod 4 of the key.
  for (std::size_t i = 0; i < payload.size(); ++i) {
    const auto octet = static_cast<unsigned char>(payload[i]);
    out.push_back(masked ? static_cast<unsigned char>(octet ^ key[i % 4]) : octet);
  }
  return out;
}

inline bytes concat(std::initializer_list<bytes> parts) {
  bytes out;
  for (const auto& p : parts) out.insert(out.end(), p.begin(), p.end());
  return out;
}

inline std::string close_body(std::uint16_t code, std::string_view reason = {}) {
  std::string body;
  body.push_back(static_cast<char>(code >> 8));
  body.push_back(static_cast<char>(code & 0xFF));
  body.append(reason);
  return body;
}

// Takes everything the connection wants written.
template <class Connection>
std::string take_output(Connection& c) {
  std::string out;
  tether::const_buffer buffers[16];
  while (c.has_output()) {
    const std::size_t n = c.output_buffers(buffers, 16);
    std::size_t total = 0;
    for (std::size_t i = 0; i < n; ++i) {
      out.append(static_cast<const char*>(buffers[i].data), buffers[i].size);
      total += buffers[i].size;
    }
    REQUIRE_FALSE(c.consume(total));
  }
  return out;
}

inline std::string describe(tether::close_code code) { return std::to_string(static_cast<int>(code)); }

// Events as text lines; consecutive data events of one message are merged so
// that logs do not depend on how the input was split.
struct event_log {
  std::vector<std::string> lines;
  std::string open_message;
  bool message_open = false;

  void add(const tether::event& e) {
    using tether::event_type;
    switch (e.type) {
      case event_type::data:
        if (e.message_begins) {
          open_message = e.message_type == tether::opcode::text ? "text:" : "binary:";
          message_open = true;
        }
        open_message += std::string(e.text());
        if (e.message_ends) {
          lines.push_back(open_message);
          message_open = false;
        }
        return;
      case event_type::upgrade_request:
        lines.push_back("upgrade");
        return;
      case event_type::open:
        lines.push_back("open");
        return;
      case event_type::rejected:
        lines.push_back("rejected " + std::to_string(e.http_status));
        return;
      case event_type::ping:
        lines.push_back("ping:" + std::string(e.text()));
        return;
      case event_type::pong:
        lines.push_back("pong:" + std::string(e.text()));
        return;
      case event_type::close:
        lines.push_back("close " + describe(e.code) + ":" + std::string(e.text()));
        return;
      case event_type::failure:
        lines.push_back("failure " + describe(e.code) + " " + tether::error_name(e.failure));
        return;
      case event_type::writable:
        lines.push_back("writable");
        return;
      case event_type::none:
        return;
    }
  }
};

template <class Connection>
void drain_events(Connection& c, event_log& log) {
  for (tether::event e = c.next_event(); e; e = c.next_event()) log.add(e);
}

// Feeds `input` in the pieces of `plan` (mutable input, unmasked in place),
// draining events after each piece. on_upgrade runs at the upgrade event.
template <class Connection, class OnUpgrade>
event_log feed(Connection& c, bytes input, const std::vector<std::size_t>& plan, OnUpgrade on_upgrade) {
  event_log log;
  std::size_t offset = 0;
  for (std::size_t piece : plan) {
    c.receive(static_cast<void*>(input.data() + offset), piece);
    offset += piece;
    for (tether::event e = c.next_event(); e; e = c.next_event()) {
      log.add(e);
      if (e.type == tether::event_type::upgrade_request) on_upgrade(c);
    }
  }
  return log;
}

template <class Connection>
event_log feed(Connection& c, const bytes& input) {
  return feed(c, input, {input.size()}, [](Connection& conn) { REQUIRE_FALSE(conn.accept()); });
}

inline const std::string& sample_request() {
  static const std::string request =
      "GET /chat HTTP/1.1\r\nHost: localhost\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
      "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n"
      "Sec-WebSocket-Protocol: chat\r\n\r\n";
  return request;
}

// A server connection past the handshake, output drained.
inline void open_server(tether::connection& server) {
  server.receive(static_cast<const void*>(sample_request().data()), sample_request().size());
  REQUIRE(server.next_event().type == tether::event_type::upgrade_request);
  REQUIRE_FALSE(server.accept());
  REQUIRE(server.next_event().type == tether::event_type::open);  // a server is told too
  take_output(server);
}

// A client connection past the handshake, output drained.
inline void open_client(tether::connection& client) {
  tether::websocket_uri uri;
  REQUIRE_FALSE(tether::parse_websocket_uri("ws://localhost/chat", uri));
  REQUIRE_FALSE(client.connect(uri));
  const std::string request = take_output(client);
  tether::server_handshake<> server;
  REQUIRE(server.feed(request.data(), request.size()).status == tether::handshake_status::complete);
  std::string response;
  REQUIRE_FALSE(server.write_accept(response));
  client.receive(static_cast<const void*>(response.data()), response.size());
  REQUIRE(client.next_event().type == tether::event_type::open);
}

inline std::string text_of(const bytes& b) { return std::string(b.begin(), b.end()); }

}  // namespace test

#endif
