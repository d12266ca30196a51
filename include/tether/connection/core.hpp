// tether — header-only, sans-IO WebSocket (RFC 6455). Boost Software License 1.0.
#ifndef TETHER_CONNECTION_CORE_HPP
#define TETHER_CONNECTION_CORE_HPP

// The machinery behind basic_connection (its public face): the state (the
// table of lifecycle.hpp), the parts that read, send, time and answer, and
// the transitions between states. The application reaches none of it except
// through basic_connection.

#include <cstddef>
#include <cstring>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <system_error>

#include "../error.hpp"
#include "../handshake/response_writer.hpp"
#include "../role.hpp"
#include "backpressure.hpp"
#include "close_frame.hpp"
#include "events.hpp"
#include "input_buffer.hpp"
#include "keepalive.hpp"
#include "lifecycle.hpp"
#include "message_reader.hpp"
#include "message_sender.hpp"
#include "opening_handshake.hpp"
#include "options.hpp"
#include "pending_events.hpp"
#include "timers.hpp"

namespace tether::detail {

template <class Random, class Hash>
class connection_core {
 protected:
  connection_core(role self, const connection_options& options, std::optional<Random> random)
      : role_(self),
        options_(options),
        reader_(self, options),
        sender_(self, options, std::move(random)),
        backpressure_(options),
        state_(self == role::server ? connection_state::reading_request : connection_state::idle_client) {
    handshake_.use(options.extension);
    if (self == role::server) {
      handshake_.start_server(options.handshake_limits);
      timers_.arm(deadline::handshake, options_.handshake_timeout);  // dated by the first tick
    }
  }

  std::size_t queued_output() const noexcept { return sender_.queue().size(); }
  bool has_output() const noexcept { return !sender_.queue().empty(); }

  // Ends the connection at once: no close frame, unsent output dropped.
  void abort_now() noexcept {
    sender_.queue().drop_unexposed();
    transport_done_ = true;
    if (state_ != connection_state::closed) state_ = connection_state::failed;
    end(state_);
  }

  // Every event but the common one (basic_connection::next_event).
  TETHER_NOINLINE event next_event_slowly() {
    event e = pending_.pop();
    if (!e) e = read_input();
    if (!e) input_.keep_rest();  // from here on the caller may reuse its buffer
    return e;
  }

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
    const handshake_result result = handshake_.read(input_);
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
    const handshake_result result = handshake_.read(input_);
    if (result.status == handshake_status::need_more) return {};
    if (result.status == handshake_status::failed && result.failure != error::unexpected_status) {
      return fail(result.failure);
    }
    if (result.status == handshake_status::failed) {
      event e;
      e.type = event_type::rejected;
      e.http_status = static_cast<std::uint16_t>(handshake_.response_status());
      e.failure = error::unexpected_status;
      end(connection_state::failed);
      return e;
    }
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
        if (options_.auto_pong && control_send_refusal(state_) == error{}) {
          keepalive_.answer(sender_, e.bytes, e.size);
        }
        return e;
      case event_type::pong:
        if (timers_.armed(deadline::pong) && keepalive_.answers_ping(e.bytes, e.size)) {
          timers_.disarm(deadline::pong);
          timers_.arm(deadline::ping, options_.ping_interval);
        }
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
  TETHER_NOINLINE event fail_out_of_line(error broken) { return fail(broken); }

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
    if (handshake_in_progress(state_)) {
      abort_now();
      return {};
    }
    if (const error refused = data_send_refusal(state_); refused != error{}) return refused;
    if (const std::error_code ec = check_close_to_send(code, reason)) return ec;
    send_close_frame(code, reason);
    state_ = connection_state::closing;
    timers_.disarm(deadline::ping);
    timers_.disarm(deadline::pong);
    timers_.arm(deadline::closing, options_.close_timeout, now);
    return {};
  }

  void send_close_frame(close_code code, std::string_view reason) {
    unsigned char body[max_control_payload];
    const std::size_t size = write_close_payload(code, reason, body);
    static_cast<void>(sender_.send_control(opcode::close, body, size));  // a valid close frame always encodes
  }

  std::error_code send_control(opcode op, std::string_view payload) {
    if (const error refused = control_send_refusal(state_); refused != error{}) return refused;
    return sender_.send_control(op, payload.data(), payload.size());
  }

  // After a message was queued: backpressure, and the success result.
  TETHER_ALWAYS_INLINE std::error_code sent() {
    output_grew();
    return {};
  }

  template <class Send>
  std::error_code send_data(Send&& send) {
    if (const error refused = data_send_refusal(state_); refused != error{}) return refused;
    const error result = send();
    if (result == error{}) output_grew();
    return result;
  }

  void deadline_passed(deadline which, clock_time now) {
    switch (which) {
      case deadline::ping:
        keepalive_.ping(sender_);
        timers_.arm(deadline::pong, options_.pong_timeout, now);
        if (options_.pong_timeout.count() <= 0) timers_.arm(deadline::ping, options_.ping_interval, now);
        return;
      case deadline::pong:
        return pending_.push(fail(error::ping_timeout));
      case deadline::handshake:
        return pending_.push(fail(error::handshake_timeout));
      case deadline::closing:
        // The peer did not answer our close: it is not reading; stop waiting for it.
        sender_.queue().drop_unexposed();
        transport_done_ = true;
        return pending_.push(fail(error::close_timeout));
      case deadline::backpressure: {
        // The peer does not read: drop what it has not got, and say 1008 only
        // when nothing half-written stands before the close frame.
        const bool nothing_left = sender_.queue().drop_unexposed();
        transport_done_ = !nothing_left;  // else the 1008 goes out first (bounded by close_timeout)
        return pending_.push(fail(error::slow_reader, nothing_left));
      }
      case deadline::drain:
        // The last bytes were not taken in time (or the server never closed
        // TCP after the closing handshake): the transport may close.
        sender_.queue().drop_unexposed();
        transport_done_ = true;
        return;
    }
  }

  void open() {
    codec_ = handshake_.take_codec();
    reader_.use(codec_.get());
    sender_.use(codec_.get());
    state_ = connection_state::open;
    timers_.disarm(deadline::handshake);
    timers_.arm(deadline::ping, options_.ping_interval);
    event e;
    e.type = event_type::open;
    pending_.push(e);
  }

  // closed or failed: nothing more is read; the transport closes once the
  // last bytes are written, bounded by close_timeout.
  void end(connection_state final_state) {
    state_ = final_state;
    for (deadline d :
         {deadline::handshake, deadline::ping, deadline::pong, deadline::closing, deadline::backpressure}) {
      timers_.disarm(d);
    }
    const bool waits = has_output() || (final_state == connection_state::closed && role_ == role::client && !eof_);
    if (!transport_done_ && waits) timers_.arm(deadline::drain, options_.close_timeout);
    keepalive_.forget();
    input_.clear();
    handshake_.release_request();
  }

  // The slow-reader clock runs while backpressure is on: from the send that
  // took the queue over the high watermark until it falls under the low one
  // (an application that stops sending to a backpressured peer must not
  // leave it stuck between the marks forever).
  TETHER_ALWAYS_INLINE void output_grew() {
    if (backpressure_.grew(queued_output()) && !timers_.armed(deadline::backpressure)) {
      timers_.arm(deadline::backpressure, options_.max_backpressure_time);
    }
  }

  void output_taken() {
    if (control_send_refusal(state_) == error{}) keepalive_.retry(sender_);
    if (backpressure_.shrank(queued_output())) {
      timers_.disarm(deadline::backpressure);
      event e;
      e.type = event_type::writable;
      pending_.push(e);
    }
    // Everything written: a server after the closing handshake, or a failed
    // connection, may close now; a client waits (bounded) for the server.
    if (!has_output() &&
        (state_ == connection_state::failed || (state_ == connection_state::closed && role_ == role::server))) {
      timers_.disarm(deadline::drain);
    }
  }

  role role_;
  connection_options options_;
  message_reader reader_;
  message_sender<Random> sender_;
  connection_timers timers_;
  input_buffer input_;
  pending_events pending_;
  opening_handshake<Hash> handshake_;
  std::unique_ptr<message_codec> codec_;  // what an extension runs on messages, when one was agreed
  keepalive keepalive_;
  backpressure backpressure_;
  connection_state state_;
  bool eof_ = false;
  bool transport_done_ = false;  // aborted, or past the drain deadline
};

}  // namespace tether::detail

#endif
