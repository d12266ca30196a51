#include <tether/frame.hpp>
#include <tether/random.hpp>

#include <string>
#include <vector>

#include "test_bytes.hpp"
#include "tether_catch.hpp"

namespace {

using tether::error;
using tether::frame_decoder;
using tether::frame_decoder_options;
using tether::opcode;
using tether::role;

// What a decoder reported for a byte stream, as a comparable log.
struct decoded_frame {
  tether::frame_header header;
  std::string payload;
};

struct decode_log {
  std::vector<decoded_frame> frames;
  std::error_code error;
  std::size_t consumed = 0;
};

decode_log decode_all(test::bytes input, const std::vector<std::size_t>& plan, frame_decoder_options options) {
  frame_decoder decoder(options);
  decode_log log;
  std::size_t offset = 0;
  for (std::size_t piece : plan) {
    std::size_t used = 0;
    while (used < piece || piece == 0) {
      const auto step = decoder.decode(input.data() + offset + used, piece - used);
      if (step.failed()) {
        log.error = step.error();
        log.consumed = offset + used;
        return log;
      }
      if (step.frame_begins) log.frames.push_back({decoder.header(), {}});
      if (step.payload_size != 0) log.frames.back().payload += test::as_text(step.payload, step.payload_size);
      used += step.consumed;
      if (!step.has_event()) break;
    }
    REQUIRE(used == piece);
    offset += piece;
  }
  log.consumed = offset;
  return log;
}

decode_log decode_whole(const test::bytes& input, frame_decoder_options options) {
  return decode_all(input, {input.size()}, options);
}

frame_decoder_options as_client() {
  frame_decoder_options options;
  options.receiver = role::client;
  return options;
}

frame_decoder_options as_server() { return frame_decoder_options{}; }

std::error_code first_error(const std::string& hex, frame_decoder_options options) {
  return decode_whole(test::from_hex(hex), options).error;
}

bool same_frames(const decode_log& a, const decode_log& b) {
  if (a.frames.size() != b.frames.size() || a.error != b.error) return false;
  for (std::size_t i = 0; i < a.frames.size(); ++i) {
    const auto &x = a.frames[i].header, &y = b.frames[i].header;
    if (x.fin != y.fin || x.rsv != y.rsv || x.op != y.op || x.masked != y.masked || x.key != y.key ||
        x.payload_length != y.payload_length || a.frames[i].payload != b.frames[i].payload) {
      return false;
    }
  }
  return true;
}

}  // namespace

TEST_CASE("frames: the RFC 6455 §5.7 examples decode", "[frame]") {
  SECTION("a single-frame unmasked text message") {
    const auto log = decode_whole(test::from_hex("81 05 48 65 6c 6c 6f"), as_client());
    REQUIRE(log.frames.size() == 1);
    CHECK(log.frames[0].header.op == opcode::text);
    CHECK(log.frames[0].header.fin);
    CHECK(log.frames[0].payload == "Hello");
  }
  SECTION("a single-frame masked text message") {
    const auto log = decode_whole(test::from_hex("81 85 37 fa 21 3d 7f 9f 4d 51 58"), as_server());
    REQUIRE(log.frames.size() == 1);
    CHECK(log.frames[0].header.masked);
    CHECK(log.frames[0].payload == "Hello");
  }
  SECTION("a fragmented unmasked text message") {
    const auto log = decode_whole(test::from_hex("01 03 48 65 6c 80 02 6c 6f"), as_client());
    REQUIRE(log.frames.size() == 2);
    CHECK_FALSE(log.frames[0].header.fin);
    CHECK(log.frames[0].header.op == opcode::text);
    CHECK(log.frames[1].header.op == opcode::continuation);
    CHECK(log.frames[0].payload + log.frames[1].payload == "Hello");
  }
  SECTION("unmasked ping and masked pong") {
    const auto ping = decode_whole(test::from_hex("89 05 48 65 6c 6c 6f"), as_client());
    REQUIRE(ping.frames.size() == 1);
    CHECK(ping.frames[0].header.op == opcode::ping);
    CHECK(ping.frames[0].payload == "Hello");
    const auto pong = decode_whole(test::from_hex("8a 85 37 fa 21 3d 7f 9f 4d 51 58"), as_server());
    REQUIRE(pong.frames.size() == 1);
    CHECK(pong.frames[0].header.op == opcode::pong);
    CHECK(pong.frames[0].payload == "Hello");
  }
  SECTION("256 bytes and 64 KiB binary messages use 16- and 64-bit lengths") {
    test::bytes frame256 = test::from_hex("82 7E 01 00");
    frame256.resize(4 + 256, 'x');
    const auto log256 = decode_whole(frame256, as_client());
    REQUIRE(log256.frames.size() == 1);
    CHECK(log256.frames[0].header.payload_length == 256);
    test::bytes frame64k = test::from_hex("82 7F 00 00 00 00 00 01 00 00");
    frame64k.resize(10 + 65536, 'y');
    const auto log64k = decode_whole(frame64k, as_client());
    REQUIRE(log64k.frames.size() == 1);
    CHECK(log64k.frames[0].payload.size() == 65536);
  }
}

TEST_CASE("frames: headers round-trip at every length encoding boundary", "[frame]") {
  tether::chacha20_random random(std::array<std::uint32_t, 8>{1, 2, 3, 4, 5, 6, 7, 8}.data(), 9);
  for (std::uint64_t length :
       {0ull, 1ull, 125ull, 126ull, 127ull, 65535ull, 65536ull, 0xFFFFFFFFull, 0x100000000ull, 0x7FFFFFFFFFFFFFFFull}) {
    for (role sender : {role::client, role::server}) {
      const auto header = tether::make_frame_header(sender, opcode::binary, length, random);
      unsigned char bytes[tether::max_frame_header_size];
      const std::size_t size = tether::encode_frame_header(header, bytes);
      CHECK(size == tether::encoded_header_size(length, sender == role::client));
      CHECK(size == 2u + (length < 126 ? 0u : length < 65536 ? 2u : 8u) + (sender == role::client ? 4u : 0u));
      frame_decoder_options options;
      options.receiver = tether::peer_of(sender);
      options.max_frame_size = options.max_message_size = ~0ull >> 1;
      frame_decoder decoder(options);
      const auto step = decoder.decode(bytes, size);
      INFO("length " << length);
      REQUIRE_FALSE(step.failed());
      CHECK(step.frame_begins);
      CHECK(step.consumed == size);
      CHECK(decoder.header().payload_length == length);
      CHECK(decoder.header().masked == (sender == role::client));
      CHECK(decoder.header().key == header.key);
      CHECK(step.frame_ends == (length == 0));
    }
  }
}

TEST_CASE("frames: a header split at every byte decodes the same", "[frame]") {
  // 64-bit length, masked: the longest header (14 bytes).
  tether::frame_header header;
  header.op = opcode::binary;
  header.masked = true;
  header.key = {0xA1, 0xB2, 0xC3, 0xD4};
  header.payload_length = 70000;
  test::bytes input(tether::max_frame_header_size);
  tether::encode_frame_header(header, input.data());
  auto rng = test::make_rng(5);
  const test::bytes payload = test::random_bytes(rng, 70000);
  test::bytes masked = payload;
  tether::apply_mask(masked.data(), masked.size(), header.key, 0);
  input.insert(input.end(), masked.begin(), masked.end());
  const decode_log whole = decode_whole(input, as_server());
  REQUIRE(whole.frames.size() == 1);
  CHECK(whole.frames[0].payload == test::as_text(payload.data(), payload.size()));
  for (std::size_t cut = 0; cut <= 20; ++cut) {
    const decode_log split = decode_all(input, {cut, input.size() - cut}, as_server());
    CHECK(same_frames(whole, split));
  }
  for (const auto& plan : test::split_plans(input.size(), rng, 5)) {
    CHECK(same_frames(whole, decode_all(input, plan, as_server())));
  }
}

TEST_CASE("frames: a stream of mixed frames decodes the same at any split", "[frame]") {
  auto rng = test::make_rng(6);
  tether::chacha20_random random(std::array<std::uint32_t, 8>{8, 7, 6, 5, 4, 3, 2, 1}.data(), 0);
  test::bytes stream;
  const std::size_t sizes[] = {0, 1, 5, 125, 126, 200, 65535, 65536, 3};
  for (std::size_t size : sizes) {
    const test::bytes payload = test::random_bytes(rng, size);
    test::bytes frame(size + tether::max_frame_header_size);
    const auto header = tether::make_frame_header(role::client, opcode::binary, size, random);
    const auto result = tether::encode_frame(header, payload.data(), payload.size(), frame.data(), frame.size());
    REQUIRE_FALSE(result.error());
    frame.resize(result.size);
    stream.insert(stream.end(), frame.begin(), frame.end());
    // A ping between data frames.
    const auto ping = tether::make_frame_header(role::client, opcode::ping, 2, random);
    test::bytes ping_frame(16);
    ping_frame.resize(tether::encode_frame(ping, "hi", 2, ping_frame.data(), ping_frame.size()).size);
    stream.insert(stream.end(), ping_frame.begin(), ping_frame.end());
  }
  const decode_log whole = decode_whole(stream, as_server());
  REQUIRE_FALSE(whole.error);
  REQUIRE(whole.frames.size() == 2 * (sizeof sizes / sizeof sizes[0]));
  CHECK(whole.frames[1].payload == "hi");
  for (const auto& plan : test::split_plans(stream.size(), rng, 6)) {
    if (plan.size() > 20000) continue;  // byte-by-byte over 130 KiB is covered by the header test
    CHECK(same_frames(whole, decode_all(stream, plan, as_server())));
  }
}

TEST_CASE("frames: each broken rule is rejected with its own error and close code", "[frame]") {
  using tether::close_code;
  struct rejection {
    const char* name;
    const char* hex;
    frame_decoder_options options;
    error expected;
    close_code close;
  };
  frame_decoder_options small = as_client();
  small.max_frame_size = 100;
  frame_decoder_options small_message = as_client();
  small_message.max_message_size = 6;
  const rejection cases[] = {
      {"reserved opcode 0x3", "83 00", as_client(), error::reserved_opcode, close_code::protocol_error},
      {"reserved opcode 0x7", "87 00", as_client(), error::reserved_opcode, close_code::protocol_error},
      {"reserved opcode 0xB", "8B 00", as_client(), error::reserved_opcode, close_code::protocol_error},
      {"reserved opcode 0xF", "8F 00", as_client(), error::reserved_opcode, close_code::protocol_error},
      {"RSV1 without extension", "C1 00", as_client(), error::reserved_bits, close_code::protocol_error},
      {"RSV2 without extension", "A1 00", as_client(), error::reserved_bits, close_code::protocol_error},
      {"RSV3 without extension", "91 00", as_client(), error::reserved_bits, close_code::protocol_error},
      {"fragmented ping", "09 00", as_client(), error::control_frame_fragmented, close_code::protocol_error},
      {"fragmented close", "08 00", as_client(), error::control_frame_fragmented, close_code::protocol_error},
      {"ping of 126 bytes", "89 7E 00 7E", as_client(), error::control_frame_too_long, close_code::protocol_error},
      {"64-bit length with top bit", "82 7F 80 00 00 00 00 00 00 00", as_client(), error::length_top_bit_set,
       close_code::protocol_error},
      {"16-bit length below 126", "82 7E 00 7D", as_client(), error::non_minimal_length, close_code::protocol_error},
      {"64-bit length below 65536", "82 7F 00 00 00 00 00 00 FF FF", as_client(), error::non_minimal_length,
       close_code::protocol_error},
      {"frame over the limit", "82 7E 00 C8", small, error::frame_too_big, close_code::message_too_big},
      {"message over the limit", "02 04 61 62 63 64 80 04 61 62 63 64", small_message, error::message_too_big,
       close_code::message_too_big},
      {"unmasked frame to a server", "81 00", as_server(), error::unmasked_frame, close_code::protocol_error},
      {"masked frame to a client", "81 80 00 00 00 00", as_client(), error::masked_frame, close_code::protocol_error},
      {"continuation without a message", "80 00", as_client(), error::unexpected_continuation,
       close_code::protocol_error},
      {"new message inside a fragmented one", "01 01 61 81 01 62", as_client(), error::expected_continuation,
       close_code::protocol_error},
  };
  for (const auto& c : cases) {
    INFO(c.name);
    const std::error_code ec = first_error(c.hex, c.options);
    CHECK(ec == c.expected);
    CHECK(tether::close_code_for(ec) == c.close);
  }
}

TEST_CASE("frames: the length limit is checked on the header, before any payload", "[frame]") {
  frame_decoder_options options = as_client();
  options.max_frame_size = 1000;
  frame_decoder decoder(options);
  // A header announcing 2^62 bytes fails at once: no memory is sized from it.
  test::bytes header = test::from_hex("82 7F 40 00 00 00 00 00 00 00");
  const auto step = decoder.decode(header.data(), header.size());
  CHECK(step.error() == error::frame_too_big);
  // The decoder stays failed.
  test::bytes more = test::from_hex("81 00");
  CHECK(decoder.decode(more.data(), more.size()).error() == error::frame_too_big);
}

TEST_CASE("frames: the lenient mode accepts non-minimal lengths", "[frame]") {
  frame_decoder_options lenient = as_client();
  lenient.strict_length_encoding = false;
  const auto log = decode_whole(test::from_hex("82 7E 00 03 61 62 63 82 7F 00 00 00 00 00 00 00 01 7A"), lenient);
  REQUIRE_FALSE(log.error);
  REQUIRE(log.frames.size() == 2);
  CHECK(log.frames[0].payload == "abc");
  CHECK(log.frames[1].payload == "z");
}

TEST_CASE("frames: control frames may come between fragments (RFC 6455 §5.4)", "[frame]") {
  const auto log = decode_whole(test::from_hex("01 01 61 89 00 00 01 62 8A 01 78 80 01 63"), as_client());
  REQUIRE_FALSE(log.error);
  REQUIRE(log.frames.size() == 5);
  CHECK(log.frames[1].header.op == opcode::ping);
  CHECK(log.frames[3].header.op == opcode::pong);
  CHECK(log.frames[0].payload + log.frames[2].payload + log.frames[4].payload == "abc");
}

TEST_CASE("frames: a negotiated RSV1 is allowed on first data frames only", "[frame]") {
  frame_decoder_options options = as_client();
  options.allowed_rsv = tether::rsv::rsv1;
  CHECK_FALSE(first_error("C1 01 61", options));
  CHECK(first_error("41 01 61 C0 00", options) == error::reserved_bits);  // RSV1 on a continuation
  CHECK(first_error("C9 00", options) == error::reserved_bits);           // RSV1 on a ping
  CHECK(first_error("E1 00", options) == error::reserved_bits);           // RSV2 was not granted
}

TEST_CASE("frames: const input is decoded into a caller buffer, in bounded pieces", "[frame]") {
  const test::bytes input = test::from_hex("81 85 37 fa 21 3d 7f 9f 4d 51 58");
  frame_decoder decoder(as_server());
  unsigned char out[2];
  std::string payload;
  std::size_t offset = 0;
  int steps = 0;
  while (offset < input.size()) {
    const auto step = decoder.decode(input.data() + offset, input.size() - offset, out, sizeof out);
    REQUIRE_FALSE(step.failed());
    CHECK(step.payload_size <= sizeof out);
    payload += test::as_text(step.payload, step.payload_size);
    offset += step.consumed;
    ++steps;
  }
  CHECK(payload == "Hello");
  CHECK(steps == 3);
}

TEST_CASE("frames: the encoder refuses frames the protocol forbids", "[frame]") {
  unsigned char out[256];
  tether::frame_header ping;
  ping.op = opcode::ping;
  std::string long_payload(126, 'x');
  CHECK(tether::encode_frame(ping, long_payload.data(), long_payload.size(), out, sizeof out).failure ==
        error::control_frame_too_long);
  ping.fin = false;
  CHECK(tether::encode_frame(ping, "x", 1, out, sizeof out).failure == error::control_frame_fragmented);
  tether::frame_header reserved;
  reserved.op = static_cast<opcode>(0x3);
  CHECK(tether::encode_frame(reserved, "x", 1, out, sizeof out).failure == error::reserved_opcode);
  tether::frame_header data;
  CHECK(tether::encode_frame(data, long_payload.data(), long_payload.size(), out, 100).failure ==
        error::buffer_too_small);
}

TEST_CASE("frames: the client encoder masks with fresh keys from the random source", "[frame]") {
  tether::default_random random;
  const auto first = tether::make_frame_header(role::client, opcode::text, 5, random);
  const auto second = tether::make_frame_header(role::client, opcode::text, 5, random);
  CHECK(first.masked);
  CHECK(first.key != second.key);  // 2^-32 chance of a false failure
  const auto server = tether::make_frame_header(role::server, opcode::text, 5, random);
  CHECK_FALSE(server.masked);
  unsigned char out[32];
  const auto result = tether::encode_frame(first, "Hello", 5, out, sizeof out);
  REQUIRE(result.size == 11);
  frame_decoder decoder(as_server());
  const auto step = decoder.decode(out, result.size);
  CHECK(test::as_text(step.payload, step.payload_size) == "Hello");
}

TEST_CASE("frame encoder: masked_frame — a borrowed payload is never masked (it cannot be masked in place)",
          "[frame][encoder]") {
  const unsigned char payload[3] = {'a', 'b', 'c'};
  unsigned char out[32] = {};
  tether::detail::buffer_sink sink(out);
  tether::frame_header header;
  header.op = opcode::binary;
  header.masked = true;  // a client's frame: masked, so the rules pass
  header.key = {1, 2, 3, 4};
  header.payload_length = sizeof payload;
  tether::frame_context context;
  context.sender = role::client;
  CHECK(tether::encode_frame_to(sink, header, context, payload, true) == error::masked_frame);
  CHECK(tether::encode_frame_to(sink, header, context, payload, false) == error{});
}
