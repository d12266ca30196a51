#include <tether/utf8.hpp>

#include <string>
#include <vector>

#include "test_bytes.hpp"
#include "tether_catch.hpp"
#include "utf8_text.hpp"

namespace {

// A straightforward reference written from RFC 3629 §4 (the ABNF of UTF8-octets):
// returns the offset of the first byte that cannot belong to valid UTF-8, or
// npos; `complete` tells whether the text ends on a character boundary.
struct reference_result {
  std::size_t error = std::string::npos;
  bool complete = true;
};

reference_result reference_validate(const unsigned char* s, std::size_t n) {
  std::size_t i = 0;
  while (i < n) {
    const unsigned char lead = s[i];
    std::size_t length;
    unsigned char low = 0x80, high = 0xBF;  // range of the second byte
    if (lead < 0x80) {
      ++i;
      continue;
    } else if (lead >= 0xC2 && lead <= 0xDF) {
      length = 2;
    } else if (lead == 0xE0) {
      length = 3, low = 0xA0;  // no overlong 3-byte forms
    } else if (lead == 0xED) {
      length = 3, high = 0x9F;  // no surrogates
    } else if (lead >= 0xE1 && lead <= 0xEF) {
      length = 3;
    } else if (lead == 0xF0) {
      length = 4, low = 0x90;  // no overlong 4-byte forms
    } else if (lead == 0xF4) {
      length = 4, high = 0x8F;  // nothing above U+10FFFF
    } else if (lead >= 0xF1 && lead <= 0xF3) {
      length = 4;
    } else {
      return {i, false};
    }
    for (std::size_t k = 1; k < length; ++k) {
      if (i + k >= n) return {std::string::npos, false};
      const unsigned char c = s[i + k];
      const unsigned char lo = k == 1 ? low : 0x80, hi = k == 1 ? high : 0xBF;
      if (c < lo || c > hi) return {i + k, false};
    }
    i += length;
  }
  return {};
}

// Runs the validator over pieces and returns the global error offset or npos.
reference_result validate_in_pieces(const test::bytes& text, const std::vector<std::size_t>& plan) {
  tether::utf8_validator validator;
  std::size_t offset = 0;
  for (std::size_t piece : plan) {
    const auto result = validator.feed(text.data() + offset, piece);
    if (!result.valid) return {offset + result.error_offset, false};
    offset += piece;
  }
  return {std::string::npos, validator.complete()};
}

void check_same_as_reference(const test::bytes& text) {
  const reference_result expected = reference_validate(text.data(), text.size());
  tether::utf8_validator validator;
  const auto result = validator.feed(text.data(), text.size());
  const std::size_t actual_error = result.valid ? std::string::npos : result.error_offset;
  if (actual_error != expected.error || (result.valid && validator.complete() != expected.complete)) {
    std::string hex;
    for (unsigned char b : text) hex += "0123456789abcdef"[b >> 4], hex += "0123456789abcdef"[b & 15], hex += ' ';
    CAPTURE(hex, expected.error, actual_error, expected.complete, test::test_seed());
    FAIL("validator disagrees with the reference");
  }
}

using test::encode_code_point;

}  // namespace

TEST_CASE("utf8: every 1- and 2-byte sequence agrees with the reference", "[utf8]") {
  for (int a = 0; a < 256; ++a) {
    check_same_as_reference({static_cast<unsigned char>(a)});
    for (int b = 0; b < 256; ++b)
      check_same_as_reference({static_cast<unsigned char>(a), static_cast<unsigned char>(b)});
  }
}

TEST_CASE("utf8: every 3-byte sequence agrees with the reference", "[utf8]") {
  for (int a = 0xC0; a < 256; ++a) {
    for (int b = 0; b < 256; ++b) {
      for (int c = 0; c < 256; ++c) {
        check_same_as_reference(
            {static_cast<unsigned char>(a), static_cast<unsigned char>(b), static_cast<unsigned char>(c)});
      }
    }
  }
}

TEST_CASE("utf8: 4-byte sequences at every range boundary agree with the reference", "[utf8]") {
  const unsigned char edges[] = {0x00, 0x7F, 0x80, 0x8F, 0x90, 0x9F, 0xA0, 0xBF, 0xC0, 0xC1,
                                 0xC2, 0xDF, 0xE0, 0xED, 0xEF, 0xF0, 0xF4, 0xF5, 0xFF};
  for (int a = 0xE0; a < 256; ++a) {
    for (unsigned char b : edges) {
      for (unsigned char c : edges) {
        for (unsigned char d : edges) check_same_as_reference({static_cast<unsigned char>(a), b, c, d});
      }
    }
  }
}

TEST_CASE("utf8: every code point encodes to valid UTF-8, surrogates excepted", "[utf8]") {
  for (std::uint32_t cp = 0; cp <= 0x10FFFF; cp += (cp < 0x20000 ? 1 : 97)) {
    const test::bytes encoded = encode_code_point(cp);
    const bool surrogate = cp >= 0xD800 && cp <= 0xDFFF;
    if (tether::is_valid_utf8(encoded.data(), encoded.size()) == surrogate) {
      CAPTURE(cp);
      FAIL("wrong verdict for a code point");
    }
  }
  const test::bytes beyond = {0xF4, 0x90, 0x80, 0x80};  // U+110000
  CHECK_FALSE(tether::is_valid_utf8(beyond.data(), beyond.size()));
}

TEST_CASE("utf8: Markus Kuhn's stress test cases", "[utf8]") {
  struct case_t {
    const char* name;
    const char* hex;
    bool valid;
  };
  const case_t cases[] = {
      {"1 Greek kosme", "ce ba e1 bd b9 cf 83 ce bc ce b5", true},
      {"2.1.1 U+0000", "00", true},
      {"2.1.2 U+0080", "c2 80", true},
      {"2.1.3 U+0800", "e0 a0 80", true},
      {"2.1.4 U+10000", "f0 90 80 80", true},
      {"2.1.5 first 5-byte sequence", "f8 88 80 80 80", false},
      {"2.1.6 first 6-byte sequence", "fc 84 80 80 80 80", false},
      {"2.2.1 U+007F", "7f", true},
      {"2.2.2 U+07FF", "df bf", true},
      {"2.2.3 U+FFFF", "ef bf bf", true},
      {"2.2.4 U+1FFFFF", "f7 bf bf bf", false},
      {"2.3.1 U+D7FF", "ed 9f bf", true},
      {"2.3.2 U+E000", "ee 80 80", true},
      {"2.3.3 U+FFFD", "ef bf bd", true},
      {"2.3.4 U+10FFFF", "f4 8f bf bf", true},
      {"2.3.5 U+110000", "f4 90 80 80", false},
      {"3.1.1 first continuation byte", "80", false},
      {"3.1.2 last continuation byte", "bf", false},
      {"3.1.3 two continuation bytes", "80 bf", false},
      {"3.2.1 lonely start characters", "c0 20 c1 20 c2 20", false},
      {"3.3.1 2-byte sequence without last byte", "c0", false},
      {"3.3.3 3-byte sequence without last byte", "e0 80", false},
      {"3.3.4 4-byte sequence without last byte", "f0 80 80", false},
      {"3.3.6 U+07FF without last byte", "df", false},
      {"3.3.7 U+FFFF without last byte", "ef bf", false},
      {"3.4 concatenated incomplete sequences", "c0 e0 80 f0 80 80 df ef bf f7 bf bf", false},
      {"3.5.1 fe", "fe", false},
      {"3.5.2 ff", "ff", false},
      {"3.5.3 fe fe ff ff", "fe fe ff ff", false},
      {"4.1.1 overlong U+002F 2 bytes", "c0 af", false},
      {"4.1.2 overlong U+002F 3 bytes", "e0 80 af", false},
      {"4.1.3 overlong U+002F 4 bytes", "f0 80 80 af", false},
      {"4.2.1 maximum overlong 2 bytes", "c1 bf", false},
      {"4.2.2 maximum overlong 3 bytes", "e0 9f bf", false},
      {"4.2.3 maximum overlong 4 bytes", "f0 8f bf bf", false},
      {"4.3.1 overlong NUL 2 bytes", "c0 80", false},
      {"4.3.2 overlong NUL 3 bytes", "e0 80 80", false},
      {"5.1.1 U+D800", "ed a0 80", false},
      {"5.1.7 U+DFFF", "ed bf bf", false},
      {"5.2.1 U+D800 U+DC00", "ed a0 80 ed b0 80", false},
      {"5.2.8 U+DBFF U+DFFF", "ed af bf ed bf bf", false},
      {"5.3.1 U+FFFE (noncharacter, valid)", "ef bf be", true},
      {"5.3.2 U+FFFF (noncharacter, valid)", "ef bf bf", true},
  };
  for (const auto& c : cases) {
    const test::bytes text = test::from_hex(c.hex);
    INFO(c.name);
    CHECK(tether::is_valid_utf8(text.data(), text.size()) == c.valid);
    check_same_as_reference(text);
  }
}

TEST_CASE("utf8: errors are reported at the first invalid byte, before the text ends", "[utf8]") {
  tether::utf8_validator validator;
  const test::bytes first = test::from_hex("48 65 6c 6c 6f ce ba e1 bd");  // "Hello" + kosme, cut mid-character
  CHECK(validator.feed(first.data(), first.size()).valid);
  CHECK_FALSE(validator.complete());
  const test::bytes second = test::from_hex("b9 cf 83 ed a0 80 41 41");  // a surrogate follows
  const auto result = validator.feed(second.data(), second.size());
  CHECK_FALSE(result.valid);
  CHECK(result.error_offset == 4);  // the A0 after ED is already impossible
  CHECK(validator.failed());
  // Failed stays failed.
  CHECK_FALSE(validator.feed("A", 1).valid);
  validator.reset();
  CHECK(validator.feed("A", 1).valid);
}

TEST_CASE("utf8: random texts agree with the reference, whole and in pieces", "[utf8]") {
  auto rng = test::make_rng(4);
  const std::uint32_t samples[] = {0x24,   0x7F,   0xA2,   0x7FF,   0x800,   0x20AC,  0xD7FF,
                                   0xE000, 0xFFFD, 0xFFFF, 0x10000, 0x1F600, 0x10FFFF};
  for (int round = 0; round < 3000; ++round) {
    test::bytes text;
    const std::size_t characters = rng() % 200;
    const bool mostly_ascii = rng() % 2 == 0;
    for (std::size_t i = 0; i < characters; ++i) {
      const std::uint32_t cp = (mostly_ascii && rng() % 8 != 0) ? static_cast<std::uint32_t>(0x20 + rng() % 90)
                                                                : samples[rng() % (sizeof samples / sizeof samples[0])];
      const test::bytes encoded = encode_code_point(cp);
      text.insert(text.end(), encoded.begin(), encoded.end());
    }
    // Corrupt some texts: flip, insert or truncate a byte.
    if (!text.empty() && rng() % 3 == 0) {
      const std::size_t at = rng() % text.size();
      switch (rng() % 3) {
        case 0:
          text[at] = static_cast<unsigned char>(rng());
          break;
        case 1:
          text.insert(text.begin() + static_cast<long>(at), static_cast<unsigned char>(0x80 + rng() % 0x80));
          break;
        default:
          text.resize(at);
          break;
      }
    }
    check_same_as_reference(text);
    const reference_result expected = reference_validate(text.data(), text.size());
    for (const auto& plan : test::split_plans(text.size(), rng, 3)) {
      const reference_result actual = validate_in_pieces(text, plan);
      if (actual.error != expected.error || actual.complete != expected.complete) {
        CAPTURE(round, plan.size(), expected.error, actual.error, test::test_seed());
        FAIL("piecewise validation disagrees");
      }
    }
  }
}

TEST_CASE("utf8: long texts with an error at every position of a SIMD block", "[utf8]") {
  // 256 bytes of mixed text, then one bad byte at each offset: the reported
  // offset must be exact whichever kernel sees it.
  test::bytes base;
  while (base.size() < 256) {
    for (std::uint32_t cp : {0x41u, 0x3B1u, 0x20ACu, 0x1F600u}) {
      const test::bytes encoded = encode_code_point(cp);
      base.insert(base.end(), encoded.begin(), encoded.end());
    }
  }
  for (std::size_t at = 0; at < base.size(); ++at) {
    for (int bad : {0x80, 0xC0, 0xFF, 0xED}) {
      test::bytes text = base;
      text[at] = static_cast<unsigned char>(bad);
      check_same_as_reference(text);
    }
  }
}

TEST_CASE("utf8: every kind of ill-formed sequence is caught at every offset of a long text", "[utf8]") {
  // Every rule of RFC 3629 §4 broken once, placed at each offset 0..130 of a
  // 200-byte ASCII or mixed text, so each SIMD lane and block edge sees it.
  const char* ill_formed[] = {
      "80",          "bf",          "c0 80",       "c1 bf",       "c2 41",    "e0 80 80",    "e0 9f bf",
      "ed a0 80",    "ed b0 80",    "ed bf bf",    "e1 41 80",    "e1 80 41", "f0 80 80 80", "f0 8f bf bf",
      "f4 90 80 80", "f4 bf bf bf", "f5 80 80 80", "f8 88 80 80", "ff",       "f1 80 80 41", "e2 82",
  };
  const test::bytes fillers[] = {test::bytes(200, 'a'), [] {
                                   test::bytes mixed;
                                   while (mixed.size() < 200) {
                                     for (std::uint32_t cp : {0x3B1u, 0x41u, 0x20ACu, 0x1F600u, 0x7FFu}) {
                                       const test::bytes e = encode_code_point(cp);
                                       mixed.insert(mixed.end(), e.begin(), e.end());
                                     }
                                   }
                                   return mixed;
                                 }()};
  for (const auto& filler : fillers) {
    for (const char* hex : ill_formed) {
      const test::bytes bad = test::from_hex(hex);
      for (std::size_t at = 0; at <= 130; ++at) {
        test::bytes text(filler.begin(), filler.begin() + static_cast<long>(at));
        // Step back to a character boundary of the filler.
        while (!text.empty() && !tether::is_valid_utf8(text.data(), text.size())) text.pop_back();
        text.insert(text.end(), bad.begin(), bad.end());
        text.insert(text.end(), 70, 'z');
        INFO(hex << " at " << at);
        CHECK_FALSE(tether::is_valid_utf8(text.data(), text.size()));
        check_same_as_reference(text);
      }
    }
  }
}
