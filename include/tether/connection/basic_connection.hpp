// tether — header-only, sans-IO WebSocket (RFC 6455). Boost Software License 1.0.
#ifndef TETHER_CONNECTION_BASIC_CONNECTION_HPP
#define TETHER_CONNECTION_BASIC_CONNECTION_HPP

// One state machine for both roles, from the first byte of the opening
// handshake to the end of the closing one (RFC 6455 §4, §5, §7). It does no
// I/O: the application hands in bytes (receive), time (tick) and commands
// (accept, send_*, ping, close), pulls events (next_event) and writes what
// output_buffers() shows, acknowledging it with consume().
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
#include <vector>

#include "../error.hpp"
#include "../frame/decoder.hpp"
#include "../handshake/client.hpp"
#include "../handshake/server.hpp"
#include "../random.hpp"
#include "../role.hpp"
#include "../sha1.hpp"
#include "../utf8.hpp"
#include "close_frame.hpp"
#include "events.hpp"
#include "frame_sender.hpp"
#include "input_buffer.hpp"
#include "keepalive.hpp"
#include "options.hpp"

namespace tether {

enum class connection_state {
  reading_request,    // server: waiting for the upgrade request
  awaiting_decision,  // server: request shown; the application accepts or rejects
  idle_client,        // client: connect() not called yet
  reading_response,   // client: request sent, waiting for 101
  open,               // messages flow both ways
  closing,            // we sent a close frame; waiting for the peer's (§7.1.2)
  closed,             // both close frames exchanged (§7.1.4 "The WebSocket Closing Handshake is Started/Closed")
  failed,             // failed (§7.1.7) or rejected; nothing more is read
};

template <class Random = default_random, class Hash = sha1>
class basic_connection {
 public:
  using upgrade_request = basic_upgrade_request<http::header_array<>>;
  using upgrade_response = basic_upgrade_response<http::header_array<>>;

  explicit basic_connection(role self, const connection_options& options = {}, std::optional<Random> random = {})
      : role_(self),
        options_(options),
        decoder_(decoder_options(self, options)),
        sender_(self, options, std::move(random)),
        timers_(options),
        state_(self == role::server ? connection_state::reading_request : connection_state::idle_client) {
    if (self == role::server) server_handshake_ = std::make_unique<server_handshake<>>(options.handshake_limits);
  }

  role self() const noexcept { return role_; }
  connection_state state() const noexcept { return state_; }
  bool is_open() const noexcept { return state_ == connection_state::open; }
  // The subprotocol agreed in the handshake (empty for none).
  std::string_view subprotocol() const noexcept { return subprotocol_; }

  // ---- opening handshake --------------------------------------------------

  // Client: queues the upgrade GET for `uri` (RFC 6455 §4.1).
  std::error_code connect(const websocket_uri& uri, const client_request_options& options = {}) {
    if (role_ != role::client || state_ != connection_state::idle_client) return error::invalid_state;
    auto handshake = std::make_unique<client_handshake<>>(options_.handshake_limits);
    std::string request;
    if (const std::error_code ec = handshake->write_request(uri, options, sender_.random(), request)) return ec;
    sender_.append_raw(request.data(), request.size());
    client_handshake_ = std::move(handshake);
    state_ = connection_state::reading_response;
    return {};
  }

  // Client: the same from the URL text; nothing of it is kept after the call
  // (the request is written at once), so a temporary string is fine here.
  std::error_code connect(std::string_view url, const client_request_options& options = {}) {
    websocket_uri uri;
    if (const std::error_code ec = parse_websocket_uri(url, uri)) return ec;
    return connect(uri, options);
  }

  // Server: the request shown by the upgrade_request event, until accept/reject.
  const upgrade_request* request() const noexcept {
    return server_handshake_ != nullptr && state_ == connection_state::awaiting_decision ? &server_handshake_->request()
                                                                                         : nullptr;
  }
  // Client: the server's answer (after open or rejected).
  const upgrade_response* response() const noexcept {
    return client_handshake_ != nullptr ? &client_handshake_->response() : nullptr;
  }

  // Server: answers 101 (RFC 6455 §4.2.2) and opens the connection.
  std::error_code accept(const accept_options& options = {}) {
    if (state_ != connection_state::awaiting_decision) return error::invalid_state;
    std::string response;
    if (const std::error_code ec = server_handshake_->template write_accept<Hash>(response, options)) return ec;
    sender_.append_raw(response.data(), response.size());
    subprotocol_.assign(options.subprotocol.data(), options.subprotocol.size());
    server_handshake_.reset();  // the request's memory is not needed any more
    open();
    return {};
  }

  // Server: answers with an HTTP error instead (401, 403, 404, ...).
  std::error_code reject(int status, std::string_view body = {}, http::header_span headers = {}) {
    if (state_ != connection_state::awaiting_decision) return error::invalid_state;
    std::string response;
    if (const std::error_code ec = write_reject_response(status, response, body, headers)) return ec;
    sender_.append_raw(response.data(), response.size());
    server_handshake_.reset();
    stop(connection_state::failed);
    return {};
  }

  // ---- input ----------------------------------------------------------------

  // Bytes the socket gave, unmasked in place (no copy): the buffer must stay
  // valid and untouched until next_event() returns none.
  void receive(void* data, std::size_t size) {
    if (size == 0 || !backlog_allows(size)) return;
    timers_.note_activity();
    input_.take(static_cast<unsigned char*>(data), size);
  }
  // The same for bytes that must not be written to: they are copied first.
  void receive(const void* data, std::size_t size) {
    if (size == 0 || !backlog_allows(size)) return;
    timers_.note_activity();
    input_.take_copy(static_cast<const unsigned char*>(data), size);
  }
  // The peer closed the TCP connection (read returned 0).
  void receive_eof() noexcept { eof_ = true; }

  // The next thing that happened, or event_type::none when the input is used up.
  event next_event() {
    if (pending_) {
      event e = *pending_;
      pending_.reset();
      return e;
    }
    switch (state_) {
      case connection_state::reading_request: {
        const event e = read_request();
        return e ? e : end_of_input();
      }
      case connection_state::reading_response: {
        const event e = read_response();
        return e ? e : end_of_input();
      }
      case connection_state::open:
      case connection_state::closing: {
        const event e = read_frames();
        return e.type == event_type::none ? end_of_input() : e;
      }
      case connection_state::closed:
      case connection_state::failed:
        input_.clear();  // §7.1.4, §7.1.7: nothing after the close is read
        return {};
      case connection_state::awaiting_decision:
      case connection_state::idle_client:
        return {};
    }
    return {};
  }

  // ---- sending ----------------------------------------------------------------

  std::error_code send_text(std::string_view text) {
    if (!is_valid_utf8(text)) return error::text_not_utf8;
    return send_message(opcode::text, text.data(), text.size(), false);
  }
  std::error_code send_binary(const void* data, std::size_t size) {
    return send_message(opcode::binary, data, size, false);
  }
  // Server: the payload is referenced, not copied; it must stay valid until
  // consume() passes it. (A client must mask, so it copies.)
  std::error_code send_borrowed(opcode op, const void* data, std::size_t size) {
    if (op == opcode::text && !is_valid_utf8(data, size)) return error::text_not_utf8;
    return send_message(op, data, size, role_ == role::server);
  }

  // A message sent in pieces of any size (RFC 6455 §5.4), e.g. a file streamed
  // with O(piece) memory. Control frames may go out between the pieces.
  std::error_code begin_message(opcode op) {
    if (const std::error_code ec = check_can_send()) return ec;
    if (op != opcode::text && op != opcode::binary) return error::invalid_state;
    if (stream_open_) return error::message_in_progress;
    stream_open_ = true;
    stream_op_ = op;
    stream_frames_sent_ = false;
    outgoing_text_.reset();
    return {};
  }
  std::error_code send_chunk(const void* data, std::size_t size) { return send_stream_part(data, size, false); }
  std::error_code end_message(const void* data = nullptr, std::size_t size = 0) {
    return send_stream_part(data, size, true);
  }

  std::error_code ping(std::string_view payload = {}) { return send_control_checked(opcode::ping, payload); }
  std::error_code pong(std::string_view payload = {}) { return send_control_checked(opcode::pong, payload); }

  // Starts the closing handshake (RFC 6455 §7.1.2); close_code::none sends an
  // empty close body.
  std::error_code close(close_code code = close_code::normal, std::string_view reason = {}) {
    if (state_ == connection_state::closing || state_ == connection_state::closed) return error::send_after_close;
    if (state_ != connection_state::open) return error::not_open;
    if (const std::error_code ec = check_close_to_send(code, reason)) return ec;
    send_close_frame(code, reason);
    state_ = connection_state::closing;
    timers_.closing_started();
    return {};
  }

  // ---- output -------------------------------------------------------------------

  std::size_t output_buffers(const_buffer* out, std::size_t max) const noexcept {
    return sender_.queue().buffers(out, max);
  }
  const_buffer output() const noexcept { return sender_.queue().front(); }
  std::size_t queued_output() const noexcept { return sender_.queue().size(); }
  bool has_output() const noexcept { return !sender_.queue().empty(); }
  void consume(std::size_t written) {
    sender_.queue().consume(written);
    if (pending_pong_) flush_pending_pong();
  }

  // ---- transport ------------------------------------------------------------------

  // True once everything queued is written and the TCP connection should be
  // closed: after a failure or rejection, and after the closing handshake — at
  // once for a server (it closes first, §7.1.1), for a client when the server
  // has closed or close_timeout has passed.
  bool should_close_transport() const noexcept {
    if (has_output()) return false;
    if (state_ == connection_state::failed) return true;
    if (state_ != connection_state::closed) return false;
    return role_ == role::server || eof_ || close_wait_over_;
  }
  // True once our close frame is written: nothing more will be sent, and
  // shutdown(SHUT_WR) is safe.
  bool write_side_finished() const noexcept {
    return !has_output() && (close_sent_ || state_ == connection_state::failed);
  }

  // ---- time ----------------------------------------------------------------------

  // Runs the timers; call it when next_deadline() has passed (or more often).
  void tick(clock_time now) {
    switch (timers_.tick(now)) {
      case detail::keepalive_timers::due::nothing:
        break;
      case detail::keepalive_timers::due::send_ping: {
        const unsigned char payload[4] = {'t', 't', 'h', 'r'};
        sender_.send_control(opcode::ping, payload, sizeof payload);
        break;
      }
      case detail::keepalive_timers::due::pong_overdue:
        pending_ = fail(error::ping_timeout);
        break;
      case detail::keepalive_timers::due::handshake_overdue:
        pending_ = fail(error::handshake_timeout);
        break;
      case detail::keepalive_timers::due::close_overdue:
        if (state_ == connection_state::closed) {
          close_wait_over_ = true;
        } else {
          pending_ = fail(error::close_timeout);
        }
        break;
    }
  }
  std::optional<clock_time> next_deadline() const noexcept { return timers_.next_deadline(); }

 private:
  static frame_decoder_options decoder_options(role self, const connection_options& options) noexcept {
    frame_decoder_options decoder;
    decoder.receiver = self;
    decoder.max_frame_size = options.max_frame_size;
    decoder.max_message_size = options.max_message_size;
    decoder.strict_length = options.strict_length_encoding;
    return decoder;
  }

  // Undecoded input is bounded: a backlog may only grow to max_buffered_input.
  bool backlog_allows(std::size_t more) {
    if (input_.empty() || input_.size() + more <= options_.max_buffered_input) return true;
    if (state_ != connection_state::failed && !pending_) pending_ = fail(error::input_backlog_too_large);
    return false;
  }

  void open() {
    state_ = connection_state::open;
    timers_.opened();
  }

  void stop(connection_state final_state) {
    state_ = final_state;
    timers_.stopped();
    input_.clear();
  }

  // Input ran out: a peer that closed TCP in the middle is 1006 (§7.1.5).
  event end_of_input() {
    if (!eof_ || !input_.empty()) return {};
    if (state_ == connection_state::closed || state_ == connection_state::failed) return {};
    return fail(error::connection_lost);
  }

  event read_request() {
    const auto result = server_handshake_->feed(input_.data(), input_.size());
    input_.advance(result.consumed);
    if (result.status == handshake_status::need_more) return {};
    if (result.status == handshake_status::failed) {
      std::string response;
      write_error_response(result.error, response);
      sender_.append_raw(response.data(), response.size());
      return fail(result.error);
    }
    state_ = connection_state::awaiting_decision;
    event e;
    e.type = event_type::upgrade_request;
    return e;
  }

  event read_response() {
    const auto result = client_handshake_->template feed<Hash>(input_.data(), input_.size());
    input_.advance(result.consumed);
    if (result.status == handshake_status::need_more) return {};
    if (result.status == handshake_status::failed) {
      if (result.error == error::unexpected_status) {
        event e;
        e.type = event_type::rejected;
        e.http_status = client_handshake_->response().status();
        e.error = result.error;
        stop(connection_state::failed);
        return e;
      }
      return fail(result.error);
    }
    subprotocol_.assign(client_handshake_->response().subprotocol.data(),
                        client_handshake_->response().subprotocol.size());
    open();
    event e;
    e.type = event_type::open;
    return e;
  }

  event read_frames() {
    while (!input_.empty()) {
      const frame_decode_result step = decoder_.decode(input_.data(), input_.size());
      input_.advance(step.consumed);
      if (step.failed()) return fail(step.error());
      if (!step.has_event()) continue;
      const frame_header& header = decoder_.header();
      if (is_control(header.op)) {
        if (step.frame_begins) control_size_ = 0;
        if (step.payload_size != 0) std::memcpy(control_payload_ + control_size_, step.payload, step.payload_size);
        control_size_ += step.payload_size;
        if (step.frame_ends) return control_frame(header.op);
        continue;
      }
      const bool begins = step.frame_begins && header.op != opcode::continuation;
      const bool ends = step.frame_ends && header.fin;
      if (step.payload_size == 0 && !begins && !ends) continue;
      const opcode type = decoder_.message_opcode();
      if (type == opcode::text) {
        if (begins) incoming_text_.reset();
        // RFC 6455 §8.1: fail at the first invalid byte, not at the end.
        if (!incoming_text_.feed(step.payload, step.payload_size).valid) return fail(error::invalid_utf8);
        if (ends && !incoming_text_.complete()) return fail(error::invalid_utf8);
      }
      event e;
      e.type = event_type::data;
      e.message_type = type;
      e.message_begins = begins;
      e.message_ends = ends;
      e.bytes = step.payload;
      e.size = step.payload_size;
      return e;
    }
    return {};
  }

  event control_frame(opcode op) {
    event e;
    e.bytes = control_payload_;
    e.size = control_size_;
    if (op == opcode::ping) {
      e.type = event_type::ping;
      // §5.5.2-3: answer with the same payload; only the latest unanswered ping
      // needs a pong, so one pending slot is enough when output is full.
      if (options_.auto_pong && state_ == connection_state::open) queue_pong(control_payload_, control_size_);
      return e;
    }
    if (op == opcode::pong) {
      e.type = event_type::pong;
      timers_.pong_received();
      return e;
    }
    close_payload payload;
    if (const std::error_code ec = parse_close_payload(control_payload_, control_size_, payload)) return fail(ec);
    e.type = event_type::close;
    e.code = payload.code;
    e.bytes = reinterpret_cast<const unsigned char*>(payload.reason.data());
    e.size = payload.reason.size();
    if (state_ == connection_state::open) {
      // §5.5.1: answer with a close frame, echoing the code.
      send_close_frame(payload.code, {});
    }
    state_ = connection_state::closed;
    timers_.closing_started();  // a client now waits (bounded) for the server's TCP close
    return e;
  }

  // §7.1.7: send a close frame if the handshake is done and none went out, and
  // stop reading.
  event fail(std::error_code ec) {
    event e;
    e.type = event_type::failure;
    e.error = ec;
    e.code = close_code::abnormal_closure;
    const close_code code = close_code_for(ec);
    const bool frames_allowed = state_ == connection_state::open || state_ == connection_state::closing;
    if (frames_allowed && !close_sent_ && is_sendable_close_code(static_cast<std::uint16_t>(code))) {
      send_close_frame(code, {});
      e.code = code;
    }
    stop(connection_state::failed);
    return e;
  }

  void send_close_frame(close_code code, std::string_view reason) {
    unsigned char body[max_control_payload];
    const std::size_t size = write_close_payload(code, reason, body);
    sender_.send_control(opcode::close, body, size);
    close_sent_ = true;
  }

  void queue_pong(const unsigned char* payload, std::size_t size) {
    if (sender_.fits(size + max_frame_header_size)) {
      sender_.send_control(opcode::pong, payload, size);
      return;
    }
    std::memcpy(pong_payload_, payload, size);
    pending_pong_size_ = size;
    pending_pong_ = true;
  }

  void flush_pending_pong() {
    if (!pending_pong_ || state_ != connection_state::open ||
        !sender_.fits(pending_pong_size_ + max_frame_header_size)) {
      return;
    }
    sender_.send_control(opcode::pong, pong_payload_, pending_pong_size_);
    pending_pong_ = false;
    pending_pong_size_ = 0;
  }

  std::error_code check_can_send() const noexcept {
    if (state_ == connection_state::open) return {};
    if (close_sent_ || state_ == connection_state::closed || state_ == connection_state::closing) {
      return error::send_after_close;
    }
    return state_ == connection_state::failed ? error::send_after_close : error::not_open;
  }

  std::error_code send_message(opcode op, const void* data, std::size_t size, bool borrow) {
    if (const std::error_code ec = check_can_send()) return ec;
    if (stream_open_) return error::message_in_progress;
    return sender_.send_data(op, data, size, true, true, borrow);
  }

  std::error_code send_stream_part(const void* data, std::size_t size, bool last) {
    if (const std::error_code ec = check_can_send()) return ec;
    if (!stream_open_) return error::no_message_in_progress;
    if (stream_op_ == opcode::text) {
      utf8_validator probe = outgoing_text_;
      if (!probe.feed(data, size).valid || (last && !probe.complete())) return error::text_not_utf8;
      if (const std::error_code ec = sender_.send_data(stream_op_, data, size, !stream_frames_sent_, last, false)) {
        return ec;
      }
      outgoing_text_ = probe;
    } else if (const std::error_code ec =
                   sender_.send_data(stream_op_, data, size, !stream_frames_sent_, last, false)) {
      return ec;
    }
    stream_frames_sent_ = true;
    if (last) stream_open_ = false;
    return {};
  }

  std::error_code send_control_checked(opcode op, std::string_view payload) {
    if (const std::error_code ec = check_can_send()) return ec;
    if (payload.size() > max_control_payload) return error::control_payload_too_long;
    sender_.send_control(op, payload.data(), payload.size());
    return {};
  }

  role role_;
  connection_options options_;
  frame_decoder decoder_;
  detail::frame_sender<Random> sender_;
  detail::keepalive_timers timers_;
  detail::input_buffer input_;
  connection_state state_;
  std::unique_ptr<server_handshake<>> server_handshake_;
  std::unique_ptr<client_handshake<>> client_handshake_;
  std::string subprotocol_;
  std::optional<event> pending_;
  utf8_validator incoming_text_;
  utf8_validator outgoing_text_;
  opcode stream_op_ = opcode::binary;
  bool stream_open_ = false;
  bool stream_frames_sent_ = false;
  bool close_sent_ = false;
  bool eof_ = false;
  bool close_wait_over_ = false;
  bool pending_pong_ = false;
  std::size_t control_size_ = 0;
  std::size_t pending_pong_size_ = 0;
  unsigned char control_payload_[max_control_payload] = {};
  unsigned char pong_payload_[max_control_payload] = {};
};

}  // namespace tether

#endif
