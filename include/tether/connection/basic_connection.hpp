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

#include "../error.hpp"
#include "../handshake/client.hpp"
#include "../handshake/server.hpp"
#include "../random.hpp"
#include "../role.hpp"
#include "../sha1.hpp"
#include "close_frame.hpp"
#include "events.hpp"
#include "input_buffer.hpp"
#include "lifecycle.hpp"
#include "message_reader.hpp"
#include "message_sender.hpp"
#include "options.hpp"
#include "pending_events.hpp"
#include "timers.hpp"

namespace tether {

template <class Random = default_random, class Hash = sha1>
class basic_connection {
  using handshake_headers = http::header_vector<>;  // sized by max_header_count, not by a template

 public:
  using upgrade_request = basic_upgrade_request<handshake_headers>;
  using upgrade_response = basic_upgrade_response<handshake_headers>;

  explicit basic_connection(role self, const connection_options& options = {}, std::optional<Random> random = {})
      : role_(self),
        options_(options),
        reader_(self, options),
        sender_(self, options, std::move(random)),
        state_(self == role::server ? connection_state::reading_request : connection_state::idle_client) {
    if (self == role::server) {
      server_handshake_ = std::make_unique<server_handshake<handshake_headers>>(options.handshake_limits);
      timers_.arm(detail::deadline::handshake, options_.handshake_timeout);  // dated by the first tick
    }
  }

  role self() const noexcept { return role_; }
  connection_state state() const noexcept { return state_; }
  bool is_open() const noexcept { return state_ == connection_state::open; }
  // The subprotocol agreed in the handshake (empty for none).
  std::string_view subprotocol() const noexcept { return subprotocol_; }

  // ---- opening handshake (lifecycle.hpp: reading_request .. open) ----------

  // Client: queues the upgrade GET for `uri` (RFC 6455 §4.1). Nothing of
  // `uri` or `options` is kept: a temporary is fine.
  [[nodiscard]] std::error_code connect(const websocket_uri& uri, const client_request_options& options = {}) {
    if (role_ != role::client) return error::wrong_role;
    if (state_ != connection_state::idle_client) return error::already_connected;
    // Until an extension runs in the connection, agreeing to one would break
    // every frame: offering one is refused.
    if (!options.extensions.empty()) return error::unsupported_extension;
    auto handshake = std::make_unique<client_handshake<handshake_headers>>(options_.handshake_limits);
    std::string request;
    if (const std::error_code ec = handshake->write_request(uri, options, sender_.random(), request)) return ec;
    sender_.append_raw(request.data(), request.size());
    client_handshake_ = std::move(handshake);
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
    return state_ == connection_state::awaiting_decision ? &server_handshake_->request() : nullptr;
  }
  // Client: the server's answer (after open or rejected).
  const upgrade_response* response() const noexcept {
    return client_handshake_ != nullptr ? &client_handshake_->response() : nullptr;
  }

  // Server: answers 101 (RFC 6455 §4.2.2) and opens the connection; an open
  // event follows. May come any time after the upgrade_request event.
  [[nodiscard]] std::error_code accept(const accept_options& options = {}) {
    if (state_ != connection_state::awaiting_decision) return error::no_request_pending;
    if (!options.extensions.empty()) return error::unsupported_extension;
    std::string response;
    if (const std::error_code ec = server_handshake_->template write_accept<Hash>(response, options)) return ec;
    sender_.append_raw(response.data(), response.size());
    subprotocol_.assign(options.subprotocol.data(), options.subprotocol.size());
    server_handshake_.reset();  // the request's memory is not needed any more
    open();
    return {};
  }

  // Server: answers with an HTTP error instead (401, 403, 404, ...).
  [[nodiscard]] std::error_code reject(int status, std::string_view body = {}, http::header_span headers = {}) {
    if (state_ != connection_state::awaiting_decision) return error::no_request_pending;
    std::string response;
    if (const std::error_code ec = write_reject_response(status, response, body, headers)) return ec;
    sender_.append_raw(response.data(), response.size());
    server_handshake_.reset();
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
  event next_event() {
    event e = pending_.pop();
    if (!e) e = read_input();
    if (!e) input_.keep_rest();  // from here on the caller may reuse its buffer
    return e;
  }

  // ---- sending (lifecycle.hpp: the send column) ------------------------------

  [[nodiscard]] std::error_code send_text(std::string_view text) {
    return send_data([&] { return sender_.send_message(opcode::text, text.data(), text.size(), false); });
  }
  [[nodiscard]] std::error_code send_binary(const void* data, std::size_t size) {
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
  void abort() noexcept {
    sender_.queue().drop_unexposed();
    transport_done_ = true;
    if (state_ != connection_state::closed) state_ = connection_state::failed;
    end(state_);
  }

  // ---- output --------------------------------------------------------------------

  // Up to `max` buffers to write, in order (writev-ready). They stay valid
  // and unchanged until consume() acknowledges them.
  std::size_t output_buffers(const_buffer* out, std::size_t max) const noexcept {
    return sender_.queue().buffers(out, max);
  }
  // The first of them alone, for a plain write().
  const_buffer output() const noexcept {
    const_buffer first;
    output_buffers(&first, 1);
    return first;
  }
  std::size_t queued_output() const noexcept { return sender_.queue().size(); }
  bool has_output() const noexcept { return !sender_.queue().empty(); }
  // True from a send that took the queue over output_high_watermark until it
  // falls below output_low_watermark (then a writable event follows).
  bool backpressured() const noexcept { return backpressured_; }

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
  void tick(clock_time now) {
    if (timers_.take_activity() && timers_.armed(detail::deadline::ping)) {
      timers_.arm(detail::deadline::ping, options_.ping_interval, now);
    }
    while (const std::optional<detail::deadline> due = timers_.tick(now)) deadline_passed(*due, now);
  }
  std::optional<clock_time> next_deadline() const noexcept { return timers_.next_deadline(); }

 private:
  // Undecoded input is bounded: a backlog may only grow to max_buffered_input.
  bool accepts_input(std::size_t size) {
    if (size == 0 || state_ == connection_state::closed || state_ == connection_state::failed) return false;
    timers_.note_activity();
    if (input_.empty() || input_.size() + size <= options_.max_buffered_input) return true;
    pending_.push(fail(error::input_backlog_too_large));
    return false;
  }

  event read_input() {
    switch (state_) {
      case connection_state::reading_request:
        return or_end_of_input(read_request());
      case connection_state::reading_response:
        return or_end_of_input(read_response());
      case connection_state::open:
      case connection_state::closing:
        return or_end_of_input(read_frames());
      case connection_state::awaiting_decision:
      case connection_state::idle_client:
        return or_end_of_input(event{});
      case connection_state::closed:
      case connection_state::failed:
        input_.clear();  // §7.1.4, §7.1.7: nothing after the close is read
        return {};
    }
    return {};
  }

  // Input ran out: a peer that closed TCP before the closing handshake ended
  // is 1006 (§7.1.5).
  event or_end_of_input(event e) { return e || !eof_ ? e : fail(error::connection_lost); }

  event read_request() {
    const handshake_result result = server_handshake_->feed(input_.data(), input_.size());
    input_.advance(result.consumed);
    if (result.status == handshake_status::need_more) return {};
    if (result.status == handshake_status::failed) {
      std::string response;
      const int status = write_error_response(result.error(), response);
      sender_.append_raw(response.data(), response.size());
      event e = fail(result.failure);
      e.http_status = static_cast<std::uint16_t>(status);
      return e;
    }
    state_ = connection_state::awaiting_decision;
    event e;
    e.type = event_type::upgrade_request;
    return e;
  }

  event read_response() {
    const handshake_result result = client_handshake_->template feed<Hash>(input_.data(), input_.size());
    input_.advance(result.consumed);
    if (result.status == handshake_status::need_more) return {};
    if (result.status == handshake_status::failed && result.failure != error::unexpected_status) {
      return fail(result.failure);
    }
    if (result.status == handshake_status::failed) {
      event e;
      e.type = event_type::rejected;
      e.http_status = static_cast<std::uint16_t>(client_handshake_->response().status());
      e.failure = error::unexpected_status;
      end(connection_state::failed);
      return e;
    }
    const std::string_view agreed = client_handshake_->response().subprotocol;
    subprotocol_.assign(agreed.data(), agreed.size());
    open();
    return pending_.pop();
  }

  event read_frames() {
    event e = reader_.next(input_);
    switch (e.type) {
      case event_type::failure:
        return fail(e.failure);
      case event_type::ping:
        // §5.5.2-3: answer with the same payload; only the latest unanswered
        // ping needs a pong, so one pending slot is enough when output is full.
        if (options_.auto_pong) queue_pong(e.bytes, e.size);
        return e;
      case event_type::pong:
        pong_received(e.bytes, e.size);
        return e;
      case event_type::close:
        return close_received(e);
      default:
        return e;
    }
  }

  event close_received(event e) {
    close_payload payload;
    if (const std::error_code ec = parse_close_payload(e.bytes, e.size, payload)) {
      return fail(static_cast<error>(ec.value()));
    }
    e.code = payload.code;
    e.bytes = reinterpret_cast<const unsigned char*>(payload.reason.data());
    e.size = payload.reason.size();
    // §5.5.1: answer with a close frame; echo code and reason, as browsers,
    // ws and websockets do, so the peer's application sees its own words.
    if (state_ == connection_state::open) send_close_frame(payload.code, payload.reason);
    end(connection_state::closed);
    return e;
  }

  // §7.1.7: send a close frame if the handshake is done and none went out
  // (and one can follow what is queued), and stop reading. The event says
  // which code went out (1006: none).
  event fail(error broken, bool close_frame_can_follow = true) {
    event e;
    e.type = event_type::failure;
    e.failure = broken;
    e.code = close_code::abnormal_closure;
    const close_code code = close_code_for(broken);
    if (state_ == connection_state::open && close_frame_can_follow &&
        is_sendable_close_code(static_cast<std::uint16_t>(code))) {
      send_close_frame(code, {});
      e.code = code;
    }
    end(connection_state::failed);
    return e;
  }

  std::error_code start_close(close_code code, std::string_view reason, std::optional<clock_time> now) {
    if (detail::handshake_in_progress(state_)) {
      abort();
      return {};
    }
    if (const error refused = detail::data_send_refusal(state_); refused != error{}) return refused;
    if (const std::error_code ec = check_close_to_send(code, reason)) return ec;
    send_close_frame(code, reason);
    state_ = connection_state::closing;
    timers_.disarm(detail::deadline::ping);
    timers_.disarm(detail::deadline::pong);
    timers_.arm(detail::deadline::closing, options_.close_timeout, now);
    return {};
  }

  void send_close_frame(close_code code, std::string_view reason) {
    unsigned char body[max_control_payload];
    const std::size_t size = write_close_payload(code, reason, body);
    static_cast<void>(sender_.send_control(opcode::close, body, size));  // a valid close frame always encodes
  }

  std::error_code send_control(opcode op, std::string_view payload) {
    if (const error refused = detail::control_send_refusal(state_); refused != error{}) return refused;
    return sender_.send_control(op, payload.data(), payload.size());
  }

  template <class Send>
  std::error_code send_data(Send&& send) {
    if (const error refused = detail::data_send_refusal(state_); refused != error{}) return refused;
    const error result = send();
    if (result == error{}) output_grew();
    return result;
  }

  void queue_pong(const unsigned char* payload, std::size_t size) {
    if (detail::control_send_refusal(state_) != error{}) return;
    if (sender_.fits(size + max_frame_header_size)) {
      static_cast<void>(sender_.send_control(opcode::pong, payload, size));
      pending_pong_.reset();
      return;
    }
    pending_pong_.emplace();
    std::memcpy(pending_pong_->payload, payload, size);
    pending_pong_->size = size;
  }

  void pong_received(const unsigned char* payload, std::size_t size) {
    // §5.5.3: only a pong with our ping's payload answers it.
    if (timers_.armed(detail::deadline::pong) && size == sizeof keepalive_payload_ &&
        std::memcmp(payload, keepalive_payload_, size) == 0) {
      timers_.disarm(detail::deadline::pong);
      timers_.arm(detail::deadline::ping, options_.ping_interval);
    }
  }

  void deadline_passed(detail::deadline which, clock_time now) {
    switch (which) {
      case detail::deadline::ping:
        sender_.random().fill(keepalive_payload_, sizeof keepalive_payload_);
        static_cast<void>(sender_.send_control(opcode::ping, keepalive_payload_, sizeof keepalive_payload_));
        timers_.arm(detail::deadline::pong, options_.pong_timeout, now);
        if (options_.pong_timeout.count() <= 0) timers_.arm(detail::deadline::ping, options_.ping_interval, now);
        return;
      case detail::deadline::pong:
        return pending_.push(fail(error::ping_timeout));
      case detail::deadline::handshake:
        return pending_.push(fail(error::handshake_timeout));
      case detail::deadline::closing:
        // The peer did not answer our close: it is not reading; stop waiting for it.
        sender_.queue().drop_unexposed();
        return pending_.push(fail(error::close_timeout));
      case detail::deadline::backpressure: {
        // The peer does not read: drop what it has not got, and say 1008 only
        // when nothing half-written stands before the close frame.
        const bool nothing_left = sender_.queue().drop_unexposed();
        return pending_.push(fail(error::slow_reader, nothing_left));
      }
      case detail::deadline::drain:
        // The last bytes were not taken in time (or the server never closed
        // TCP after the closing handshake): the transport may close.
        sender_.queue().drop_unexposed();
        transport_done_ = true;
        return;
    }
  }

  void open() {
    state_ = connection_state::open;
    timers_.disarm(detail::deadline::handshake);
    timers_.arm(detail::deadline::ping, options_.ping_interval);
    event e;
    e.type = event_type::open;
    pending_.push(e);
  }

  // closed or failed: nothing more is read; the transport closes once the
  // last bytes are written, bounded by close_timeout.
  void end(connection_state final_state) {
    state_ = final_state;
    for (detail::deadline d : {detail::deadline::handshake, detail::deadline::ping, detail::deadline::pong,
                               detail::deadline::closing, detail::deadline::backpressure}) {
      timers_.disarm(d);
    }
    const bool waits = has_output() || (final_state == connection_state::closed && role_ == role::client && !eof_);
    if (!transport_done_ && waits) timers_.arm(detail::deadline::drain, options_.close_timeout);
    pending_pong_.reset();
    input_.clear();
    server_handshake_.reset();
  }

  void output_grew() {
    if (!backpressured_ && queued_output() > options_.output_high_watermark) {
      backpressured_ = true;
      timers_.arm(detail::deadline::backpressure, options_.max_backpressure_time);
    }
  }

  void output_taken() {
    if (pending_pong_) {
      const auto pong = *pending_pong_;
      queue_pong(pong.payload, pong.size);
    }
    if (queued_output() <= options_.output_high_watermark) timers_.disarm(detail::deadline::backpressure);
    if (backpressured_ && queued_output() < options_.output_low_watermark) {
      backpressured_ = false;
      event e;
      e.type = event_type::writable;
      pending_.push(e);
    }
    // Everything written: a server after the closing handshake, or a failed
    // connection, may close now; a client waits (bounded) for the server.
    if (!has_output() &&
        (state_ == connection_state::failed || (state_ == connection_state::closed && role_ == role::server))) {
      timers_.disarm(detail::deadline::drain);
    }
  }

  struct pong_slot {
    unsigned char payload[max_control_payload];
    std::size_t size;
  };

  role role_;
  connection_options options_;
  detail::message_reader reader_;
  detail::message_sender<Random> sender_;
  detail::connection_timers timers_;
  detail::input_buffer input_;
  detail::pending_events pending_;
  connection_state state_;
  std::unique_ptr<server_handshake<handshake_headers>> server_handshake_;
  std::unique_ptr<client_handshake<handshake_headers>> client_handshake_;
  std::string subprotocol_;
  std::optional<pong_slot> pending_pong_;
  unsigned char keepalive_payload_[4] = {};
  bool eof_ = false;
  bool backpressured_ = false;
  bool transport_done_ = false;  // aborted, or past the drain deadline
};

}  // namespace tether

#endif
