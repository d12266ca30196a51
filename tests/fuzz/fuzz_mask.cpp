// Masking (RFC 6455 §5.3): the fast kernels against the byte-at-a-time
// reference, at any alignment, any key phase and any split of the payload
// into pieces (a payload arrives in pieces; each piece continues the phase of
// the one before). copy_masked agrees too, and masking twice restores the input.
#include <tether/frame/mask.hpp>

#include <cstring>
#include <vector>

#include "fuzz_check.hpp"

extern "C" int LLVMFuzzerTestOneInput(const unsigned char* data, std::size_t size) {
  if (size < 7) return 0;
  const tether::masking_key key{data[0], data[1], data[2], data[3]};
  const std::size_t phase = data[4] & 3;
  const std::size_t misalign = data[4] >> 2 & 31;  // start at any address modulo 32
  const std::size_t step = 1 + data[5];            // pieces of 1..256 bytes
  const std::size_t repeat = 1 + data[6] % 8;      // longer payloads reach the wide kernels
  const unsigned char* payload = data + 7;
  const std::size_t payload_size = size - 7;

  std::vector<unsigned char> original;
  for (std::size_t r = 0; r < repeat; ++r) original.insert(original.end(), payload, payload + payload_size);
  const std::size_t n = original.size();

  std::vector<unsigned char> expected(original);
  FUZZ_CHECK(tether::apply_mask_reference(expected.data(), n, key, phase) == ((phase + n) & 3));

  std::vector<unsigned char> storage(misalign);  // the payload starts misalign bytes in
  storage.insert(storage.end(), original.begin(), original.end());
  unsigned char* fast = storage.data() + misalign;
  std::size_t next_phase = phase;
  for (std::size_t offset = 0; offset < n; offset += step) {
    const std::size_t piece = n - offset < step ? n - offset : step;
    next_phase = tether::apply_mask(fast + offset, piece, key, next_phase);
  }
  FUZZ_CHECK(next_phase == ((phase + n) & 3));
  FUZZ_CHECK(n == 0 || std::memcmp(fast, expected.data(), n) == 0);

  std::vector<unsigned char> copy(n + 32);
  unsigned char* copied = copy.data() + (32 - misalign) % 32;
  FUZZ_CHECK(tether::copy_masked(copied, original.data(), n, key, phase) == ((phase + n) & 3));
  FUZZ_CHECK(n == 0 || std::memcmp(copied, expected.data(), n) == 0);

  tether::apply_mask(fast, n, key, phase);  // masking is its own inverse
  FUZZ_CHECK(n == 0 || std::memcmp(fast, original.data(), n) == 0);
  return 0;
}
