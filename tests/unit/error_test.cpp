#include <tether/error.hpp>

#include <string>

#include "tether_catch.hpp"

TEST_CASE("every error has its row in the table, in order", "[error]") {
  for (std::size_t i = 0; i < tether::detail::error_count; ++i) {
    INFO("row " << i);
    CHECK(static_cast<std::size_t>(tether::detail::error_table[i].value) == i + 1);
    // Messages are for people and may be reworded: tests hold them only to
    // exist and, for a broken protocol rule, to cite its RFC; never to a wording.
    const std::string message = tether::detail::error_table[i].message;
    CHECK_FALSE(message.empty());
    const tether::condition group = tether::detail::error_table[i].group;
    if (group == tether::condition::protocol_violation || group == tether::condition::handshake_failed) {
      CHECK(message.find("RFC ") != std::string::npos);
    }
  }
  CHECK(static_cast<std::size_t>(tether::error::zlib_error) == tether::detail::error_count);
}

TEST_CASE("errors compare equal to their condition", "[error]") {
  std::error_code ec = tether::error::reserved_opcode;
  CHECK(ec == tether::condition::protocol_violation);
  CHECK(ec != tether::condition::handshake_failed);
  CHECK(std::error_code(tether::error::message_too_big) == tether::condition::limit_exceeded);
  CHECK(std::error_code(tether::error::bad_sec_websocket_key) == tether::condition::handshake_failed);
  CHECK(std::error_code(tether::error::close_already_sent) == tether::condition::misuse);
  CHECK(std::string(ec.category().name()) == "tether");
  CHECK(std::string(tether::error_name(tether::error::reserved_opcode)) == "reserved_opcode");
}

TEST_CASE("errors carry the close code and HTTP status to answer with", "[error]") {
  using tether::close_code;
  using tether::error;
  CHECK(tether::close_code_for(error::reserved_opcode) == close_code::protocol_error);
  CHECK(tether::close_code_for(error::invalid_utf8) == close_code::invalid_payload);
  CHECK(tether::close_code_for(error::message_too_big) == close_code::message_too_big);
  CHECK(tether::close_code_for(error::frame_too_big) == close_code::message_too_big);
  CHECK(tether::close_code_for(error::bad_sec_websocket_key) == close_code::none);
  CHECK(tether::http_status_for(error::bad_sec_websocket_key) == 400);
  CHECK(tether::http_status_for(error::unsupported_sec_websocket_version) == 426);
  CHECK(tether::http_status_for(error::head_too_large) == 431);
  CHECK(tether::http_status_for(std::make_error_code(std::errc::invalid_argument)) == 0);
}

TEST_CASE("close codes allowed on the wire follow RFC 6455 §7.4", "[error]") {
  for (unsigned code : {1000u, 1001u, 1002u, 1003u, 1007u, 1008u, 1009u, 1010u, 1011u, 1012u, 1013u, 1014u, 3000u,
                        3999u, 4000u, 4999u}) {
    INFO(code);
    CHECK(tether::is_sendable_close_code(static_cast<std::uint16_t>(code)));
  }
  for (unsigned code : {0u, 999u, 1004u, 1005u, 1006u, 1015u, 1016u, 1100u, 2000u, 2999u, 5000u, 65535u}) {
    INFO(code);
    CHECK_FALSE(tether::is_sendable_close_code(static_cast<std::uint16_t>(code)));
  }
}

TEST_CASE("every error answers with its RFC's close code and HTTP status", "[error]") {
  using tether::close_code;
  using tether::error;
  // RFC 6455 §7.4.1: 1002 for a broken protocol rule, 1007 for data that is
  // not what its type says, 1009 for too big, 1008 for a policy limit, 1011
  // for an internal failure, 1006 (never sent) when no close frame can go
  // out. §4.2.1: 400 for a bad request, 426 with the version header for an
  // unsupported version; RFC 6585 §5: 431 for a head too large.
  struct answer {
    error rule;
    close_code code;
    int status;
  };
  const answer answers[] = {
      {error::base64_invalid_character, close_code::none, 400},
      {error::base64_invalid_length, close_code::none, 400},
      {error::base64_invalid_padding, close_code::none, 400},
      {error::base64_non_canonical, close_code::none, 400},
      {error::head_too_large, close_code::none, 431},
      {error::too_many_headers, close_code::none, 431},
      {error::bad_request_line, close_code::none, 400},
      {error::bad_method, close_code::none, 400},
      {error::bad_request_target, close_code::none, 400},
      {error::bad_http_version, close_code::none, 400},
      {error::bad_status_line, close_code::none, 0},
      {error::bad_header_name, close_code::none, 400},
      {error::whitespace_before_colon, close_code::none, 400},
      {error::bad_header_value, close_code::none, 400},
      {error::obsolete_line_folding, close_code::none, 400},
      {error::bad_line_ending, close_code::none, 400},
      {error::method_not_get, close_code::none, 400},
      {error::http_version_too_old, close_code::none, 400},
      {error::missing_host, close_code::none, 400},
      {error::duplicate_host, close_code::none, 400},
      {error::missing_upgrade_websocket, close_code::none, 400},
      {error::missing_connection_upgrade, close_code::none, 400},
      {error::missing_sec_websocket_key, close_code::none, 400},
      {error::bad_sec_websocket_key, close_code::none, 400},
      {error::missing_sec_websocket_version, close_code::none, 426},
      {error::unsupported_sec_websocket_version, close_code::none, 426},
      {error::request_has_body, close_code::none, 400},
      {error::bad_subprotocol_offer, close_code::none, 400},
      {error::bad_extension_offer, close_code::none, 400},
      {error::unexpected_status, close_code::none, 0},
      {error::missing_sec_websocket_accept, close_code::none, 0},
      {error::bad_sec_websocket_accept, close_code::none, 0},
      {error::unrequested_subprotocol, close_code::none, 0},
      {error::unrequested_extension, close_code::none, 0},
      {error::bad_extension_response, close_code::none, 0},
      {error::bad_uri_scheme, close_code::none, 0},
      {error::bad_uri_host, close_code::none, 0},
      {error::bad_uri_port, close_code::none, 0},
      {error::uri_has_fragment, close_code::none, 0},
      {error::bad_uri, close_code::none, 0},
      {error::bad_pseudo_header, close_code::none, 400},
      {error::not_extended_connect, close_code::none, 400},
      {error::reserved_opcode, close_code::protocol_error, 0},
      {error::reserved_bits, close_code::protocol_error, 0},
      {error::control_frame_fragmented, close_code::protocol_error, 0},
      {error::control_frame_too_long, close_code::protocol_error, 0},
      {error::length_top_bit_set, close_code::protocol_error, 0},
      {error::non_minimal_length, close_code::protocol_error, 0},
      {error::frame_too_big, close_code::message_too_big, 0},
      {error::message_too_big, close_code::message_too_big, 0},
      {error::unmasked_frame, close_code::protocol_error, 0},
      {error::masked_frame, close_code::protocol_error, 0},
      {error::unexpected_continuation, close_code::protocol_error, 0},
      {error::expected_continuation, close_code::protocol_error, 0},
      {error::invalid_utf8, close_code::invalid_payload, 0},
      {error::bad_close_payload, close_code::protocol_error, 0},
      {error::invalid_close_code, close_code::protocol_error, 0},
      {error::ping_timeout, close_code::internal_error, 0},
      {error::close_timeout, close_code::abnormal_closure, 0},
      {error::handshake_timeout, close_code::abnormal_closure, 0},
      {error::connection_lost, close_code::abnormal_closure, 0},
      {error::input_backlog_too_large, close_code::policy_violation, 0},
      {error::slow_reader, close_code::policy_violation, 0},
      {error::extension_stalled, close_code::internal_error, 0},
      {error::not_open, close_code::none, 0},
      {error::close_already_sent, close_code::none, 0},
      {error::connection_closed, close_code::none, 0},
      {error::connection_failed, close_code::none, 0},
      {error::wrong_role, close_code::none, 0},
      {error::already_connected, close_code::none, 0},
      {error::no_request_pending, close_code::none, 0},
      {error::not_a_data_opcode, close_code::none, 0},
      {error::invalid_http_status, close_code::none, 0},
      {error::message_in_progress, close_code::none, 0},
      {error::no_message_in_progress, close_code::none, 0},
      {error::text_not_utf8, close_code::none, 0},
      {error::invalid_close_code_to_send, close_code::none, 0},
      {error::close_reason_too_long, close_code::none, 0},
      {error::header_injection, close_code::none, 0},
      {error::bad_extension_value, close_code::none, 0},
      {error::unsupported_extension, close_code::none, 0},
      {error::subprotocol_not_offered, close_code::none, 0},
      {error::empty_shared_message, close_code::none, 0},
      {error::output_queue_full, close_code::none, 0},
      {error::consume_beyond_queued, close_code::none, 0},
      {error::buffer_too_small, close_code::none, 0},
      {error::unknown_deflate_parameter, close_code::none, 0},
      {error::duplicate_deflate_parameter, close_code::none, 0},
      {error::bad_deflate_parameter_value, close_code::none, 0},
      {error::deflate_window_bits_out_of_range, close_code::none, 0},
      {error::unoffered_deflate_parameter, close_code::none, 0},
      {error::missing_deflate_parameter, close_code::none, 0},
      {error::deflate_window_too_large, close_code::none, 0},
      {error::deflate_accepted_twice, close_code::none, 0},
      {error::bad_deflate_options, close_code::none, 0},
      {error::compressed_control_frame, close_code::protocol_error, 0},
      {error::compressed_continuation_frame, close_code::protocol_error, 0},
      {error::inflate_failed, close_code::invalid_payload, 0},
      {error::deflate_message_truncated, close_code::invalid_payload, 0},
      {error::inflated_message_too_big, close_code::message_too_big, 0},
      {error::zlib_error, close_code::internal_error, 0},
  };
  CHECK(sizeof answers / sizeof answers[0] == tether::detail::error_count);
  for (const answer& a : answers) {
    INFO(tether::error_name(a.rule));
    CHECK(tether::close_code_for(a.rule) == a.code);
    CHECK(tether::http_status_for(a.rule) == a.status);
  }
}
