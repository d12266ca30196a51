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

// The same kernels as masked copies: source and destination at independent
// alignments, the source untouched, nothing written around the destination.
template <class Kernel>
void check_copy_kernel_against_reference(Kernel kernel) {
  auto rng = test::make_rng(3);
  const tether::masking_key key = {0xA5, 0x01, 0x7E, 0xC3};
  const test::bytes source = test::random_bytes(rng, 4096 + 64);
  const test::bytes canary(4096 + 64, 0xEE);
  for (std::size_t length = 0; length <= 4096; ++length) {
    const std::size_t phase = (length / 3) % 4;
    const std::size_t from = length % 32, to = (length / 32) % 32;
    test::bytes expected(source.begin() + static_cast<long>(from), source.begin() + static_cast<long>(from + length));
    tether::apply_mask_reference(expected.data(), length, key, phase);
    test::bytes input = source;
    test::bytes output = canary;
    kernel(output.data() + to, input.data() + from, length, key, phase);
    const bool same = std::equal(expected.begin(), expected.end(), output.begin() + static_cast<long>(to));
    if (!same) {
      CAPTURE(length, phase, from, to);
      FAIL("masked copy differs from the reference");
    }
    REQUIRE(input == source);
    if (to != 0) REQUIRE(output[to - 1] == 0xEE);
    REQUIRE(output[to + length] == 0xEE);
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
    tether::detail::mask_words(d, d, n, tether::detail::rotated_key_word(k, p));
  });
}

#if TETHER_X86_SIMD
TEST_CASE("the SSE2 kernel matches the reference", "[mask]") {
  check_kernel_against_reference([](unsigned char* d, std::size_t n, const tether::masking_key& k, std::size_t p) {
    tether::detail::mask_sse2(d, d, n, tether::detail::rotated_key_word(k, p));
  });
}

TEST_CASE("the AVX2 kernel matches the reference (when the CPU has AVX2)", "[mask]") {
  if (!tether::detail::detect_avx2()) {
    WARN("this CPU has no AVX2; kernel not exercised");
    return;
  }
  check_kernel_against_reference([](unsigned char* d, std::size_t n, const tether::masking_key& k, std::size_t p) {
    tether::detail::mask_avx2(d, d, n, tether::detail::rotated_key_word(k, p));
  });
}
#endif

TEST_CASE("copy_masked matches the reference at every length, phase and pair of alignments", "[mask]") {
  check_copy_kernel_against_reference(
      [](unsigned char* dst, const unsigned char* src, std::size_t n, const tether::masking_key& k, std::size_t p) {
        CHECK(tether::copy_masked(dst, src, n, k, p) == (p + n) % 4);
      });
}

TEST_CASE("every masking kernel also copies: word, small, SSE2, AVX2", "[mask]") {
  auto word = [](const tether::masking_key& k, std::size_t p) { return tether::detail::rotated_key_word(k, p); };
  check_copy_kernel_against_reference([&](unsigned char* dst, const unsigned char* src, std::size_t n,
                                          const tether::masking_key& k,
                                          std::size_t p) { tether::detail::mask_words(dst, src, n, word(k, p)); });
  check_copy_kernel_against_reference(
      [&](unsigned char* dst, const unsigned char* src, std::size_t n, const tether::masking_key& k, std::size_t p) {
        if (n < 32)
          tether::detail::mask_small(dst, src, n, word(k, p));
        else
          tether::detail::mask_words(dst, src, n, word(k, p));
      });
#if TETHER_X86_SIMD
  check_copy_kernel_against_reference([&](unsigned char* dst, const unsigned char* src, std::size_t n,
                                          const tether::masking_key& k,
                                          std::size_t p) { tether::detail::mask_sse2(dst, src, n, word(k, p)); });
  if (tether::detail::detect_avx2()) {
    check_copy_kernel_against_reference([&](unsigned char* dst, const unsigned char* src, std::size_t n,
                                            const tether::masking_key& k,
                                            std::size_t p) { tether::detail::mask_avx2(dst, src, n, word(k, p)); });
  }
#endif
}

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
