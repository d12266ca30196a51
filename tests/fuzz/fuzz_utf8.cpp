// UTF-8: tether's validator (SIMD kernels and automaton) against a reference
// written straight from RFC 3629 §3-4 here, whole and split into pieces at
// points the input chooses: same verdict, same offset of the first invalid
// byte (fail fast, RFC 6455 §8.1), same "complete" answer.
#include <tether/utf8.hpp>

#include <vector>

#include "fuzz_check.hpp"

namespace {

struct reference_result {
  bool valid;
  std::size_t error_offset;  // first byte that cannot continue any valid text
  bool complete;             // ends on a code point boundary
};

// RFC 3629 §4: the well-formed byte sequences, one code point at a time.
reference_result reference_validate(const unsigned char* p, std::size_t n) {
  std::size_t i = 0;
  while (i < n) {
    const unsigned char lead = p[i];
    std::size_t length;
    unsigned char low = 0x80, high = 0xBF;  // the allowed range of the second byte
    if (lead < 0x80) {
      ++i;
      continue;
    } else if (lead >= 0xC2 && lead <= 0xDF) {
      length = 2;
    } else if (lead == 0xE0) {
      length = 3, low = 0xA0;  // no overlong 3-byte forms
    } else if (lead == 0xED) {
      length = 3, high = 0x9F;  // no surrogates U+D800..U+DFFF
    } else if (lead >= 0xE1 && lead <= 0xEF) {
      length = 3;
    } else if (lead == 0xF0) {
      length = 4, low = 0x90;  // no overlong 4-byte forms
    } else if (lead == 0xF4) {
      length = 4, high = 0x8F;  // nothing above U+10FFFF
    } else if (lead >= 0xF1 && lead <= 0xF3) {
      length = 4;
    } else {
      return {false, i, false};  // C0, C1, F5..FF, or a continuation byte without a lead
    }
    for (std::size_t k = 1; k < length; ++k) {
      if (i + k == n) return {true, 0, false};  // the text may continue in the next piece
      const unsigned char byte = p[i + k];
      const unsigned char min = k == 1 ? low : 0x80, max = k == 1 ? high : 0xBF;
      if (byte < min || byte > max) return {false, i + k, false};
    }
    i += length;
  }
  return {true, 0, true};
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const unsigned char* data, std::size_t size) {
  if (size == 0) return 0;
  const std::size_t step = 1 + data[0];  // pieces of 1..256 bytes
  const unsigned char* text = data + 1;
  const std::size_t n = size - 1;
  const reference_result expected = reference_validate(text, n);

  tether::utf8_validator whole;
  const tether::utf8_result whole_result = whole.feed(text, n);
  FUZZ_CHECK(whole_result.valid == expected.valid);
  if (!expected.valid) FUZZ_CHECK(whole_result.error_offset == expected.error_offset);
  if (expected.valid) FUZZ_CHECK(whole.complete() == expected.complete);
  FUZZ_CHECK(tether::is_valid_utf8(text, n) == (expected.valid && expected.complete));

  // The same text in pieces, each copied to its own buffer (no reads across pieces).
  tether::utf8_validator pieces;
  bool valid = true;
  std::size_t error_at = 0;
  for (std::size_t offset = 0; offset < n && valid; offset += step) {
    const std::size_t piece = n - offset < step ? n - offset : step;
    const std::vector<unsigned char> copy(text + offset, text + offset + piece);
    const tether::utf8_result r = pieces.feed(copy.data(), copy.size());
    if (!r.valid) valid = false, error_at = offset + r.error_offset;
  }
  FUZZ_CHECK(valid == expected.valid);
  if (!valid) FUZZ_CHECK(error_at == expected.error_offset);
  if (valid) FUZZ_CHECK(pieces.complete() == expected.complete);
  return 0;
}
