#include <tether/frame/mask.hpp>

#include <vector>

#include "test_bytes.hpp"
#include "tether_catch.hpp"

namespace {

// Every kernel, at every length 0..4096, every key phase and a moving
// alignment, against the byte-at-a-time reference of RFC 6455 §5.3.
template <class Kernel>
void check_kernel_against_reference(Kernel kernel) {
  auto rng = test::make_rng(1);
  const tether::masking_key key = {0x37, 0xFA, 0x21, 0x3D};
  const test::bytes original = test::random_bytes(rng, 4096 + 64);
  for (std::size_t length = 0; length <= 4096; ++length) {
    const std::size_t phase = length % 4;
    const std::size_t alignment = (length / 4) % 32;
    test::bytes expected(original.begin() + static_cast<long>(alignment),
                         original.begin() + static_cast<long>(alignment + length));
    test::bytes actual = original;
    tether::apply_mask_reference(expected.data(), length, key, phase);
    kernel(actual.data() + alignment, length, key, phase);
    const bool same = std::equal(expected.begin(), expected.end(), actual.begin() + static_cast<long>(alignment));
    if (!same) {
      CAPTURE(length, phase, alignment, test::test_seed());
      FAIL("kernel differs from the reference");
    }
    // Bytes around the range are untouched.
    if (alignment != 0) REQUIRE(actual[alignment - 1] == original[alignment - 1]);
    REQUIRE(actual[alignment + length] == original[alignment + length]);
  }
}

}  // namespace

TEST_CASE("apply_mask matches the reference at every length, phase and alignment", "[mask]") {
  check_kernel_against_reference([](unsigned char* d, std::size_t n, const tether::masking_key& k, std::size_t p) {
    tether::apply_mask(d, n, k, p);
  });
}

TEST_CASE("the word kernel matches the reference", "[mask]") {
  check_kernel_against_reference([](unsigned char* d, std::size_t n, const tether::masking_key& k, std::size_t p) {
    tether::detail::mask_words(d, n, tether::detail::rotated_key_word(k, p));
  });
}

#if TETHER_X86_SIMD
TEST_CASE("the SSE2 kernel matches the reference", "[mask]") {
  check_kernel_against_reference([](unsigned char* d, std::size_t n, const tether::masking_key& k, std::size_t p) {
    tether::detail::mask_sse2(d, n, tether::detail::rotated_key_word(k, p));
  });
}

TEST_CASE("the AVX2 kernel matches the reference (when the CPU has AVX2)", "[mask]") {
  if (!tether::detail::detect_avx2()) {
    WARN("this CPU has no AVX2; kernel not exercised");
    return;
  }
  check_kernel_against_reference([](unsigned char* d, std::size_t n, const tether::masking_key& k, std::size_t p) {
    tether::detail::mask_avx2(d, n, tether::detail::rotated_key_word(k, p));
  });
}
#endif

TEST_CASE("masking continues across calls split at any offset", "[mask]") {
  auto rng = test::make_rng(2);
  const tether::masking_key key = {0x01, 0x80, 0xFF, 0x5A};
  const test::bytes original = test::random_bytes(rng, 1000);
  test::bytes expected = original;
  tether::apply_mask_reference(expected.data(), expected.size(), key, 0);
  for (std::size_t cut = 0; cut <= original.size(); cut += 7) {
    test::bytes actual = original;
    std::size_t phase = tether::apply_mask(actual.data(), cut, key, 0);
    phase = tether::apply_mask(actual.data() + cut, actual.size() - cut, key, phase);
    CHECK(phase == original.size() % 4);
    REQUIRE(actual == expected);
  }
}

TEST_CASE("masking twice restores the payload (RFC 6455 §5.3)", "[mask]") {
  auto rng = test::make_rng(3);
  const test::bytes original = test::random_bytes(rng, 333);
  test::bytes data = original;
  const tether::masking_key key = {9, 8, 7, 6};
  tether::apply_mask(data.data(), data.size(), key, 2);
  CHECK(data != original);
  tether::apply_mask(data.data(), data.size(), key, 2);
  CHECK(data == original);
}

TEST_CASE("the RFC 6455 §5.7 masked Hello example unmasks", "[mask]") {
  // 0x81 0x85 0x37 0xfa 0x21 0x3d 0x7f 0x9f 0x4d 0x51 0x58 contains "Hello"
  test::bytes payload = test::from_hex("7f 9f 4d 51 58");
  tether::apply_mask(payload.data(), payload.size(), {0x37, 0xfa, 0x21, 0x3d}, 0);
  CHECK(test::as_text(payload.data(), payload.size()) == "Hello");
}
