// tether — header-only, sans-IO WebSocket (RFC 6455). Boost Software License 1.0.
#ifndef TETHER_ERROR_HPP
#define TETHER_ERROR_HPP

#include <cstdint>
#include <string>
#include <system_error>
#include <type_traits>

#include "close_code.hpp"

namespace tether {

// One enumerator per broken rule. Each has one row in detail::error_table
// below: its condition, the close code or HTTP status to answer with, and a
// message naming the rule. Never reorder: the values index the table.
enum class error : int {
  // Base64, RFC 4648 §4 (strict decoding).
  base64_invalid_character = 1,
  base64_invalid_length,
  base64_invalid_padding,
  base64_non_canonical,

  // HTTP/1.1 head, RFC 9110 / RFC 9112.
  head_too_large,
  too_many_headers,
  bad_request_line,
  bad_method,
  bad_request_target,
  bad_http_version,
  bad_status_line,
  bad_header_name,
  whitespace_before_colon,
  bad_header_value,
  obsolete_line_folding,
  bad_line_ending,

  // Server side of the opening handshake, RFC 6455 §4.2.1.
  method_not_get,
  http_version_too_old,
  missing_host,
  duplicate_host,
  missing_upgrade_websocket,
  missing_connection_upgrade,
  missing_sec_websocket_key,
  bad_sec_websocket_key,
  missing_sec_websocket_version,
  unsupported_sec_websocket_version,
  request_has_body,
  bad_subprotocol_offer,
  bad_extension_offer,

  // Client side of the opening handshake, RFC 6455 §4.1.
  unexpected_status,
  missing_sec_websocket_accept,
  bad_sec_websocket_accept,
  unrequested_subprotocol,
  unrequested_extension,
  bad_extension_response,

  // URIs, RFC 6455 §3.
  bad_uri_scheme,
  bad_uri_host,
  bad_uri_port,
  uri_has_fragment,
  bad_uri,

  // HTTP/2 and HTTP/3 extended CONNECT, RFC 8441 §4-5 and RFC 9220.
  bad_pseudo_header,
  not_extended_connect,

  // Frames, RFC 6455 §5.
  reserved_opcode,
  reserved_bits,
  control_frame_fragmented,
  control_frame_too_long,
  length_top_bit_set,
  non_minimal_length,
  frame_too_big,
  message_too_big,
  unmasked_frame,
  masked_frame,
  unexpected_continuation,
  expected_continuation,
  invalid_utf8,
  bad_close_payload,
  invalid_close_code,

  // The connection as a whole, RFC 6455 §7.
  ping_timeout,
  close_timeout,
  handshake_timeout,
  connection_lost,
  input_backlog_too_large,
  slow_reader,
  extension_stalled,

  // Application misuse: refused, the connection stays as it was.
  not_open,
  close_already_sent,
  connection_closed,
  connection_failed,
  wrong_role,
  already_connected,
  no_request_pending,
  not_a_data_opcode,
  invalid_http_status,
  message_in_progress,
  no_message_in_progress,
  text_not_utf8,
  invalid_close_code_to_send,
  close_reason_too_long,
  header_injection,
  bad_extension_value,
  unsupported_extension,
  subprotocol_not_offered,
  empty_shared_message,
  output_queue_full,
  consume_beyond_queued,
  buffer_too_small,

  // permessage-deflate negotiation, RFC 7692 §5 and §7.1. A server declines a
  // bad offer (these say why); a client fails the connection on a bad response.
  unknown_deflate_parameter,
  duplicate_deflate_parameter,
  bad_deflate_parameter_value,
  deflate_window_bits_out_of_range,
  unoffered_deflate_parameter,
  missing_deflate_parameter,
  deflate_window_too_large,
  deflate_accepted_twice,
  bad_deflate_options,

  // permessage-deflate frames and payload, RFC 7692 §6 and §7.2.
  compressed_control_frame,
  compressed_continuation_frame,
  inflate_failed,
  deflate_message_truncated,
  inflated_message_too_big,
  zlib_error,
};

// Groups of errors, for code that reacts to a kind of failure rather than a rule.
enum class condition : int {
  handshake_failed = 1,
  protocol_violation,
  limit_exceeded,
  timeout,
  connection_lost,
  misuse,
};

namespace detail {

struct error_info {
  error value;
  const char* name;  // the enumerator's name, for logs and test fixtures
  condition group;
  close_code close;           // what to send in the close frame (after the handshake)
  std::uint16_t http_status;  // what to answer the handshake with (0: not an HTTP error)
  const char* message;
};

constexpr close_code no_close = close_code::none;

inline constexpr error_info error_table[] = {
    {error::base64_invalid_character, "base64_invalid_character", condition::handshake_failed, no_close, 400,
     "base64: character outside the RFC 4648 §4 alphabet"},
    {error::base64_invalid_length, "base64_invalid_length", condition::handshake_failed, no_close, 400,
     "base64: length is not a multiple of 4 (RFC 4648 §4 requires padding)"},
    {error::base64_invalid_padding, "base64_invalid_padding", condition::handshake_failed, no_close, 400,
     "base64: misplaced or excess '=' padding (RFC 4648 §4)"},
    {error::base64_non_canonical, "base64_non_canonical", condition::handshake_failed, no_close, 400,
     "base64: pad bits are not zero (RFC 4648 §3.5)"},

    {error::head_too_large, "head_too_large", condition::limit_exceeded, no_close, 431,
     "HTTP head exceeds the configured size limit (RFC 6585 §5)"},
    {error::too_many_headers, "too_many_headers", condition::limit_exceeded, no_close, 431,
     "HTTP head has more header fields than the configured limit (RFC 6585 §5)"},
    {error::bad_request_line, "bad_request_line", condition::handshake_failed, no_close, 400,
     "malformed HTTP request line (RFC 9112 §3)"},
    {error::bad_method, "bad_method", condition::handshake_failed, no_close, 400,
     "HTTP method is not a token (RFC 9112 §3.1)"},
    {error::bad_request_target, "bad_request_target", condition::handshake_failed, no_close, 400,
     "malformed HTTP request target (RFC 9112 §3.2)"},
    {error::bad_http_version, "bad_http_version", condition::handshake_failed, no_close, 400,
     "malformed HTTP version (RFC 9112 §2.3)"},
    {error::bad_status_line, "bad_status_line", condition::handshake_failed, no_close, 0,
     "malformed HTTP status line (RFC 9112 §4)"},
    {error::bad_header_name, "bad_header_name", condition::handshake_failed, no_close, 400,
     "header field name is not a token (RFC 9110 §5.1)"},
    {error::whitespace_before_colon, "whitespace_before_colon", condition::handshake_failed, no_close, 400,
     "whitespace between header field name and colon (RFC 9112 §5.1)"},
    {error::bad_header_value, "bad_header_value", condition::handshake_failed, no_close, 400,
     "invalid character in header field value (RFC 9110 §5.5)"},
    {error::obsolete_line_folding, "obsolete_line_folding", condition::handshake_failed, no_close, 400,
     "obsolete line folding is not accepted (RFC 9112 §5.2)"},
    {error::bad_line_ending, "bad_line_ending", condition::handshake_failed, no_close, 400,
     "HTTP lines must end with CRLF; bare CR or LF (RFC 9112 §2.2)"},

    {error::method_not_get, "method_not_get", condition::handshake_failed, no_close, 400,
     "the opening handshake must be a GET request (RFC 6455 §4.2.1)"},
    {error::http_version_too_old, "http_version_too_old", condition::handshake_failed, no_close, 400,
     "the opening handshake needs HTTP/1.1 or later (RFC 6455 §4.2.1)"},
    {error::missing_host, "missing_host", condition::handshake_failed, no_close, 400,
     "the opening handshake has no Host header (RFC 6455 §4.2.1)"},
    {error::duplicate_host, "duplicate_host", condition::handshake_failed, no_close, 400,
     "more than one Host header (RFC 9112 §3.2)"},
    {error::missing_upgrade_websocket, "missing_upgrade_websocket", condition::handshake_failed, no_close, 400,
     "Upgrade header lacks the token \"websocket\" (RFC 6455 §4.2.1)"},
    {error::missing_connection_upgrade, "missing_connection_upgrade", condition::handshake_failed, no_close, 400,
     "Connection header lacks the token \"Upgrade\" (RFC 6455 §4.2.1)"},
    {error::missing_sec_websocket_key, "missing_sec_websocket_key", condition::handshake_failed, no_close, 400,
     "no Sec-WebSocket-Key header (RFC 6455 §4.2.1)"},
    {error::bad_sec_websocket_key, "bad_sec_websocket_key", condition::handshake_failed, no_close, 400,
     "Sec-WebSocket-Key is not the base64 of 16 bytes (RFC 6455 §4.2.1)"},
    {error::missing_sec_websocket_version, "missing_sec_websocket_version", condition::handshake_failed, no_close, 426,
     "no Sec-WebSocket-Version header (RFC 6455 §4.2.1)"},
    {error::unsupported_sec_websocket_version, "unsupported_sec_websocket_version", condition::handshake_failed,
     no_close, 426, "Sec-WebSocket-Version is not 13 (RFC 6455 §4.2.2)"},
    {error::request_has_body, "request_has_body", condition::handshake_failed, no_close, 400,
     "an upgrade GET must not carry Content-Length or Transfer-Encoding (RFC 9110 §9.3.1)"},
    {error::bad_subprotocol_offer, "bad_subprotocol_offer", condition::handshake_failed, no_close, 400,
     "Sec-WebSocket-Protocol is not a list of tokens (RFC 6455 §4.1, §11.3.4)"},
    {error::bad_extension_offer, "bad_extension_offer", condition::handshake_failed, no_close, 400,
     "Sec-WebSocket-Extensions does not follow the grammar of RFC 6455 §9.1"},

    {error::unexpected_status, "unexpected_status", condition::handshake_failed, no_close, 0,
     "the server did not answer 101 Switching Protocols (RFC 6455 §4.1)"},
    {error::missing_sec_websocket_accept, "missing_sec_websocket_accept", condition::handshake_failed, no_close, 0,
     "no Sec-WebSocket-Accept header in the response (RFC 6455 §4.1)"},
    {error::bad_sec_websocket_accept, "bad_sec_websocket_accept", condition::handshake_failed, no_close, 0,
     "Sec-WebSocket-Accept does not match the key sent (RFC 6455 §4.1)"},
    {error::unrequested_subprotocol, "unrequested_subprotocol", condition::handshake_failed, no_close, 0,
     "the server selected a subprotocol the client did not offer (RFC 6455 §4.1)"},
    {error::unrequested_extension, "unrequested_extension", condition::handshake_failed, no_close, 0,
     "the server accepted an extension the client did not offer (RFC 6455 §4.1)"},
    {error::bad_extension_response, "bad_extension_response", condition::handshake_failed, no_close, 0,
     "Sec-WebSocket-Extensions response breaks the grammar of RFC 6455 §9.1"},

    {error::bad_uri_scheme, "bad_uri_scheme", condition::handshake_failed, no_close, 0,
     "WebSocket URI scheme must be ws or wss (RFC 6455 §3)"},
    {error::bad_uri_host, "bad_uri_host", condition::handshake_failed, no_close, 0,
     "WebSocket URI has a missing or malformed host (RFC 3986 §3.2.2)"},
    {error::bad_uri_port, "bad_uri_port", condition::handshake_failed, no_close, 0,
     "WebSocket URI port is not a number in 0-65535 (RFC 3986 §3.2.3)"},
    {error::uri_has_fragment, "uri_has_fragment", condition::handshake_failed, no_close, 0,
     "WebSocket URIs must not have a fragment (RFC 6455 §3)"},
    {error::bad_uri, "bad_uri", condition::handshake_failed, no_close, 0, "malformed WebSocket URI (RFC 3986 §3)"},

    {error::bad_pseudo_header, "bad_pseudo_header", condition::handshake_failed, no_close, 400,
     "missing, repeated or malformed pseudo-header (RFC 8441 §4, RFC 9113 §8.3)"},
    {error::not_extended_connect, "not_extended_connect", condition::handshake_failed, no_close, 400,
     "not an extended CONNECT with :protocol websocket (RFC 8441 §4)"},

    {error::reserved_opcode, "reserved_opcode", condition::protocol_violation, close_code::protocol_error, 0,
     "reserved opcode (RFC 6455 §5.2)"},
    {error::reserved_bits, "reserved_bits", condition::protocol_violation, close_code::protocol_error, 0,
     "RSV bit set without a negotiated extension (RFC 6455 §5.2)"},
    {error::control_frame_fragmented, "control_frame_fragmented", condition::protocol_violation,
     close_code::protocol_error, 0, "control frame with FIN=0 (RFC 6455 §5.5)"},
    {error::control_frame_too_long, "control_frame_too_long", condition::protocol_violation, close_code::protocol_error,
     0, "control frame payload over 125 bytes (RFC 6455 §5.5)"},
    {error::length_top_bit_set, "length_top_bit_set", condition::protocol_violation, close_code::protocol_error, 0,
     "64-bit payload length with the most significant bit set (RFC 6455 §5.2)"},
    {error::non_minimal_length, "non_minimal_length", condition::protocol_violation, close_code::protocol_error, 0,
     "payload length not in the minimal number of bytes (RFC 6455 §5.2)"},
    {error::frame_too_big, "frame_too_big", condition::limit_exceeded, close_code::message_too_big, 0,
     "frame payload exceeds the configured limit (RFC 6455 §7.4.1, 1009)"},
    {error::message_too_big, "message_too_big", condition::limit_exceeded, close_code::message_too_big, 0,
     "message exceeds the configured limit (RFC 6455 §7.4.1, 1009)"},
    {error::unmasked_frame, "unmasked_frame", condition::protocol_violation, close_code::protocol_error, 0,
     "a client sent an unmasked frame (RFC 6455 §5.1)"},
    {error::masked_frame, "masked_frame", condition::protocol_violation, close_code::protocol_error, 0,
     "a server sent a masked frame (RFC 6455 §5.1)"},
    {error::unexpected_continuation, "unexpected_continuation", condition::protocol_violation,
     close_code::protocol_error, 0, "continuation frame without a message to continue (RFC 6455 §5.4)"},
    {error::expected_continuation, "expected_continuation", condition::protocol_violation, close_code::protocol_error,
     0, "new data frame inside a fragmented message (RFC 6455 §5.4)"},
    {error::invalid_utf8, "invalid_utf8", condition::protocol_violation, close_code::invalid_payload, 0,
     "text is not valid UTF-8 (RFC 6455 §8.1, RFC 3629)"},
    {error::bad_close_payload, "bad_close_payload", condition::protocol_violation, close_code::protocol_error, 0,
     "close frame body of 1 byte (RFC 6455 §5.5.1)"},
    {error::invalid_close_code, "invalid_close_code", condition::protocol_violation, close_code::protocol_error, 0,
     "close code not allowed on the wire (RFC 6455 §7.4)"},

    {error::ping_timeout, "ping_timeout", condition::timeout, close_code::internal_error, 0,
     "no pong arrived within the keep-alive timeout"},
    {error::close_timeout, "close_timeout", condition::timeout, close_code::abnormal_closure, 0,
     "the closing handshake did not finish in time (RFC 6455 §7.1.1)"},
    {error::handshake_timeout, "handshake_timeout", condition::timeout, close_code::abnormal_closure, 0,
     "the opening handshake did not finish in time"},
    {error::connection_lost, "connection_lost", condition::connection_lost, close_code::abnormal_closure, 0,
     "the transport ended without a close frame (RFC 6455 §7.1.5, 1006)"},
    {error::input_backlog_too_large, "input_backlog_too_large", condition::limit_exceeded, close_code::policy_violation,
     0, "undecoded input piled up past max_buffered_input (bytes received while events were not drained)"},
    {error::slow_reader, "slow_reader", condition::limit_exceeded, close_code::policy_violation, 0,
     "queued output stayed above the high watermark longer than max_backpressure_time"},
    {error::extension_stalled, "extension_stalled", condition::protocol_violation, close_code::internal_error, 0,
     "the negotiated extension could not make progress on a message (RFC 6455 §9)"},

    {error::not_open, "not_open", condition::misuse, no_close, 0, "the opening handshake has not finished"},
    {error::close_already_sent, "close_already_sent", condition::misuse, no_close, 0,
     "no data frame may follow a sent close frame (RFC 6455 §5.5.1)"},
    {error::connection_closed, "connection_closed", condition::misuse, no_close, 0,
     "the closing handshake is over: nothing more may be sent (RFC 6455 §7.1.4)"},
    {error::connection_failed, "connection_failed", condition::misuse, no_close, 0,
     "the connection failed, was rejected or aborted: nothing more may be sent (RFC 6455 §7.1.7)"},
    {error::wrong_role, "wrong_role", condition::misuse, no_close, 0,
     "the call belongs to the other role (client or server)"},
    {error::already_connected, "already_connected", condition::misuse, no_close, 0, "connect() was called already"},
    {error::no_request_pending, "no_request_pending", condition::misuse, no_close, 0,
     "accept() or reject() without an upgrade request awaiting a decision"},
    {error::not_a_data_opcode, "not_a_data_opcode", condition::misuse, no_close, 0,
     "messages are text or binary; control frames have their own calls (RFC 6455 §5.6)"},
    {error::invalid_http_status, "invalid_http_status", condition::misuse, no_close, 0,
     "a rejection needs a final status code in 200-599 (RFC 9110 §15)"},
    {error::message_in_progress, "message_in_progress", condition::misuse, no_close, 0,
     "a streamed message is still open; finish it first (RFC 6455 §5.4)"},
    {error::no_message_in_progress, "no_message_in_progress", condition::misuse, no_close, 0,
     "no streamed message is open"},
    {error::text_not_utf8, "text_not_utf8", condition::misuse, no_close, 0,
     "text messages must be valid UTF-8 (RFC 6455 §5.6)"},
    {error::invalid_close_code_to_send, "invalid_close_code_to_send", condition::misuse, no_close, 0,
     "this close code must not be sent (RFC 6455 §7.4), or a reason without a code"},
    {error::close_reason_too_long, "close_reason_too_long", condition::misuse, no_close, 0,
     "a close reason holds at most 123 bytes (RFC 6455 §5.5: 125 with the code)"},
    {error::header_injection, "header_injection", condition::misuse, no_close, 0,
     "header name or value would inject CR/LF or invalid bytes (RFC 9110 §5)"},
    {error::bad_extension_value, "bad_extension_value", condition::misuse, no_close, 0,
     "the extension list to send breaks the grammar of RFC 6455 §9.1"},
    {error::unsupported_extension, "unsupported_extension", condition::misuse, no_close, 0,
     "the connection cannot run this extension: agreeing to it would break every frame (RFC 6455 §9)"},
    {error::subprotocol_not_offered, "subprotocol_not_offered", condition::misuse, no_close, 0,
     "the selected subprotocol was not offered by the client (RFC 6455 §4.2.2)"},
    {error::empty_shared_message, "empty_shared_message", condition::misuse, no_close, 0,
     "the shared message is empty (default-constructed, or made from text that is not UTF-8)"},
    {error::output_queue_full, "output_queue_full", condition::limit_exceeded, no_close, 0,
     "the output queue is at its configured limit"},
    {error::consume_beyond_queued, "consume_beyond_queued", condition::misuse, no_close, 0,
     "consume() was given more bytes than are queued (a failed write's -1?)"},
    {error::buffer_too_small, "buffer_too_small", condition::misuse, no_close, 0,
     "the destination buffer is too small"},

    {error::unknown_deflate_parameter, "unknown_deflate_parameter", condition::handshake_failed, no_close, 0,
     "permessage-deflate parameter not defined for this element (RFC 7692 §7, §7.1)"},
    {error::duplicate_deflate_parameter, "duplicate_deflate_parameter", condition::handshake_failed, no_close, 0,
     "a permessage-deflate parameter appears more than once (RFC 7692 §7)"},
    {error::bad_deflate_parameter_value, "bad_deflate_parameter_value", condition::handshake_failed, no_close, 0,
     "permessage-deflate parameter value malformed: a value on a no_context_takeover flag, a missing window size, "
     "or not digits without a leading zero (RFC 7692 §7.1)"},
    {error::deflate_window_bits_out_of_range, "deflate_window_bits_out_of_range", condition::handshake_failed, no_close,
     0, "permessage-deflate window bits outside 8-15 (RFC 7692 §7.1.2)"},
    {error::unoffered_deflate_parameter, "unoffered_deflate_parameter", condition::handshake_failed, no_close, 0,
     "the response has client_max_window_bits but the offer did not (RFC 7692 §7.1.2.2)"},
    {error::missing_deflate_parameter, "missing_deflate_parameter", condition::handshake_failed, no_close, 0,
     "a parameter the offer required is missing: server_no_context_takeover (RFC 7692 §7.1.1.1), "
     "server_max_window_bits (§7.1.2.1) or client_max_window_bits (§7.1.2.2)"},
    {error::deflate_window_too_large, "deflate_window_too_large", condition::handshake_failed, no_close, 0,
     "the response allows a larger window than the offer did (RFC 7692 §7.1.2)"},
    {error::deflate_accepted_twice, "deflate_accepted_twice", condition::handshake_failed, no_close, 0,
     "permessage-deflate accepted more than once: both would use RSV1 (RFC 7692 §5)"},
    {error::bad_deflate_options, "bad_deflate_options", condition::misuse, no_close, 0,
     "deflate_options out of range: window bits 8-15, memory level 1-9, compression level 0-9"},

    {error::compressed_control_frame, "compressed_control_frame", condition::protocol_violation,
     close_code::protocol_error, 0, "RSV1 (per-message compressed) set on a control frame (RFC 7692 §6.1)"},
    {error::compressed_continuation_frame, "compressed_continuation_frame", condition::protocol_violation,
     close_code::protocol_error, 0, "RSV1 (per-message compressed) set on a continuation frame (RFC 7692 §6.1)"},
    // 1007 as Node's ws answers a corrupt compressed stream (lib/permessage-deflate.js);
    // RFC 7692 names no code, python-websockets uses 1002.
    {error::inflate_failed, "inflate_failed", condition::protocol_violation, close_code::invalid_payload, 0,
     "compressed payload is not a valid DEFLATE stream (RFC 7692 §7.2.2, RFC 1951)"},
    {error::deflate_message_truncated, "deflate_message_truncated", condition::protocol_violation,
     close_code::invalid_payload, 0,
     "compressed message does not end on a DEFLATE block boundary (RFC 7692 §7.2.1-7.2.2)"},
    {error::inflated_message_too_big, "inflated_message_too_big", condition::limit_exceeded,
     close_code::message_too_big, 0, "decompressed message exceeds the configured limit (RFC 6455 §7.4.1, 1009)"},
    {error::zlib_error, "zlib_error", condition::limit_exceeded, close_code::internal_error, 0,
     "zlib failed: out of memory or an internal error (1011)"},
};

constexpr std::size_t error_count = sizeof(error_table) / sizeof(error_table[0]);

constexpr const error_info* find_error_info(int value) noexcept {
  return (value >= 1 && static_cast<std::size_t>(value) <= error_count) ? &error_table[value - 1] : nullptr;
}

class error_category_impl final : public std::error_category {
 public:
  const char* name() const noexcept override { return "tether"; }
  std::string message(int value) const override {
    const error_info* info = find_error_info(value);
    return info != nullptr ? info->message : "unknown tether error";
  }
  std::error_condition default_error_condition(int value) const noexcept override;
};

class condition_category_impl final : public std::error_category {
 public:
  const char* name() const noexcept override { return "tether.condition"; }
  std::string message(int value) const override {
    switch (static_cast<condition>(value)) {
      case condition::handshake_failed:
        return "the opening handshake failed";
      case condition::protocol_violation:
        return "the peer broke the WebSocket protocol";
      case condition::limit_exceeded:
        return "a configured limit was exceeded";
      case condition::timeout:
        return "a deadline passed";
      case condition::connection_lost:
        return "the connection was lost";
      case condition::misuse:
        return "the application misused the connection";
    }
    return "unknown tether condition";
  }
};

}  // namespace detail

namespace detail {
// Constant-initialized (std::error_category's constructor is constexpr): no
// guard to test on each use, as a function-local static would have, so
// returning a success code from send_binary() costs nothing.
inline const error_category_impl error_category_instance;
inline const condition_category_impl condition_category_instance;
}  // namespace detail

inline const std::error_category& error_category() noexcept { return detail::error_category_instance; }

inline const std::error_category& condition_category() noexcept { return detail::condition_category_instance; }

// error{} (no error) is the empty std::error_code, like any success.
inline std::error_code make_error_code(error e) noexcept {
  if (e == error{}) return {};
  return {static_cast<int>(e), error_category()};
}

inline std::error_condition make_error_condition(condition c) noexcept {
  return {static_cast<int>(c), condition_category()};
}

inline std::error_condition detail::error_category_impl::default_error_condition(int value) const noexcept {
  const error_info* info = find_error_info(value);
  if (info == nullptr) return {value, *this};
  return make_error_condition(info->group);
}

// The enumerator's name ("reserved_opcode"): stable like the enum itself,
// unlike the message, so logs and fixtures can name the rule.
inline const char* error_name(error e) noexcept {
  const detail::error_info* info = detail::find_error_info(static_cast<int>(e));
  return info != nullptr ? info->name : "unknown";
}

// The close code to send when this error fails an open connection (none for
// errors that are not about received frames).
inline close_code close_code_for(std::error_code ec) noexcept {
  if (ec.category() != error_category()) return close_code::none;
  const detail::error_info* info = detail::find_error_info(ec.value());
  return info != nullptr ? info->close : close_code::none;
}

// The HTTP status to answer a failed opening handshake with (0 when the error is
// not one a server answers, e.g. a client-side response check).
inline std::uint16_t http_status_for(std::error_code ec) noexcept {
  if (ec.category() != error_category()) return 0;
  const detail::error_info* info = detail::find_error_info(ec.value());
  return info != nullptr ? info->http_status : 0;
}

}  // namespace tether

namespace std {
template <>
struct is_error_code_enum<tether::error> : true_type {};
template <>
struct is_error_condition_enum<tether::condition> : true_type {};
}  // namespace std

#endif
