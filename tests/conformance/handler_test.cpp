// The convenient path: dispatch_events with whole messages.
#include <tether/connection.hpp>

#include "conversation.hpp"
#include "tether_catch.hpp"

using test::frame;
using tether::opcode;

namespace {

struct recording_handler {
  std::vector<std::string> log;
  void on_open() { log.push_back("open"); }
  void on_message(opcode type, std::string_view payload) {
    log.push_back(std::string(type == opcode::text ? "text:" : "binary:") + std::string(payload));
  }
  void on_ping(std::string_view payload) { log.push_back("ping:" + std::string(payload)); }
  void on_close(tether::close_code code, std::string_view reason) {
    log.push_back("close " + std::to_string(static_cast<int>(code)) + ":" + std::string(reason));
  }
  void on_failure(std::error_code error, tether::close_code) {
    log.push_back(std::string("failure ") + tether::error_name(static_cast<tether::error>(error.value())));
  }
};

// Only one member: the rest are optional.
struct messages_only {
  int count = 0;
  void on_message(opcode, std::string_view) { ++count; }
};

}  // namespace

TEST_CASE("handler: whole messages, control events and the close, in order", "[connection][handler]") {
  tether::connection server(tether::role::server);
  recording_handler handler;
  tether::message_assembler messages;
  test::bytes input = test::concat({test::from_text(test::sample_request()), frame(opcode::text, "Hel", false),
                                    frame(opcode::ping, "p"), frame(opcode::continuation, "lo"),
                                    frame(opcode::binary, "bin"), frame(opcode::close, test::close_body(1000, "bye"))});
  server.receive(static_cast<void*>(input.data()), input.size());
  tether::dispatch_events(server, messages, handler);  // accepts by default
  CHECK(server.state() == tether::connection_state::closed);
  CHECK(handler.log == std::vector<std::string>{"open", "ping:p", "text:Hello", "binary:bin", "close 1000:bye"});
}

TEST_CASE("handler: a message over the assembler's limit closes with 1009", "[connection][handler]") {
  tether::connection server(tether::role::server);
  test::open_server(server);
  messages_only handler;
  tether::message_assembler messages(4);
  test::bytes input = test::concat({frame(opcode::text, "ok"), frame(opcode::text, "too long")});
  server.receive(static_cast<void*>(input.data()), input.size());
  tether::dispatch_events(server, messages, handler);
  CHECK(handler.count == 1);
  CHECK(test::take_output(server) ==
        test::text_of(frame(opcode::close, test::close_body(1009, "message too big"), true, false)));
}
