// UTF-8: the SIMD and scalar paths agree, and any split gives the same verdict
// and the same error offset as the whole text.
#include <tether/utf8.hpp>

#include "fuzz_check.hpp"

extern "C" int LLVMFuzzerTestOneInput(const unsigned char* data, std::size_t size) {
  tether::utf8_validator whole;
  const auto whole_result = whole.feed(data, size);
  const auto scalar = tether::detail::utf8_validate_scalar(data, size);
  FUZZ_CHECK(whole_result.valid == scalar.valid);
  if (!scalar.valid) FUZZ_CHECK(whole_result.error_offset == scalar.offset);
  // Split at a point chosen by the input itself.
  const std::size_t cut = size == 0 ? 0 : data[0] % (size + 1);
  tether::utf8_validator split;
  auto first = split.feed(data, cut);
  std::size_t error_at = first.valid ? 0 : first.error_offset;
  bool valid = first.valid;
  if (valid) {
    const auto second = split.feed(data + cut, size - cut);
    valid = second.valid;
    error_at = cut + second.error_offset;
  }
  FUZZ_CHECK(valid == whole_result.valid);
  if (!valid) FUZZ_CHECK(error_at == whole_result.error_offset);
  if (valid) FUZZ_CHECK(split.complete() == whole.complete());
  return 0;
}
