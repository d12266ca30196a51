// Memory a connection costs: sizeof, heap bytes per idle open connection, and
// the peak heap while a client streams a 1 GiB message to a server in memory.
//   build/release/tests/bench/tether_memory_report
#include <tether/connection.hpp>

#include <cstdio>
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
    client.consume(b.size);
  }
  return bytes.c_str();
}

void pump(tether::connection& from, tether::connection& to) {
  while (from.has_output()) {
    const tether::const_buffer b = from.output();
    to.receive(b.data, b.size);  // const input: copied by the receiver
    from.consume(b.size);
    for (tether::event e = to.next_event(); e; e = to.next_event()) {
      if (e.type == tether::event_type::upgrade_request) to.accept();
    }
  }
}

}  // namespace

int main() {
  std::printf("sizeof(tether::connection) = %zu bytes\n", sizeof(tether::connection));

  // Idle: open server connections after their handshake, heap included.
  constexpr int count = 1000;
  tether::websocket_uri uri;
  tether::parse_websocket_uri("ws://localhost/", uri);
  std::vector<std::unique_ptr<tether::connection>> servers;
  servers.reserve(count);
  const std::size_t before = bench::live_bytes.load();
  for (int i = 0; i < count; ++i) {
    tether::connection client(tether::role::client);
    client.connect(uri);
    auto server = std::make_unique<tether::connection>(tether::role::server);
    const std::string request = request_for(client);
    server->receive(static_cast<const void*>(request.data()), request.size());
    while (server->next_event()) server->accept();
    while (server->has_output()) server->consume(server->output().size);
    servers.push_back(std::move(server));
  }
  const std::size_t idle = (bench::live_bytes.load() - before) / count;
  std::printf("heap per idle open server connection (object included) = %zu bytes\n", idle);
  servers.clear();

  // Streaming 1 GiB from client to server in 64 KiB pieces.
  tether::connection_options options;
  options.max_message_size = 2ull << 30;
  tether::connection client(tether::role::client, options);
  tether::connection server(tether::role::server, options);
  client.connect(uri);
  pump(client, server);
  pump(server, client);
  while (client.next_event()) {
  }
  const std::size_t base = bench::live_bytes.load();
  bench::peak_live_bytes.store(base);
  std::vector<unsigned char> piece(64 * 1024, 'x');
  const std::size_t total = 1ull << 30;
  client.begin_message(tether::opcode::binary);
  std::size_t received = 0;
  for (std::size_t sent = 0; sent < total; sent += piece.size()) {
    if (sent + piece.size() < total) {
      client.send_chunk(piece.data(), piece.size());
    } else {
      client.end_message(piece.data(), piece.size());
    }
    while (client.has_output()) {
      const tether::const_buffer b = client.output();
      server.receive(b.data, b.size);
      client.consume(b.size);
      for (tether::event e = server.next_event(); e; e = server.next_event()) received += e.size;
    }
  }
  std::printf("streamed %zu bytes; peak extra heap while streaming 1 GiB = %zu bytes (both connections)\n", received,
              bench::peak_live_bytes.load() - base);
  return received == total ? 0 : 1;
}
