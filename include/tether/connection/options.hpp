// tether — header-only, sans-IO WebSocket (RFC 6455). Boost Software License 1.0.
#ifndef TETHER_CONNECTION_OPTIONS_HPP
#define TETHER_CONNECTION_OPTIONS_HPP

// Every limit and timer of a connection, with safe defaults (RFC 6455 §10.4:
// "implementations SHOULD impose implementation-specific limits"). Nothing is
// unlimited: a peer can make a connection hold at most max_message_size bytes
// of one message (only with the optional message_assembler), max_head_size of
// handshake, and the application at most max_queued_output of output.

#include <chrono>
#include <cstddef>
#include <cstdint>

#include "../http/head_parser.hpp"

namespace tether {

// The connection never reads a clock: the application passes `now` as a
// steady_clock time point (or builds one from its own ticks).
using clock_time = std::chrono::steady_clock::time_point;
using clock_duration = std::chrono::steady_clock::duration;

struct connection_options {
  // Opening handshake: head bytes and header count (RFC 6585 §5 answers 431).
  http::head_limits handshake_limits{};

  // Received frames and messages (1009 above either, RFC 6455 §7.4.1).
  std::uint64_t max_frame_size = 16 * 1024 * 1024;
  std::uint64_t max_message_size = 16 * 1024 * 1024;
  // RFC 6455 §5.2 requires the minimal length encoding; false accepts others.
  bool strict_length_encoding = true;

  // Input that must be kept because it was handed over before the earlier
  // input was decoded (e.g. frames arriving while a server decides on the
  // upgrade): above this the connection fails with 1008. One receive() of any
  // size into an empty backlog is always taken.
  std::size_t max_buffered_input = 4 * 1024 * 1024;

  // Output: the most bytes queued for the socket; a send beyond it is refused
  // with error::output_queue_full (backpressure is the application's call).
  std::size_t max_queued_output = 32 * 1024 * 1024;
  // Sends larger than this go out as several frames (0: never fragment).
  std::size_t fragment_size = 1024 * 1024;

  // Answer pings automatically (RFC 6455 §5.5.2); off: the application must.
  bool auto_pong = true;

  // Timers, driven by tick(now); zero turns one off.
  std::chrono::milliseconds handshake_timeout{10'000};
  std::chrono::milliseconds ping_interval{30'000};  // idle time before a keep-alive ping
  std::chrono::milliseconds pong_timeout{30'000};   // fail when no pong arrives in this time
  std::chrono::milliseconds close_timeout{10'000};  // closing handshake, and the wait for the server's TCP close
};

}  // namespace tether

#endif
