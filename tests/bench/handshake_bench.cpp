// Opening-handshake benchmarks: parse and validate a browser's upgrade request
// (~500 bytes), whole and in 16-byte pieces, with tether and with Beast's
// http::request_parser on the same bytes; allocations per request counted.
//   build/release/tests/bench/tether_handshake_bench
#include <benchmark/benchmark.h>
#include <tether/handshake.hpp>

#include <boost/beast/http.hpp>
#include <boost/beast/websocket/rfc6455.hpp>

#include "../support/heap_counter.hpp"
#include "bench_data.hpp"

namespace {

void count_allocations(benchmark::State& state, std::size_t before) {
  state.counters["allocs/request"] = benchmark::Counter(static_cast<double>(bench::allocation_count.load() - before) /
                                                        static_cast<double>(state.iterations()));
  state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations() * bench::browser_request().size()));
  state.counters["requests/s"] =
      benchmark::Counter(static_cast<double>(state.iterations()), benchmark::Counter::kIsRate);
}

// View-based: the head parser over the caller's buffer, header_array sink, then
// the RFC 6455 §4.2.1 checks. No allocation.
void BM_tether_parse_validate_whole(benchmark::State& state) {
  const std::string& request = bench::browser_request();
  const std::size_t before = bench::allocation_count.load();
  for (auto _ : state) {
    tether::http::head_parser parser;
    tether::basic_upgrade_request<tether::http::header_array<>> upgrade;
    const auto parsed = parser.parse(request, upgrade.head);
    benchmark::DoNotOptimize(parsed);
    benchmark::DoNotOptimize(tether::validate_upgrade_request(upgrade));
  }
  count_allocations(state, before);
}
BENCHMARK(BM_tether_parse_validate_whole);

// The same over a buffer that grows 16 bytes at a time (the parser resumes
// where it stopped).
void BM_tether_parse_validate_pieces(benchmark::State& state) {
  const std::string& request = bench::browser_request();
  const std::size_t before = bench::allocation_count.load();
  for (auto _ : state) {
    tether::http::head_parser parser;
    tether::basic_upgrade_request<tether::http::header_array<>> upgrade;
    tether::http::parse_result parsed;
    for (std::size_t have = 16;; have += 16) {
      if (have > request.size()) have = request.size();
      parsed = parser.parse(std::string_view(request.data(), have), upgrade.head);
      if (parsed.status != tether::http::parse_status::need_more) break;
    }
    benchmark::DoNotOptimize(tether::validate_upgrade_request(upgrade));
  }
  count_allocations(state, before);
}
BENCHMARK(BM_tether_parse_validate_pieces);

// The convenient object: copies pieces into its own storage (a std::string).
void BM_tether_server_handshake_pieces(benchmark::State& state) {
  const std::string& request = bench::browser_request();
  const std::size_t before = bench::allocation_count.load();
  for (auto _ : state) {
    tether::server_handshake<> handshake;
    for (std::size_t offset = 0; offset < request.size(); offset += 16) {
      const std::size_t piece = request.size() - offset < 16 ? request.size() - offset : 16;
      benchmark::DoNotOptimize(handshake.feed(request.data() + offset, piece));
    }
  }
  count_allocations(state, before);
}
BENCHMARK(BM_tether_server_handshake_pieces);

// With a fixed buffer as storage: the same object, no allocation.
void BM_tether_server_handshake_fixed_storage(benchmark::State& state) {
  const std::string& request = bench::browser_request();
  const std::size_t before = bench::allocation_count.load();
  for (auto _ : state) {
    tether::server_handshake<tether::http::header_array<>, tether::http::fixed_buffer<8193>> handshake;
    for (std::size_t offset = 0; offset < request.size(); offset += 16) {
      const std::size_t piece = request.size() - offset < 16 ? request.size() - offset : 16;
      benchmark::DoNotOptimize(handshake.feed(request.data() + offset, piece));
    }
  }
  count_allocations(state, before);
}
BENCHMARK(BM_tether_server_handshake_fixed_storage);

namespace http = boost::beast::http;

bool beast_checks(const http::request<http::empty_body>& request) {
  // What tether's validation covers: upgrade tokens, key and version present.
  return boost::beast::websocket::is_upgrade(request) && request.count(http::field::sec_websocket_key) == 1 &&
         request[http::field::sec_websocket_version] == "13";
}

void BM_beast_parse_validate_whole(benchmark::State& state) {
  const std::string& request = bench::browser_request();
  const std::size_t before = bench::allocation_count.load();
  for (auto _ : state) {
    http::request_parser<http::empty_body> parser;
    boost::beast::error_code ec;
    parser.put(boost::asio::buffer(request.data(), request.size()), ec);
    benchmark::DoNotOptimize(beast_checks(parser.get()));
  }
  count_allocations(state, before);
}
BENCHMARK(BM_beast_parse_validate_whole);

// Beast consumes only whole lines; the caller keeps the rest and offers a
// growing buffer, as with tether's parser above.
void BM_beast_parse_validate_pieces(benchmark::State& state) {
  const std::string& request = bench::browser_request();
  const std::size_t before = bench::allocation_count.load();
  for (auto _ : state) {
    http::request_parser<http::empty_body> parser;
    boost::beast::error_code ec;
    std::size_t used = 0;
    for (std::size_t have = 16; !parser.is_header_done(); have += 16) {
      if (have > request.size()) have = request.size();
      used += parser.put(boost::asio::buffer(request.data() + used, have - used), ec);
      if (ec == http::error::need_more) ec = {};
      if (ec || have == request.size()) break;
    }
    benchmark::DoNotOptimize(beast_checks(parser.get()));
  }
  count_allocations(state, before);
}
BENCHMARK(BM_beast_parse_validate_pieces);

void BM_accept_key(benchmark::State& state) {
  for (auto _ : state) benchmark::DoNotOptimize(tether::make_accept_key("dGhlIHNhbXBsZSBub25jZQ=="));
}
BENCHMARK(BM_accept_key);

}  // namespace

BENCHMARK_MAIN();
