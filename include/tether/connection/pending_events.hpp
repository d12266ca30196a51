// tether — header-only, sans-IO WebSocket (RFC 6455). Boost Software License 1.0.
#ifndef TETHER_CONNECTION_PENDING_EVENTS_HPP
#define TETHER_CONNECTION_PENDING_EVENTS_HPP

// Events that arise outside next_event() — open after accept(), a failure
// found by tick() or receive(), writable after consume() — wait here, in
// order, and next_event() hands them out before decoding more input. At most
// one of each kind can be waiting at a time (a failure ends everything, open
// happens once, writable once per crossing), so a few slots suffice.

#include <cstddef>

#include "events.hpp"

namespace tether::detail {

class pending_events {
 public:
  void push(const event& e) noexcept {
    if (count_ == capacity) return;  // cannot happen: see above
    slots_[(first_ + count_) % capacity] = e;
    ++count_;
  }
  // The oldest waiting event, or none.
  event pop() noexcept {
    if (count_ == 0) return {};
    const event e = slots_[first_];
    first_ = (first_ + 1) % capacity;
    --count_;
    return e;
  }

 private:
  static constexpr std::size_t capacity = 4;
  event slots_[capacity];
  std::size_t first_ = 0;
  std::size_t count_ = 0;
};

}  // namespace tether::detail

#endif
