// Frame-layer benchmarks: unmasking, UTF-8 validation, frame decoding and
// encoding, each beside memcpy of the same bytes in the same run.
//   build/release/tests/bench/tether_frame_bench
#include <benchmark/benchmark.h>
#include <tether/frame.hpp>
#include <tether/random.hpp>
#include <tether/utf8.hpp>

#include <cstring>
#include <string>
#include <vector>

#include "bench_data.hpp"

namespace {

void report(benchmark::State& state, std::size_t bytes, std::size_t frames = 0) {
  state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations() * bytes));
  if (frames != 0) {
    state.counters["frames/s"] =
        benchmark::Counter(static_cast<double>(state.iterations() * frames), benchmark::Counter::kIsRate);
  }
}

void BM_memcpy(benchmark::State& state) {
  const auto size = static_cast<std::size_t>(state.range(0));
  std::vector<unsigned char> source(size, 'a'), destination(size);
  for (auto _ : state) {
    std::memcpy(destination.data(), source.data(), size);
    benchmark::DoNotOptimize(destination.data());
    benchmark::ClobberMemory();
  }
  report(state, size);
}
BENCHMARK(BM_memcpy)->Arg(16)->Arg(125)->Arg(1024)->Arg(16 << 10)->Arg(256 << 10)->Arg(1 << 20);

void BM_unmask(benchmark::State& state) {
  const auto size = static_cast<std::size_t>(state.range(0));
  std::vector<unsigned char> data(size, 'a');
  const tether::masking_key key = {1, 2, 3, 4};
  for (auto _ : state) {
    tether::apply_mask(data.data(), size, key, 1);
    benchmark::DoNotOptimize(data.data());
    benchmark::ClobberMemory();
  }
  report(state, size);
}
BENCHMARK(BM_unmask)->Arg(16)->Arg(125)->Arg(1024)->Arg(16 << 10)->Arg(256 << 10)->Arg(1 << 20);

void BM_utf8(benchmark::State& state, bool mixed) {
  const std::string text = bench::utf8_text(static_cast<std::size_t>(state.range(0)), mixed);
  for (auto _ : state) {
    tether::utf8_validator validator;
    benchmark::DoNotOptimize(validator.feed(text.data(), text.size()));
  }
  report(state, text.size());
}
BENCHMARK_CAPTURE(BM_utf8, ascii, false)->Arg(1024)->Arg(64 << 10)->Arg(1 << 20);
BENCHMARK_CAPTURE(BM_utf8, mixed, true)->Arg(1024)->Arg(64 << 10)->Arg(1 << 20);

// The same text arriving as consecutive 4 KiB reads.
void BM_utf8_4k_reads(benchmark::State& state, bool mixed) {
  const std::string text = bench::utf8_text(1 << 20, mixed);
  for (auto _ : state) {
    tether::utf8_validator validator;
    for (std::size_t offset = 0; offset < text.size(); offset += 4096) {
      const std::size_t piece = text.size() - offset < 4096 ? text.size() - offset : 4096;
      benchmark::DoNotOptimize(validator.feed(text.data() + offset, piece));
    }
  }
  report(state, text.size());
}
BENCHMARK_CAPTURE(BM_utf8_4k_reads, ascii, false);
BENCHMARK_CAPTURE(BM_utf8_4k_reads, mixed, true);

// 1 MiB of distinct messages of `size` bytes, each checked whole by a fresh
// validator as a connection does per frame (mixed: by code point about 50%
// ASCII, 20% 2-byte, 20% 3-byte, 10% 4-byte), beside memcpy of the same messages.
void BM_utf8_messages(benchmark::State& state, bench::payload_kind kind) {
  const auto size = static_cast<std::size_t>(state.range(0));
  const std::vector<std::string> messages = bench::messages(kind, size, 1 << 20);
  for (auto _ : state) {
    for (const auto& message : messages) {
      tether::utf8_validator validator;
      const bool valid = validator.feed(message.data(), message.size()).valid && validator.complete();
      benchmark::DoNotOptimize(valid);
    }
  }
  report(state, messages.size() * size, messages.size());
}
void BM_memcpy_messages(benchmark::State& state) {
  const auto size = static_cast<std::size_t>(state.range(0));
  const std::vector<std::string> messages = bench::messages(bench::payload_kind::binary, size, 1 << 20);
  std::vector<unsigned char> destination(size);
  for (auto _ : state) {
    for (const auto& message : messages) {
      std::memcpy(destination.data(), message.data(), size);
      benchmark::ClobberMemory();
    }
  }
  report(state, messages.size() * size, messages.size());
}
#define TETHER_MESSAGE_SIZES ->Arg(16)->Arg(125)->Arg(1024)->Arg(16 << 10)->Arg(1 << 20)
BENCHMARK_CAPTURE(BM_utf8_messages, ascii, bench::payload_kind::ascii) TETHER_MESSAGE_SIZES;
BENCHMARK_CAPTURE(BM_utf8_messages, mixed, bench::payload_kind::mixed) TETHER_MESSAGE_SIZES;
BENCHMARK(BM_memcpy_messages) TETHER_MESSAGE_SIZES;

// Decodes a buffer of masked frames, unmasking in place; `chunk` 0 = whole.
void BM_decode(benchmark::State& state) {
  const auto payload = static_cast<std::size_t>(state.range(0));
  const auto chunk = static_cast<std::size_t>(state.range(1));
  std::size_t frames = 0;
  std::vector<unsigned char> input = bench::masked_frames(payload, payload < 65536 ? 256 << 10 : payload, &frames);
  tether::frame_decoder_options options;
  options.max_frame_size = options.max_message_size = 1ull << 30;
  for (auto _ : state) {
    tether::frame_decoder decoder(options);
    std::size_t delivered = 0;
    const std::size_t step = chunk == 0 ? input.size() : chunk;
    for (std::size_t offset = 0; offset < input.size(); offset += step) {
      delivered += bench::decode_all(decoder, input.data() + offset,
                                     input.size() - offset < step ? input.size() - offset : step);
    }
    benchmark::DoNotOptimize(delivered);
  }
  report(state, frames * payload, frames);
  state.counters["wire_bytes"] = static_cast<double>(input.size());
}
BENCHMARK(BM_decode)
    ->ArgNames({"payload", "read"})
    ->Args({16, 0})
    ->Args({125, 0})
    ->Args({1024, 0})
    ->Args({16 << 10, 0})
    ->Args({1 << 20, 0})
    ->Args({16, 4096})
    ->Args({125, 4096})
    ->Args({1024, 4096})
    ->Args({16 << 10, 4096})
    ->Args({1 << 20, 4096});

// memcpy of the same wire bytes as BM_decode, for the ratio.
void BM_memcpy_frames(benchmark::State& state) {
  const auto payload = static_cast<std::size_t>(state.range(0));
  std::size_t frames = 0;
  const std::vector<unsigned char> input =
      bench::masked_frames(payload, payload < 65536 ? 256 << 10 : payload, &frames);
  std::vector<unsigned char> destination(input.size());
  for (auto _ : state) {
    std::memcpy(destination.data(), input.data(), input.size());
    benchmark::DoNotOptimize(destination.data());
    benchmark::ClobberMemory();
  }
  report(state, frames * payload, frames);
}
BENCHMARK(BM_memcpy_frames)->ArgName("payload")->Arg(16)->Arg(125)->Arg(1024)->Arg(16 << 10)->Arg(1 << 20);

// Header-only decode: 2-byte unmasked headers of empty frames.
void BM_decode_headers(benchmark::State& state) {
  std::vector<unsigned char> input;
  for (int i = 0; i < 4096; ++i) input.insert(input.end(), {0x82, 0x00});
  tether::frame_decoder_options options;
  options.receiver = tether::role::client;
  for (auto _ : state) {
    tether::frame_decoder decoder(options);
    benchmark::DoNotOptimize(bench::decode_all(decoder, input.data(), input.size()));
  }
  state.counters["frames/s"] =
      benchmark::Counter(static_cast<double>(state.iterations() * 4096), benchmark::Counter::kIsRate);
}
BENCHMARK(BM_decode_headers);

// Client-side encode: header + masked copy of the payload into a buffer.
void BM_encode_masked(benchmark::State& state) {
  const auto payload = static_cast<std::size_t>(state.range(0));
  std::vector<unsigned char> body(payload, 'p');
  std::vector<unsigned char> out(payload + tether::max_frame_header_size);
  tether::default_random random;
  for (auto _ : state) {
    const auto header = tether::make_frame_header(tether::role::client, tether::opcode::binary, payload, random);
    const auto r = tether::encode_frame(header, body.data(), payload, out.data(), out.size());
    benchmark::DoNotOptimize(r.size);
    benchmark::ClobberMemory();
  }
  report(state, payload, 1);
}
BENCHMARK(BM_encode_masked)->Arg(16)->Arg(125)->Arg(1024)->Arg(16 << 10)->Arg(1 << 20);

}  // namespace

BENCHMARK_MAIN();
