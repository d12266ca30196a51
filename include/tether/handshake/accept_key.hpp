// tether — header-only, sans-IO WebSocket (RFC 6455). Boost Software License 1.0.
#ifndef TETHER_HANDSHAKE_ACCEPT_KEY_HPP
#define TETHER_HANDSHAKE_ACCEPT_KEY_HPP

// Sec-WebSocket-Accept = base64(SHA-1(Sec-WebSocket-Key + GUID)), RFC 6455 §4.2.2.

#include <cstddef>
#include <string_view>

#include "../base64.hpp"
#include "../sha1.hpp"

namespace tether {

// RFC 6455 §1.3: the GUID appended to the key.
inline constexpr std::string_view websocket_guid = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11";

// The Accept value is always 28 characters: base64 of a 20-byte digest.
inline constexpr std::size_t accept_key_size = 28;

// Base64 of the 16-byte nonce: 24 characters (RFC 6455 §4.1).
inline constexpr std::size_t client_key_size = 24;

class accept_key {
 public:
  constexpr std::string_view view() const noexcept { return {chars_, accept_key_size}; }
  friend bool operator==(const accept_key& key, std::string_view text) noexcept { return key.view() == text; }
  friend bool operator!=(const accept_key& key, std::string_view text) noexcept { return key.view() != text; }

  template <class Hash>
  friend accept_key make_accept_key_with(std::string_view client_key) noexcept;

 private:
  char chars_[accept_key_size] = {};
};

// Hash is a SHA-1 policy (tether::sha1, or tether::openssl_sha1 from openssl.hpp).
template <class Hash>
accept_key make_accept_key_with(std::string_view client_key) noexcept {
  Hash hash;
  hash.update(client_key.data(), client_key.size());
  hash.update(websocket_guid.data(), websocket_guid.size());
  unsigned char digest[20];
  hash.finish(digest);
  accept_key key;
  base64::encode(digest, sizeof digest, key.chars_);
  return key;
}

inline accept_key make_accept_key(std::string_view client_key) noexcept {
  return make_accept_key_with<sha1>(client_key);
}

}  // namespace tether

#endif
