// Connection, server role: arbitrary bytes after a valid handshake (and as the
// handshake itself). No crash, output bounded; a failure answers with the close
// code of the rule it names (or 1006 when no close frame could be sent), and a
// failed connection reports nothing after its failure; events are drained
// after every piece.
#include <tether/connection.hpp>

#include <string>
#include <vector>

#include "fuzz_check.hpp"

namespace {

const std::string request =
    "GET / HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
    "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n";

void drive(tether::connection& ws, std::vector<unsigned char>& input, std::size_t step) {
  bool failed = false;
  for (std::size_t offset = 0; offset < input.size(); offset += step) {
    const std::size_t piece = input.size() - offset < step ? input.size() - offset : step;
    ws.receive(static_cast<void*>(input.data() + offset), piece);
    for (tether::event e = ws.next_event(); e; e = ws.next_event()) {
      FUZZ_CHECK(!failed);  // nothing after the failure: no data, no control frame, no second failure
      if (e.type == tether::event_type::upgrade_request) FUZZ_CHECK(!ws.accept());
      if (e.type == tether::event_type::failure) {
        failed = true;
        // RFC 6455 §7.1.7: fail with the close code of the broken rule; 1006
        // only when no close frame went out (handshake not done, peer gone).
        FUZZ_CHECK(e.code == tether::close_code_for(e.error()) || e.code == tether::close_code::abnormal_closure);
      }
      if (e.type == tether::event_type::data && e.message_ends && e.message_type == tether::opcode::text) {
        static_cast<void>(ws.send_text(e.text()));  // echo what fits in one piece (or refused: queue full)
      }
    }
    FUZZ_CHECK(ws.queued_output() <= (1u << 16) + 4096);
    FUZZ_CHECK(!ws.consume(ws.queued_output()));
  }
  ws.receive_eof();
  for (tether::event e = ws.next_event(); e; e = ws.next_event()) {
    FUZZ_CHECK(!failed || e.type == tether::event_type::none);
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const unsigned char* data, std::size_t size) {
  tether::connection_options options;
  options.max_frame_size = 4096;
  options.max_message_size = 8192;
  options.max_queued_output = 1u << 16;
  options.handshake_limits.max_head_size = 2048;
  {
    tether::connection ws(tether::role::server, options);
    std::vector<unsigned char> input(request.begin(), request.end());
    input.insert(input.end(), data, data + size);
    drive(ws, input, size == 0 ? 1 : 1 + data[0] % 97);
  }
  {
    tether::connection raw(tether::role::server, options);
    std::vector<unsigned char> input(data, data + size);
    drive(raw, input, 13);
  }
  return 0;
}
