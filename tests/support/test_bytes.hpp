// Helpers shared by tests: hex fixtures and a seeded random generator whose
// seed is printed with every failure (set TETHER_TEST_SEED to replay one).
#ifndef TETHER_TESTS_TEST_BYTES_HPP
#define TETHER_TESTS_TEST_BYTES_HPP

#include <cstdint>
#include <cstdlib>
#include <random>
#include <string>
#include <string_view>
#include <vector>

namespace test {

using bytes = std::vector<unsigned char>;

// "81 05 48 65" -> {0x81, 0x05, 0x48, 0x65}; spaces and newlines are ignored.
inline bytes from_hex(std::string_view hex) {
  bytes out;
  int high = -1;
  for (char c : hex) {
    int v;
    if (c >= '0' && c <= '9')
      v = c - '0';
    else if (c >= 'a' && c <= 'f')
      v = c - 'a' + 10;
    else if (c >= 'A' && c <= 'F')
      v = c - 'A' + 10;
    else
      continue;
    if (high < 0) {
      high = v;
    } else {
      out.push_back(static_cast<unsigned char>(high * 16 + v));
      high = -1;
    }
  }
  return out;
}

inline bytes from_text(std::string_view text) { return bytes(text.begin(), text.end()); }

inline std::string as_text(const unsigned char* data, std::size_t size) {
  return std::string(reinterpret_cast<const char*>(data), size);
}

inline std::uint64_t test_seed() {
  static const std::uint64_t seed = [] {
    const char* env = std::getenv("TETHER_TEST_SEED");
    return env != nullptr ? std::strtoull(env, nullptr, 10) : std::uint64_t{20261125};
  }();
  return seed;
}

// Deterministic per test (seeded from test_seed() and a test-specific salt).
inline std::mt19937_64 make_rng(std::uint64_t salt) {
  return std::mt19937_64(test_seed() ^ (salt * 0x9E3779B97F4A7C15ull));
}

inline bytes random_bytes(std::mt19937_64& rng, std::size_t size) {
  bytes out(size);
  for (auto& b : out) b = static_cast<unsigned char>(rng());
  return out;
}

// Split points for replaying a byte stream: whole, byte by byte, and random cuts.
inline std::vector<std::vector<std::size_t>> split_plans(std::size_t size, std::mt19937_64& rng, int random_plans = 8) {
  std::vector<std::vector<std::size_t>> plans;
  plans.push_back({size});
  std::vector<std::size_t> ones(size, 1);
  plans.push_back(ones);
  for (int p = 0; p < random_plans; ++p) {
    std::vector<std::size_t> plan;
    std::size_t left = size;
    while (left != 0) {
      std::size_t piece = 1 + static_cast<std::size_t>(rng() % (1 + size / 3));
      if (piece > left) piece = left;
      plan.push_back(piece);
      left -= piece;
    }
    plans.push_back(plan);
  }
  return plans;
}

}  // namespace test

#endif
