// A handler member with a callback's name that the library cannot call is a
// compile error, never silently skipped (a skipped on_upgrade would accept).
#include <tether/connection.hpp>

#include <string_view>

struct handler {
#ifdef TETHER_COMPILE_OK
  void on_message(tether::opcode, std::string_view) {}
#else
  void on_message(int not_a_message) { static_cast<void>(not_a_message); }
#endif
};

int main() {
  tether::connection ws(tether::role::server);
  tether::message_assembler messages;
  handler h;
  tether::dispatch_events(ws, messages, h);
}
