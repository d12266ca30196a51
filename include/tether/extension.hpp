// tether — header-only, sans-IO WebSocket (RFC 6455). Boost Software License 1.0.
#ifndef TETHER_EXTENSION_HPP
#define TETHER_EXTENSION_HPP

// The seam for extensions that transform message payloads (RFC 6455 §9). The
// core knows nothing of any one of them: permessage-deflate (RFC 7692) plugs
// in from tether/deflate.hpp, which is the only place zlib is named, and
// another extension could plug in the same way.
//
//  - an `extension` negotiates: one object, configured once, shared by every
//    connection that points to it (connection_options::extension) and only
//    read during use, so connections on several threads may share it;
//  - a `message_codec` is what one connection agreed: it transforms the
//    payloads of that connection's messages, piece by piece as frames arrive
//    and as the application sends, never per byte.
// With no extension configured, or none agreed, nothing here runs.

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "error.hpp"
#include "http/headers.hpp"
#include "role.hpp"

namespace tether {

class message_codec {
 public:
  virtual ~message_codec() = default;

  // The RSV bits the extension gives meaning to (first frames of messages).
  virtual std::uint8_t rsv_bits() const noexcept = 0;

  // Receiving: turns the payload of a message whose first frame carried
  // rsv_bits() back into the message, into `out` (at most `capacity` bytes a
  // call, so a small input that expands enormously is handed out in pieces).
  // Called again with what was not consumed, or with no input and fresh room,
  // until the input is used up and, when `message_ends`, `finished` is set.
  struct decode_step {
    std::size_t consumed = 0;
    std::size_t produced = 0;
    bool finished = false;  // the whole message was decoded
    error failure{};
  };
  virtual decode_step decode(const unsigned char* in, std::size_t size, bool message_ends, unsigned char* out,
                             std::size_t capacity) noexcept = 0;

  // Sending: whether a whole message of `size` bytes is worth encoding.
  virtual bool worth_encoding(std::size_t size) const noexcept = 0;
  // Encodes a piece of a message into `out` (replacing its contents). For a
  // whole message (`whole`), `plain` may come back true: the encoding would
  // not be smaller, so the message goes out as it is, with no RSV bit.
  struct encode_result {
    bool plain = false;
    error failure{};
  };
  virtual encode_result encode(const unsigned char* in, std::size_t size, bool message_ends, bool whole,
                               std::vector<unsigned char>& out) = 0;

  // A whole message encoded by this codec depends only on its parameters
  // (no context is kept from one message to the next): the same bytes serve
  // every connection with the same key, so a shared message is encoded once
  // for all of them. 0: the encoding depends on this connection's history.
  virtual std::uint64_t shared_encoding_key() const noexcept = 0;
};

class extension {
 public:
  virtual ~extension() = default;

  // Client: appends this extension's offer(s) to a Sec-WebSocket-Extensions value.
  virtual void append_offer(std::string& value) const = 0;

  // Client: reads the server's answer (its whole header list). Returns the
  // codec when the server agreed to one of our offers, nullptr when it did not
  // take it; sets `failure` when the answer breaks the extension's rules (the
  // handshake then fails, RFC 6455 §4.1 item 5).
  virtual std::unique_ptr<message_codec> accept_answer(const http::header_vector<>& response_headers,
                                                       error& failure) const = 0;

  // Server: reads the client's offers. Returns the codec and writes the answer
  // element when one is acceptable; nullptr declines (no answer, RFC 6455 §9.1).
  virtual std::unique_ptr<message_codec> negotiate(const http::header_vector<>& request_headers,
                                                   std::string& answer) const = 0;
};

}  // namespace tether

#endif
