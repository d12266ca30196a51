// A client and a server wired together through two byte pipes, driven by a
// stream of choices (a seeded generator in the property test, the input bytes
// in the fuzz target). Every operation an application can do is a choice:
// sends of every kind, pings, closes, deferred accept, reads split anywhere,
// writes of any part of what output_buffers() handed out (held across later
// calls, the way an async write holds them), clock jumps, abort.
//
// Invariants checked as it goes (through the `check` callback):
//  - what each side receives is what the other side sent, in order, intact
//    (a prefix of it when a side failed);
//  - a buffer handed out never changes (hash) or moves before it is consumed;
//  - every input buffer is poisoned right after next_event() says none;
//  - finish() ends with both sides saying the transport may close.
#ifndef TETHER_TESTS_PAIR_DRIVER_HPP
#define TETHER_TESTS_PAIR_DRIVER_HPP

#include <tether/connection.hpp>

#include <algorithm>
#include <cstdint>
#include <cstring>
#include <deque>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

namespace test {

// For "these bytes did not change". With libstdc++ the hash runs in the
// compiled library, outside the fuzzers' instrumentation: a byte loop here
// traced a comparison per byte of every held buffer on every write, which was
// most of a fuzz_pair execution.
inline std::uint64_t hash_bytes(const void* data, std::size_t size) {
  return std::hash<std::string_view>{}(std::string_view(static_cast<const char*>(data), size));
}

// Bytes written by one side and not yet read by the other: read from the
// front without moving the rest (erasing the front of a string on every small
// read made a long conversation quadratic).
class byte_pipe {
 public:
  void append(const void* data, std::size_t size) { bytes_.append(static_cast<const char*>(data), size); }
  bool empty() const { return read_ == bytes_.size(); }
  std::size_t size() const { return bytes_.size() - read_; }
  std::size_t capacity() const { return bytes_.capacity(); }
  // Moves the next n bytes into `out`.
  void take(std::size_t n, std::vector<unsigned char>& out) {
    out.resize(n);
    if (n != 0) std::memcpy(out.data(), bytes_.data() + read_, n);
    read_ += n;
    if (read_ == bytes_.size()) {
      bytes_.clear();
      read_ = 0;
    } else if (read_ > 65536 && read_ > bytes_.size() / 2) {
      bytes_.erase(0, read_);
      read_ = 0;
    }
  }

 private:
  std::string bytes_;
  std::size_t read_ = 0;
};

template <class Choices, class Check>
class pair_driver {
 public:
  struct side {
    explicit side(tether::role r, const tether::connection_options& o) : ws(r, o) {}
    tether::connection ws;
    std::vector<tether::const_buffer> held;  // handed out, being "written"
    std::vector<std::uint64_t> held_hash;
    byte_pipe incoming;                  // bytes the peer wrote, not read yet
    std::vector<unsigned char> scratch;  // the read buffer, poisoned after use
    std::deque<std::string> sent;        // messages accepted by a send, in order
    std::vector<std::string> received;   // whole messages, in order
    std::string partial;
    bool failed = false;
    bool closed_by_peer = false;
  };

  pair_driver(Choices& choices, Check check, const tether::connection_options& options)
      : choices_(choices),
        check_(check),
        client_(tether::role::client, options),
        server_(tether::role::server, options) {
    const std::string_view protocols[] = {"chat", "superchat"};
    tether::client_request_options request;
    request.subprotocols = {protocols, 2};
    check_(!client_.ws.connect("ws://localhost/chat", request), "connect");
    client_.ws.tick(now_);
    server_.ws.tick(now_);
  }

  // One operation, chosen by the next choice.
  void step() {
    side& a = choices_.next(2) == 0 ? client_ : server_;
    side& b = &a == &client_ ? server_ : client_;
    switch (choices_.next(12)) {
      case 0:
      case 1:
        send(a);
        break;
      case 2:
      case 3:
      case 4:
        write(a, b);
        break;
      case 5:
      case 6:
      case 7:
        read(a);
        break;
      case 8:
        if (choices_.next(4) == 0) static_cast<void>(a.ws.ping("p"));
        break;
      case 9:
        now_ += std::chrono::milliseconds(choices_.next(4) == 0 ? 20000 : choices_.next(500));
        client_.ws.tick(now_);
        server_.ws.tick(now_);
        break;
      case 10:
        if (choices_.next(8) == 0) static_cast<void>(a.ws.close(tether::close_code::normal, "bye", now_));
        break;
      case 11:
        if (choices_.next(64) == 0) a.ws.abort();
        break;
    }
  }

  // Pumps until both sides may close the transport (bounded), then checks
  // what arrived against what was sent.
  void finish() {
    for (int round = 0; round < 200 && !(done(client_) && done(server_)); ++round) {
      for (side* s : {&client_, &server_}) {
        side& other = s == &client_ ? server_ : client_;
        while (!s->held.empty() || s->ws.has_output()) write_all(*s, other);
        // In 16 KiB reads: with the choices used up, read() would take one
        // byte at a time (the splits were already the input's to choose), and
        // one read of everything pending could pass max_buffered_input and
        // fail the side, which would skip the clean-close delivery check.
        while (!s->incoming.empty()) read(*s, std::min<std::size_t>(s->incoming.size(), 16 * 1024));
        if (round > 2 && s->ws.is_open()) static_cast<void>(s->ws.close(tether::close_code::normal, {}, now_));
      }
      if (round > 5) now_ += std::chrono::seconds(5);
      client_.ws.tick(now_);
      server_.ws.tick(now_);
      drain(client_);
      drain(server_);
    }
    check_(done(client_) && done(server_), "both sides end with should_close_transport()");
    check_delivery(client_, server_);
    check_delivery(server_, client_);
  }

  const side& client() const { return client_; }
  const side& server() const { return server_; }
  std::size_t pipe_bytes() const {
    return client_.incoming.capacity() + server_.incoming.capacity() + client_.scratch.capacity() +
           server_.scratch.capacity();
  }

 private:
  static bool done(side& s) { return s.ws.should_close_transport(); }

  void send(side& a) {
    const std::size_t size = choices_.next(8) == 0 ? 70000 + choices_.next(2000) : choices_.next(300);
    // The alphabet from a point that moves with each message, so a message
    // delivered in a neighbour's place does not compare equal (one 26 sends
    // away and of the same size still would).
    // (Static storage, not the heap: the memory test counts live bytes.)
    static char alphabet[26 * (72000 / 26 + 2)];
    if (alphabet[0] == 0) {
      for (std::size_t i = 0; i < sizeof alphabet; ++i) alphabet[i] = static_cast<char>('a' + i % 26);
    }
    std::string payload(alphabet + a.sent.size() % 26, size);
    std::error_code ec;
    const unsigned kind = choices_.next(4);
    if (kind == 0) {
      ec = a.ws.send_text(payload);
    } else if (kind == 1) {
      ec = a.ws.send_binary(payload.data(), payload.size());
    } else if (kind == 2) {
      ec = a.ws.send_shared(tether::shared_message::text(payload));
    } else {
      // In pieces, with a ping between them.
      ec = a.ws.begin_message(tether::opcode::binary);
      const std::size_t half = size / 2;
      if (!ec) ec = a.ws.send_chunk(payload.data(), half);
      if (!ec) static_cast<void>(a.ws.ping("mid"));
      if (!ec) ec = a.ws.end_message(payload.data() + half, size - half);
      if (ec && ec != tether::error::output_queue_full) {
        check_(ec == tether::error::close_already_sent || ec == tether::error::connection_closed ||
                   ec == tether::error::connection_failed || ec == tether::error::not_open,
               "a streamed send is refused only by the state or the queue limit");
      }
      if (ec == tether::error::output_queue_full) {
        // The message is open: finish it (a queue that is full refuses the
        // end too, so the test aborts this side rather than leave it open).
        a.ws.abort();
        return;
      }
    }
    if (!ec) a.sent.push_back(std::move(payload));
  }

  // Hands out what is queued (if nothing is held), writes a random part of
  // it into the peer's pipe, and consumes exactly that.
  void write(side& a, side& b) {
    if (a.held.empty()) hold(a);
    if (a.held.empty()) return;
    verify_held(a);
    std::size_t budget = 1 + choices_.next(4096);
    if (choices_.next(4) == 0) budget = ~std::size_t{0};
    std::size_t written = 0;
    while (budget != 0 && !a.held.empty()) {
      tether::const_buffer& front = a.held.front();
      const std::size_t n = front.size < budget ? front.size : budget;
      b.incoming.append(front.data, n);
      front.data = static_cast<const char*>(front.data) + n;
      front.size -= n;
      budget -= n;
      written += n;
      if (front.size == 0) {
        a.held.erase(a.held.begin());
        a.held_hash.erase(a.held_hash.begin());
      } else {
        a.held_hash.front() = hash_bytes(front.data, front.size);
      }
    }
    check_(!a.ws.consume(written), "consume what was written");
    drain(a);
  }

  void write_all(side& a, side& b) {
    if (a.held.empty()) hold(a);
    verify_held(a);
    std::size_t written = 0;
    for (auto& buffer : a.held) {
      b.incoming.append(buffer.data, buffer.size);
      written += buffer.size;
    }
    a.held.clear();
    a.held_hash.clear();
    check_(!a.ws.consume(written), "consume what was written");
    drain(a);
  }

  void hold(side& a) {
    tether::const_buffer buffers[32];
    const std::size_t count = a.ws.output_buffers(buffers, 32);
    for (std::size_t i = 0; i < count; ++i) {
      a.held.push_back(buffers[i]);
      a.held_hash.push_back(hash_bytes(buffers[i].data, buffers[i].size));
    }
  }

  void verify_held(side& a) {
    for (std::size_t i = 0; i < a.held.size(); ++i) {
      check_(hash_bytes(a.held[i].data, a.held[i].size) == a.held_hash[i], "held output did not change");
    }
    if (a.held.empty()) return;
    tether::const_buffer first{};
    check_(a.ws.output_buffers(&first, 1) == 1 && first.data == a.held.front().data, "held output did not move");
  }

  // Reads n bytes of what the peer wrote (a chosen number when n is 0).
  void read(side& a, std::size_t n = 0) {
    if (a.incoming.empty()) {
      drain(a);
      return;
    }
    if (n == 0) n = 1 + choices_.next(choices_.next(2) == 0 ? 16 : 8192);
    if (n > a.incoming.size()) n = a.incoming.size();
    a.incoming.take(n, a.scratch);
    a.ws.receive(static_cast<void*>(a.scratch.data()), n);
    drain(a);
  }

  void drain(side& a) {
    for (tether::event e = a.ws.next_event(); e; e = a.ws.next_event()) {
      switch (e.type) {
        case tether::event_type::upgrade_request:
          // Deferred sometimes: the decision comes at a later drain.
          if (choices_.next(3) != 0) check_(!a.ws.accept({"chat", {}, {}}), "accept");
          break;
        case tether::event_type::data:
          if (e.message_begins) a.partial.clear();
          a.partial.append(e.text());
          if (e.message_ends) a.received.push_back(std::move(a.partial));
          break;
        case tether::event_type::failure:
          a.failed = true;
          break;
        case tether::event_type::close:
          a.closed_by_peer = true;
          break;
        default:
          break;
      }
    }
    if (a.ws.state() == tether::connection_state::awaiting_decision && choices_.next(2) == 0) {
      check_(!a.ws.accept({"chat", {}, {}}), "deferred accept");
    }
    std::fill(a.scratch.begin(), a.scratch.end(), 0xA5);  // the caller reuses its buffer
  }

  void check_delivery(const side& from, const side& to) {
    // Without failures everything sent arrives; with them, a prefix does.
    check_(to.received.size() <= from.sent.size(), "no message arrives twice or from nowhere");
    for (std::size_t i = 0; i < to.received.size() && i < from.sent.size(); ++i) {
      check_(to.received[i] == from.sent[i], "messages arrive intact and in order");
    }
    if (!from.failed && !to.failed && !from.ws.queued_output() && from.ws.state() == tether::connection_state::closed &&
        to.ws.state() == tether::connection_state::closed) {
      check_(to.received.size() == from.sent.size(), "a clean close delivers every message sent");
    }
  }

  Choices& choices_;
  Check check_;
  tether::clock_time now_ = tether::clock_time{} + std::chrono::hours(1);
  side client_;
  side server_;
};

}  // namespace test

#endif
