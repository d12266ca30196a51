// tether — header-only, sans-IO WebSocket (RFC 6455). Boost Software License 1.0.
#ifndef TETHER_CONNECTION_KEEPALIVE_HPP
#define TETHER_CONNECTION_KEEPALIVE_HPP

// The connection's deadlines, all measured on the application's `now`:
// handshake timeout, idle ping (RFC 6455 §5.5.2 as a liveness check), pong
// timeout, and the closing handshake timeout (§7.1.1: a client that does not
// see the server close TCP may close it after a while).
//
// Received bytes count as activity without a time stamp: receive() only sets a
// flag, and the next tick() dates it. The idle ping may thus come up to one
// tick late, never early.

#include <optional>

#include "options.hpp"

namespace tether::detail {

class keepalive_timers {
 public:
  enum class due { nothing, send_ping, pong_overdue, close_overdue, handshake_overdue };

  explicit keepalive_timers(const connection_options& options) noexcept
      : handshake_timeout_(options.handshake_timeout),
        ping_interval_(options.ping_interval),
        pong_timeout_(options.pong_timeout),
        close_timeout_(options.close_timeout) {}

  void note_activity() noexcept { activity_ = true; }
  void pong_received() noexcept { awaiting_pong_ = false; }
  void opened() noexcept { open_ = true, handshake_deadline_.reset(); }
  void closing_started() noexcept {
    closing_ = true;
    awaiting_pong_ = false;
    if (close_timeout_.count() > 0 && now_) close_deadline_ = *now_ + close_timeout_;
  }
  void stopped() noexcept { stopped_ = true; }

  // Dates activity and reports the first deadline that has passed.
  due tick(clock_time now) noexcept {
    if (!now_) {
      if (handshake_timeout_.count() > 0 && !open_) handshake_deadline_ = now + handshake_timeout_;
      if (closing_ && close_timeout_.count() > 0) close_deadline_ = now + close_timeout_;
      last_activity_ = now;
    }
    now_ = now;
    if (activity_) last_activity_ = now, activity_ = false;
    if (stopped_) return due::nothing;
    if (close_deadline_ && now >= *close_deadline_) return close_deadline_.reset(), due::close_overdue;
    if (closing_) return due::nothing;
    if (handshake_deadline_ && now >= *handshake_deadline_) return handshake_deadline_.reset(), due::handshake_overdue;
    if (!open_) return due::nothing;
    if (awaiting_pong_) return now >= pong_deadline_ ? due::pong_overdue : due::nothing;
    if (ping_interval_.count() > 0 && now >= last_activity_ + ping_interval_) {
      awaiting_pong_ = pong_timeout_.count() > 0;
      pong_deadline_ = now + pong_timeout_;
      last_activity_ = now;
      return due::send_ping;
    }
    return due::nothing;
  }

  std::optional<clock_time> next_deadline() const noexcept {
    if (stopped_ || !now_) return std::nullopt;
    std::optional<clock_time> next;
    auto consider = [&](clock_time t) {
      if (!next || t < *next) next = t;
    };
    if (close_deadline_) consider(*close_deadline_);
    if (closing_) return next;
    if (handshake_deadline_) consider(*handshake_deadline_);
    if (open_) {
      if (awaiting_pong_)
        consider(pong_deadline_);
      else if (ping_interval_.count() > 0)
        consider(last_activity_ + ping_interval_);
    }
    return next;
  }

 private:
  std::chrono::milliseconds handshake_timeout_, ping_interval_, pong_timeout_, close_timeout_;
  std::optional<clock_time> now_;
  std::optional<clock_time> handshake_deadline_;
  std::optional<clock_time> close_deadline_;
  clock_time last_activity_{};
  clock_time pong_deadline_{};
  bool activity_ = false;
  bool awaiting_pong_ = false;
  bool open_ = false;
  bool closing_ = false;
  bool stopped_ = false;
};

}  // namespace tether::detail

#endif
