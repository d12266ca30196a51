// One connection, either role, against hostile bytes: a server gets a valid
// upgrade request followed by the input (and, in a second run, the input as
// its request); a client gets the right 101 answer for its own key followed by
// the input. The input also chooses how the bytes are split into reads, how
// much of the output is written (consumed) at each step, clock jumps, and
// sends, pings and closes in between. Invariants:
//  - every text message delivered is valid UTF-8 (RFC 6455 §8.1), and no
//    message is larger than max_message_size (§7.4.1 1009);
//  - a failed connection reports nothing after its failure event and queues
//    nothing but what it had queued (its close) — sends are refused;
//  - output buffers handed out never change or move before they are consumed;
//  - queued output and buffered input stay within the configured limits;
//  - the same input read whole and read in pieces (without the application
//    calls in between) gives the same events and the same verdict.
#include <tether/connection.hpp>
#include <tether/random.hpp>

#include <array>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

#include "../support/pair_driver.hpp"
#include "fuzz_check.hpp"

namespace {

using bytes = std::vector<unsigned char>;

const std::string upgrade_request =
    "GET /chat HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
    "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n";

struct choices {
  const unsigned char* data;
  std::size_t size;
  std::size_t at = 0;
  unsigned next(unsigned n) { return at < size ? data[at++] % n : 0; }
};

struct limits {
  tether::connection_options options;
  limits() {
    options.max_frame_size = 4096;
    options.max_message_size = 8192;
    options.max_queued_output = 1u << 16;
    options.max_buffered_input = 1u << 15;
    options.handshake_limits.max_head_size = 2048;
    options.ping_interval = std::chrono::milliseconds(1000);
    options.pong_timeout = std::chrono::milliseconds(1000);
    options.close_timeout = std::chrono::milliseconds(1000);
  }
};

// Everything observable, to compare a whole read with reads in pieces.
struct run_log {
  std::string events;
  bool failed = false;
};

class fuzz_run {
 public:
  fuzz_run(tether::role self, const tether::connection_options& options)
      : ws_(self, options, tether::chacha20_random(std::array<std::uint32_t, 8>{}.data(), 0)), options_(options) {}

  using connection = tether::basic_connection<tether::chacha20_random>;  // a fixed key: runs repeat
  connection& ws() { return ws_; }

  // The client's upgrade request, written: the bytes the server would read.
  std::string take_output() {
    std::string out;
    tether::const_buffer buffers[16];
    const std::size_t count = ws_.output_buffers(buffers, 16);
    for (std::size_t i = 0; i < count; ++i) out.append(static_cast<const char*>(buffers[i].data), buffers[i].size);
    FUZZ_CHECK(!ws_.consume(out.size()));
    held_.clear();
    return out;
  }

  enum class mode { whole, split, split_with_calls };

  void drive(bytes input, choices& pick, mode how) {
    for (std::size_t offset = 0; offset < input.size();) {
      std::size_t piece = how == mode::whole ? input.size() : 1 + pick.next(200);
      if (piece > input.size() - offset) piece = input.size() - offset;
      bytes read(input.begin() + static_cast<long>(offset), input.begin() + static_cast<long>(offset + piece));
      offset += piece;
      ws_.receive(static_cast<void*>(read.data()), read.size());
      drain();
      std::fill(read.begin(), read.end(), 0xA5);  // the caller reuses its read buffer
      if (how == mode::split_with_calls) {
        act(pick);
      } else {
        take_output();
      }
      verify_held();
      FUZZ_CHECK(ws_.queued_output() <= options_.max_queued_output + 4096);
    }
    ws_.receive_eof();
    drain();
  }

  const run_log& log() const { return log_; }

 private:
  void drain() {
    for (tether::event e = ws_.next_event(); e; e = ws_.next_event()) {
      FUZZ_CHECK(!log_.failed);  // nothing after a failure
      // Pieces of a message depend on the reads; whole messages do not.
      if (e.type != tether::event_type::data || e.message_ends) {
        log_.events += std::to_string(static_cast<int>(e.type)) + ":";
      }
      switch (e.type) {
        case tether::event_type::upgrade_request:
          FUZZ_CHECK(!ws_.accept());
          break;
        case tether::event_type::data:
          if (e.message_begins) message_.clear(), text_ = e.message_type == tether::opcode::text;
          message_.append(e.text());
          FUZZ_CHECK(message_.size() <= options_.max_message_size);
          if (e.message_ends) {
            if (text_) FUZZ_CHECK(tether::is_valid_utf8(message_));
            log_.events += message_ + ";";
          }
          continue;
        case tether::event_type::failure: {
          FUZZ_CHECK(e.failure != tether::error{});
          // The close code answers the rule broken (§7.4.1), or 1006 when no close frame went out.
          FUZZ_CHECK(e.code == tether::close_code_for(e.error()) || e.code == tether::close_code::abnormal_closure);
          log_.failed = true;
          log_.events += std::to_string(static_cast<int>(e.failure)) + "/" + std::to_string(static_cast<int>(e.code));
          // A failed connection sends nothing more of its own.
          const std::size_t queued = ws_.queued_output();
          FUZZ_CHECK(ws_.send_text("after failure"));
          FUZZ_CHECK(ws_.ping("x"));
          FUZZ_CHECK(ws_.queued_output() == queued);
          break;
        }
        default:
          log_.events.append(reinterpret_cast<const char*>(e.bytes), e.size);
      }
      log_.events += ";";
    }
  }

  // Application calls between reads: partial writes, sends, pings, a close, time.
  void act(choices& pick) {
    switch (pick.next(6)) {
      case 0: {  // an async write of part of the output completes
        if (held_.empty()) hold();
        std::size_t budget = pick.next(4) == 0 ? ~std::size_t{0} : pick.next(3000);
        std::size_t written = 0;
        while (budget != 0 && !held_.empty()) {
          tether::const_buffer& front = held_.front();
          const std::size_t n = front.size < budget ? front.size : budget;
          front.data = static_cast<const char*>(front.data) + n;
          front.size -= n;
          budget -= n;
          written += n;
          if (front.size == 0) held_.erase(held_.begin()), held_hash_.erase(held_hash_.begin());
          else held_hash_.front() = test::hash_bytes(front.data, front.size);
        }
        FUZZ_CHECK(!ws_.consume(written));
        break;
      }
      case 1:
        static_cast<void>(ws_.send_text(std::string(pick.next(300), 'e')));
        break;
      case 2:
        static_cast<void>(ws_.ping("p"));
        break;
      case 3:
        now_ += std::chrono::milliseconds(pick.next(4) * 400);
        ws_.tick(now_);
        drain();
        break;
      case 4:
        if (pick.next(16) == 0) static_cast<void>(ws_.close(tether::close_code::normal, "bye", now_));
        break;
      default:
        break;
    }
  }

  void hold() {
    tether::const_buffer buffers[32];
    const std::size_t count = ws_.output_buffers(buffers, 32);
    for (std::size_t i = 0; i < count; ++i) {
      held_.push_back(buffers[i]);
      held_hash_.push_back(test::hash_bytes(buffers[i].data, buffers[i].size));
    }
  }

  void verify_held() {
    for (std::size_t i = 0; i < held_.size(); ++i) {
      FUZZ_CHECK(test::hash_bytes(held_[i].data, held_[i].size) == held_hash_[i]);
    }
    if (held_.empty()) return;
    tether::const_buffer first{};
    FUZZ_CHECK(ws_.output_buffers(&first, 1) == 1 && first.data == held_.front().data);
  }

  connection ws_;
  tether::connection_options options_;
  tether::clock_time now_ = tether::clock_time{} + std::chrono::hours(1);
  std::vector<tether::const_buffer> held_;
  std::vector<std::uint64_t> held_hash_;
  std::string message_;
  bool text_ = false;
  run_log log_;
};

// A client's input: the right 101 for the key it sent, then the fuzz bytes.
bytes client_input(fuzz_run& run, const unsigned char* data, std::size_t size) {
  FUZZ_CHECK(!run.ws().connect("ws://localhost/chat"));
  const std::string request = run.take_output();
  const std::string_view field = "Sec-WebSocket-Key: ";
  const std::size_t at = request.find(field);
  FUZZ_CHECK(at != std::string::npos);
  const std::string key = request.substr(at + field.size(), tether::client_key_size);
  const std::string response = "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                               "Sec-WebSocket-Accept: " +
                               std::string(tether::make_accept_key(key).view()) + "\r\n\r\n";
  bytes input(response.begin(), response.end());
  input.insert(input.end(), data, data + size);
  return input;
}

void one_role(tether::role self, bool raw_request, const unsigned char* data, std::size_t size) {
  const limits config;
  run_log logs[3];
  for (int how = 0; how < 3; ++how) {
    fuzz_run run(self, config.options);
    bytes input;
    if (self == tether::role::client) {
      input = client_input(run, data, size);
    } else {
      if (!raw_request) input.assign(upgrade_request.begin(), upgrade_request.end());
      input.insert(input.end(), data, data + size);
    }
    choices pick{data, size};
    run.drive(std::move(input), pick, static_cast<fuzz_run::mode>(how));
    logs[how] = run.log();
  }
  // Chunking never changes events or verdict (the third run's own calls may).
  if (std::getenv("FUZZ_DEBUG")) std::fprintf(stderr, "whole: %s\nsplit: %s\n", logs[0].events.c_str(), logs[1].events.c_str());
  FUZZ_CHECK(logs[0].events == logs[1].events);
  FUZZ_CHECK(logs[0].failed == logs[1].failed);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const unsigned char* data, std::size_t size) {
  one_role(tether::role::server, false, data, size);
  one_role(tether::role::server, true, data, size);
  one_role(tether::role::client, false, data, size);
  return 0;
}
