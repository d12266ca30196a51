#include <tether/base64.hpp>

#include <random>
#include <string>
#include <string_view>

#include "tether_catch.hpp"

namespace {

std::string decode_ok(std::string_view text) {
  std::string out(tether::base64::max_decoded_size(text.size()), '\0');
  const auto result = tether::base64::decode(text, out.data(), out.size());
  REQUIRE_FALSE(result.error);
  out.resize(result.size);
  return out;
}

std::error_code decode_error(std::string_view text) {
  unsigned char out[64];
  return tether::base64::decode(text, out, sizeof out).error;
}

}  // namespace

TEST_CASE("base64 encodes the RFC 4648 §10 test vectors", "[base64]") {
  CHECK(tether::base64::encode("") == "");
  CHECK(tether::base64::encode("f") == "Zg==");
  CHECK(tether::base64::encode("fo") == "Zm8=");
  CHECK(tether::base64::encode("foo") == "Zm9v");
  CHECK(tether::base64::encode("foob") == "Zm9vYg==");
  CHECK(tether::base64::encode("fooba") == "Zm9vYmE=");
  CHECK(tether::base64::encode("foobar") == "Zm9vYmFy");
}

TEST_CASE("base64 decodes the RFC 4648 §10 test vectors", "[base64]") {
  CHECK(decode_ok("") == "");
  CHECK(decode_ok("Zg==") == "f");
  CHECK(decode_ok("Zm8=") == "fo");
  CHECK(decode_ok("Zm9v") == "foo");
  CHECK(decode_ok("Zm9vYg==") == "foob");
  CHECK(decode_ok("Zm9vYmE=") == "fooba");
  CHECK(decode_ok("Zm9vYmFy") == "foobar");
}

TEST_CASE("base64 round-trips every byte value and every length up to 64", "[base64]") {
  std::string data;
  for (int i = 0; i < 256; ++i) data.push_back(static_cast<char>(i));
  for (std::size_t length = 0; length <= 64; ++length) {
    const std::string_view piece(data.data() + length, length);
    CHECK(decode_ok(tether::base64::encode(piece)) == piece);
  }
  CHECK(decode_ok(tether::base64::encode(data)) == data);
}

TEST_CASE("base64 decodes the WebSocket handshake key of RFC 6455 §1.3", "[base64]") {
  CHECK(decode_ok("dGhlIHNhbXBsZSBub25jZQ==") == "the sample nonce");
}

TEST_CASE("base64 rejects characters outside the alphabet", "[base64]") {
  using tether::error;
  CHECK(decode_error("Zm9v YmFy") == error::base64_invalid_length);
  CHECK(decode_error("Zm9*") == error::base64_invalid_character);
  CHECK(decode_error("Zm9-") == error::base64_invalid_character);  // base64url is not accepted
  CHECK(decode_error("Zm9_") == error::base64_invalid_character);
  CHECK(decode_error("Zm\n9") == error::base64_invalid_character);
  CHECK(decode_error(std::string_view("Zm\0v", 4)) == error::base64_invalid_character);
  CHECK(decode_error("Zm9\x80") == error::base64_invalid_character);
}

TEST_CASE("base64 rejects lengths that are not a multiple of 4", "[base64]") {
  using tether::error;
  CHECK(decode_error("Z") == error::base64_invalid_length);
  CHECK(decode_error("Zg") == error::base64_invalid_length);
  CHECK(decode_error("Zg=") == error::base64_invalid_length);
  CHECK(decode_error("Zm9vY") == error::base64_invalid_length);
}

TEST_CASE("base64 rejects misplaced padding", "[base64]") {
  using tether::error;
  CHECK(decode_error("====") == error::base64_invalid_padding);
  CHECK(decode_error("Z===") == error::base64_invalid_padding);
  CHECK(decode_error("Zg=v") == error::base64_invalid_padding);
  CHECK(decode_error("Zg==Zm9v") == error::base64_invalid_padding);
  CHECK(decode_error("Zm8=Zm9v") == error::base64_invalid_padding);
}

TEST_CASE("base64 rejects non-canonical pad bits (RFC 4648 §3.5)", "[base64]") {
  using tether::error;
  CHECK(decode_error("Zh==") == error::base64_non_canonical);  // 'h' leaves bits in the pad
  CHECK(decode_error("Zm9=") == error::base64_non_canonical);
  CHECK(decode_error("dGhlIHNhbXBsZSBub25jZR==") == error::base64_non_canonical);
}

TEST_CASE("base64 reports a destination that is too small", "[base64]") {
  unsigned char out[2];
  CHECK(tether::base64::decode("Zm9v", out, sizeof out).error == tether::error::buffer_too_small);
  CHECK_FALSE(tether::base64::decode("Zm8=", out, sizeof out).error);
}

TEST_CASE("base64: the 16-byte key check agrees with decoding", "[base64]") {
  std::mt19937 rng(3);
  const std::string alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/=-_ ";
  for (int round = 0; round < 20000; ++round) {
    std::string text;
    const std::size_t size = round % 3 == 0 ? 24 : rng() % 30;
    for (std::size_t i = 0; i < size; ++i) text.push_back(alphabet[rng() % alphabet.size()]);
    if (round % 2 == 0 && text.size() == 24) text[22] = text[23] = '=';
    unsigned char out[32];
    const auto decoded = tether::base64::decode(text, out, sizeof out);
    const bool sixteen = !decoded.error && decoded.size == 16;
    INFO(text);
    REQUIRE(tether::base64::is_base64_of_16_bytes(text) == sixteen);
  }
  CHECK(tether::base64::is_base64_of_16_bytes("dGhlIHNhbXBsZSBub25jZQ=="));
  CHECK_FALSE(tether::base64::is_base64_of_16_bytes("dGhlIHNhbXBsZSBub25jZR=="));
}
