// tether — header-only, sans-IO WebSocket (RFC 6455). Boost Software License 1.0.
#ifndef TETHER_CONNECTION_TIMERS_HPP
#define TETHER_CONNECTION_TIMERS_HPP

// The connection's deadlines, all on the application's clock (tether never
// reads one): the opening handshake, the keep-alive ping and its pong, the
// closing handshake, the drain of the last bytes before the transport closes,
// and a queue that stays over its high watermark.
//
// A deadline may be armed with the time it starts from (when the call that
// arms it was given `now`) or undated: then the next tick() dates it, so it
// can come late by one tick, never early, and never from an older tick.
// next_deadline() reports an undated deadline as due at the last known time,
// asking for that tick at once. Received bytes count as keep-alive activity,
// dated the same way.

#include <chrono>
#include <cstdint>
#include <optional>

namespace tether {

// The connection never reads a clock: the application passes `now` as a
// steady_clock time point (or builds one from its own ticks).
using clock_time = std::chrono::steady_clock::time_point;
using clock_duration = std::chrono::steady_clock::duration;

namespace detail {

enum class deadline : std::uint8_t { handshake, ping, pong, closing, drain, backpressure };
inline constexpr int deadline_count = 6;

class connection_timers {
 public:
  // Arms `which` to pass `after` from `from` (or from the next tick when
  // undated); a zero duration leaves it off.
  void arm(deadline which, std::chrono::milliseconds after, std::optional<clock_time> from = std::nullopt) noexcept {
    slot& s = slots_[index(which)];
    s = {};
    if (after.count() <= 0) return;
    s.armed = true;
    s.after = after;
    if (from) s.dated = true, s.at = *from + after;
  }
  void disarm(deadline which) noexcept { slots_[index(which)] = {}; }
  bool armed(deadline which) const noexcept { return slots_[index(which)].armed; }

  // Received bytes: the idle ping restarts from the next tick.
  void note_activity() noexcept { activity_ = true; }
  // True once after note_activity() (for the tick that dates it).
  bool take_activity() noexcept { return activity_ ? (activity_ = false, true) : false; }

  // Dates what was armed without a time, then returns the earliest deadline
  // that has passed (disarming it), if any.
  std::optional<deadline> tick(clock_time now) noexcept {
    now_ = now;
    for (slot& s : slots_) {
      if (s.armed && !s.dated) s.dated = true, s.at = now + s.after;
    }
    std::optional<deadline> first;
    for (int i = 0; i < deadline_count; ++i) {
      const slot& s = slots_[i];
      if (s.armed && now >= s.at && (!first || s.at < slots_[index(*first)].at)) first = static_cast<deadline>(i);
    }
    if (first) disarm(*first);
    return first;
  }

  std::optional<clock_time> next_deadline() const noexcept {
    std::optional<clock_time> next;
    for (const slot& s : slots_) {
      if (!s.armed) continue;
      const clock_time at = s.dated ? s.at : now_.value_or(clock_time{});
      if (!next || at < *next) next = at;
    }
    return next;
  }

 private:
  struct slot {
    bool armed = false;
    bool dated = false;
    clock_time at{};
    std::chrono::milliseconds after{};
  };
  static constexpr int index(deadline d) noexcept { return static_cast<int>(d); }

  slot slots_[deadline_count];
  std::optional<clock_time> now_;
  bool activity_ = false;
};

}  // namespace detail
}  // namespace tether

#endif
