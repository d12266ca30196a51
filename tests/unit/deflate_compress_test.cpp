// message_deflater (RFC 7692 §7.2.1) and round trips through message_inflater:
// every window size, with and without context takeover, every level and
// memory level, messages split at every byte (small) or at random (large).
#include <tether/deflate.hpp>

#include <zlib.h>

#include <algorithm>
#include <string>
#include <vector>

#include "deflate_support.hpp"
#include "test_bytes.hpp"
#include "tether_catch.hpp"

namespace {

using test::bytes;
using test::from_hex;
using test::from_text;
using tether::deflate_direction;
using tether::deflate_options;
using tether::error;
using namespace std::string_literals;

deflate_options compressor(int level, int memory_level) {
  deflate_options options;
  options.compression_level = level;
  options.memory_level = memory_level;
  return options;
}

// A conversation: empty, tiny, repeated (context takeover pays), text, noise.
std::vector<bytes> conversation(std::mt19937_64& rng) {
  const bytes chat =
      from_text("{\"type\":\"chat\",\"text\":\"h\xC3\xA9llo \xF0\x9F\x98\x80\",\"sentAt\":\"2026-12-02\"}");
  return {bytes{},
          from_text("a"),
          chat,
          chat,
          test::chat_text(rng, 5000),
          test::random_bytes(rng, 2000),
          chat,
          test::chat_text(rng, 40000)};
}

}  // namespace

TEST_CASE("RFC 7692 §7.2.3.1-2: \"Hello\" compresses to the RFC's bytes", "[deflate][compress]") {
  const bytes hello = from_text("Hello");
  tether::message_deflater takeover({15, false}, compressor(6, 8));
  CHECK(test::compress_message(takeover, hello) == from_hex("f2 48 cd c9 c9 07 00"));
  CHECK(test::compress_message(takeover, hello) == from_hex("f2 00 11 00 00"));  // shares the window
  tether::message_deflater reset({15, true}, compressor(6, 8));
  CHECK(test::compress_message(reset, hello) == from_hex("f2 48 cd c9 c9 07 00"));
  CHECK(test::compress_message(reset, hello) == from_hex("f2 48 cd c9 c9 07 00"));
}

TEST_CASE("the output is zlib's sync-flushed stream minus 00 00 ff ff", "[deflate][compress]") {
  // Level 0 is left out: zlib sizes stored blocks by the output space it is
  // given, so the deflater's 4 KiB buffer splits them elsewhere (the round
  // trips below cover it).
  auto rng = test::make_rng(21);
  const auto messages = conversation(rng);
  for (int window_bits = 9; window_bits <= 15; window_bits += 3) {
    for (int level : {1, 6, 9}) {
      INFO("window " << window_bits << " level " << level);
      tether::message_deflater deflater({window_bits, false}, compressor(level, 8));
      z_stream z{};
      REQUIRE(deflateInit2(&z, level, Z_DEFLATED, -window_bits, 8, Z_DEFAULT_STRATEGY) == Z_OK);
      for (const bytes& message : messages) {
        bytes direct(deflateBound(&z, message.size()) + 16);
        z.next_in = const_cast<unsigned char*>(message.data());
        z.avail_in = static_cast<uInt>(message.size());
        z.next_out = direct.data();
        z.avail_out = static_cast<uInt>(direct.size());
        REQUIRE(deflate(&z, Z_SYNC_FLUSH) == Z_OK);
        direct.resize(direct.size() - z.avail_out - 4);
        CHECK(test::compress_message(deflater, message) == direct);
      }
      deflateEnd(&z);
    }
  }
}

TEST_CASE("round trips in every window size, level and memory level", "[deflate][compress]") {
  auto rng = test::make_rng(22);
  const auto messages = conversation(rng);
  for (int window_bits = 8; window_bits <= 15; ++window_bits) {
    for (bool no_context_takeover : {false, true}) {
      for (int level : {0, 1, 6, 9}) {
        for (int memory_level : {1, 5, 9}) {
          INFO("seed " << test::test_seed() << " window " << window_bits << " reset " << no_context_takeover
                       << " level " << level << " memory " << memory_level);
          const deflate_direction direction{window_bits, no_context_takeover};
          tether::message_deflater deflater(direction, compressor(level, memory_level));
          tether::message_inflater inflater(direction);
          for (const bytes& message : messages) {
            const bytes compressed = test::compress_message(deflater, message);
            const auto plans = test::split_plans(compressed.size(), rng, 1);
            const auto& plan = compressed.size() < 200 ? plans[1] : plans[2];  // byte by byte, or at random
            const auto got = test::inflate_message(inflater, compressed, plan, 1 + rng() % 4096);
            REQUIRE(got.finished);
            REQUIRE(got.data == message);
          }
        }
      }
    }
  }
}

TEST_CASE("small messages split at every byte, both when compressed and when inflated", "[deflate][compress]") {
  auto rng = test::make_rng(23);
  const bytes message = test::chat_text(rng, 120);
  for (int window_bits = 8; window_bits <= 15; ++window_bits) {
    for (bool no_context_takeover : {false, true}) {
      INFO("window " << window_bits << " reset " << no_context_takeover);
      const deflate_direction direction{window_bits, no_context_takeover};
      tether::message_deflater deflater(direction);
      tether::message_inflater inflater(direction);
      // Compressed in two pieces cut at every byte, then one byte per piece;
      // every piece is sync-flushed and the message still comes back.
      for (std::size_t cut = 0; cut <= message.size(); ++cut) {
        const bytes compressed = test::compress_message(deflater, message, {cut, message.size() - cut});
        const auto got = test::inflate_message(inflater, compressed, std::vector<std::size_t>(compressed.size(), 1), 1);
        REQUIRE(got.finished);
        REQUIRE(got.data == message);
      }
      const bytes pieces = test::compress_message(deflater, message, std::vector<std::size_t>(message.size(), 1));
      // Inflated in two pieces cut at every byte.
      for (std::size_t cut = 0; cut <= pieces.size(); ++cut) {
        // Each round inflates the same compressed message: only valid without
        // shared history, or when the history is the same message (it is).
        tether::message_inflater fresh(direction);
        const auto got = test::inflate_message(fresh, pieces, {cut, pieces.size() - cut}, 1 + cut % 7);
        REQUIRE(got.finished);
        REQUIRE(got.data == message);
      }
    }
  }
}

TEST_CASE("large messages at random splits (seed printed on failure)", "[deflate][compress]") {
  auto rng = test::make_rng(24);
  for (bool no_context_takeover : {false, true}) {
    const deflate_direction direction{15, no_context_takeover};
    tether::message_deflater deflater(direction, compressor(1, 8));
    tether::message_inflater inflater(direction, {64u << 20, {}});
    for (int round = 0; round < 3; ++round) {
      INFO("seed " << test::test_seed() << " round " << round << " reset " << no_context_takeover);
      bytes message = test::chat_text(rng, std::size_t{1} << 20);
      const bytes noise = test::random_bytes(rng, 100000);
      message.insert(message.begin() + 5000, noise.begin(), noise.end());
      const auto in_plans = test::split_plans(message.size(), rng, 1);
      const bytes compressed = test::compress_message(deflater, message, in_plans[2]);
      const auto out_plans = test::split_plans(compressed.size(), rng, 1);
      const auto got = test::inflate_message(inflater, compressed, out_plans[2], 1 + rng() % 100000);
      REQUIRE(got.finished);
      REQUIRE(got.data == message);
    }
  }
}

TEST_CASE("each piece is flushed: what was sent so far inflates to what was given so far", "[deflate][compress]") {
  auto rng = test::make_rng(25);
  const bytes message = test::chat_text(rng, 3000);
  tether::message_deflater deflater({12, false});
  tether::message_inflater inflater({12, false});
  bytes so_far;
  unsigned char out[256];
  for (std::size_t offset = 0; offset < message.size(); offset += 500) {
    bytes piece;
    const bool last = offset + 500 >= message.size();
    REQUIRE_FALSE(deflater.compress(message.data() + offset, 500, last, piece).failed());
    std::size_t used = 0;
    for (;;) {
      const auto step = inflater.inflate(piece.data() + used, piece.size() - used, last, out, sizeof out);
      REQUIRE_FALSE(step.failed());
      so_far.insert(so_far.end(), out, out + step.produced);
      used += step.consumed;
      if (step.finished || (used == piece.size() && !last && step.produced < sizeof out)) break;
    }
    CHECK(so_far.size() == offset + 500);
  }
  CHECK(so_far == message);
}

TEST_CASE("empty pieces: nothing to flush, or the 0x00 of RFC 7692 §7.2.3.6", "[deflate][compress]") {
  tether::message_deflater deflater({15, false}, compressor(6, 8));
  bytes out;
  CHECK(deflater.compress(nullptr, 0, false, out).produced == 0);  // no empty stored block for nothing
  CHECK(out.empty());
  const bytes hello = from_text("Hello");
  CHECK(deflater.compress(hello.data(), hello.size(), false, out).produced == 11);
  CHECK(out == from_hex("f2 48 cd c9 c9 07 00 00 00 ff ff"));
  out.clear();
  CHECK(deflater.compress(nullptr, 0, true, out).produced == 1);
  CHECK(out == from_hex("00"));
  // An empty message is the same single byte, and inflates to nothing.
  tether::message_deflater fresh({15, false});
  const bytes empty = test::compress_message(fresh, {});
  CHECK(empty == from_hex("00"));
  tether::message_inflater inflater({15, false});
  const auto got = test::inflate_message(inflater, empty);
  CHECK(got.finished);
  CHECK(got.data.empty());
}

TEST_CASE("a message that does not shrink goes out uncompressed, and is forgotten", "[deflate][compress]") {
  auto rng = test::make_rng(26);
  const bytes noise = test::random_bytes(rng, 700);
  // Refers back to the noise if the deflater remembered it. (Sized first and
  // copied into: insert() at the end trips a g++ 12 -O3 -Warray-bounds false positive.)
  bytes follow_up(noise.size() + 2000, 'a');
  std::copy(noise.begin(), noise.end(), follow_up.begin());

  tether::message_deflater deflater({15, false});
  tether::message_inflater peer({15, false});
  CHECK_FALSE(deflater.worth_compressing(31));
  CHECK(deflater.worth_compressing(32));
  bytes out;
  const auto sent = deflater.compress_message(noise.data(), noise.size(), out);
  REQUIRE(sent.send_uncompressed);  // RSV1 clear: the peer's inflater never sees it
  out.clear();
  const auto next = deflater.compress_message(follow_up.data(), follow_up.size(), out);
  REQUIRE_FALSE(next.send_uncompressed);
  const auto got = test::inflate_message(peer, out);
  CHECK(got.finished);
  CHECK(got.data == follow_up);

  // Without forgetting it, the peer could not follow (this is what the rule prevents).
  tether::message_deflater remembers({15, false});
  tether::message_inflater other_peer({15, false});
  test::compress_message(remembers, noise);
  const auto broken = test::inflate_message(other_peer, test::compress_message(remembers, follow_up));
  CHECK((broken.failure != error{} || broken.data != follow_up));
}

TEST_CASE("a deflater with settings out of range refuses to work", "[deflate][compress]") {
  bytes out;
  tether::message_deflater bad_level({15, false}, compressor(10, 8));
  CHECK(bad_level.compress(nullptr, 0, true, out).failure == error::bad_deflate_options);
  tether::message_deflater bad_memory({15, false}, compressor(6, 0));
  CHECK(bad_memory.compress(nullptr, 0, true, out).failure == error::bad_deflate_options);
  tether::message_deflater bad_window({16, false});
  CHECK(bad_window.compress(nullptr, 0, true, out).failure == error::bad_deflate_options);
  CHECK(out.empty());
}

TEST_CASE("sinks: std::string, std::vector and http::fixed_buffer", "[deflate][compress]") {
  const bytes hello = from_text("Hello");
  std::string text;
  tether::message_deflater a({15, false}, compressor(6, 8));
  a.compress(hello.data(), hello.size(), true, text);
  CHECK(text == "\xf2\x48\xcd\xc9\xc9\x07\x00"s);
  tether::http::fixed_buffer<16> fixed;
  tether::message_deflater b({15, false}, compressor(6, 8));
  b.compress(hello.data(), hello.size(), true, fixed);
  CHECK(fixed.view() == "\xf2\x48\xcd\xc9\xc9\x07\x00"s);
}
