// Memory of the permessage-deflate engines: zlib's state is created lazily and
// freed after each message without context takeover (RFC 7692 §7.1.1); it
// matches the figures documented in options.hpp; a compression bomb inflates
// in bounded memory and stops wherever the caller says.
#include <tether/deflate.hpp>

#include <atomic>
#include <cstdint>
#include <cstdlib>
#include <limits>
#include <new>
#include <vector>

#include "deflate_support.hpp"
#include "test_bytes.hpp"
#include "tether_catch.hpp"

// Global operator new, counted for the whole tether_deflate_tests binary.
// Every form is replaced, all on malloc/free, so that ASan sees matching pairs.
namespace {
std::atomic<std::size_t> new_calls{0};
}  // namespace
void* operator new(std::size_t size) {
  new_calls.fetch_add(1, std::memory_order_relaxed);
  void* block = std::malloc(size != 0 ? size : 1);
  if (block == nullptr) std::abort();
  return block;
}
void* operator new[](std::size_t size) { return operator new(size); }
void* operator new(std::size_t size, const std::nothrow_t&) noexcept {
  new_calls.fetch_add(1, std::memory_order_relaxed);
  return std::malloc(size != 0 ? size : 1);
}
void* operator new[](std::size_t size, const std::nothrow_t& tag) noexcept { return operator new(size, tag); }
void operator delete(void* block) noexcept { std::free(block); }
void operator delete[](void* block) noexcept { std::free(block); }
void operator delete(void* block, std::size_t) noexcept { std::free(block); }
void operator delete[](void* block, std::size_t) noexcept { std::free(block); }
void operator delete(void* block, const std::nothrow_t&) noexcept { std::free(block); }
void operator delete[](void* block, const std::nothrow_t&) noexcept { std::free(block); }

namespace {

using test::bytes;
using tether::error;

long difference(std::size_t a, std::size_t b) { return static_cast<long>(a) - static_cast<long>(b); }

// A DEFLATE stream whose body is zero bytes only, each inflating to 1032
// zeros: a dynamic block (RFC 1951 §3.2.7) where length 258 and distance 1
// have 1-bit codes. Written by hand; zlib's compressor does not go that far.
struct bomb {
  bytes prefix;  // block header and the first literal, padded to a byte
  bytes suffix;  // end of block and the empty stored block of RFC 7692 §7.2.1, minus 00 00 ff ff
  std::uint64_t output_size = 0;
};

bomb make_bomb(std::uint64_t zero_bytes) {
  test::deflate_bits s;
  s.put(0, 1);  // BFINAL 0
  s.put(2, 2);  // BTYPE 10: dynamic Huffman codes
  s.put(286 - 257, 5);
  s.put(1 - 1, 5);
  s.put(18 - 4, 4);
  static const int order[18] = {16, 17, 18, 0, 8, 7, 9, 6, 10, 5, 11, 4, 12, 3, 13, 2, 14, 1};
  for (int symbol : order) s.put(symbol == 18 ? 1 : (symbol == 1 || symbol == 2) ? 2 : 0, 3);
  // Code-length codes: 18 is "0", 1 is "10", 2 is "11".
  const auto length = [&](int symbol) {
    if (symbol == 18) {
      s.put_code(0, 1);
    } else {
      s.put_code(symbol == 1 ? 2 : 3, 2);
    }
  };
  const auto zeros = [&](int run) {
    length(18);
    s.put(static_cast<std::uint32_t>(run - 11), 7);
  };
  length(2);  // literal 0
  zeros(138);
  zeros(117);  // literals 1..255 unused
  length(2);   // end of block
  zeros(28);   // lengths 257..284 unused
  length(1);   // length 285: 258 bytes
  length(1);   // distance code 0: 1 byte back
  // Literal/length codes: 285 is "0", 0 is "10", 256 is "11"; distance 0 is "0".
  s.put_code(2, 2);  // one literal zero; every two zero bits after it add 258 zeros
  const int padding = (8 - s.bit_position()) % 8;
  s.put(0, padding);
  bomb b;
  b.prefix = s.data();
  const std::uint64_t zero_bits = static_cast<std::uint64_t>(padding) + 8 * zero_bytes;
  test::deflate_bits tail;
  tail.put(0, static_cast<int>(zero_bits % 2));
  tail.put_code(3, 2);  // end of block
  tail.end_message();
  b.suffix = tail.data();
  b.output_size = 1 + 258 * ((zero_bits + zero_bits % 2) / 2);
  return b;
}

}  // namespace

TEST_CASE("without context takeover no zlib state outlives a message", "[deflate][memory]") {
  auto rng = test::make_rng(31);
  for (int window_bits : {8, 12, 15}) {
    INFO("window " << window_bits);
    test::counting_allocator compressor_memory, decompressor_memory;
    tether::inflater_options inflate_options;
    inflate_options.allocator = decompressor_memory.hooks();
    tether::message_deflater deflater({window_bits, true}, {}, compressor_memory.hooks());
    tether::message_inflater inflater({window_bits, true}, inflate_options);
    CHECK_FALSE(deflater.holds_state());  // nothing before the first message either
    CHECK_FALSE(inflater.holds_state());
    for (int m = 0; m < 5; ++m) {
      const bytes message = test::chat_text(rng, 1000);
      const bytes compressed = test::compress_message(deflater, message);
      CHECK_FALSE(deflater.holds_state());
      CHECK(compressor_memory.live == 0);
      CHECK(test::inflate_message(inflater, compressed, 64).data == message);
      CHECK_FALSE(inflater.holds_state());
      CHECK(decompressor_memory.live == 0);
    }
    CHECK(compressor_memory.allocations > 5);  // the price: an allocation per message
    // In the middle of a message the state is there, and only then.
    const bytes message = test::chat_text(rng, 1000);
    bytes first;
    deflater.compress(message.data(), 500, false, first);
    CHECK(deflater.holds_state());
    CHECK(compressor_memory.live != 0);
  }
}

TEST_CASE("with context takeover the state is kept and matches options.hpp", "[deflate][memory]") {
  auto rng = test::make_rng(32);
  for (int memory_level : {1, 5, 8, 9}) {
    for (int window_bits = 8; window_bits <= 15; ++window_bits) {
      INFO("window " << window_bits << " memory level " << memory_level);
      test::counting_allocator compressor_memory, decompressor_memory;
      tether::deflate_options options;
      options.memory_level = memory_level;
      tether::inflater_options inflate_options;
      inflate_options.allocator = decompressor_memory.hooks();
      tether::message_deflater deflater({window_bits, false}, options, compressor_memory.hooks());
      tether::message_inflater inflater({window_bits, false}, inflate_options);
      for (int m = 0; m < 4; ++m) {
        const bytes message = test::random_bytes(rng, 40000);
        CHECK(test::inflate_message(inflater, test::compress_message(deflater, message), 4096).data == message);
      }
      CHECK(deflater.holds_state());
      CHECK(inflater.holds_state());
      // zlib allocated once per connection, not per message.
      CHECK(compressor_memory.allocations <= 6);
      CHECK(decompressor_memory.allocations <= 3);
      CHECK(std::labs(difference(compressor_memory.live,
                                 tether::deflate_compressor_memory(window_bits, memory_level))) <= 256);
      CHECK(std::labs(difference(decompressor_memory.live, tether::deflate_decompressor_memory(window_bits))) <= 256);
      deflater.reset();
      inflater.reset();
      CHECK(compressor_memory.live == 0);
      CHECK(decompressor_memory.live == 0);
    }
  }
}

TEST_CASE("engines move with their state, in the middle of a message too", "[deflate][memory]") {
  auto rng = test::make_rng(33);
  const bytes message = test::chat_text(rng, 20000);
  tether::message_deflater deflater({15, false});
  bytes compressed;
  deflater.compress(message.data(), 10000, false, compressed);
  tether::message_deflater moved = static_cast<tether::message_deflater&&>(deflater);
  CHECK_FALSE(deflater.holds_state());
  moved.compress(message.data() + 10000, 10000, true, compressed);
  tether::message_inflater inflater({15, false});
  unsigned char out[3000];
  const auto step = inflater.inflate(compressed.data(), compressed.size(), true, out, sizeof out);
  bytes got(out, out + step.produced);
  tether::message_inflater other = static_cast<tether::message_inflater&&>(inflater);
  const bytes rest(compressed.begin() + static_cast<long>(step.consumed), compressed.end());
  const auto tail = test::inflate_message(other, rest);
  got.insert(got.end(), tail.data.begin(), tail.data.end());
  CHECK(tail.finished);
  CHECK(got == message);
}

TEST_CASE("a compression bomb inflates in bounded memory, chunk by chunk", "[deflate][memory][large]") {
  // 4 KiB of zeros fed 256 times: about 1 MiB of input, 1.08 GB of output,
  // pulled out 64 KiB at a time. The caller enforces no limit here, to show
  // that memory stays flat whatever the output; the next test stops early.
  const bomb b = make_bomb(256 * 4096);
  REQUIRE(b.output_size > (std::uint64_t{1} << 30));
  const bytes zeros(4096, 0);
  std::vector<unsigned char> out(64 * 1024);
  test::counting_allocator memory;
  tether::inflater_options options;
  options.max_message_size = std::numeric_limits<std::uint64_t>::max();
  options.allocator = memory.hooks();
  tether::message_inflater inflater({15, false}, options);

  {  // the counter counts
    const std::size_t before = new_calls.load();
    std::vector<char> probe(16);
    REQUIRE(new_calls.load() == before + 1);
  }
  const std::size_t new_calls_before = new_calls.load();
  std::uint64_t produced = 0;
  bool finished = false, all_zero = true;
  std::size_t most_per_call = 0;
  const auto feed = [&](const bytes& piece, bool last) {
    std::size_t offset = 0;
    for (;;) {
      const auto step = inflater.inflate(piece.data() + offset, piece.size() - offset, last, out.data(), out.size());
      if (step.failed()) return false;
      produced += step.produced;
      if (step.produced > most_per_call) most_per_call = step.produced;
      if (step.produced != 0 && (out[0] != 0 || out[step.produced - 1] != 0)) all_zero = false;
      offset += step.consumed;
      finished = step.finished;
      if (finished || (offset == piece.size() && !last && step.produced < out.size())) return true;
    }
  };
  bool ok = feed(b.prefix, false);
  for (int i = 0; ok && i < 256; ++i) ok = feed(zeros, false);
  ok = ok && feed(b.suffix, true);
  const std::size_t new_calls_during = new_calls.load() - new_calls_before;

  CHECK(ok);
  CHECK(finished);
  CHECK(produced == b.output_size);
  CHECK(all_zero);
  CHECK(most_per_call == out.size());
  CHECK(new_calls_during == 0);  // no operator new at all
  // zlib's state and window (32 KiB + 7 KiB) is all the inflater ever held.
  CHECK(memory.peak <= tether::deflate_decompressor_memory(15) + 256);
}

TEST_CASE("the caller stops a bomb at any size: by the limit, or by walking away", "[deflate][memory]") {
  const bomb b = make_bomb(16 * 4096);
  bytes stream = b.prefix;
  stream.insert(stream.end(), 16 * 4096, 0);
  stream.insert(stream.end(), b.suffix.begin(), b.suffix.end());
  std::vector<unsigned char> out(64 * 1024);
  for (std::uint64_t limit : {std::uint64_t{1}, std::uint64_t{100000}, std::uint64_t{10} << 20}) {
    INFO("limit " << limit);
    tether::inflater_options options;
    options.max_message_size = limit;
    tether::message_inflater inflater({15, false}, options);
    std::uint64_t produced = 0;
    std::size_t offset = 0;
    tether::error failure{};
    while (failure == error{}) {
      const auto step = inflater.inflate(stream.data() + offset, stream.size() - offset, true, out.data(), out.size());
      produced += step.produced;
      offset += step.consumed;
      failure = step.failure;
      REQUIRE_FALSE(step.finished);
    }
    CHECK(failure == error::inflated_message_too_big);
    CHECK(produced <= limit + 1);
    CHECK(produced > limit);
  }
  // Walking away: stop pulling after 1 MiB, reset, and nothing is held.
  test::counting_allocator memory;
  tether::inflater_options options;
  options.allocator = memory.hooks();
  tether::message_inflater inflater({15, false}, options);
  std::uint64_t produced = 0;
  std::size_t offset = 0;
  while (produced < (1u << 20)) {
    const auto step = inflater.inflate(stream.data() + offset, stream.size() - offset, true, out.data(), out.size());
    REQUIRE_FALSE(step.failed());
    produced += step.produced;
    offset += step.consumed;
  }
  CHECK(memory.live != 0);
  inflater.reset();
  CHECK(memory.live == 0);
}

TEST_CASE("a BFINAL block costs one window-sized copy, once", "[deflate][memory]") {
  // RFC 7692 §7.2.3.4: the window is carried across a final block.
  test::counting_allocator memory;
  tether::inflater_options options;
  options.allocator = memory.hooks();
  tether::message_inflater inflater({10, false}, options);
  const bytes bfinal = test::from_hex("f3 48 cd c9 c9 07 00 00");
  CHECK(test::inflate_message(inflater, bfinal).data == test::from_text("Hello"));
  const std::size_t after_first = memory.allocations;
  CHECK(memory.live == tether::deflate_decompressor_memory(10) + 1024);
  for (int m = 0; m < 5; ++m) CHECK(test::inflate_message(inflater, bfinal).data == test::from_text("Hello"));
  CHECK(memory.allocations == after_first);
}
