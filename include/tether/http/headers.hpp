// tether — header-only, sans-IO WebSocket (RFC 6455). Boost Software License 1.0.
#ifndef TETHER_HTTP_HEADERS_HPP
#define TETHER_HTTP_HEADERS_HPP

// Header storage for the head parser. The parser hands each field to a sink:
//   bool add(std::string_view name, std::string_view value);  // false: full
// and the checks read it back as a range of header_field. Two sinks come with
// tether: header_array<N> (views, no allocation, the default) and
// header_vector<Allocator> (views in a vector). A user type that copies into
// its own strings works the same way.

#include <cstddef>
#include <cstring>
#include <memory>
#include <new>
#include <string_view>
#include <type_traits>
#include <vector>

#include "syntax.hpp"

namespace tether::http {

struct header_field {
  std::string_view name;
  std::string_view value;
};

// Up to N fields as views; add() reports full when N are stored. The storage
// is left uninitialised until a field is added: a request with 12 headers
// writes 12 entries, not N.
template <std::size_t N = 100>
class header_array {
  static_assert(std::is_trivially_copyable_v<std::string_view> && std::is_trivially_destructible_v<header_field>,
                "header_field must stay trivial");

 public:
  header_array() noexcept {}
  header_array(const header_array& other) noexcept : size_(other.size_) {
    std::memcpy(storage_, other.storage_, size_ * sizeof(header_field));
  }
  header_array& operator=(const header_array& other) noexcept {
    size_ = other.size_;
    std::memmove(storage_, other.storage_, size_ * sizeof(header_field));
    return *this;
  }

  bool add(std::string_view name, std::string_view value) noexcept {
    if (size_ == N) return false;
    new (storage_ + size_ * sizeof(header_field)) header_field{name, value};
    ++size_;
    return true;
  }
  const header_field* begin() const noexcept {
    return size_ == 0 ? nullptr : std::launder(reinterpret_cast<const header_field*>(storage_));
  }
  const header_field* end() const noexcept { return begin() + size_; }
  std::size_t size() const noexcept { return size_; }
  bool empty() const noexcept { return size_ == 0; }
  void clear() noexcept { size_ = 0; }

 private:
  alignas(header_field) unsigned char storage_[N * sizeof(header_field)];
  std::size_t size_ = 0;
};

template <class Allocator = std::allocator<header_field>>
class header_vector {
 public:
  header_vector() = default;
  explicit header_vector(const Allocator& allocator) : fields_(allocator) {}
  bool add(std::string_view name, std::string_view value) {
    fields_.push_back({name, value});
    return true;
  }
  auto begin() const noexcept { return fields_.begin(); }
  auto end() const noexcept { return fields_.end(); }
  std::size_t size() const noexcept { return fields_.size(); }
  bool empty() const noexcept { return fields_.empty(); }
  void clear() noexcept { fields_.clear(); }

 private:
  std::vector<header_field, Allocator> fields_;
};

// The value of the first field named `name` (case-insensitive), or empty.
template <class Headers>
const header_field* find_header(const Headers& headers, std::string_view name) noexcept {
  for (const header_field& field : headers) {
    if (iequals(field.name, name)) return &field;
  }
  return nullptr;
}

template <class Headers>
std::size_t count_headers(const Headers& headers, std::string_view name) noexcept {
  std::size_t count = 0;
  for (const header_field& field : headers) count += iequals(field.name, name) ? 1u : 0u;
  return count;
}

// Calls f(element) for every list element of every field named `name`: a list
// header may be split over several lines (RFC 9110 §5.3).
template <class Headers, class F>
bool for_each_header_element(const Headers& headers, std::string_view name, F&& f) {
  for (const header_field& field : headers) {
    if (iequals(field.name, name) && !for_each_list_element(field.value, f)) return false;
  }
  return true;
}

template <class Headers>
bool headers_have_token(const Headers& headers, std::string_view name, std::string_view token) {
  bool found = false;
  for_each_header_element(headers, name, [&](std::string_view element) {
    found = iequals(element, token);
    return !found;
  });
  return found;
}

}  // namespace tether::http

#endif
