// tether — header-only, sans-IO WebSocket (RFC 6455). Boost Software License 1.0.
#ifndef TETHER_HTTP_WRITER_HPP
#define TETHER_HTTP_WRITER_HPP

// Writing HTTP/1.1 heads. Output goes to any buffer with
//   append(const char* data, std::size_t size)
// (std::string has it; so does tether::http::fixed_buffer<N>, which never
// allocates). Every name must be a token and every value a valid field value,
// so an application-provided header can never inject CR/LF (RFC 9110 §5).

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <string_view>
#include <system_error>

#include "../error.hpp"
#include "headers.hpp"
#include "syntax.hpp"

namespace tether::http {

// A buffer of N bytes that refuses to overflow: an append that does not fit
// writes nothing, and overflowed() tells (the head reader checks it).
template <std::size_t N>
class fixed_buffer {
 public:
  void append(const char* data, std::size_t size) noexcept {
    if (size > N - size_) {
      overflowed_ = true;
      return;
    }
    if (size != 0) std::memcpy(data_ + size_, data, size);
    size_ += size;
  }
  std::string_view view() const noexcept { return {data_, size_}; }
  const char* data() const noexcept { return data_; }
  std::size_t size() const noexcept { return size_; }
  bool overflowed() const noexcept { return overflowed_; }
  void clear() noexcept { size_ = 0, overflowed_ = false; }

 private:
  char data_[N];
  std::size_t size_ = 0;
  bool overflowed_ = false;
};

template <class Buffer>
void append(Buffer& out, std::string_view text) {
  out.append(text.data(), text.size());
}

inline std::string_view format_unsigned(std::uint64_t value, char (&scratch)[20]) noexcept {
  std::size_t position = sizeof scratch;
  do {
    scratch[--position] = static_cast<char>('0' + value % 10);
    value /= 10;
  } while (value != 0);
  return {scratch + position, sizeof scratch - position};
}

// The one check that guards against header injection: a token name and a
// field value without CR, LF or other control bytes (RFC 9110 §5).
constexpr bool is_safe_header(std::string_view name, std::string_view value) noexcept {
  return is_token(name) && is_field_value(value);
}

// Appends "name: value\r\n" for a field that passed is_safe_header().
template <class Buffer>
void append_checked_header(Buffer& out, std::string_view name, std::string_view value) {
  append(out, name);
  append(out, ": ");
  append(out, value);
  append(out, "\r\n");
}

// Appends every field of a list that passed check_headers().
template <class Buffer, class Headers>
void append_checked_headers(Buffer& out, const Headers& headers) {
  for (const header_field& field : headers) append_checked_header(out, field.name, field.value);
}

// Checks, then appends; refused (nothing written) when the field is unsafe.
template <class Buffer>
[[nodiscard]] std::error_code append_header(Buffer& out, std::string_view name, std::string_view value) {
  if (!is_safe_header(name, value)) return error::header_injection;
  append_checked_header(out, name, value);
  return {};
}

// A list of extra headers given by pointer and count, for builders' options.
// (check_headers below takes any range of header_field.)
struct header_span {
  const header_field* fields = nullptr;
  std::size_t count = 0;
  const header_field* begin() const noexcept { return fields; }
  const header_field* end() const noexcept { return fields + count; }
};

// Checks a list of application headers before anything is written.
template <class Headers>
std::error_code check_headers(const Headers& headers) noexcept {
  for (const header_field& field : headers) {
    if (!is_safe_header(field.name, field.value)) return error::header_injection;
  }
  return {};
}

// The reason phrases tether writes for the statuses a handshake uses.
constexpr std::string_view reason_phrase(int status) noexcept {
  switch (status) {
    case 101:
      return "Switching Protocols";
    case 200:
      return "OK";
    case 400:
      return "Bad Request";
    case 401:
      return "Unauthorized";
    case 403:
      return "Forbidden";
    case 404:
      return "Not Found";
    case 405:
      return "Method Not Allowed";
    case 426:
      return "Upgrade Required";
    case 429:
      return "Too Many Requests";
    case 431:
      return "Request Header Fields Too Large";
    case 500:
      return "Internal Server Error";
    case 503:
      return "Service Unavailable";
    default:
      return "Status";
  }
}

template <class Buffer>
void append_status_line(Buffer& out, int status) {
  char scratch[20];
  append(out, "HTTP/1.1 ");
  append(out, format_unsigned(static_cast<std::uint64_t>(status), scratch));
  append(out, " ");
  append(out, reason_phrase(status));
  append(out, "\r\n");
}

}  // namespace tether::http

#endif
