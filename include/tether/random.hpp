// tether — header-only, sans-IO WebSocket (RFC 6455). Boost Software License 1.0.
#ifndef TETHER_RANDOM_HPP
#define TETHER_RANDOM_HPP

// Randomness for masking keys (RFC 6455 §5.3: "derived from a strong source of
// entropy", unpredictable to the peer) and handshake nonces (§4.1).
//
// A random source is any type with
//   void fill(void* out, std::size_t size);
// The default, tether::default_random, is ChaCha20 (RFC 8439 §2.3) keyed from
// std::random_device, i.e. the operating system's entropy (getrandom or
// /dev/urandom on Linux, BCryptGenRandom on Windows), with a fresh key per
// instance. tether::openssl_random (tether/openssl.hpp) uses RAND_bytes.
// Never a fixed seed, never rand().

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <random>

namespace tether {

namespace detail {

// One ChaCha20 block function (RFC 8439 §2.3) over a 16-word state.
inline void chacha20_block(const std::uint32_t in[16], std::uint32_t out[16]) noexcept {
  auto rotl = [](std::uint32_t x, int n) { return (x << n) | (x >> (32 - n)); };
  auto quarter = [&](std::uint32_t* x, int a, int b, int c, int d) {
    x[a] += x[b], x[d] = rotl(x[d] ^ x[a], 16);
    x[c] += x[d], x[b] = rotl(x[b] ^ x[c], 12);
    x[a] += x[b], x[d] = rotl(x[d] ^ x[a], 8);
    x[c] += x[d], x[b] = rotl(x[b] ^ x[c], 7);
  };
  std::uint32_t x[16];
  std::memcpy(x, in, sizeof x);
  for (int round = 0; round < 10; ++round) {
    quarter(x, 0, 4, 8, 12), quarter(x, 1, 5, 9, 13), quarter(x, 2, 6, 10, 14), quarter(x, 3, 7, 11, 15);
    quarter(x, 0, 5, 10, 15), quarter(x, 1, 6, 11, 12), quarter(x, 2, 7, 8, 13), quarter(x, 3, 4, 9, 14);
  }
  for (int i = 0; i < 16; ++i) out[i] = x[i] + in[i];
}

}  // namespace detail

// A ChaCha20 keystream generator. Keyed by the caller (for reproducible tests
// that say so) or, by default_random, from the operating system.
class chacha20_random {
 public:
  chacha20_random(const std::uint32_t key[8], std::uint64_t nonce) noexcept {
    // "expand 32-byte k"
    state_[0] = 0x61707865, state_[1] = 0x3320646e, state_[2] = 0x79622d32, state_[3] = 0x6b206574;
    for (int i = 0; i < 8; ++i) state_[4 + i] = key[i];
    state_[12] = 0, state_[13] = 0;
    state_[14] = static_cast<std::uint32_t>(nonce), state_[15] = static_cast<std::uint32_t>(nonce >> 32);
  }

  void fill(void* out, std::size_t size) noexcept {
    auto* dst = static_cast<unsigned char*>(out);
    if (size == 4 && available_ >= 4) {  // a masking key, the usual request: no loop
      unsigned char* from = block_ + (sizeof block_ - available_);
      std::memcpy(dst, from, 4);
      std::memset(from, 0, 4);  // forgotten, as below
      available_ -= 4;
      return;
    }
    while (size != 0) {
      if (available_ == 0) refill();
      const std::size_t take = size < available_ ? size : available_;
      std::memcpy(dst, block_ + (sizeof block_ - available_), take);
      // Forget what was handed out, so a later memory leak cannot replay it.
      std::memset(block_ + (sizeof block_ - available_), 0, take);
      available_ -= take, dst += take, size -= take;
    }
  }

 private:
  void refill() noexcept {
    std::uint32_t words[16];
    detail::chacha20_block(state_, words);
    if (++state_[12] == 0) ++state_[13];  // 64-bit block counter
    for (int i = 0; i < 16; ++i) {
      for (int k = 0; k < 4; ++k) block_[4 * i + k] = static_cast<unsigned char>(words[i] >> (8 * k));
    }
    available_ = sizeof block_;
  }

  std::uint32_t state_[16];
  unsigned char block_[64] = {};
  std::size_t available_ = 0;
};

// The default source: ChaCha20 with a 256-bit key from the OS entropy source.
class default_random {
 public:
  default_random() : generator_(make()) {}
  void fill(void* out, std::size_t size) noexcept { generator_.fill(out, size); }

 private:
  static chacha20_random make() {
    std::random_device device;
    std::uint32_t key[8];
    for (auto& word : key) word = static_cast<std::uint32_t>(device());
    const std::uint64_t nonce = (std::uint64_t{static_cast<std::uint32_t>(device())} << 32) | device();
    return chacha20_random(key, nonce);
  }
  chacha20_random generator_;
};

}  // namespace tether

#endif
