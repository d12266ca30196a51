// permessage-deflate engines against zlib called directly on the same bytes,
// in the same loop iteration (so both see the same machine load), on three
// inputs: a chat log of 10k JSON messages (compressed one message at a time
// with context takeover, as a connection would), ASCII text and random bytes
// (64 KiB messages). Counters: MB/s of each (thread CPU time) and tether's
// overhead in percent.
// Before the benchmarks, a table of compression ratios on the chat log for
// every window size and memory level, with the memory each costs.
//   build/release/tests/bench/tether_deflate_bench
#include <benchmark/benchmark.h>
#include <tether/deflate.hpp>

#include <zlib.h>

#include <time.h>

#include <cstdio>
#include <random>
#include <string>
#include <vector>


namespace {

using bytes = std::vector<unsigned char>;

// {"type":"chat","text":"...","sentAt":"2026-12-02T14:17:34.123Z"} with text
// of 1-24 words, some of them multi-byte UTF-8.
std::vector<bytes> chat_log(std::size_t count) {
  static const char* const words[] = {
      "hello",  "world", "ok",  "see",    "you",    "tomorrow", "meeting", "at",   "the",        "office",
      "lunch",  "?",     "!",   "thanks", "great",  "idea",     "let's",   "ship", "it",         "today",
      "h\xC3\xA9llo", "caf\xC3\xA9", "\xE6\x97\xA5\xE6\x9C\xAC\xE8\xAA\x9E", "\xF0\x9F\x98\x80",
      "\xF0\x9F\x9A\x80", "\xD0\xBF\xD1\x80\xD0\xB8\xD0\xB2\xD0\xB5\xD1\x82", "\xCE\xBA\xCF\x8C\xCF\x83\xCE\xBC\xCE\xB5"};
  std::mt19937 rng(2026);
  std::vector<bytes> log;
  for (std::size_t i = 0; i < count; ++i) {
    std::string text;
    const std::size_t word_count = 1 + rng() % 24;
    for (std::size_t w = 0; w < word_count; ++w) {
      if (w != 0) text += ' ';
      text += words[rng() % (sizeof words / sizeof words[0])];
    }
    char stamp[64];
    std::snprintf(stamp, sizeof stamp, "2026-12-02T%02zu:%02zu:%02zu.%03uZ", 8 + i / 3600 % 12, i / 60 % 60, i % 60,
                  static_cast<unsigned>(rng() % 1000));
    const std::string json = "{\"type\":\"chat\",\"text\":\"" + text + "\",\"sentAt\":\"" + stamp + "\"}";
    log.emplace_back(json.begin(), json.end());
  }
  return log;
}

// 64 KiB messages: random bytes, or ASCII prose of random common words.
std::vector<bytes> large_messages(bool random) {
  static const char* const words[] = {"the",   "of",    "and",    "to",     "in",      "is",    "that",  "for",
                                      "it",    "as",    "was",    "with",   "be",      "by",    "on",    "not",
                                      "he",    "this",  "are",    "or",     "his",     "from",  "at",    "which",
                                      "but",   "have",  "an",     "had",    "they",    "you",   "were",  "their",
                                      "one",   "all",   "we",     "can",    "her",     "has",   "there", "been",
                                      "if",    "more",  "when",   "will",   "would",   "who",   "so",    "no",
                                      "server", "client", "message", "frame", "compress", "window", "socket", "buffer"};
  std::vector<bytes> messages;
  std::mt19937 rng(7);
  for (int i = 0; i < 16; ++i) {
    bytes message;
    while (message.size() < 64 * 1024) {
      if (random) {
        message.push_back(static_cast<unsigned char>(rng()));
        continue;
      }
      const char* word = words[rng() % (sizeof words / sizeof words[0])];
      while (*word != '\0') message.push_back(static_cast<unsigned char>(*word++));
      message.push_back(rng() % 12 == 0 ? '.' : ' ');
    }
    messages.push_back(std::move(message));
  }
  return messages;
}

const std::vector<bytes>& input(int which) {
  static const std::vector<bytes> chat = chat_log(10000), ascii = large_messages(false),
                                  random = large_messages(true);
  return which == 0 ? chat : which == 1 ? ascii : random;
}

std::size_t total_size(const std::vector<bytes>& messages) {
  std::size_t total = 0;
  for (const auto& m : messages) total += m.size();
  return total;
}

// zlib directly, the way an application would: one deflate(Z_SYNC_FLUSH) per
// message into a buffer large enough, the 4 trailing bytes dropped.
struct zlib_compressor {
  z_stream z{};
  zlib_compressor(const tether::deflate_options& o, int window_bits) {
    deflateInit2(&z, o.compression_level, Z_DEFLATED, -window_bits, o.memory_level, Z_DEFAULT_STRATEGY);
  }
  ~zlib_compressor() { deflateEnd(&z); }
  std::size_t compress(const bytes& message, bytes& out) {
    const std::size_t bound = deflateBound(&z, message.size()) + 16;
    if (out.size() < bound) out.resize(bound);
    z.next_in = const_cast<unsigned char*>(message.data());
    z.avail_in = static_cast<uInt>(message.size());
    z.next_out = out.data();
    z.avail_out = static_cast<uInt>(out.size());
    deflate(&z, Z_SYNC_FLUSH);
    return out.size() - z.avail_out - 4;
  }
};

struct zlib_decompressor {
  z_stream z{};
  explicit zlib_decompressor(int window_bits) { inflateInit2(&z, -window_bits); }
  ~zlib_decompressor() { inflateEnd(&z); }
  std::size_t inflate_message(const bytes& message, unsigned char* out, std::size_t room) {
    static const unsigned char tail[4] = {0x00, 0x00, 0xff, 0xff};
    std::size_t produced = 0;
    for (const auto& [data, size] : {std::pair<const unsigned char*, std::size_t>{message.data(), message.size()},
                                     std::pair<const unsigned char*, std::size_t>{tail, 4}}) {
      z.next_in = const_cast<unsigned char*>(data);
      z.avail_in = static_cast<uInt>(size);
      while (z.avail_in != 0 || z.avail_out == 0) {
        z.next_out = out;
        z.avail_out = static_cast<uInt>(room);
        ::inflate(&z, Z_SYNC_FLUSH);
        produced += room - z.avail_out;
        if (z.avail_in == 0 && z.avail_out != 0) break;
      }
    }
    return produced;
  }
};

void report(benchmark::State& state, std::size_t bytes_per_iteration, double tether_seconds, double zlib_seconds) {
  const double total = static_cast<double>(bytes_per_iteration) * static_cast<double>(state.iterations());
  state.counters["tether_MB/s"] = total / tether_seconds / 1e6;
  state.counters["zlib_MB/s"] = total / zlib_seconds / 1e6;
  state.counters["overhead_%"] = (tether_seconds / zlib_seconds - 1.0) * 100.0;
}

// CPU time of this thread: the machine is shared, and time spent descheduled
// would count against whichever side happened to be running.
double cpu_seconds() {
  timespec now{};
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &now);
  return static_cast<double>(now.tv_sec) + static_cast<double>(now.tv_nsec) * 1e-9;
}

void BM_compress(benchmark::State& state, int which, int level) {
  const auto& messages = input(which);
  tether::deflate_options options;
  options.compression_level = level;
  const int window_bits = options.server_max_window_bits;
  tether::message_deflater deflater({window_bits, false}, options);
  zlib_compressor direct(options, window_bits);
  bytes sink, out;
  sink.reserve(1 << 17);
  double tether_seconds = 0, zlib_seconds = 0;
  std::size_t compressed = 0;
  for (auto _ : state) {
    double start = cpu_seconds();
    for (const auto& m : messages) {
      sink.clear();
      deflater.compress(m.data(), m.size(), true, sink);
      benchmark::DoNotOptimize(sink.data());
    }
    tether_seconds += (cpu_seconds() - start);
    compressed = 0;
    start = cpu_seconds();
    for (const auto& m : messages) {
      compressed += direct.compress(m, out);
      benchmark::DoNotOptimize(out.data());
    }
    zlib_seconds += (cpu_seconds() - start);
  }
  report(state, total_size(messages), tether_seconds, zlib_seconds);
  state.counters["ratio"] = static_cast<double>(compressed) / static_cast<double>(total_size(messages));
}

void BM_decompress(benchmark::State& state, int which, int level) {
  const auto& messages = input(which);
  tether::deflate_options options;
  options.compression_level = level;
  const int window_bits = options.server_max_window_bits;
  std::vector<bytes> compressed;
  {
    tether::message_deflater deflater({window_bits, false}, options);
    for (const auto& m : messages) {
      bytes c;
      deflater.compress(m.data(), m.size(), true, c);
      compressed.push_back(std::move(c));
    }
  }
  bytes out(64 * 1024);
  double tether_seconds = 0, zlib_seconds = 0;
  for (auto _ : state) {
    // A fresh pair per pass over the log: the history must match the compressor's.
    tether::message_inflater inflater({window_bits, false}, {1u << 30, {}});
    zlib_decompressor direct(window_bits);
    double start = cpu_seconds();
    for (const auto& c : compressed) {
      std::size_t offset = 0;
      for (;;) {
        const auto step = inflater.inflate(c.data() + offset, c.size() - offset, true, out.data(), out.size());
        offset += step.consumed;
        if (step.finished || step.failed()) break;
      }
      benchmark::DoNotOptimize(out.data());
    }
    tether_seconds += (cpu_seconds() - start);
    start = cpu_seconds();
    for (const auto& c : compressed) {
      benchmark::DoNotOptimize(direct.inflate_message(c, out.data(), out.size()));
    }
    zlib_seconds += (cpu_seconds() - start);
  }
  report(state, total_size(messages), tether_seconds, zlib_seconds);
}

BENCHMARK_CAPTURE(BM_compress, chat_level6, 0, 6)->Unit(benchmark::kMillisecond);
BENCHMARK_CAPTURE(BM_compress, chat_level1, 0, 1)->Unit(benchmark::kMillisecond);
BENCHMARK_CAPTURE(BM_compress, ascii_level6, 1, 6)->Unit(benchmark::kMillisecond);
BENCHMARK_CAPTURE(BM_compress, random_level6, 2, 6)->Unit(benchmark::kMillisecond);
BENCHMARK_CAPTURE(BM_decompress, chat_level6, 0, 6)->Unit(benchmark::kMillisecond);
BENCHMARK_CAPTURE(BM_decompress, ascii_level6, 1, 6)->Unit(benchmark::kMillisecond);
BENCHMARK_CAPTURE(BM_decompress, random_level6, 2, 6)->Unit(benchmark::kMillisecond);

// Compressed size / original size of the chat log, per window and memory
// level, with and without context takeover, and the memory per connection.
void print_ratio_table() {
  const auto& messages = input(0);
  const double original = static_cast<double>(total_size(messages));
  std::printf("chat log: %zu messages, %.0f bytes; compressed/original at level 6\n", messages.size(), original);
  std::printf("%-6s %-6s %-12s %-12s %-14s\n", "window", "memlvl", "takeover", "no takeover", "KiB/connection");
  for (int window_bits = 9; window_bits <= 15; ++window_bits) {
    for (int memory_level : {1, 5, 8, 9}) {
      double ratio[2];
      for (int reset = 0; reset < 2; ++reset) {
        tether::deflate_options options;
        options.memory_level = memory_level;
        tether::message_deflater deflater({window_bits, reset == 1}, options);
        std::size_t compressed = 0;
        bytes sink;
        for (const auto& m : messages) {
          sink.clear();
          compressed += deflater.compress(m.data(), m.size(), true, sink).produced;
        }
        ratio[reset] = static_cast<double>(compressed) / original;
      }
      const double memory = static_cast<double>(tether::deflate_compressor_memory(window_bits, memory_level) +
                                                tether::deflate_decompressor_memory(window_bits)) /
                            1024.0;
      std::printf("%-6d %-6d %-12.3f %-12.3f %-14.0f\n", window_bits, memory_level, ratio[0], ratio[1], memory);
    }
  }
  std::fflush(stdout);
}

}  // namespace

int main(int argc, char** argv) {
  print_ratio_table();
  benchmark::Initialize(&argc, argv);
  if (benchmark::ReportUnrecognizedArguments(argc, argv)) return 1;
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  return 0;
}
