// Helpers for the permessage-deflate engine tests: counting zalloc hooks, a
// DEFLATE bit writer for hand-made streams (independent of zlib's compressor),
// and whole-message compress / inflate loops over split plans.
#ifndef TETHER_TESTS_DEFLATE_SUPPORT_HPP
#define TETHER_TESTS_DEFLATE_SUPPORT_HPP

#include <tether/deflate.hpp>

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <vector>

#include "test_bytes.hpp"

namespace test {

// deflate_allocator hooks that count: calls, live bytes, peak live bytes.
struct counting_allocator {
  std::size_t allocations = 0;
  std::size_t live = 0;
  std::size_t peak = 0;

  tether::deflate_allocator hooks() noexcept { return {&allocate, &deallocate, this}; }

  static void* allocate(void* context, std::size_t size) {
    auto* self = static_cast<counting_allocator*>(context);
    auto* block = static_cast<std::size_t*>(std::malloc(size + 16));
    if (block == nullptr) return nullptr;
    block[0] = size;
    ++self->allocations;
    self->live += size;
    if (self->live > self->peak) self->peak = self->live;
    return reinterpret_cast<unsigned char*>(block) + 16;
  }
  static void deallocate(void* context, void* pointer) {
    auto* block = reinterpret_cast<std::size_t*>(static_cast<unsigned char*>(pointer) - 16);
    static_cast<counting_allocator*>(context)->live -= block[0];
    std::free(block);
  }
};

// Writes a DEFLATE stream (RFC 1951) bit by bit: fixed-Huffman and stored
// blocks, literals and matches, for streams zlib's compressor cannot make
// (8-bit windows) or that must not depend on it (RFC vectors, bombs).
class deflate_bits {
 public:
  void put(std::uint32_t value, int count) {
    for (int i = 0; i < count; ++i) {
      if (bit_ == 0) bytes_.push_back(0);
      if ((value >> i) & 1u) bytes_.back() = static_cast<unsigned char>(bytes_.back() | (1u << bit_));
      bit_ = (bit_ + 1) & 7;
    }
  }
  // Huffman codes go most significant bit first (RFC 1951 §3.1.1).
  void put_code(std::uint32_t code, int length) {
    for (int i = length - 1; i >= 0; --i) put((code >> i) & 1u, 1);
  }
  void align() {
    if (bit_ != 0) put(0, 8 - bit_);
  }
  int bit_position() const { return bit_; }

  void fixed_block(bool last) {
    put(last ? 1 : 0, 1);
    put(1, 2);  // BTYPE 01
  }
  void fixed_symbol(int symbol) {  // RFC 1951 §3.2.6
    if (symbol <= 143) {
      put_code(static_cast<std::uint32_t>(0x30 + symbol), 8);
    } else if (symbol <= 255) {
      put_code(static_cast<std::uint32_t>(0x190 + symbol - 144), 9);
    } else if (symbol <= 279) {
      put_code(static_cast<std::uint32_t>(symbol - 256), 7);
    } else {
      put_code(static_cast<std::uint32_t>(0xC0 + symbol - 280), 8);
    }
  }
  void literal(unsigned char byte) { fixed_symbol(byte); }
  void end_of_block() { fixed_symbol(256); }
  // A match of 3..258 bytes, 1..32768 back, in a fixed-Huffman block.
  void match(int length, int distance) {
    static const int length_base[] = {3,  4,  5,  6,  7,  8,  9,  10, 11,  13,  15,  17,  19,  23, 27,
                                      31, 35, 43, 51, 59, 67, 83, 99, 115, 131, 163, 195, 227, 258};
    static const int length_extra[] = {0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 2, 2, 2,
                                       2, 3, 3, 3, 3, 4, 4, 4, 4, 5, 5, 5, 5, 0};
    static const int distance_base[] = {1,    2,    3,    4,    5,    7,    9,    13,    17,    25,
                                        33,   49,   65,   97,   129,  193,  257,  385,   513,   769,
                                        1025, 1537, 2049, 3073, 4097, 6145, 8193, 12289, 16385, 24577};
    static const int distance_extra[] = {0, 0, 0, 0, 1, 1, 2, 2,  3,  3,  4,  4,  5,  5,  6,
                                         6, 7, 7, 8, 8, 9, 9, 10, 10, 11, 11, 12, 12, 13, 13};
    int code = 28;
    while (length_base[code] > length) --code;
    fixed_symbol(257 + code);
    put(static_cast<std::uint32_t>(length - length_base[code]), length_extra[code]);
    code = 29;
    while (distance_base[code] > distance) --code;
    put_code(static_cast<std::uint32_t>(code), 5);
    put(static_cast<std::uint32_t>(distance - distance_base[code]), distance_extra[code]);
  }
  void stored_block(bool last, const bytes& data) {
    put(last ? 1 : 0, 1);
    put(0, 2);
    align();
    const auto size = static_cast<std::uint32_t>(data.size());
    put(size, 16);
    put(~size & 0xFFFFu, 16);
    for (unsigned char byte : data) put(byte, 8);
  }
  // RFC 7692 §7.2.1: end the message with an empty stored block, minus the
  // 00 00 ff ff the receiver appends: its 3 header bits, padded.
  void end_message() {
    put(0, 3);
    align();
  }

  const bytes& data() const { return bytes_; }

 private:
  bytes bytes_;
  int bit_ = 0;
};

// What LZ77 back-references expand to, for checking hand-made streams.
inline void expand_match(bytes& out, int length, int distance) {
  for (int i = 0; i < length; ++i) out.push_back(out[out.size() - static_cast<std::size_t>(distance)]);
}

struct inflated {
  bytes data;
  tether::error failure{};
  bool finished = false;
  bool stalled = false;  // room for output, input left, and no progress: an inflater bug
};

// Inflates one message fed in the pieces of plan (sizes summing to the
// message), pulling output capacity bytes at a time.
inline inflated inflate_message(tether::message_inflater& inflater, const bytes& message,
                                const std::vector<std::size_t>& plan, std::size_t capacity) {
  inflated result;
  std::vector<unsigned char> out(capacity);
  std::size_t offset = 0;
  for (std::size_t p = 0; p < plan.size(); ++p) {
    const bool last = p + 1 == plan.size();
    std::size_t left = plan[p];
    for (;;) {
      const auto step = inflater.inflate(message.data() + offset, left, last, out.data(), capacity);
      if (step.failed()) {
        result.failure = step.failure;
        return result;
      }
      if (step.produced > capacity) std::abort();  // never past the caller's capacity
      result.data.insert(result.data.end(), out.begin(), out.begin() + static_cast<long>(step.produced));
      offset += step.consumed;
      left -= step.consumed;
      if (step.finished) {
        result.finished = true;
        return result;
      }
      // A piece that is not the last is done once consumed and the output stopped short.
      if (!last && left == 0 && step.produced < capacity) break;
      // Room for output and nothing moved: the inflater stalled (a bug).
      if (step.consumed == 0 && step.produced == 0) {
        result.stalled = true;
        return result;
      }
    }
  }
  return result;
}

inline inflated inflate_message(tether::message_inflater& inflater, const bytes& message,
                                std::size_t capacity = 1 << 16) {
  return inflate_message(inflater, message, {message.size()}, capacity);
}

// Compresses one message given in the pieces of plan.
inline bytes compress_message(tether::message_deflater& deflater, const bytes& message,
                              const std::vector<std::size_t>& plan) {
  bytes out;
  std::size_t offset = 0;
  for (std::size_t p = 0; p < plan.size(); ++p) {
    const auto result = deflater.compress(message.data() + offset, plan[p], p + 1 == plan.size(), out);
    if (result.failed()) std::abort();
    offset += plan[p];
  }
  return out;
}

inline bytes compress_message(tether::message_deflater& deflater, const bytes& message) {
  return compress_message(deflater, message, {message.size()});
}

// Text that compresses like chat traffic, with multi-byte UTF-8.
inline bytes chat_text(std::mt19937_64& rng, std::size_t size) {
  static const char* const words[] = {"hello ",
                                      "world ",
                                      "\xC3\xA9t\xC3\xA9 ",
                                      "\xE6\x97\xA5\xE6\x9C\xAC ",
                                      "{\"type\":\"chat\",",
                                      "\"text\":\"",
                                      "\xF0\x9F\x98\x80 ",
                                      "the "};
  bytes out;
  while (out.size() < size) {
    const char* word = words[rng() % 8];
    while (*word != '\0' && out.size() < size) out.push_back(static_cast<unsigned char>(*word++));
  }
  return out;
}

}  // namespace test

#endif
