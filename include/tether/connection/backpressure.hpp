// tether — header-only, sans-IO WebSocket (RFC 6455). Boost Software License 1.0.
#ifndef TETHER_CONNECTION_BACKPRESSURE_HPP
#define TETHER_CONNECTION_BACKPRESSURE_HPP

// Backpressure as data, with a way back: a send that takes the queue over the
// high watermark still queues (up to max_queued_output) and turns
// backpressure on; once consumes bring it under the low watermark it turns
// off, and the connection reports that once (a writable event). Hysteresis
// between the marks keeps a queue that hovers around one of them from
// flapping.

#include <cstddef>

#include "options.hpp"

namespace tether::detail {

class backpressure {
 public:
  explicit backpressure(const connection_options& options) noexcept
      : high_(options.output_high_watermark), low_(options.output_low_watermark) {}

  bool on() const noexcept { return on_; }
  bool above_high(std::size_t queued) const noexcept { return queued > high_; }

  // After a send: true when the queue is over the high watermark (which
  // turns backpressure on, if it was not).
  bool grew(std::size_t queued) noexcept {
    if (queued <= high_) return false;
    on_ = true;
    return true;
  }

  // After a consume: true when the queue just fell under the low watermark.
  bool shrank(std::size_t queued) noexcept {
    if (!on_ || queued >= low_) return false;
    on_ = false;
    return true;
  }

 private:
  std::size_t high_;
  std::size_t low_;
  bool on_ = false;
};

}  // namespace tether::detail

#endif
