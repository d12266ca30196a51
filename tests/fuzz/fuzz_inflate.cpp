// permessage-deflate engines. Input: two configuration bytes, then messages,
// each one length byte and that many bytes.
//  1. Each message, as compressed data, inflates the same whole (64 KiB of
//     room) and split (pieces and room of a few bytes): same bytes when both
//     finish; never more output per call than the room, nor past the
//     decompressed limit; never a stall.
//  2. Each message, as plain data, compressed in pieces and inflated again,
//     comes back unchanged, across messages (context takeover or not).
#include <tether/deflate.hpp>

#include <cstdint>
#include <vector>

#include "fuzz_check.hpp"

namespace {

using bytes = std::vector<unsigned char>;

constexpr std::uint64_t max_message_size = 256 * 1024;

struct result {
  bytes data;
  bool finished = false;
  bool failed = false;
};

result inflate(tether::message_inflater& inflater, const unsigned char* message, std::size_t size, std::size_t step,
               std::size_t room) {
  result out;
  std::vector<unsigned char> buffer(room);
  std::size_t offset = 0;
  do {
    const std::size_t end = size - offset > step ? offset + step : size;
    const bool last = end == size;
    for (;;) {
      const auto r = inflater.inflate(message + offset, end - offset, last, buffer.data(), room);
      FUZZ_CHECK(r.consumed <= end - offset);
      FUZZ_CHECK(r.produced <= room);
      if (r.failed()) {
        out.failed = true;
        return out;
      }
      out.data.insert(out.data.end(), buffer.begin(), buffer.begin() + static_cast<long>(r.produced));
      FUZZ_CHECK(out.data.size() <= max_message_size);
      offset += r.consumed;
      if (r.finished) {
        out.finished = true;
        return out;
      }
      if (!last && offset == end && r.produced < room) break;  // piece done, more to come
      FUZZ_CHECK(r.consumed != 0 || r.produced != 0);           // room and input, yet no progress: a stall
    }
  } while (offset < size);
  return out;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const unsigned char* data, std::size_t size) {
  if (size < 2) return 0;
  const tether::deflate_direction direction{8 + (data[0] & 7), (data[0] & 8) != 0};
  const std::size_t step = 1 + ((data[0] >> 4) & 7);
  tether::deflate_options settings;
  settings.compression_level = data[1] % 10;
  settings.memory_level = 1 + (data[1] / 10) % 9;
  tether::inflater_options limits;
  limits.max_message_size = max_message_size;

  tether::message_inflater whole(direction, limits), split(direction, limits);
  tether::message_deflater deflater(direction, settings);
  tether::message_inflater peer(direction, limits);
  for (std::size_t offset = 2; offset < size;) {
    const std::size_t length = data[offset] < size - offset - 1 ? data[offset] : size - offset - 1;
    const unsigned char* message = data + offset + 1;
    offset += 1 + length;

    // 1. Arbitrary compressed data.
    const result a = inflate(whole, message, length, length + 1, 64 * 1024);
    const result b = inflate(split, message, length, step, step);
    if (a.finished && b.finished) FUZZ_CHECK(a.data == b.data);
    if (!a.finished || !b.finished) {  // keep both on the same history
      whole.reset();
      split.reset();
    }

    // 2. Round trip of the same bytes as plain data.
    bytes compressed;
    for (std::size_t done = 0; done < length || done == 0;) {
      const std::size_t piece = length - done < step ? length - done : step;
      const auto r = deflater.compress(message + done, piece, done + piece == length, compressed);
      FUZZ_CHECK(!r.failed());
      done += piece;
      if (length == 0) break;
    }
    const result back = inflate(peer, compressed.data(), compressed.size(), compressed.size() + 1, 4096);
    FUZZ_CHECK(back.finished);
    FUZZ_CHECK(back.data == bytes(message, message + length));
  }
  return 0;
}
