// tether — header-only, sans-IO WebSocket (RFC 6455). Boost Software License 1.0.
#ifndef TETHER_CONNECTION_BASIC_CONNECTION_HPP
#define TETHER_CONNECTION_BASIC_CONNECTION_HPP

// One state machine for both roles, from the first byte of the opening
// handshake to the end of the closing one (RFC 6455 §4, §5, §7). It does no
// I/O: the application hands in bytes (receive), time (tick) and commands
// (accept, send_*, ping, close), pulls events (next_event) and writes what
// output_buffers() shows, acknowledging it with consume(). The states and
// what each call does in each are the table in lifecycle.hpp.
//
// Lifetimes, the whole contract:
//  - receive(void*): the bytes are decoded (unmasked) in place; the buffer
//    must stay untouched until next_event() returns none. After that the
//    connection holds nothing of it (what it must keep, it copies).
//  - event payloads stay valid until the next receive() or next_event().
//  - buffers from output_buffers() stay valid and unchanged until consume()
//    acknowledges them, whatever is queued, closed or failed meanwhile.
//  - send_borrowed(): the payload must live until consumed (the exception).
//  - nothing else given to any call is kept after it returns.
//
// Policies: Random masks client frames and makes handshake keys (random.hpp);
// Hash is the SHA-1 of Sec-WebSocket-Accept (sha1.hpp or openssl.hpp).

#include <cstddef>
#include <cstring>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <system_error>
#include <type_traits>

#include "../error.hpp"
#include "../handshake/request_writer.hpp"
#include "../handshake/response_writer.hpp"
#include "../random.hpp"
#include "../role.hpp"
#include "../sha1.hpp"
#include "core.hpp"
#include "events.hpp"
#include "lifecycle.hpp"
#include "options.hpp"
#include "shared_message.hpp"
#include "timers.hpp"

namespace tether {

template <class Random = default_random, class Hash = sha1>
class basic_connection : private detail::connection_core<Random, Hash> {
  using core = detail::connection_core<Random, Hash>;
  using core::abort_now;
  using core::accepts_input;
  using core::backpressure_;
  using core::deadline_passed;
  using core::end;
  using core::eof_;
  using core::fail;
  using core::fail_out_of_line;
  using core::handshake_;
  using core::input_;
  using core::next_event_slowly;
  using core::open;
  using core::options_;
  using core::output_taken;
  using core::pending_;
  using core::read_input;
  using core::reader_;
  using core::role_;
  using core::send_control;
  using core::send_data;
  using core::sender_;
  using core::sent;
  using core::start_close;
  using core::state_;
  using core::timers_;
  using core::transport_done_;

 public:
  using upgrade_request = typename detail::opening_handshake<Hash>::upgrade_request;
  using upgrade_response = typename detail::opening_handshake<Hash>::upgrade_response;

  // A client draws its masking keys (RFC 6455 §5.3) from `random`; without
  // one, it makes a default Random when it first masks.
  explicit basic_connection(role self, const connection_options& options = {}) : core(self, options, std::nullopt) {
    static_assert(std::is_default_constructible_v<Random>,
                  "this Random cannot be default-constructed: pass one to the constructor");
  }
  basic_connection(role self, const connection_options& options, Random random)
      : core(self, options, std::optional<Random>(std::move(random))) {}

  role self() const noexcept { return role_; }
  connection_state state() const noexcept { return state_; }
  bool is_open() const noexcept { return state_ == connection_state::open; }
  // The subprotocol agreed in the handshake (empty for none).
  std::string_view subprotocol() const noexcept { return handshake_.subprotocol(); }
  // The extensions agreed in the handshake, as the 101's Sec-WebSocket-Extensions
  // value (e.g. "permessage-deflate; client_max_window_bits=12"); empty for none.
  std::string_view extensions() const noexcept { return handshake_.extensions(); }

  // ---- opening handshake (lifecycle.hpp: reading_request .. open) ----------

  // Client: queues the upgrade GET for `uri` (RFC 6455 §4.1). Nothing of
  // `uri` or `options` is kept: a temporary is fine.
  [[nodiscard]] std::error_code connect(const websocket_uri& uri, const client_request_options& options = {}) {
    if (role_ != role::client) return error::wrong_role;
    if (state_ != connection_state::idle_client) return error::already_connected;
    // Extensions are offered by the one the connection runs
    // (connection_options::extension): a bare offer could be agreed to and
    // then break every frame.
    if (!options.extensions.empty()) return error::unsupported_extension;
    std::string request;
    const std::error_code ec =
        handshake_.start_client(uri, options, options_.handshake_limits, sender_.random(), request);
    if (ec) return ec;
    sender_.append_raw(request.data(), request.size());
    state_ = connection_state::reading_response;
    timers_.arm(detail::deadline::handshake, options_.handshake_timeout);
    return {};
  }
  [[nodiscard]] std::error_code connect(std::string_view url, const client_request_options& options = {}) {
    websocket_uri uri;
    if (const std::error_code ec = parse_websocket_uri(url, uri)) return ec;
    return connect(uri, options);
  }

  // Server: the request shown by the upgrade_request event, until accept/reject.
  const upgrade_request* request() const noexcept {
    return state_ == connection_state::awaiting_decision ? handshake_.request() : nullptr;
  }
  // Client: the server's answer (after open or rejected).
  const upgrade_response* response() const noexcept { return handshake_.response(); }

  // Server: answers 101 (RFC 6455 §4.2.2) and opens the connection; an open
  // event follows. May come any time after the upgrade_request event.
  [[nodiscard]] std::error_code accept(const accept_options& options = {}) {
    if (state_ != connection_state::awaiting_decision) return error::no_request_pending;
    // The answer for the extension the connection runs is written by it; a
    // bare one could agree to something no code here runs.
    if (!options.extensions.empty()) return error::unsupported_extension;
    std::string response;
    if (const std::error_code ec = handshake_.write_accept(options, response)) return ec;
    sender_.append_raw(response.data(), response.size());
    handshake_.release_request();
    open();
    return {};
  }

  // Server: answers with an HTTP error instead (401, 403, 404, ...).
  [[nodiscard]] std::error_code reject(int status, std::string_view body = {}, http::header_span headers = {}) {
    if (state_ != connection_state::awaiting_decision) return error::no_request_pending;
    std::string response;
    if (const std::error_code ec = write_reject_response(status, response, body, headers)) return ec;
    sender_.append_raw(response.data(), response.size());
    end(connection_state::failed);
    return {};
  }

  // ---- input -----------------------------------------------------------------

  // Bytes the socket gave, unmasked in place (no copy): the buffer must stay
  // untouched until next_event() returns none.
  void receive(void* data, std::size_t size) {
    if (accepts_input(size)) input_.take(static_cast<unsigned char*>(data), size);
  }
  // The same for bytes that must not be written to: they are copied first.
  void receive(const void* data, std::size_t size) {
    if (accepts_input(size)) input_.take_copy(static_cast<const unsigned char*>(data), size);
  }
  // The peer closed the TCP connection (read returned 0).
  void receive_eof() noexcept { eof_ = true; }

  // The next thing that happened, or event_type::none when there is nothing
  // more until new bytes, time or a command.
  TETHER_ALWAYS_INLINE event next_event() {
    // The common case first: an open connection, nothing waiting, a whole
    // message in one frame at the front of the input. The event stays a
    // local whose address never escapes (the failure goes out of line), so
    // it lives in registers: built in memory, field by field, and then
    // copied whole, it stalled store forwarding for most of a 16-byte
    // message's time (tests/bench/connection_bench.cpp).
    if (TETHER_LIKELY(pending_.empty() && state_ == connection_state::open)) {
      event e;
      if (reader_.next_whole_message(input_, e)) {
        if (TETHER_UNLIKELY(e.type == event_type::failure)) return fail_out_of_line(e.failure);
        return e;
      }
    }
    return next_event_slowly();
  }

  // ---- sending (lifecycle.hpp: the send column) ------------------------------

  [[nodiscard]] TETHER_ALWAYS_INLINE std::error_code send_text(std::string_view text) {
    const auto* bytes = reinterpret_cast<const unsigned char*>(text.data());
    if (TETHER_LIKELY(state_ == connection_state::open) && is_valid_utf8(bytes, text.size()) &&
        sender_.send_small_message(opcode::text, bytes, text.size())) {
      return sent();
    }
    return send_data([&] { return sender_.send_message(opcode::text, text.data(), text.size(), false); });
  }
  [[nodiscard]] TETHER_ALWAYS_INLINE std::error_code send_binary(const void* data, std::size_t size) {
    if (TETHER_LIKELY(state_ == connection_state::open) &&
        sender_.send_small_message(opcode::binary, static_cast<const unsigned char*>(data), size)) {
      return sent();
    }
    return send_data([&] { return sender_.send_message(opcode::binary, data, size, false); });
  }
  // Server: the payload is referenced, not copied; it must stay valid until
  // consume() passes it. (A client must mask, so it copies.)
  [[nodiscard]] std::error_code send_borrowed(opcode op, const void* data, std::size_t size) {
    return send_data([&] { return sender_.send_message(op, data, size, true); });
  }
  // One message for many connections, payload copied once (shared_message.hpp).
  [[nodiscard]] std::error_code send_shared(const shared_message& message) {
    return send_data([&] { return sender_.send_shared(message); });
  }

  // A message sent in pieces of any size (RFC 6455 §5.4), e.g. a file streamed
  // with O(piece) memory. Control frames may go out between the pieces.
  [[nodiscard]] std::error_code begin_message(opcode op) {
    return send_data([&] { return sender_.begin_message(op); });
  }
  [[nodiscard]] std::error_code send_chunk(const void* data, std::size_t size) {
    return send_data([&] { return sender_.send_piece(data, size, false); });
  }
  [[nodiscard]] std::error_code end_message(const void* data = nullptr, std::size_t size = 0) {
    return send_data([&] { return sender_.send_piece(data, size, true); });
  }

  [[nodiscard]] std::error_code ping(std::string_view payload = {}) { return send_control(opcode::ping, payload); }
  [[nodiscard]] std::error_code pong(std::string_view payload = {}) { return send_control(opcode::pong, payload); }

  // Starts the closing handshake (RFC 6455 §7.1.2); close_code::none sends an
  // empty close body. It is bounded by close_timeout from `now`, or from the
  // next tick() when no time is given. Before the connection is open, close()
  // aborts it (there is nothing to close politely: a server still deciding
  // should reject() instead).
  [[nodiscard]] std::error_code close(close_code code = close_code::normal, std::string_view reason = {}) {
    return start_close(code, reason, std::nullopt);
  }
  [[nodiscard]] std::error_code close(close_code code, std::string_view reason, clock_time now) {
    return start_close(code, reason, now);
  }

  // Ends the connection at once in any state: no close frame, unsent output
  // dropped (what output_buffers() handed out stays valid until consumed),
  // should_close_transport() true. No event follows.
  void abort() noexcept { abort_now(); }

  // ---- output --------------------------------------------------------------------

  // Up to `max` buffers to write, in order (writev-ready). They stay valid
  // and unchanged until consume() acknowledges them.
  std::size_t output_buffers(const_buffer* out, std::size_t max) const noexcept {
    return sender_.queue().buffers(out, max);
  }
  // The first of them alone, for a plain write().
  const_buffer output() const noexcept {
    const_buffer first{};
    output_buffers(&first, 1);
    return first;
  }
  using core::has_output;
  using core::queued_output;
  // True from a send that took the queue over output_high_watermark until it
  // falls below output_low_watermark (then a writable event follows).
  bool backpressured() const noexcept { return backpressure_.on(); }

  // Acknowledges `written` bytes (what the socket took). More than is queued
  // (e.g. a failed write's -1 passed on) is refused and changes nothing.
  [[nodiscard]] std::error_code consume(std::size_t written) {
    if (written > sender_.queue().size()) return error::consume_beyond_queued;
    sender_.queue().consume(written);
    output_taken();
    return {};
  }

  // ---- transport -------------------------------------------------------------------

  // True once the TCP connection should be closed: after a failure, rejection
  // or abort, and after the closing handshake — at once for a server (it
  // closes first, §7.1.1), for a client when the server has closed or
  // close_timeout has passed — in each case once the last bytes are written
  // (or close_timeout passed without the peer taking them).
  bool should_close_transport() const noexcept {
    if (transport_done_) return true;
    if (has_output()) return false;
    if (state_ == connection_state::failed) return true;
    return state_ == connection_state::closed && (role_ == role::server || eof_);
  }
  // True once nothing more will be sent and everything is written:
  // shutdown(SHUT_WR) is safe.
  bool write_side_finished() const noexcept {
    return !has_output() && (state_ == connection_state::closed || state_ == connection_state::failed);
  }

  // ---- time --------------------------------------------------------------------------

  // Runs the timers; call it when next_deadline() has passed (or more often).
  // Output memory unused since the previous tick is given back here.
  void tick(clock_time now) {
    sender_.queue().trim_if_idle();
    if (timers_.take_activity() && timers_.armed(detail::deadline::ping)) {
      timers_.arm(detail::deadline::ping, options_.ping_interval, now);
    }
    while (const std::optional<detail::deadline> due = timers_.tick(now)) deadline_passed(*due, now);
  }
  std::optional<clock_time> next_deadline() const noexcept { return timers_.next_deadline(); }
};

}  // namespace tether

#endif
