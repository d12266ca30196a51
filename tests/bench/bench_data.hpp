// Inputs shared by the benchmarks: masked frame streams and UTF-8 texts.
#ifndef TETHER_BENCH_DATA_HPP
#define TETHER_BENCH_DATA_HPP

#include <tether/frame.hpp>

#include <cstdint>
#include <optional>
#include <random>
#include <string>
#include <vector>

namespace bench {

// Back-to-back masked binary frames of `payload` bytes each, about `total` bytes in all.
inline std::vector<unsigned char> masked_frames(std::size_t payload, std::size_t total, std::size_t* frame_count) {
  std::vector<unsigned char> out;
  std::mt19937 rng(42);
  std::vector<unsigned char> body(payload);
  for (auto& b : body) b = static_cast<unsigned char>(rng());
  std::size_t count = 0;
  do {
    tether::frame_header header;
    header.op = tether::opcode::binary;
    header.masked = true;
    header.key = {static_cast<unsigned char>(rng()), static_cast<unsigned char>(rng()), 0x5A, 0xA5};
    header.payload_length = payload;
    unsigned char bytes[tether::max_frame_header_size];
    const std::size_t size = tether::encode_frame_header(header, bytes);
    out.insert(out.end(), bytes, bytes + size);
    out.insert(out.end(), body.begin(), body.end());
    ++count;
  } while (out.size() < total);
  *frame_count = count;
  return out;
}

// Decodes every frame in [data, data + size) with the caller's decoder,
// unmasking in place; returns the payload bytes delivered.
inline std::size_t decode_all(tether::frame_decoder& decoder, unsigned char* data, std::size_t size) {
  std::size_t delivered = 0;
  while (size != 0) {
    const auto r = decoder.decode(data, size);
    delivered += r.payload_size;
    data += r.consumed;
    size -= r.consumed;
  }
  return delivered;
}

// UTF-8 text of about `size` bytes: all ASCII, or a mix of 1-4 byte characters.
inline std::string utf8_text(std::size_t size, bool mixed) {
  static const char* const pieces[] = {"The quick brown fox ",
                                       "\xC3\xA9t\xC3\xA9 ",
                                       "\xCE\xBA\xCF\x8C\xCF\x83\xCE\xBC\xCE\xB5 ",
                                       "\xE6\x97\xA5\xE6\x9C\xAC\xE8\xAA\x9E ",
                                       "\xF0\x9F\x98\x80\xF0\x9F\x9A\x80 ",
                                       "\xD0\xBF\xD1\x80\xD0\xB8\xD0\xB2\xD0\xB5\xD1\x82 "};
  std::string text;
  std::mt19937 rng(7);
  while (text.size() < size) {
    text += mixed ? pieces[rng() % 6] : pieces[0];
  }
  // End on a character boundary.
  while (!text.empty() && (static_cast<unsigned char>(text.back()) & 0xC0) == 0x80) text.pop_back();
  if (!text.empty() && static_cast<unsigned char>(text.back()) >= 0xC0) text.pop_back();
  return text;
}

// What a message carries: random bytes, printable ASCII, or mixed UTF-8 text
// whose code points are about 50% ASCII, 20% 2-byte, 20% 3-byte and 10% 4-byte.
enum class payload_kind { binary, ascii, mixed };

inline const char* kind_name(payload_kind kind) {
  return kind == payload_kind::binary ? "binary" : kind == payload_kind::ascii ? "ascii" : "mixed";
}

// Appends exactly `size` bytes of `kind`. Text ends on a code point boundary:
// a multi-byte code point that would not fit gives way to ASCII.
inline void append_payload(std::string& out, payload_kind kind, std::size_t size, std::mt19937& rng) {
  const std::size_t end = out.size() + size;
  while (out.size() < end) {
    const std::size_t room = end - out.size();
    const unsigned draw = static_cast<unsigned>(rng() % 10);
    if (kind == payload_kind::binary) {
      out += static_cast<char>(rng());
      continue;
    }
    const std::size_t length = kind == payload_kind::ascii ? 1 : draw < 5 ? 1 : draw < 7 ? 2 : draw < 9 ? 3 : 4;
    if (length > room || length == 1) {
      out += static_cast<char>(0x20 + rng() % 95);
      continue;
    }
    std::uint32_t cp;
    if (length == 2) {
      cp = 0x80 + rng() % (0x800 - 0x80);
    } else if (length == 3) {
      do cp = 0x800 + rng() % (0x10000 - 0x800);
      while (cp >= 0xD800 && cp <= 0xDFFF);  // surrogates are not characters
    } else {
      cp = 0x10000 + rng() % (0x110000 - 0x10000);
    }
    const unsigned char lead[5] = {0, 0, 0xC0, 0xE0, 0xF0};
    out += static_cast<char>(lead[length] | (cp >> (6 * (length - 1))));
    for (std::size_t k = length - 1; k-- > 0;) out += static_cast<char>(0x80 | ((cp >> (6 * k)) & 0x3F));
  }
}

// Messages of exactly `size` bytes, each different, `total` payload bytes at least.
inline std::vector<std::string> messages(payload_kind kind, std::size_t size, std::size_t total) {
  std::mt19937 rng(static_cast<unsigned>(size * 3 + static_cast<unsigned>(kind)));
  std::vector<std::string> out((total + size - 1) / size);
  for (auto& message : out) append_payload(message, kind, size, rng);
  return out;
}

// The messages as back-to-back unfragmented frames, masked with `key` when
// given (client to server, RFC 6455 §5.3).
inline std::vector<unsigned char> frames_of(const std::vector<std::string>& bodies, payload_kind kind,
                                            std::optional<tether::masking_key> key) {
  std::vector<unsigned char> out;
  for (const auto& body : bodies) {
    tether::frame_header header;
    header.op = kind == payload_kind::binary ? tether::opcode::binary : tether::opcode::text;
    header.masked = key.has_value();
    if (key) header.key = *key;
    header.payload_length = body.size();
    unsigned char bytes[tether::max_frame_header_size];
    const std::size_t size = tether::encode_frame_header(header, bytes);
    out.insert(out.end(), bytes, bytes + size);
    const std::size_t at = out.size();
    out.insert(out.end(), body.begin(), body.end());
    if (key) tether::apply_mask(out.data() + at, body.size(), *key, 0);
  }
  return out;
}

// A browser's upgrade request (Chromium, ~500 bytes).
inline const std::string& browser_request() {
  static const std::string request =
      "GET /chat HTTP/1.1\r\n"
      "Host: 127.0.0.1:9001\r\n"
      "Connection: Upgrade\r\n"
      "Pragma: no-cache\r\n"
      "Cache-Control: no-cache\r\n"
      "User-Agent: Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.0.0 "
      "Safari/537.36\r\n"
      "Upgrade: websocket\r\n"
      "Origin: http://127.0.0.1:8080\r\n"
      "Sec-WebSocket-Version: 13\r\n"
      "Accept-Encoding: gzip, deflate, br\r\n"
      "Accept-Language: en-US,en;q=0.9\r\n"
      "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n"
      "Sec-WebSocket-Extensions: permessage-deflate; client_max_window_bits\r\n"
      "\r\n";
  return request;
}

}  // namespace bench

#endif
