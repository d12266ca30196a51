// tether — header-only, sans-IO WebSocket (RFC 6455). Boost Software License 1.0.
#ifndef TETHER_DEFAULTS_HPP
#define TETHER_DEFAULTS_HPP

// The default of every limit, in one place (RFC 6455 §10.4: "implementations
// SHOULD impose implementation-specific limits"). Nothing defaults to
// unlimited. The option structs (http::head_limits, frame_decoder_options,
// connection_options, message_assembler) take their defaults from here.

#include <chrono>
#include <cstddef>
#include <cstdint>

namespace tether::defaults {

// Opening handshake (RFC 6585 §5 answers 431 above either).
inline constexpr std::size_t max_head_size = 8 * 1024;
inline constexpr std::size_t max_header_count = 100;

// Received frames and messages (1009 above either, RFC 6455 §7.4.1).
inline constexpr std::uint64_t max_frame_size = 16 * 1024 * 1024;
inline constexpr std::uint64_t max_message_size = 16 * 1024 * 1024;

// Bytes handed to receive() before earlier ones were decoded (1008 above).
inline constexpr std::size_t max_buffered_input = 4 * 1024 * 1024;

// Output: the hard limit, and the watermarks that signal backpressure.
inline constexpr std::size_t max_queued_output = 32 * 1024 * 1024;
inline constexpr std::size_t output_high_watermark = 1024 * 1024;
inline constexpr std::size_t output_low_watermark = 256 * 1024;
// Sends larger than this go out as several frames (RFC 6455 §5.4).
inline constexpr std::size_t fragment_size = 1024 * 1024;

// Timers, measured on the application's clock.
inline constexpr std::chrono::milliseconds handshake_timeout{10'000};
inline constexpr std::chrono::milliseconds ping_interval{30'000};
inline constexpr std::chrono::milliseconds pong_timeout{30'000};
inline constexpr std::chrono::milliseconds close_timeout{10'000};
inline constexpr std::chrono::milliseconds max_backpressure_time{60'000};

}  // namespace tether::defaults

#endif
