// Memory a connection costs: sizeof, heap bytes per idle open connection, and
// the peak heap while a client streams a 1 GiB message to a server in memory.
//   build/release/tests/bench/tether_memory_report
#include <tether/connection.hpp>

#include <cstdio>
#include <cstdlib>
#include <memory>
#include <vector>

#include "../support/heap_counter.hpp"

namespace {

const char* request_for(tether::connection& client) {
  static std::string bytes;
  bytes.clear();
  while (client.has_output()) {
    const auto b = client.output();
    bytes.append(static_cast<const char*>(b.data), b.size);
    if (client.consume(b.size)) std::abort();
  }
  return bytes.c_str();
}

void pump(tether::connection& from, tether::connection& to) {
  while (from.has_output()) {
    const tether::const_buffer b = from.output();
    to.receive(b.data, b.size);  // const input: copied by the receiver
    if (from.consume(b.size)) std::abort();
    for (tether::event e = to.next_event(); e; e = to.next_event()) {
      if (e.type == tether::event_type::upgrade_request && to.accept()) std::abort();
    }
  }
}

}  // namespace

int main() {
  std::printf("sizeof(tether::connection) = %zu bytes\n", sizeof(tether::connection));

  // Idle: open server connections after their handshake, heap included.
  constexpr int count = 1000;
  tether::websocket_uri uri;
  if (tether::parse_websocket_uri("ws://localhost/", uri)) return 1;
  std::vector<std::unique_ptr<tether::connection>> servers;
  servers.reserve(count);
  const std::size_t before = bench::live_bytes.load();
  for (int i = 0; i < count; ++i) {
    tether::connection client(tether::role::client);
    if (client.connect(uri)) return 1;
    auto server = std::make_unique<tether::connection>(tether::role::server);
    const std::string request = request_for(client);
    server->receive(static_cast<const void*>(request.data()), request.size());
    while (tether::event e = server->next_event()) {
      if (e.type == tether::event_type::upgrade_request && server->accept()) return 1;
    }
    if (server->consume(server->queued_output())) return 1;
    servers.push_back(std::move(server));
  }
  const std::size_t idle = (bench::live_bytes.load() - before) / count;
  std::printf("heap per open server connection after the handshake (object included) = %zu bytes\n", idle);
  // After some traffic: the output block stays (one, reused: small messages allocate nothing).
  for (auto& server : servers) {
    if (server->send_text("hello") || server->consume(server->queued_output())) return 1;
  }
  const std::size_t warm = (bench::live_bytes.load() - before) / count;
  std::printf("heap per open server connection right after a message was sent = %zu bytes\n", warm);
  // Two ticks without traffic: the output block and segment ring are given back.
  const auto now = std::chrono::steady_clock::now();
  for (auto& server : servers) server->tick(now), server->tick(now);
  const std::size_t idle_ticked = (bench::live_bytes.load() - before) / count;
  std::printf("heap per idle open server connection after ticks without traffic = %zu bytes\n", idle_ticked);
  servers.clear();

  // Streaming 1 GiB from client to server in 64 KiB pieces.
  tether::connection_options options;
  options.max_message_size = 2ull << 30;
  tether::connection client(tether::role::client, options);
  tether::connection server(tether::role::server, options);
  if (client.connect(uri)) return 1;
  pump(client, server);
  pump(server, client);
  while (client.next_event()) {
  }
  const std::size_t base = bench::live_bytes.load();
  bench::peak_live_bytes.store(base);
  std::vector<unsigned char> piece(64 * 1024, 'x');
  const std::size_t total = 1ull << 30;
  if (client.begin_message(tether::opcode::binary)) return 1;
  std::size_t received = 0;
  for (std::size_t sent = 0; sent < total; sent += piece.size()) {
    const std::error_code ec = sent + piece.size() < total ? client.send_chunk(piece.data(), piece.size())
                                                           : client.end_message(piece.data(), piece.size());
    if (ec) return 1;
    while (client.has_output()) {
      const tether::const_buffer b = client.output();
      server.receive(b.data, b.size);
      if (client.consume(b.size)) return 1;
      for (tether::event e = server.next_event(); e; e = server.next_event()) received += e.size;
    }
  }
  std::printf("streamed %zu bytes; peak extra heap while streaming 1 GiB = %zu bytes (both connections)\n", received,
              bench::peak_live_bytes.load() - base);
  return received == total ? 0 : 1;
}
