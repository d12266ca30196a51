// Broadcast: one message to many server connections, output drained in
// memory. Per recipient: time, and heap bytes allocated (the payload copies),
// for send_shared() (one shared_message, payload copied once) beside
// send_text() per recipient and beside memcpy of the payload once per
// recipient, in the same run.
//   taskset -c 1 build/release/tests/bench/tether_broadcast_bench
//   (sizes 32 B, 1 KiB, 64 KiB; 1,000 and 10,000 recipients)
#include <benchmark/benchmark.h>
#include <tether/connection.hpp>

#include <cstring>
#include <memory>
#include <string>
#include <vector>

#include "../support/heap_counter.hpp"

namespace {

const std::string& upgrade_request() {
  static const std::string request =
      "GET /chat HTTP/1.1\r\nHost: localhost\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
      "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n";
  return request;
}

void drain_output(tether::connection& ws) {
  if (ws.consume(ws.queued_output())) std::abort();
}

// N open server connections with their handshake output drained.
std::vector<std::unique_ptr<tether::connection>> open_room(std::size_t n) {
  std::vector<std::unique_ptr<tether::connection>> room;
  room.reserve(n);
  tether::connection_options options;
  options.ping_interval = std::chrono::milliseconds(0);
  for (std::size_t i = 0; i < n; ++i) {
    auto ws = std::make_unique<tether::connection>(tether::role::server, options);
    ws->receive(static_cast<const void*>(upgrade_request().data()), upgrade_request().size());
    while (tether::event e = ws->next_event()) {
      if (e.type == tether::event_type::upgrade_request && ws->accept()) std::abort();
    }
    drain_output(*ws);
    room.push_back(std::move(ws));
  }
  return room;
}

void report(benchmark::State& state, std::size_t recipients, std::size_t allocated_before) {
  const double sends = static_cast<double>(state.iterations()) * static_cast<double>(recipients);
  state.counters["recipients/s"] = benchmark::Counter(sends, benchmark::Counter::kIsRate);
  state.counters["ns/recipient"] = benchmark::Counter(sends, benchmark::Counter::kIsRate | benchmark::Counter::kInvert);
  state.counters["heap B/recipient"] = static_cast<double>(bench::allocated_bytes.load() - allocated_before) / sends;
}

void BM_broadcast_shared(benchmark::State& state) {
  const auto size = static_cast<std::size_t>(state.range(0));
  const auto recipients = static_cast<std::size_t>(state.range(1));
  auto room = open_room(recipients);
  const std::string payload(size, 'x');
  const std::size_t before = bench::allocated_bytes.load();
  for (auto _ : state) {
    const auto message = tether::shared_message::text(payload);  // validated and copied once
    for (auto& ws : room) {
      if (ws->send_shared(message)) std::abort();
    }
    for (auto& ws : room) drain_output(*ws);
  }
  report(state, recipients, before);
}

void BM_broadcast_send_text(benchmark::State& state) {
  const auto size = static_cast<std::size_t>(state.range(0));
  const auto recipients = static_cast<std::size_t>(state.range(1));
  auto room = open_room(recipients);
  const std::string payload(size, 'x');
  const std::size_t before = bench::allocated_bytes.load();
  for (auto _ : state) {
    for (auto& ws : room) {
      if (ws->send_text(payload)) std::abort();  // validated and copied per recipient
    }
    for (auto& ws : room) drain_output(*ws);
  }
  report(state, recipients, before);
}

void BM_memcpy_per_recipient(benchmark::State& state) {
  const auto size = static_cast<std::size_t>(state.range(0));
  const auto recipients = static_cast<std::size_t>(state.range(1));
  const std::string payload(size, 'x');
  std::vector<char> destination(size);
  const std::size_t before = bench::allocated_bytes.load();
  for (auto _ : state) {
    for (std::size_t i = 0; i < recipients; ++i) {
      std::memcpy(destination.data(), payload.data(), size);
      benchmark::ClobberMemory();
    }
  }
  report(state, recipients, before);
}

void arguments(benchmark::internal::Benchmark* b) {
  for (long size : {32L, 1024L, 65536L}) {
    for (long recipients : {1000L, 10000L}) b->Args({size, recipients});
  }
  b->ArgNames({"bytes", "recipients"})->Unit(benchmark::kMillisecond);
}

BENCHMARK(BM_broadcast_shared)->Apply(arguments);
BENCHMARK(BM_broadcast_send_text)->Apply(arguments);
BENCHMARK(BM_memcpy_per_recipient)->Apply(arguments);

}  // namespace

BENCHMARK_MAIN();
