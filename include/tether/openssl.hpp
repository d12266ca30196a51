// tether — header-only, sans-IO WebSocket (RFC 6455). Boost Software License 1.0.
#ifndef TETHER_OPENSSL_HPP
#define TETHER_OPENSSL_HPP

// OpenSSL backend (CMake target tether::openssl): SHA-1 through EVP for the
// opening handshake and RAND_bytes for masking keys and handshake nonces.

#include <openssl/evp.h>
#include <openssl/rand.h>

#include <cstddef>
#include <cstdlib>

namespace tether {

// SHA-1 policy with the shape of tether::sha1: update(), finish().
class openssl_sha1 {
 public:
  static constexpr std::size_t digest_size = 20;

  openssl_sha1() noexcept : context_(EVP_MD_CTX_new()) {
    if (context_ != nullptr && EVP_DigestInit_ex(context_, EVP_sha1(), nullptr) != 1) {
      EVP_MD_CTX_free(context_);
      context_ = nullptr;
    }
    if (context_ == nullptr) std::abort();  // out of memory or SHA-1 unavailable: no defined answer exists
  }
  ~openssl_sha1() { EVP_MD_CTX_free(context_); }
  openssl_sha1(const openssl_sha1&) = delete;
  openssl_sha1& operator=(const openssl_sha1&) = delete;

  void update(const void* data, std::size_t size) noexcept { EVP_DigestUpdate(context_, data, size); }
  void finish(unsigned char* digest) noexcept {
    unsigned int size = 0;
    EVP_DigestFinal_ex(context_, digest, &size);
  }

 private:
  EVP_MD_CTX* context_;
};

// Random source policy with the shape of tether::default_random: fill().
class openssl_random {
 public:
  void fill(void* out, std::size_t size) noexcept {
    auto* dst = static_cast<unsigned char*>(out);
    while (size != 0) {
      const int chunk = size > 1 << 20 ? 1 << 20 : static_cast<int>(size);
      // RAND_bytes fails only when the DRBG cannot be seeded; masking with a
      // predictable key would break RFC 6455 §10.3, so there is no fallback.
      if (RAND_bytes(dst, chunk) != 1) std::abort();
      dst += chunk;
      size -= static_cast<std::size_t>(chunk);
    }
  }
};

}  // namespace tether

#endif
