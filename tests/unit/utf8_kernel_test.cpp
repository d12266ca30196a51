// Each bulk UTF-8 kernel against the automaton (detail/utf8_dfa.hpp) walked
// one byte at a time: same verdict, same offset of the first invalid byte,
// same last code point boundary, at every length and alignment, with every
// ill-formed class of RFC 3629 §4 placed across every block edge (16, 32, 64
// bytes). The x86 kernels are called directly when the CPU has them. The
// whole-text check that unmasks as it goes is held to the same texts.
#include <tether/detail/masked_text.hpp>
#include <tether/utf8.hpp>

#include <cstdint>
#include <cstring>
#include <string>
#include <vector>

#include "test_bytes.hpp"
#include "tether_catch.hpp"
#include "utf8_text.hpp"

namespace {

using tether::detail::utf8_bulk_result;

// The reference: no skips, no blocks.
utf8_bulk_result automaton(const unsigned char* p, std::size_t n) {
  std::uint8_t state = tether::detail::utf8_accept;
  std::size_t boundary = 0;
  for (std::size_t i = 0; i < n; ++i) {
    state = tether::detail::utf8_step(state, p[i]);
    if (state == tether::detail::utf8_reject) return {false, i};
    if (state == tether::detail::utf8_accept) boundary = i + 1;
  }
  return {true, boundary};
}

struct kernel {
  const char* name;
  bool available;
  std::size_t min_size, max_size;  // the sizes it is called with
  utf8_bulk_result (*run)(const unsigned char*, std::size_t);
};

const std::vector<kernel>& kernels() {
  static const std::vector<kernel> all = {
    {"scalar", true, 0, SIZE_MAX, tether::detail::utf8_validate_scalar},
    {"dispatch", true, 0, SIZE_MAX, tether::detail::utf8_validate_bulk},
#if TETHER_X86_SIMD
    {"ssse3 under 16 bytes", tether::detail::cpu_has_ssse3, 1, 15, tether::detail::utf8_validate_short_ssse3},
    {"ssse3", tether::detail::cpu_has_ssse3, 16, SIZE_MAX, tether::detail::utf8_validate_ssse3},
    {"avx2", tether::detail::cpu_has_avx2, 32, SIZE_MAX, tether::detail::utf8_validate_avx2},
    {"avx512", tether::detail::cpu_has_avx512bw, 1, SIZE_MAX, tether::detail::utf8_validate_avx512},
#endif
  };
  return all;
}

std::string hex_of(const unsigned char* p, std::size_t n) {
  std::string hex;
  for (std::size_t i = 0; i < n; ++i)
    hex += "0123456789abcdef"[p[i] >> 4], hex += "0123456789abcdef"[p[i] & 15], hex += ' ';
  return hex;
}

// A kernel, then the automaton from where it stopped (as utf8_validator
// does): a kernel may leave the last 0-3 bytes, valid or not, to the automaton.
utf8_bulk_result kernel_then_automaton(const kernel& k, const unsigned char* p, std::size_t n) {
  const utf8_bulk_result bulk = k.run(p, n);
  if (!bulk.valid) return bulk;
  if (bulk.offset > n || n - bulk.offset > 3) return {true, n + 1};  // never right
  const utf8_bulk_result rest = automaton(p + bulk.offset, n - bulk.offset);
  return {rest.valid, bulk.offset + rest.offset};
}

// The whole-message check of a masked text (detail/masked_text.hpp, and the
// fused AVX-512 kernel behind it called directly from 1 byte): same verdict
// as the automaton on a complete text, and every byte unmasked, valid or not.
void check_unmasking(const unsigned char* p, std::size_t n, bool expected) {
  static const tether::masking_key key = {0x9C, 0x3E, 0x01, 0xF0};
  alignas(64) static unsigned char masked[64 + 4096];
  if (n > 4096) return;
  unsigned char* at = masked + reinterpret_cast<std::uintptr_t>(p) % 64;  // p's alignment
  tether::frame_header header;
  header.masked = true;
  header.key = key;
  auto run = [&](const char* path, auto&& check) {
    if (n != 0) std::memcpy(at, p, n);
    tether::apply_mask_reference(at, n, key, 0);
    const bool actual = check();
    if (actual != expected || (n != 0 && std::memcmp(at, p, n) != 0)) {
      CAPTURE(path, n, hex_of(p, n), expected, actual);
      FAIL("unmasking text check disagrees with the automaton, or left bytes masked");
    }
  };
  run("unmask_whole_text", [&] { return tether::detail::unmask_whole_text(at, n, header); });
  if (tether::is_valid_utf8(p, n) != expected) {
    CAPTURE(n, hex_of(p, n), expected);
    FAIL("is_valid_utf8 disagrees with the automaton");
  }
#if TETHER_X86_SIMD
  if (tether::detail::cpu_has_avx512bw && n != 0) {
    run("avx512 unmasking",
        [&] { return tether::detail::utf8_unmask_validate_avx512(at, n, tether::detail::rotated_key_word(key, 0)); });
  }
#endif
}

// Every kernel that takes n bytes agrees with the automaton on p[0, n).
void check_kernels(const unsigned char* p, std::size_t n) {
  const utf8_bulk_result expected = automaton(p, n);
  check_unmasking(p, n, expected.valid && expected.offset == n);
  for (const kernel& k : kernels()) {
    if (!k.available || n < k.min_size || n > k.max_size) continue;
    const utf8_bulk_result actual = kernel_then_automaton(k, p, n);
    if (actual.valid != expected.valid || actual.offset != expected.offset) {
      CAPTURE(k.name, n, hex_of(p, n), expected.valid, expected.offset, actual.valid, actual.offset, test::test_seed());
      FAIL("kernel disagrees with the automaton");
    }
  }
}
void check_kernels(const test::bytes& text) { check_kernels(text.data(), text.size()); }

// Global offset of the first invalid byte (npos when none) and whether the
// text ends on a code point boundary, through the public validator.
struct verdict {
  std::size_t error = std::string::npos;
  bool complete = true;
  bool operator!=(const verdict& other) const { return error != other.error || complete != other.complete; }
};
verdict feed_in_two(const test::bytes& text, std::size_t cut) {
  tether::utf8_validator validator;
  const auto first = validator.feed(text.data(), cut);
  if (!first.valid) return {first.error_offset, false};
  const auto second = validator.feed(text.data() + cut, text.size() - cut);
  if (!second.valid) return {cut + second.error_offset, false};
  return {std::string::npos, validator.complete()};
}
verdict reference_verdict(const test::bytes& text) {
  const utf8_bulk_result r = automaton(text.data(), text.size());
  return r.valid ? verdict{std::string::npos, r.offset == text.size()} : verdict{r.offset, false};
}

// Texts of one length: valid (possibly cut inside its last code point), one
// byte replaced by a random byte, and one byte replaced by a continuation.
std::vector<test::bytes> texts_of_length(std::mt19937_64& rng, std::size_t size) {
  std::vector<test::bytes> texts;
  texts.push_back(test::mixed_text(rng, size));
  if (size != 0) {
    test::bytes flipped = test::mixed_text(rng, size);
    flipped[rng() % size] = static_cast<unsigned char>(rng());
    texts.push_back(flipped);
    test::bytes stray = test::mixed_text(rng, size);
    stray[rng() % size] = static_cast<unsigned char>(0x80 + rng() % 0x40);
    texts.push_back(stray);
  }
  return texts;
}

// Every rule of RFC 3629 §4 broken once.
const char* const ill_formed[] = {
    "c0 80",       "c1 bf",                                                  // overlong 2-byte (C0, C1)
    "e0 80 80",    "e0 9f bf",                                               // overlong 3-byte
    "f0 80 80 80", "f0 8f bf bf",                                            // overlong 4-byte
    "ed a0 80",    "ed bf bf",                                               // surrogates U+D800, U+DFFF
    "f4 90 80 80", "f4 bf bf bf",                                            // above U+10FFFF
    "f5 80 80 80", "f7 bf bf bf", "f8 88 80 80 80", "fe",          "ff",     // F5..FF never appear
    "80",          "bf",          "c3 a9 a9",                                // stray continuations
    "c2 41",       "e1 80 41",    "e1 41 80",       "f1 80 80 41", "f1 41",  // sequence cut short by ASCII
    "c2 e1 80 80", "f0 90 c2 80",                                            // ... or by a lead
};
// Sequences an input may end with, valid so far.
const char* const unfinished[] = {"c3", "e3", "e3 81", "ed 9f", "f0 9f", "f0 9f 98", "f4 8f bf"};

test::bytes mixed_filler(std::size_t size) {
  auto rng = test::make_rng(size);
  test::bytes filler = test::mixed_text(rng, size);
  filler.resize(automaton(filler.data(), filler.size()).offset);  // back to a boundary
  return filler;
}

}  // namespace

TEST_CASE("utf8 kernels: the CPU runs every x86 kernel", "[utf8]") {
  for (const kernel& k : kernels()) {
    if (!k.available) WARN("this CPU lacks the " << k.name << " kernel: its tests did not run");
  }
  // The automaton itself: RFC 3629 §4, Table 3-7 rows.
  CHECK(automaton(test::from_hex("f4 8f bf bf").data(), 4).valid);
  CHECK_FALSE(automaton(test::from_hex("f4 90").data(), 2).valid);
}

TEST_CASE("utf8 kernels: every length 0..200 at every alignment agrees with the automaton", "[utf8]") {
  auto rng = test::make_rng(41);
  alignas(64) unsigned char buffer[64 + 200];
  for (std::size_t size = 0; size <= 200; ++size) {
    const std::vector<test::bytes> texts = texts_of_length(rng, size);
    for (std::size_t align = 0; align < 64; ++align) {
      for (const test::bytes& text : texts) {
        if (size != 0) std::memcpy(buffer + align, text.data(), size);
        check_kernels(buffer + align, size);
      }
    }
  }
}

TEST_CASE("utf8 kernels: every ill-formed class at every offset across the block edges", "[utf8]") {
  const test::bytes fillers[] = {test::bytes(140, 'a'), mixed_filler(200)};
  for (const test::bytes& filler : fillers) {
    for (const char* hex : ill_formed) {
      const test::bytes bad = test::from_hex(hex);
      for (std::size_t at = 0; at <= 132; ++at) {
        test::bytes head(filler.begin(), filler.begin() + static_cast<long>(at));
        head.resize(automaton(head.data(), head.size()).offset);  // a boundary of the filler
        for (std::size_t trail : {0u, 1u, 2u, 3u, 5u, 16u, 33u, 200u}) {
          test::bytes text = head;
          text.insert(text.end(), bad.begin(), bad.end());
          text.insert(text.end(), trail, 'z');
          INFO(hex << " after " << head.size() << " bytes, then " << trail);
          CHECK_FALSE(tether::is_valid_utf8(text.data(), text.size()));
          check_kernels(text);
        }
      }
    }
  }
}

TEST_CASE("utf8 kernels: a sequence left open at the end, or before ASCII, at every block edge", "[utf8]") {
  const test::bytes fillers[] = {test::bytes(140, 'a'), mixed_filler(200)};
  for (const test::bytes& filler : fillers) {
    for (const char* hex : unfinished) {
      const test::bytes left_open = test::from_hex(hex);
      for (std::size_t at = 0; at <= 132; ++at) {
        test::bytes text(filler.begin(), filler.begin() + static_cast<long>(at));
        text.resize(automaton(text.data(), text.size()).offset);
        const std::size_t boundary = text.size();
        text.insert(text.end(), left_open.begin(), left_open.end());
        // At the end: valid so far, the kernels stop at the boundary before it.
        INFO(hex << " after " << boundary << " bytes");
        const utf8_bulk_result bulk = tether::detail::utf8_validate_bulk(text.data(), text.size());
        CHECK(bulk.valid);
        CHECK(bulk.offset == boundary);
        check_kernels(text);
        tether::utf8_validator validator;
        CHECK(validator.feed(text.data(), text.size()).valid);
        CHECK_FALSE(validator.complete());
        // Followed by ASCII: invalid at the ASCII byte.
        text.push_back('z');
        tether::utf8_validator after_ascii;
        const auto result = after_ascii.feed(text.data(), text.size());
        CHECK_FALSE(result.valid);
        CHECK(result.error_offset == text.size() - 1);
        check_kernels(text);
      }
    }
  }
}

TEST_CASE("utf8: a text fed in two pieces at every split point agrees with the reference", "[utf8]") {
  auto rng = test::make_rng(42);
  for (std::size_t size = 0; size <= 200; ++size) {
    for (const test::bytes& text : texts_of_length(rng, size)) {
      const verdict expected = reference_verdict(text);
      for (std::size_t cut = 0; cut <= size; ++cut) {
        if (feed_in_two(text, cut) != expected) {
          CAPTURE(size, cut, hex_of(text.data(), text.size()), expected.error, test::test_seed());
          FAIL("two pieces disagree with the whole");
        }
      }
    }
  }
}

TEST_CASE("utf8 kernels: random texts up to 2 KiB agree with the automaton", "[utf8]") {
  auto rng = test::make_rng(43);
  for (int round = 0; round < 3000; ++round) {
    const std::size_t size = rng() % 2048;
    test::bytes text = test::mixed_text(rng, size);
    const int errors = static_cast<int>(rng() % 3);  // 0: valid (or cut at the end)
    for (int e = 0; e < errors && size != 0; ++e) text[rng() % size] = static_cast<unsigned char>(rng());
    INFO("round " << round);
    check_kernels(text);
  }
}
