// A client and a server wired together, every application call chosen by the
// input: sends of every kind, reads and writes split anywhere with output
// buffers held across calls, deferred accept, pings, closes, aborts and clock
// jumps (support/pair_driver.hpp). Invariants: messages arrive once, in
// order, intact; held output never changes or moves before it is consumed;
// both sides end with the transport closable.
#include <cstdio>
#include <cstdlib>

#include "../support/pair_driver.hpp"
#include "fuzz_check.hpp"

namespace {

// Choices from the input bytes; zeros once they run out (finish() still runs).
struct byte_choices {
  const unsigned char* data;
  std::size_t size;
  std::size_t at = 0;
  unsigned next(unsigned n) {
    unsigned value = 0;
    if (at < size) value = data[at++];
    if (n > 256 && at < size) value = value << 8 | data[at++];
    return value % n;
  }
  bool exhausted() const { return at >= size; }
};

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const unsigned char* data, std::size_t size) {
  tether::connection_options options;
  options.max_queued_output = 128 * 1024;
  options.output_high_watermark = 32 * 1024;
  options.output_low_watermark = 8 * 1024;
  options.max_buffered_input = 128 * 1024;
  options.max_message_size = options.max_frame_size = 128 * 1024;
  options.fragment_size = 700;
  options.ping_interval = std::chrono::milliseconds(3000);
  options.pong_timeout = std::chrono::milliseconds(5000);
  options.close_timeout = std::chrono::milliseconds(4000);
  byte_choices choices{data, size};
  auto check = [](bool ok, const char* what) {
    if (!ok) {
      std::fprintf(stderr, "invariant broken: %s\n", what);
      std::abort();
    }
  };
  test::pair_driver<byte_choices, decltype(check)> pair(choices, check, options);
  for (int steps = 0; steps < 4000 && !choices.exhausted(); ++steps) pair.step();
  pair.finish();
  return 0;
}
