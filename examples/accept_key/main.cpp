// Prints the Sec-WebSocket-Accept value for a Sec-WebSocket-Key (RFC 6455 §4.2.2).
// Usage: accept_key [KEY]   (defaults to the example key of RFC 6455 §1.3)
#include <tether/handshake/accept_key.hpp>

#include <cstdio>
#include <string_view>

int main(int argc, char** argv) {
  const std::string_view key = argc > 1 ? argv[1] : "dGhlIHNhbXBsZSBub25jZQ==";
  const tether::accept_key accept = tether::make_accept_key(key);
  std::printf("Sec-WebSocket-Key:    %.*s\nSec-WebSocket-Accept: %.*s\n", static_cast<int>(key.size()), key.data(),
              static_cast<int>(accept.view().size()), accept.view().data());
  return 0;
}
