// Helpers for UTF-8 tests: encoding a code point, and seeded mixed text.
#ifndef TETHER_TESTS_UTF8_TEXT_HPP
#define TETHER_TESTS_UTF8_TEXT_HPP

#include <cstdint>
#include <random>

#include "test_bytes.hpp"

namespace test {

// RFC 3629 §3: a code point as 1-4 bytes (surrogates encoded as any other,
// so a test can build them on purpose).
inline bytes encode_code_point(std::uint32_t cp) {
  if (cp < 0x80) return {static_cast<unsigned char>(cp)};
  if (cp < 0x800) return {static_cast<unsigned char>(0xC0 | (cp >> 6)), static_cast<unsigned char>(0x80 | (cp & 0x3F))};
  if (cp < 0x10000) {
    return {static_cast<unsigned char>(0xE0 | (cp >> 12)), static_cast<unsigned char>(0x80 | ((cp >> 6) & 0x3F)),
            static_cast<unsigned char>(0x80 | (cp & 0x3F))};
  }
  return {static_cast<unsigned char>(0xF0 | (cp >> 18)), static_cast<unsigned char>(0x80 | ((cp >> 12) & 0x3F)),
          static_cast<unsigned char>(0x80 | ((cp >> 6) & 0x3F)), static_cast<unsigned char>(0x80 | (cp & 0x3F))};
}

// Valid text of whole code points, about half ASCII and the rest 2-, 3- and
// 4-byte, until it holds at least `size` bytes; then cut to exactly `size`
// bytes, so it may end inside a code point.
inline bytes mixed_text(std::mt19937_64& rng, std::size_t size) {
  bytes text;
  while (text.size() < size) {
    const unsigned draw = static_cast<unsigned>(rng() % 10);
    std::uint32_t cp;
    if (draw < 5) {
      cp = static_cast<std::uint32_t>(rng() % 0x80);
    } else if (draw < 7) {
      cp = static_cast<std::uint32_t>(0x80 + rng() % (0x800 - 0x80));
    } else if (draw < 9) {
      do cp = static_cast<std::uint32_t>(0x800 + rng() % (0x10000 - 0x800));
      while (cp >= 0xD800 && cp <= 0xDFFF);
    } else {
      cp = static_cast<std::uint32_t>(0x10000 + rng() % (0x110000 - 0x10000));
    }
    const bytes encoded = encode_code_point(cp);
    text.insert(text.end(), encoded.begin(), encoded.end());
  }
  text.resize(size);
  return text;
}

}  // namespace test

#endif
