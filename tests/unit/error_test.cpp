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
