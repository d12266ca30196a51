// tether — header-only, sans-IO WebSocket (RFC 6455). Boost Software License 1.0.
#ifndef TETHER_IO_LOOP_HPP
#define TETHER_IO_LOOP_HPP

// Optional glue between a connection and an event loop's timers. Not included
// by tether.hpp and not needed by the connection; standard C++ only (the socket
// side is io/posix_socket.hpp).
//
// tether never reads a clock: the loop calls tick(now) when next_deadline()
// has passed. These pieces keep a loop's timer in step with that deadline
// without re-arming it after every read.

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <queue>
#include <system_error>
#include <utility>
#include <vector>

#include "../connection/options.hpp"

namespace tether::io {

// The deadline one loop timer is armed for, per connection.
//
// A connection's deadline moves earlier only when it starts waiting for
// something (a pong, the closing handshake, a fresh handshake); received bytes
// never move it, as tick() dates them. So the loop re-arms only when the
// deadline moved earlier, and lets a timer that is now too early go off:
// tick() then changes nothing and the timer is armed again. That costs one
// early wakeup now and then instead of a timer update per read.
class deadline_tracker {
 public:
  // The time to (re)arm the timer for, or nothing when the armed timer still
  // comes first (or the connection needs none). Call it after anything that
  // may queue a ping or a close: receive, tick, close.
  template <class Connection>
  std::optional<clock_time> rearm(const Connection& ws) noexcept {
    const std::optional<clock_time> next = ws.next_deadline();
    if (!next || (armed_ && *armed_ <= *next)) return std::nullopt;
    armed_ = next;
    return next;
  }

  // The timer set for `deadline` went off. True when it is the armed one: call
  // tick(now), then rearm(). False for a timer that was re-armed since.
  bool fired(clock_time deadline) noexcept {
    if (armed_ != deadline) return false;
    armed_.reset();
    return true;
  }
  // The same for a loop whose timers carry no time, where arming one replaces
  // the last (libuv): whatever went off was the armed one.
  void fired() noexcept { armed_.reset(); }

 private:
  std::optional<clock_time> armed_;
};

// Milliseconds from `now` to `deadline`, rounded up: a timer set for this never
// goes off before the deadline (which would make the loop spin until it passes).
inline std::int64_t milliseconds_until(clock_time deadline, clock_time now) noexcept {
  if (deadline <= now) return 0;
  return std::chrono::ceil<std::chrono::milliseconds>(deadline - now).count();
}

// The deadlines of many connections, for a loop with one timer (epoll_wait's
// timeout, io_uring's wait), earliest first. Entries are not removed when a
// connection re-arms or goes away; deadline_tracker::fired() tells a stale
// entry from the armed one, and stale entries leave when their time comes.
template <class Key>
class deadline_queue {
 public:
  void push(clock_time deadline, Key key) { heap_.push({deadline, key}); }

  std::optional<clock_time> earliest() const {
    if (heap_.empty()) return std::nullopt;
    return heap_.top().first;
  }

  // The earliest entry if it is due at `now`, removed from the queue.
  std::optional<std::pair<clock_time, Key>> pop_due(clock_time now) {
    if (heap_.empty() || heap_.top().first > now) return std::nullopt;
    std::pair<clock_time, Key> due = heap_.top();
    heap_.pop();
    return due;
  }

 private:
  using entry = std::pair<clock_time, Key>;
  struct later {
    bool operator()(const entry& a, const entry& b) const noexcept { return a.first > b.first; }
  };
  std::priority_queue<entry, std::vector<entry>, later> heap_;
};

}  // namespace tether::io

#endif
