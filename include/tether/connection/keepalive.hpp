// tether — header-only, sans-IO WebSocket (RFC 6455). Boost Software License 1.0.
#ifndef TETHER_CONNECTION_KEEPALIVE_HPP
#define TETHER_CONNECTION_KEEPALIVE_HPP

// Ping and pong (RFC 6455 §5.5.2, §5.5.3): the automatic answer to the peer's
// pings, and the keep-alive ping with the pong that must answer it.
//  - A pong repeats the ping's payload. Only the latest unanswered ping needs
//    a pong (§5.5.3), so when the output queue is at its limit one pending
//    slot holds it: a peer that pings faster than it reads cannot grow memory.
//  - The keep-alive ping carries 4 random bytes; only a pong with those bytes
//    answers it (an unsolicited pong, §5.5.3, does not).

#include <cstddef>
#include <cstring>
#include <optional>

#include "../frame/header.hpp"

namespace tether::detail {

class keepalive {
 public:
  // Queues the pong for a ping, or keeps it for later when the queue is full.
  template <class Sender>
  void answer(Sender& sender, const unsigned char* payload, std::size_t size) {
    if (sender.fits(size + max_frame_header_size)) {
      static_cast<void>(sender.send_control(opcode::pong, payload, size));  // a pong of ≤ 125 bytes always encodes
      pending_.reset();
      return;
    }
    pending_.emplace();
    std::memcpy(pending_->payload, payload, size);
    pending_->size = size;
  }

  // After output was taken: the kept pong, if it fits now.
  template <class Sender>
  void retry(Sender& sender) {
    if (!pending_) return;
    const pong_slot pong = *pending_;
    answer(sender, pong.payload, pong.size);
  }

  void forget() noexcept { pending_.reset(); }

  // Sends a keep-alive ping with a fresh payload.
  template <class Sender>
  void ping(Sender& sender) {
    sender.random().fill(payload_, sizeof payload_);
    static_cast<void>(sender.send_control(opcode::ping, payload_, sizeof payload_));
  }

  bool answers_ping(const unsigned char* payload, std::size_t size) const noexcept {
    return size == sizeof payload_ && std::memcmp(payload, payload_, size) == 0;
  }

 private:
  struct pong_slot {
    unsigned char payload[max_control_payload];
    std::size_t size;
  };
  std::optional<pong_slot> pending_;
  unsigned char payload_[4] = {};
};

}  // namespace tether::detail

#endif
