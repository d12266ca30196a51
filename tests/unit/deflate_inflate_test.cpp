// message_inflater (RFC 7692 §7.2.2): the RFC's worked examples, streams made
// by zlib directly and by hand (8-bit windows, BFINAL blocks), corrupt and
// truncated streams, and the decompressed size limit.
#include <tether/deflate.hpp>

#include <zlib.h>

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
using tether::error;

// Every split of a message: whole, byte by byte, at random points; and output
// capacities from 1 byte up. Each combination must give the same message.
void check_every_split(const deflate_direction& direction, const std::vector<bytes>& messages,
                       const std::vector<bytes>& expected, std::uint64_t salt) {
  auto rng = test::make_rng(salt);
  for (std::size_t capacity : {std::size_t{1}, std::size_t{2}, std::size_t{7}, std::size_t{64}, std::size_t{1} << 16}) {
    for (int plan_kind = 0; plan_kind < 3; ++plan_kind) {
      tether::message_inflater inflater(direction);
      for (std::size_t m = 0; m < messages.size(); ++m) {
        INFO("seed " << test::test_seed() << " message " << m << " capacity " << capacity << " plan " << plan_kind);
        const auto plans = test::split_plans(messages[m].size(), rng, 1);
        const auto& plan =
            messages[m].empty() ? std::vector<std::size_t>{0} : plans[static_cast<std::size_t>(plan_kind)];
        const auto got = test::inflate_message(inflater, messages[m], plan, capacity);
        CHECK(got.failure == error{});
        CHECK(got.finished);
        CHECK(got.data == expected[m]);
      }
    }
  }
}

}  // namespace

TEST_CASE("RFC 7692 §7.2.3 examples decompress", "[deflate][inflate]") {
  const deflate_direction takeover{15, false};
  const bytes hello = from_text("Hello");
  // §7.2.3.1: one compressed block; the same bytes again without context.
  check_every_split(takeover, {from_hex("f2 48 cd c9 c9 07 00")}, {hello}, 1);
  // §7.2.3.1: fragmented as "f2 48 cd" and "c9 c9 07 00" (frames 0x41 0x03 ..., 0x80 0x04 ...).
  {
    tether::message_inflater inflater(takeover);
    const bytes payload = from_hex("f2 48 cd c9 c9 07 00");
    const auto got = test::inflate_message(inflater, payload, {3, 4}, 64);
    CHECK(got.finished);
    CHECK(got.data == hello);
  }
  // §7.2.3.2: the second "Hello" refers back into the first message's window.
  check_every_split(takeover, {from_hex("f2 48 cd c9 c9 07 00"), from_hex("f2 00 11 00 00")}, {hello, hello}, 2);
  // §7.2.3.3: a stored (uncompressed) block.
  check_every_split(takeover, {from_hex("00 05 00 fa ff 48 65 6c 6c 6f 00")}, {hello}, 3);
  // §7.2.3.4: a block with BFINAL set; the window lives on for the next message.
  check_every_split(takeover, {from_hex("f3 48 cd c9 c9 07 00 00"), from_hex("f2 00 11 00 00")}, {hello, hello}, 4);
  // §7.2.3.5: two blocks in one message.
  check_every_split(takeover, {from_hex("f2 48 05 00 00 00 ff ff ca c9 c9 07 00")}, {hello}, 5);
  // §7.2.3.6: a message ending with an empty fragment, 0x00, after a flushed one.
  check_every_split(takeover, {from_hex("f2 48 cd c9 c9 07 00 00 00 ff ff 00")}, {hello}, 6);
}

TEST_CASE("RFC 7692 §7.2.3.2: without context takeover the window is not shared", "[deflate][inflate]") {
  // The second message refers back 5 bytes; a receiver that must reset finds nothing there.
  tether::message_inflater inflater({15, true});
  CHECK(test::inflate_message(inflater, from_hex("f2 48 cd c9 c9 07 00")).data == from_text("Hello"));
  CHECK_FALSE(inflater.holds_state());
  CHECK(test::inflate_message(inflater, from_hex("f2 00 11 00 00")).failure == error::inflate_failed);
}

TEST_CASE("streams made by zlib's compressor decompress, every level and window", "[deflate][inflate]") {
  auto rng = test::make_rng(11);
  const bytes text = test::chat_text(rng, 3000);
  const bytes noise = test::random_bytes(rng, 700);
  for (int window_bits = 9; window_bits <= 15; ++window_bits) {
    for (int level = 0; level <= 9; ++level) {
      for (bool takeover : {true, false}) {
        INFO("window " << window_bits << " level " << level << " takeover " << takeover);
        z_stream z{};
        REQUIRE(deflateInit2(&z, level, Z_DEFLATED, -window_bits, 8, Z_DEFAULT_STRATEGY) == Z_OK);
        tether::message_inflater inflater({window_bits, !takeover});
        for (const bytes* message : {&text, &noise, &text, &text}) {
          if (!takeover) deflateReset(&z);
          bytes compressed(deflateBound(&z, message->size()) + 16);
          z.next_in = const_cast<unsigned char*>(message->data());
          z.avail_in = static_cast<uInt>(message->size());
          z.next_out = compressed.data();
          z.avail_out = static_cast<uInt>(compressed.size());
          REQUIRE(deflate(&z, Z_SYNC_FLUSH) == Z_OK);
          compressed.resize(compressed.size() - z.avail_out - 4);  // RFC 7692 §7.2.1
          const auto got = test::inflate_message(inflater, compressed, 512);
          CHECK(got.finished);
          CHECK(got.data == *message);
        }
        deflateEnd(&z);
      }
    }
  }
}

TEST_CASE("zlib streams ended with Z_FINISH (BFINAL) keep the window for the next message", "[deflate][inflate]") {
  // RFC 7692 §7.2.3.4: the sender ends each message with a final block, then
  // the empty stored block of §7.2.1 ("00" once 00 00 ff ff is removed). The
  // next message starts a new zlib stream primed with the history, so it
  // refers back across the final block.
  auto rng = test::make_rng(12);
  const bytes first = test::chat_text(rng, 2000);
  bytes history;
  tether::message_inflater inflater({15, false});
  for (int message = 0; message < 3; ++message) {
    z_stream z{};
    REQUIRE(deflateInit2(&z, 6, Z_DEFLATED, -15, 8, Z_DEFAULT_STRATEGY) == Z_OK);
    if (!history.empty()) {
      const std::size_t keep = history.size() < 32768 ? history.size() : 32768;
      REQUIRE(deflateSetDictionary(&z, history.data() + history.size() - keep, static_cast<uInt>(keep)) == Z_OK);
    }
    bytes compressed(8192);
    z.next_in = const_cast<unsigned char*>(first.data());
    z.avail_in = static_cast<uInt>(first.size());
    z.next_out = compressed.data();
    z.avail_out = static_cast<uInt>(compressed.size());
    REQUIRE(deflate(&z, Z_FINISH) == Z_STREAM_END);
    compressed.resize(compressed.size() - z.avail_out);
    compressed.push_back(0x00);
    deflateEnd(&z);
    if (message > 0) CHECK(compressed.size() < 40);  // all back-references to the earlier message
    const auto got = test::inflate_message(inflater, compressed, 100);
    CHECK(got.finished);
    CHECK(got.data == first);
    history.insert(history.end(), first.begin(), first.end());
  }
}

TEST_CASE("a 256-byte window (8 bits) is decompressed with 256 bytes", "[deflate][inflate]") {
  // zlib cannot make such a stream: this one is written by hand, with matches
  // exactly 256 bytes back (the farthest an 8-bit window allows).
  auto rng = test::make_rng(13);
  test::deflate_bits stream;
  bytes expected;
  stream.fixed_block(false);
  for (int i = 0; i < 300; ++i) {
    const auto byte = static_cast<unsigned char>(rng());
    stream.literal(byte);
    expected.push_back(byte);
  }
  stream.match(258, 256);
  test::expand_match(expected, 258, 256);
  stream.match(100, 200);
  test::expand_match(expected, 100, 200);
  stream.end_of_block();
  stream.end_message();
  // A second message reaching 256 bytes back into the first.
  test::deflate_bits second;
  second.fixed_block(false);
  second.match(10, 256);
  second.end_of_block();
  second.end_message();
  bytes expected_second(expected.end() - 256, expected.end() - 246);
  check_every_split({8, false}, {stream.data(), second.data()}, {expected, expected_second}, 14);

  // And one byte farther is rejected: the window really is 256 bytes (zlib
  // notices when the output handed out per call is small).
  test::deflate_bits too_far;
  too_far.fixed_block(false);
  for (int i = 0; i < 300; ++i) too_far.literal(static_cast<unsigned char>(i));
  too_far.match(3, 257);
  too_far.end_of_block();
  too_far.end_message();
  tether::message_inflater eight({8, false});
  CHECK(test::inflate_message(eight, too_far.data(), 1).failure == error::inflate_failed);
  tether::message_inflater nine({9, false});
  CHECK(test::inflate_message(nine, too_far.data(), 1).finished);
}

TEST_CASE("zlib's 9-bit compressor never reaches past 256 bytes: an 8-bit inflater reads it", "[deflate][inflate]") {
  // The rule window_bits.hpp relies on when the peer demands 8 for our
  // compressor: deflate.h's MAX_DIST = 512 - 262 = 250. Data with repeats at
  // every distance up to 511, every level and strategy, inflated by a
  // 256-byte window one byte at a time (so the window is enforced).
  auto rng = test::make_rng(15);
  bytes data;
  while (data.size() < 20000) {
    const std::size_t distance = 1 + rng() % 511, length = 3 + rng() % 60;
    if (data.size() > distance && rng() % 2 == 0) {
      for (std::size_t i = 0; i < length; ++i) data.push_back(data[data.size() - distance]);
    } else {
      for (std::size_t i = 0; i < length; ++i) data.push_back(static_cast<unsigned char>('a' + rng() % 8));
    }
  }
  for (int strategy : {Z_DEFAULT_STRATEGY, Z_FILTERED, Z_HUFFMAN_ONLY, Z_RLE, Z_FIXED}) {
    for (int level = 1; level <= 9; ++level) {
      INFO("strategy " << strategy << " level " << level);
      z_stream z{};
      REQUIRE(deflateInit2(&z, level, Z_DEFLATED, -9, 8, strategy) == Z_OK);
      bytes compressed(deflateBound(&z, data.size()) + 16);
      z.next_in = data.data();
      z.avail_in = static_cast<uInt>(data.size());
      z.next_out = compressed.data();
      z.avail_out = static_cast<uInt>(compressed.size());
      REQUIRE(deflate(&z, Z_SYNC_FLUSH) == Z_OK);
      compressed.resize(compressed.size() - z.avail_out - 4);
      deflateEnd(&z);
      tether::message_inflater eight({8, false});
      const auto got = test::inflate_message(eight, compressed, 1);
      CHECK(got.failure == error{});
      CHECK(got.data == data);
    }
  }
}

TEST_CASE("corrupt streams fail with inflate_failed, never crash", "[deflate][inflate]") {
  test::deflate_bits match_first;  // a fixed block whose first symbol refers back
  match_first.fixed_block(false);
  match_first.match(3, 1);
  match_first.end_of_block();
  match_first.end_message();
  const bytes corrupt[] = {
      from_hex("07 00"),                                   // BTYPE 11 is reserved (RFC 1951 §3.2.3)
      from_hex("00 05 00 00 00 48 65 6c 6c 6f 00"),        // stored LEN and NLEN disagree
      match_first.data(),                                  // a distance before any output
      from_hex("ff ff ff ff ff ff ff ff ff ff ff ff ff"),  // dynamic block with an impossible header
      from_hex("00 05 00 fa ff 48 65"),  // stored block cut short: the tail becomes its data, then BTYPE 11
  };
  for (std::size_t i = 0; i < sizeof corrupt / sizeof corrupt[0]; ++i) {
    INFO("stream " << i);
    const bytes& stream = corrupt[i];
    tether::message_inflater inflater({15, false});
    const auto got = test::inflate_message(inflater, stream, 64);
    CHECK(got.failure == error::inflate_failed);
    CHECK(tether::close_code_for(got.failure) == tether::close_code::invalid_payload);
    // The inflater stays failed until reset.
    unsigned char out[8];
    CHECK(inflater.inflate(nullptr, 0, true, out, sizeof out).failure == error::inflate_failed);
    inflater.reset();
    CHECK(test::inflate_message(inflater, from_hex("f2 48 cd c9 c9 07 00")).data == from_text("Hello"));
  }
  // Random bytes at random splits: an error or a message, nothing else (ASan watches).
  auto rng = test::make_rng(16);
  for (int round = 0; round < 2000; ++round) {
    INFO("seed " << test::test_seed() << " round " << round);
    const bytes garbage = test::random_bytes(rng, 1 + rng() % 64);
    tether::message_inflater inflater({8 + static_cast<int>(rng() % 8), rng() % 2 == 0});
    const auto plans = test::split_plans(garbage.size(), rng, 1);
    const auto got = test::inflate_message(inflater, garbage, plans[rng() % plans.size()], 1 + rng() % 32);
    CHECK((got.failure != error{} || got.finished));
    CHECK_FALSE(got.stalled);
  }
}

TEST_CASE("a message that stops inside a block is truncated (RFC 7692 §7.2.1)", "[deflate][inflate]") {
  // "Hello" cut short: the appended 00 00 ff ff cannot complete an empty stored block.
  for (const char* hex : {"f2 48", "f2 48 cd c9 c9 07", "00 0a 00 f5 ff 48 65 6c 6c 6f"}) {
    INFO(hex);
    tether::message_inflater inflater({15, false});
    const auto got = test::inflate_message(inflater, from_hex(hex), 64);
    CHECK(got.failure == error::deflate_message_truncated);
    CHECK(tether::close_code_for(got.failure) == tether::close_code::invalid_payload);
  }
  // An empty payload is not a compressed message either (§7.2.3.6 sends 0x00).
  tether::message_inflater inflater({15, false});
  CHECK(test::inflate_message(inflater, {}, {0}, 64).failure == error::deflate_message_truncated);
  // A final block not followed by the empty stored block of §7.2.1.
  tether::message_inflater final_only({15, false});
  CHECK(test::inflate_message(final_only, from_hex("f3 48 cd c9 c9 07 00"), 64).failure ==
        error::deflate_message_truncated);
}

TEST_CASE("the decompressed size of a message is limited", "[deflate][inflate]") {
  const bytes message(1000, 'x');
  tether::message_deflater deflater({15, false});
  const bytes compressed = test::compress_message(deflater, message);
  for (std::size_t capacity : {std::size_t{1}, std::size_t{100}, std::size_t{4096}}) {
    INFO("capacity " << capacity);
    tether::inflater_options limit;
    limit.max_message_size = 1000;
    tether::message_inflater exact({15, false}, limit);
    const auto fits = test::inflate_message(exact, compressed, capacity);
    CHECK(fits.finished);
    CHECK(fits.data == message);
    limit.max_message_size = 999;
    tether::message_inflater smaller({15, false}, limit);
    const auto too_big = test::inflate_message(smaller, compressed, capacity);
    CHECK(too_big.failure == error::inflated_message_too_big);
    CHECK(too_big.data.size() <= 1000);  // never more than the limit and the one byte that proves it
    CHECK(tether::close_code_for(too_big.failure) == tether::close_code::message_too_big);
  }
  // The limit is per message: ten messages of 1000 bytes under a 1000-byte limit.
  tether::inflater_options limit;
  limit.max_message_size = 1000;
  tether::message_inflater inflater({15, false}, limit);
  for (int m = 0; m < 10; ++m) CHECK(test::inflate_message(inflater, compressed, 64).finished);
}
