// The same masked-frame decode as tether's BM_decode, done by Beast, wslay and
// websocketpp (Debian packages), beside memcpy of the same wire bytes, so the
// ratios come from one run on one machine.
//   build/release/tests/bench/tether_peers_bench
//
// Each peer is driven through its own public API for received frames:
//   Beast: websocket::stream<test::stream>::read() (includes the copy into the
//          test stream, like a socket read, and into Beast's read buffer);
//   wslay: wslay_frame_recv() with a memory recv callback;
//   websocketpp: processor::hybi13::consume() and get_message().
#include <benchmark/benchmark.h>
#include <tether/frame.hpp>

#include <wslay/wslay.h>
#include <boost/beast/_experimental/test/stream.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/websocket.hpp>
#include <websocketpp/config/core.hpp>
#include <websocketpp/processors/hybi13.hpp>

#include <cstring>
#include <vector>

#include "bench_data.hpp"

namespace {

std::size_t total_for(std::size_t payload) { return payload < 65536 ? 256 << 10 : payload; }

void report(benchmark::State& state, std::size_t payload, std::size_t frames) {
  state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations() * frames * payload));
  state.counters["frames/s"] =
      benchmark::Counter(static_cast<double>(state.iterations() * frames), benchmark::Counter::kIsRate);
}

void BM_peer_memcpy(benchmark::State& state) {
  const auto payload = static_cast<std::size_t>(state.range(0));
  std::size_t frames = 0;
  const auto input = bench::masked_frames(payload, total_for(payload), &frames);
  std::vector<unsigned char> destination(input.size());
  for (auto _ : state) {
    std::memcpy(destination.data(), input.data(), input.size());
    benchmark::DoNotOptimize(destination.data());
    benchmark::ClobberMemory();
  }
  report(state, payload, frames);
}

void BM_peer_tether(benchmark::State& state) {
  const auto payload = static_cast<std::size_t>(state.range(0));
  std::size_t frames = 0;
  auto input = bench::masked_frames(payload, total_for(payload), &frames);
  tether::frame_decoder_options options;
  options.max_frame_size = options.max_message_size = 1ull << 30;
  for (auto _ : state) {
    tether::frame_decoder decoder(options);
    benchmark::DoNotOptimize(bench::decode_all(decoder, input.data(), input.size()));
  }
  report(state, payload, frames);
}

namespace beast = boost::beast;

void BM_peer_beast(benchmark::State& state) {
  const auto payload = static_cast<std::size_t>(state.range(0));
  std::size_t frames = 0;
  const auto input = bench::masked_frames(payload, total_for(payload), &frames);
  boost::asio::io_context ioc;
  beast::websocket::stream<beast::test::stream> ws(ioc);
  auto remote = beast::test::connect(ws.next_layer());
  ws.next_layer().append(bench::browser_request());
  ws.accept();
  ws.read_message_max(1ull << 30);
  beast::flat_buffer buffer;
  const beast::string_view bytes(reinterpret_cast<const char*>(input.data()), input.size());
  for (auto _ : state) {
    ws.next_layer().append(bytes);
    for (std::size_t i = 0; i < frames; ++i) {
      ws.read(buffer);
      buffer.consume(buffer.size());
    }
    remote.clear();
  }
  report(state, payload, frames);
}

struct memory_source {
  const unsigned char* data;
  std::size_t size;
  std::size_t offset;
};

ssize_t wslay_recv_from_memory(std::uint8_t* out, std::size_t length, int, void* user) {
  auto* source = static_cast<memory_source*>(user);
  const std::size_t left = source->size - source->offset;
  if (left == 0) return -1;
  const std::size_t take = length < left ? length : left;
  std::memcpy(out, source->data + source->offset, take);
  source->offset += take;
  return static_cast<ssize_t>(take);
}
ssize_t wslay_send_nothing(const std::uint8_t*, std::size_t length, int, void*) { return static_cast<ssize_t>(length); }
int wslay_mask(std::uint8_t* out, std::size_t length, void*) {
  std::memset(out, 7, length);
  return 0;
}

void BM_peer_wslay(benchmark::State& state) {
  const auto payload = static_cast<std::size_t>(state.range(0));
  std::size_t frames = 0;
  const auto input = bench::masked_frames(payload, total_for(payload), &frames);
  const wslay_frame_callbacks callbacks = {wslay_send_nothing, wslay_recv_from_memory, wslay_mask};
  memory_source source{input.data(), input.size(), 0};
  for (auto _ : state) {
    source.offset = 0;
    wslay_frame_context_ptr context = nullptr;
    wslay_frame_context_init(&context, &callbacks, &source);
    std::size_t delivered = 0;
    while (delivered < frames * payload) {
      wslay_frame_iocb iocb{};
      const ssize_t r = wslay_frame_recv(context, &iocb);
      if (r < 0) break;
      delivered += iocb.data_length;
    }
    wslay_frame_context_free(context);
    benchmark::DoNotOptimize(delivered);
  }
  report(state, payload, frames);
}

using wspp_config = websocketpp::config::core;

void BM_peer_websocketpp(benchmark::State& state) {
  const auto payload = static_cast<std::size_t>(state.range(0));
  std::size_t frames = 0;
  auto input = bench::masked_frames(payload, total_for(payload), &frames);
  const auto pristine = input;
  auto manager = websocketpp::lib::make_shared<wspp_config::con_msg_manager_type>();
  wspp_config::rng_type rng;
  for (auto _ : state) {
    state.PauseTiming();
    input = pristine;  // websocketpp unmasks the caller's buffer in place
    state.ResumeTiming();
    websocketpp::processor::hybi13<wspp_config> processor(false, true, manager, rng);
    std::uint8_t* data = input.data();
    std::size_t size = input.size();
    websocketpp::lib::error_code ec;
    std::size_t messages = 0;
    while (size != 0 && !ec) {
      const std::size_t used = processor.consume(data, size, ec);
      data += used;
      size -= used;
      while (processor.ready()) {
        benchmark::DoNotOptimize(processor.get_message());
        ++messages;
      }
    }
    benchmark::DoNotOptimize(messages);
  }
  report(state, payload, frames);
}

#define TETHER_PEER_SIZES ->Arg(16)->Arg(125)->Arg(1024)->Arg(16 << 10)->Arg(1 << 20)
BENCHMARK(BM_peer_memcpy) TETHER_PEER_SIZES;
BENCHMARK(BM_peer_tether) TETHER_PEER_SIZES;
BENCHMARK(BM_peer_beast) TETHER_PEER_SIZES;
BENCHMARK(BM_peer_wslay) TETHER_PEER_SIZES;
BENCHMARK(BM_peer_websocketpp) TETHER_PEER_SIZES;

}  // namespace

BENCHMARK_MAIN();
