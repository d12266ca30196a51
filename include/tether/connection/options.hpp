// tether — header-only, sans-IO WebSocket (RFC 6455). Boost Software License 1.0.
#ifndef TETHER_CONNECTION_OPTIONS_HPP
#define TETHER_CONNECTION_OPTIONS_HPP

// Every limit and timer of a connection, with the safe defaults of
// defaults.hpp. Nothing is unlimited: a peer can make a connection hold at
// most max_head_size of handshake, max_buffered_input of undecoded input and
// 125 bytes of control payload, and the application at most
// max_queued_output of output (whole messages only with the optional
// message_assembler, up to its own limit).

#include <chrono>
#include <cstddef>
#include <cstdint>

#include "../defaults.hpp"
#include "../http/head_parser.hpp"
#include "timers.hpp"

namespace tether {

struct connection_options {
  // Opening handshake: head bytes and header count (RFC 6585 §5 answers 431).
  http::head_limits handshake_limits{};

  // Received frames and messages (1009 above either, RFC 6455 §7.4.1).
  std::uint64_t max_frame_size = defaults::max_frame_size;
  std::uint64_t max_message_size = defaults::max_message_size;
  // RFC 6455 §5.2 requires the minimal length encoding; false accepts others.
  bool strict_length_encoding = true;

  // Input that must be kept because it was handed over before the earlier
  // input was decoded (e.g. frames arriving while a server decides on the
  // upgrade): above this the connection fails with 1008. One receive() of any
  // size into an empty backlog is always taken.
  std::size_t max_buffered_input = defaults::max_buffered_input;

  // Output. A data send that would take the queue past max_queued_output is
  // refused (output_queue_full). Past output_high_watermark sends still queue
  // but backpressured() is true until the queue falls below
  // output_low_watermark, which next_event() reports once as a `writable`
  // event. A queue that stays above the high watermark for
  // max_backpressure_time fails the connection (slow_reader, 1008; zero: never).
  std::size_t max_queued_output = defaults::max_queued_output;
  std::size_t output_high_watermark = defaults::output_high_watermark;
  std::size_t output_low_watermark = defaults::output_low_watermark;
  std::chrono::milliseconds max_backpressure_time = defaults::max_backpressure_time;
  // Owned output lives in blocks of this size (one is kept when idle, so
  // small messages allocate nothing); payloads of a block or more get a buffer
  // of their own.
  std::size_t output_block_size = 4096;
  // Sends larger than this go out as several frames (0: never fragment).
  std::size_t fragment_size = defaults::fragment_size;

  // Answer pings automatically (RFC 6455 §5.5.2); off: the application must.
  bool auto_pong = true;

  // Timers, driven by tick(now); zero turns one off.
  std::chrono::milliseconds handshake_timeout = defaults::handshake_timeout;
  std::chrono::milliseconds ping_interval = defaults::ping_interval;  // idle time before a keep-alive ping
  std::chrono::milliseconds pong_timeout = defaults::pong_timeout;    // fail when no pong arrives in this time
  // The closing handshake, the wait for the server's TCP close (a client),
  // and the write of the last bytes before the transport closes.
  std::chrono::milliseconds close_timeout = defaults::close_timeout;
};

}  // namespace tether

#endif
