// Downstream smoke test: includes the umbrella header and checks one real result.
#include <tether/tether.hpp>
#if defined(CONSUMER_USES_OPENSSL)
#include <tether/openssl.hpp>
#endif

#include <cstdio>

int main() {
  const auto accept = tether::make_accept_key("dGhlIHNhbXBsZSBub25jZQ==");
  if (accept != "s3pPLMBiTxaQ9kYGzzhZRbK+xOo=") {
    std::puts("wrong Sec-WebSocket-Accept");
    return 1;
  }
#if defined(CONSUMER_USES_OPENSSL)
  if (tether::make_accept_key_with<tether::openssl_sha1>("dGhlIHNhbXBsZSBub25jZQ==") != accept.view()) {
    std::puts("OpenSSL SHA-1 disagrees");
    return 1;
  }
#endif
  std::printf("tether %d.%d.%d works: %.*s\n", tether::version.major, tether::version.minor, tether::version.patch,
              static_cast<int>(accept.view().size()), accept.view().data());
  return 0;
}
