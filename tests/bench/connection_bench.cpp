// The connection path, both directions, beside the pieces it is made of and
// beside memcpy, so one run shows where the time goes:
//
//   rx/memcpy/S                 memcpy of the wire bytes of one pass (also the
//                               cost of restoring the masked input, see below)
//   rx/decoder/K/S/R            tether::frame_decoder alone (+ utf8_validator for text)
//   rx/connection/K/S/R         a server tether::connection: receive() + next_event()
//   rx/beast/K/S/R              Beast's websocket::stream<test::stream>::read()
//   rx/websocketpp/K/S/R        websocketpp's processor::hybi13::consume()
//                               (Beast and websocketpp validate text as UTF-8;
//                               wslay's frame API does not, so it is left out)
//   tx/memcpy/S                 memcpy of each payload into one buffer
//   tx/encode/ROLE/S            make_frame_header + encode_frame into one buffer
//   tx/connection/ROLE/K/S      send_text/send_binary + output_buffers + consume
//
// K: binary, ascii (printable ASCII text) or mixed (UTF-8 text, by code point
// about 50% ASCII, 20% 2-byte, 20% 3-byte, 10% 4-byte); S: payload bytes of
// each message (16, 125, 1024, 16384, 65536); R: whole (the pass in one receive) or
// 4k (consecutive 4 KiB reads); ROLE: server or client (masks every frame).
// Every pass carries 1 MiB of payload as distinct messages, masked as a client
// sends them.
//
// Received frames are unmasked in place. Their masking key is zero, so the
// buffer is the same after a pass as before it and the next pass needs no
// restore: the unmasking work is the same for any key (nothing skips a zero
// key), and no copy has to be kept out of the timing (a restore would cost
// what rx/memcpy shows). Times are the thread's CPU time (Google Benchmark's
// default): the machine is shared, and wall time would count other programs.
//
// Ratios are counters, in percent of the reference's throughput on the same
// bytes (same message size, read size and role): pct_memcpy, pct_decoder
// (connection vs bare decoder), pct_binary (text vs binary on the same path),
// pct_encode (connection send vs encode_frame). They are computed after the
// last run from the reported rows (medians with the aggregates-only flag), so
// the output appears at the end. Exact command for the tables in reports:
//
//   cmake --preset release
//   cmake --build build/release --target tether_connection_bench -j2
//   taskset -c 1 build/release/tests/bench/tether_connection_bench --benchmark_enable_random_interleaving=true
//       --benchmark_repetitions=5 --benchmark_report_aggregates_only=true      (one line)
//
// (--benchmark_filter='^rx/connection/' etc. selects a part; a ratio whose
// reference was filtered out is left off.)
#include <benchmark/benchmark.h>
#include <tether/connection.hpp>
#include <tether/frame.hpp>
#include <tether/random.hpp>
#include <tether/utf8.hpp>

#include <algorithm>
#include <cstring>
#include <functional>
#include <iostream>
#include <map>
#include <string>
#include <type_traits>
#include <utility>
#include <vector>

#if TETHER_BENCH_BEAST
#include <boost/beast/_experimental/test/stream.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/websocket.hpp>
#endif
#if TETHER_BENCH_WEBSOCKETPP
#include <websocketpp/config/core.hpp>
#include <websocketpp/processors/hybi13.hpp>
#endif

#include "bench_data.hpp"

namespace {

using bench::payload_kind;

constexpr std::size_t pass_payload = 1 << 20;
constexpr std::size_t read_size = 4096;
constexpr std::size_t sizes[] = {16, 125, 1024, 16 << 10, 64 << 10};
constexpr payload_kind kinds[] = {payload_kind::binary, payload_kind::ascii, payload_kind::mixed};

// One pass of input: the messages and their masked frames, built once per shape.
struct workload {
  std::vector<std::string> bodies;
  std::vector<unsigned char> wire;  // masked client frames, key 0: unchanged by unmasking
};

const workload& workload_for(payload_kind kind, std::size_t size) {
  static std::map<std::pair<int, std::size_t>, workload> cache;
  workload& w = cache[{static_cast<int>(kind), size}];
  if (w.bodies.empty()) {
    w.bodies = bench::messages(kind, size, pass_payload);
    w.wire = bench::frames_of(w.bodies, kind, tether::masking_key{0, 0, 0, 0});
  }
  return w;
}

void report(benchmark::State& state, std::size_t messages, std::size_t payload) {
  state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations() * messages * payload));
  state.counters["messages/s"] =
      benchmark::Counter(static_cast<double>(state.iterations() * messages), benchmark::Counter::kIsRate);
}

// ---- receive --------------------------------------------------------------------

void rx_memcpy(benchmark::State& state, std::size_t size) {
  const workload& w = workload_for(payload_kind::binary, size);
  std::vector<unsigned char> input(w.wire.size());
  for (auto _ : state) {
    std::memcpy(input.data(), w.wire.data(), w.wire.size());
    benchmark::ClobberMemory();
  }
  report(state, w.bodies.size(), size);
}

// Calls feed(data, n) for each read of the pass: whole or 4 KiB at a time.
template <class Feed>
void for_each_read(unsigned char* data, std::size_t size, bool whole, Feed&& feed) {
  const std::size_t step = whole ? size : read_size;
  for (std::size_t offset = 0; offset < size; offset += step) feed(data + offset, std::min(step, size - offset));
}

void rx_decoder(benchmark::State& state, payload_kind kind, std::size_t size, bool whole) {
  const workload& w = workload_for(kind, size);
  std::vector<unsigned char> input = w.wire;
  tether::frame_decoder decoder;  // a server's, with the connection's default limits
  tether::utf8_validator text;
  const bool is_text = kind != payload_kind::binary;
  for (auto _ : state) {
    std::size_t messages = 0;
    bool valid = true;
    for_each_read(input.data(), input.size(), whole, [&](unsigned char* data, std::size_t left) {
      while (left != 0) {
        const tether::frame_decode_result step = decoder.decode(data, left);
        if (step.failed()) return void(valid = false);
        if (is_text) {
          if (step.frame_begins) text.reset();
          valid &= text.feed(step.payload, step.payload_size).valid;
          if (step.frame_ends) valid &= text.complete();
        }
        messages += step.frame_ends;
        data += step.consumed;
        left -= step.consumed;
      }
    });
    if (!valid || messages != w.bodies.size()) return state.SkipWithError("decoder: wrong result");
  }
  report(state, w.bodies.size(), size);
}

// Acknowledges `n` written bytes. consume() returns void today and a
// std::error_code in the reworked connection; this compiles against both.
template <class Connection>
bool consume_all(Connection& connection, std::size_t n) {
  if constexpr (std::is_void_v<decltype(connection.consume(n))>) {
    connection.consume(n);
    return true;
  } else {
    return !connection.consume(n);
  }
}

// A server connection past its opening handshake.
bool open_server(tether::connection& server) {
  server.receive(bench::browser_request().data(), bench::browser_request().size());
  if (server.next_event().type != tether::event_type::upgrade_request) return false;
  if (server.accept()) return false;
  while (server.next_event().type != tether::event_type::none) {
  }
  return consume_all(server, server.queued_output()) && server.is_open();  // the 101, as if written
}

void rx_connection(benchmark::State& state, payload_kind kind, std::size_t size, bool whole) {
  const workload& w = workload_for(kind, size);
  std::vector<unsigned char> input = w.wire;
  tether::connection server(tether::role::server);
  if (!open_server(server)) return state.SkipWithError("handshake failed");
  for (auto _ : state) {
    std::size_t messages = 0, bytes = 0;
    bool failed = false;
    for_each_read(input.data(), input.size(), whole, [&](unsigned char* data, std::size_t n) {
      server.receive(data, n);
      for (;;) {
        const tether::event e = server.next_event();
        if (e.type == tether::event_type::none) break;
        failed |= e.type != tether::event_type::data;
        bytes += e.size;
        messages += e.message_ends;
      }
    });
    if (failed || messages != w.bodies.size() || bytes != messages * size) {
      return state.SkipWithError("connection: wrong events");
    }
  }
  report(state, w.bodies.size(), size);
}

#if TETHER_BENCH_BEAST
namespace beast = boost::beast;

// Beast as a server: stream::read() of whole messages (it validates text as
// UTF-8). The pass is first appended to the test stream, as a socket read
// would copy it; Beast then copies it to its read buffer and unmasks there.
void rx_beast(benchmark::State& state, payload_kind kind, std::size_t size, bool whole) {
  const workload& w = workload_for(kind, size);
  boost::asio::io_context ioc;
  beast::websocket::stream<beast::test::stream> ws(ioc);
  auto remote = beast::test::connect(ws.next_layer());
  ws.next_layer().append(bench::browser_request());
  beast::error_code ec;
  ws.accept(ec);
  if (ec) return state.SkipWithError("beast: handshake failed");
  ws.read_message_max(1ull << 30);
  if (!whole) ws.next_layer().read_size(read_size);
  beast::flat_buffer buffer;
  const beast::string_view bytes(reinterpret_cast<const char*>(w.wire.data()), w.wire.size());
  for (auto _ : state) {
    ws.next_layer().append(bytes);
    std::size_t received = 0;
    for (std::size_t i = 0; i < w.bodies.size() && !ec; ++i) {
      ws.read(buffer, ec);
      received += buffer.size();
      buffer.consume(buffer.size());
    }
    remote.clear();
    if (ec || received != w.bodies.size() * size) return state.SkipWithError("beast: read failed");
  }
  report(state, w.bodies.size(), size);
}
#endif

#if TETHER_BENCH_WEBSOCKETPP
using wspp_config = websocketpp::config::core;

// websocketpp's frame processor (hybi13::consume, get_message), as a server;
// it unmasks in place and validates text as UTF-8.
void rx_websocketpp(benchmark::State& state, payload_kind kind, std::size_t size, bool whole) {
  const workload& w = workload_for(kind, size);
  std::vector<unsigned char> input = w.wire;
  auto manager = websocketpp::lib::make_shared<wspp_config::con_msg_manager_type>();
  wspp_config::rng_type rng;
  websocketpp::processor::hybi13<wspp_config> processor(false, true, manager, rng);
  for (auto _ : state) {
    std::size_t messages = 0;
    websocketpp::lib::error_code ec;
    for_each_read(input.data(), input.size(), whole, [&](unsigned char* data, std::size_t left) {
      while (left != 0 && !ec) {
        const std::size_t used = processor.consume(data, left, ec);
        data += used;
        left -= used;
        while (processor.ready()) {
          benchmark::DoNotOptimize(processor.get_message());
          ++messages;
        }
      }
    });
    if (ec || messages != w.bodies.size()) return state.SkipWithError("websocketpp: wrong result");
  }
  report(state, w.bodies.size(), size);
}
#endif

// ---- send -----------------------------------------------------------------------

void tx_memcpy(benchmark::State& state, std::size_t size) {
  const workload& w = workload_for(payload_kind::binary, size);
  std::vector<unsigned char> out(size);
  for (auto _ : state) {
    for (const auto& body : w.bodies) {
      std::memcpy(out.data(), body.data(), size);
      benchmark::ClobberMemory();
    }
  }
  report(state, w.bodies.size(), size);
}

void tx_encode(benchmark::State& state, tether::role sender, std::size_t size) {
  const workload& w = workload_for(payload_kind::binary, size);
  std::vector<unsigned char> out(size + tether::max_frame_header_size);
  tether::default_random random;
  for (auto _ : state) {
    bool failed = false;
    for (const auto& body : w.bodies) {
      const auto header = tether::make_frame_header(sender, tether::opcode::binary, size, random);
      failed |= tether::encode_frame(header, body.data(), size, out.data(), out.size()).size == 0;  // 0: refused
      benchmark::ClobberMemory();
    }
    if (failed) return state.SkipWithError("encode failed");
  }
  report(state, w.bodies.size(), size);
}

// A client connection past its opening handshake, answered by a server.
bool open_client(tether::connection& client) {
  if (client.connect("ws://127.0.0.1:9001/chat")) return false;
  tether::connection server(tether::role::server);
  auto pass_output = [](tether::connection& from, tether::connection& to) {
    tether::const_buffer buffers[8];
    const std::size_t count = from.output_buffers(buffers, 8);
    for (std::size_t i = 0; i < count; ++i) to.receive(buffers[i].data, buffers[i].size);  // copied
    return consume_all(from, from.queued_output());
  };
  if (!pass_output(client, server)) return false;
  if (server.next_event().type != tether::event_type::upgrade_request || server.accept()) return false;
  if (!pass_output(server, client)) return false;
  while (client.next_event().type != tether::event_type::none) {
  }
  return client.is_open();
}

void tx_connection(benchmark::State& state, tether::role self, payload_kind kind, std::size_t size) {
  const workload& w = workload_for(kind, size);
  tether::connection connection(self);
  if (!(self == tether::role::server ? open_server(connection) : open_client(connection))) {
    return state.SkipWithError("handshake failed");
  }
  const bool is_text = kind != payload_kind::binary;
  for (auto _ : state) {
    bool failed = false;
    for (const auto& body : w.bodies) {
      failed |= static_cast<bool>(is_text ? connection.send_text(body) : connection.send_binary(body.data(), size));
      tether::const_buffer buffers[8];
      const std::size_t count = connection.output_buffers(buffers, 8);
      std::size_t written = 0;
      for (std::size_t i = 0; i < count; ++i) written += buffers[i].size;
      benchmark::DoNotOptimize(buffers);
      failed |= !consume_all(connection, written);  // as if the socket took it all
    }
    if (failed || connection.queued_output() != 0) return state.SkipWithError("send failed");
  }
  report(state, w.bodies.size(), size);
}

// ---- registration and ratios -----------------------------------------------------------

// For each benchmark: the counters to add and the benchmark each compares to.
std::map<std::string, std::vector<std::pair<std::string, std::string>>>& references() {
  static std::map<std::string, std::vector<std::pair<std::string, std::string>>> table;
  return table;
}

template <class Function, class... Args>
void add(const std::string& name, std::vector<std::pair<std::string, std::string>> compare_to, Function function,
         Args... args) {
  references()[name] = std::move(compare_to);
  benchmark::RegisterBenchmark(name.c_str(), function, args...);
}

std::string role_name(tether::role r) { return r == tether::role::server ? "server" : "client"; }

void register_all() {
  for (std::size_t size : sizes) {
    const std::string s = std::to_string(size);
    const std::string memcpy_rx = "rx/memcpy/" + s;
    add(memcpy_rx, {}, rx_memcpy, size);
    for (bool whole : {true, false}) {
      const std::string r = whole ? "/whole" : "/4k";
      for (payload_kind kind : kinds) {
        const std::string k = bench::kind_name(kind);
        const std::string binary = "binary/" + s + r;
        const bool text = kind != payload_kind::binary;
        auto with_binary = [&](std::vector<std::pair<std::string, std::string>> refs, const std::string& path) {
          if (text) refs.emplace_back("pct_binary", path + binary);
          return refs;
        };
        add("rx/decoder/" + k + "/" + s + r, with_binary({{"pct_memcpy", memcpy_rx}}, "rx/decoder/"), rx_decoder, kind,
            size, whole);
        add("rx/connection/" + k + "/" + s + r,
            with_binary({{"pct_memcpy", memcpy_rx}, {"pct_decoder", "rx/decoder/" + k + "/" + s + r}},
                        "rx/connection/"),
            rx_connection, kind, size, whole);
#if TETHER_BENCH_BEAST
        add("rx/beast/" + k + "/" + s + r, with_binary({{"pct_memcpy", memcpy_rx}}, "rx/beast/"), rx_beast, kind, size,
            whole);
#endif
#if TETHER_BENCH_WEBSOCKETPP
        add("rx/websocketpp/" + k + "/" + s + r, with_binary({{"pct_memcpy", memcpy_rx}}, "rx/websocketpp/"),
            rx_websocketpp, kind, size, whole);
#endif
      }
    }
    const std::string memcpy_tx = "tx/memcpy/" + s;
    add(memcpy_tx, {}, tx_memcpy, size);
    for (tether::role self : {tether::role::server, tether::role::client}) {
      const std::string role = role_name(self);
      const std::string encode = "tx/encode/" + role + "/" + s;
      add(encode, {{"pct_memcpy", memcpy_tx}}, tx_encode, self, size);
      for (payload_kind kind : kinds) {
        std::vector<std::pair<std::string, std::string>> refs = {{"pct_memcpy", memcpy_tx}, {"pct_encode", encode}};
        if (kind != payload_kind::binary) refs.emplace_back("pct_binary", "tx/connection/" + role + "/binary/" + s);
        add("tx/connection/" + role + "/" + bench::kind_name(kind) + "/" + s, refs, tx_connection, self, kind, size);
      }
    }
  }
}

// Holds every row until the last run (with random interleaving, rows arrive in
// any order), adds the ratio counters, then prints in registration order.
// Counters print inline (name=value), as without --benchmark_counters_tabular.
class ratio_reporter : public benchmark::ConsoleReporter {
 public:
  ratio_reporter() : ConsoleReporter(OO_None) {}

  void ReportRuns(const std::vector<Run>& runs) override { held_.insert(held_.end(), runs.begin(), runs.end()); }

  void Finalize() override {
    std::map<std::string, const Run*> by_key;
    for (const Run& run : held_) by_key[key(run, run.run_name.function_name)] = &run;
    std::vector<Run> rows = held_;
    for (Run& run : rows) {
      const auto found = references().find(run.run_name.function_name);
      if (found == references().end() || run.error_occurred || !comparable(run)) continue;
      for (const auto& [counter, reference] : found->second) {
        const auto other = by_key.find(key(run, reference));
        if (other == by_key.end() || other->second->error_occurred) continue;
        // Same bytes per iteration on both sides: the time ratio is the throughput ratio.
        run.counters[counter] = 100.0 * other->second->GetAdjustedCPUTime() / run.GetAdjustedCPUTime();
      }
    }
    std::stable_sort(rows.begin(), rows.end(),
                     [](const Run& a, const Run& b) { return a.family_index < b.family_index; });
    ConsoleReporter::ReportRuns(rows);
    ConsoleReporter::Finalize();
  }

 private:
  // Rows pair up by repetition, or by aggregate (median with median).
  static std::string key(const Run& run, const std::string& name) {
    return name + "|" + run.aggregate_name + "|" + std::to_string(run.repetition_index);
  }
  static bool comparable(const Run& run) {
    return run.run_type == Run::RT_Iteration || run.aggregate_name == "mean" || run.aggregate_name == "median";
  }

  std::vector<Run> held_;
};

}  // namespace

int main(int argc, char** argv) {
  benchmark::Initialize(&argc, argv);
  if (benchmark::ReportUnrecognizedArguments(argc, argv)) return 1;
  register_all();
  ratio_reporter reporter;
  std::cerr << "The rows are printed after the last run (the ratios need all of them).\n";
  benchmark::RunSpecifiedBenchmarks(&reporter);
  benchmark::Shutdown();
  return 0;
}
