// tether — header-only, sans-IO WebSocket (RFC 6455). Boost Software License 1.0.
#ifndef TETHER_SHA1_HPP
#define TETHER_SHA1_HPP

// A portable SHA-1 (FIPS 180-4 §6.1), the default hash policy of the opening
// handshake. SHA-1 is used there only to prove that the server understood the
// WebSocket request (RFC 6455 §1.3, §10.8), not for security.
//
// Hash policies, this one and tether::openssl_sha1, share one shape:
//   Policy p;  p.update(data, size) ...;  p.finish(digest)  // 20 bytes

#include <array>
#include <cstddef>
#include <cstdint>
#include <cstring>

namespace tether {

class sha1 {
 public:
  static constexpr std::size_t digest_size = 20;
  using digest_type = std::array<unsigned char, digest_size>;

  sha1() noexcept = default;

  void update(const void* data, std::size_t size) noexcept {
    const auto* in = static_cast<const unsigned char*>(data);
    total_bytes_ += size;
    if (buffered_ != 0) {
      const std::size_t take = size < 64 - buffered_ ? size : 64 - buffered_;
      std::memcpy(block_ + buffered_, in, take);
      buffered_ += take;
      in += take;
      size -= take;
      if (buffered_ < 64) return;
      compress(block_);
      buffered_ = 0;
    }
    for (; size >= 64; in += 64, size -= 64) compress(in);
    if (size != 0) std::memcpy(block_, in, size);
    buffered_ = size;
  }

  void finish(unsigned char* digest) noexcept {
    const std::uint64_t bit_length = total_bytes_ * 8;
    // FIPS 180-4 §5.1.1: a 1 bit, zeros, then the message length in bits.
    static constexpr unsigned char padding[64] = {0x80};
    const std::size_t pad = buffered_ < 56 ? 56 - buffered_ : 120 - buffered_;
    update(padding, pad);
    unsigned char length[8];
    for (int i = 0; i < 8; ++i) length[i] = static_cast<unsigned char>(bit_length >> (56 - 8 * i));
    update(length, 8);
    for (int i = 0; i < 5; ++i) {
      for (int k = 0; k < 4; ++k) digest[4 * i + k] = static_cast<unsigned char>(state_[i] >> (24 - 8 * k));
    }
  }

  static digest_type hash(const void* data, std::size_t size) noexcept {
    sha1 h;
    h.update(data, size);
    digest_type out;
    h.finish(out.data());
    return out;
  }

 private:
  static constexpr std::uint32_t rotl(std::uint32_t x, int n) noexcept { return (x << n) | (x >> (32 - n)); }

  void compress(const unsigned char* block) noexcept {
    std::uint32_t w[80];
    for (int i = 0; i < 16; ++i) {
      w[i] = (std::uint32_t{block[4 * i]} << 24) | (std::uint32_t{block[4 * i + 1]} << 16) |
             (std::uint32_t{block[4 * i + 2]} << 8) | std::uint32_t{block[4 * i + 3]};
    }
    for (int i = 16; i < 80; ++i) w[i] = rotl(w[i - 3] ^ w[i - 8] ^ w[i - 14] ^ w[i - 16], 1);
    std::uint32_t a = state_[0], b = state_[1], c = state_[2], d = state_[3], e = state_[4];
    // FIPS 180-4 §6.1.2 step 3, as four loops of 20 rounds so that each
    // round function is fixed inside its loop (no branch per round).
    auto round = [&](std::uint32_t f, std::uint32_t k, std::uint32_t word) {
      const std::uint32_t t = rotl(a, 5) + f + e + k + word;
      e = d;
      d = c;
      c = rotl(b, 30);
      b = a;
      a = t;
    };
    for (int i = 0; i < 20; ++i) round((b & c) | (~b & d), 0x5A827999, w[i]);
    for (int i = 20; i < 40; ++i) round(b ^ c ^ d, 0x6ED9EBA1, w[i]);
    for (int i = 40; i < 60; ++i) round((b & c) | (b & d) | (c & d), 0x8F1BBCDC, w[i]);
    for (int i = 60; i < 80; ++i) round(b ^ c ^ d, 0xCA62C1D6, w[i]);
    state_[0] += a;
    state_[1] += b;
    state_[2] += c;
    state_[3] += d;
    state_[4] += e;
  }

  std::uint32_t state_[5] = {0x67452301, 0xEFCDAB89, 0x98BADCFE, 0x10325476, 0xC3D2E1F0};
  unsigned char block_[64] = {};
  std::size_t buffered_ = 0;
  std::uint64_t total_bytes_ = 0;
};

}  // namespace tether

#endif
