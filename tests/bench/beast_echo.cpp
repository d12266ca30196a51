// beast_echo: a Boost.Beast WebSocket echo server, the reference for the echo
// benchmark (tests/bench/run_echo_bench.sh). It takes the echo servers' command
// line and prints the same `listening on HOST:PORT` line. Beast as its examples
// use it: one io_context thread, websocket::stream over a plain tcp::socket,
// async_read of a whole message into a flat_buffer, then async_write of it
// with the same opcode; no permessage-deflate, no timeouts.
//
//   beast_echo [--host 127.0.0.1] [--port 9001] [--max-message-size N]
#include <boost/asio.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/websocket.hpp>

#include <cstdio>
#include <cstdlib>
#include <memory>
#include <string>

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace websocket = beast::websocket;
using tcp = asio::ip::tcp;

namespace {

class session : public std::enable_shared_from_this<session> {
 public:
  session(tcp::socket socket, std::uint64_t max_message_size) : ws_(std::move(socket)) {
    ws_.read_message_max(max_message_size);
    ws_.auto_fragment(false);
  }

  void start() {
    ws_.async_accept([self = shared_from_this()](beast::error_code ec) {
      if (!ec) self->read();
    });
  }

 private:
  void read() {
    ws_.async_read(buffer_, [self = shared_from_this()](beast::error_code ec, std::size_t) {
      if (ec) return;  // closed, or failed: the session ends
      self->ws_.text(self->ws_.got_text());
      self->ws_.async_write(self->buffer_.data(), [self](beast::error_code write_ec, std::size_t n) {
        if (write_ec) return;
        self->buffer_.consume(n);
        self->read();
      });
    });
  }

  websocket::stream<tcp::socket> ws_;
  beast::flat_buffer buffer_;
};

void accept(tcp::acceptor& acceptor, std::uint64_t max_message_size) {
  acceptor.async_accept([&acceptor, max_message_size](beast::error_code ec, tcp::socket socket) {
    if (ec == asio::error::operation_aborted) return;
    if (!ec) {
      socket.set_option(tcp::no_delay(true), ec);
      std::make_shared<session>(std::move(socket), max_message_size)->start();
    }
    accept(acceptor, max_message_size);
  });
}

}  // namespace

int main(int argc, char** argv) {
  std::string host = "127.0.0.1";
  unsigned short port = 9001;
  std::uint64_t max_message_size = 16 * 1024 * 1024;
  for (int i = 1; i + 1 < argc; i += 2) {
    const std::string arg = argv[i];
    if (arg == "--host") {
      host = argv[i + 1];
    } else if (arg == "--port") {
      port = static_cast<unsigned short>(std::atoi(argv[i + 1]));
    } else if (arg == "--max-message-size") {
      max_message_size = std::strtoull(argv[i + 1], nullptr, 10);
    }
  }
  asio::io_context io(1);
  beast::error_code ec;
  const tcp::endpoint endpoint(asio::ip::make_address(host, ec), port);
  tcp::acceptor acceptor(io);
  acceptor.open(endpoint.protocol(), ec);
  if (!ec) acceptor.set_option(tcp::acceptor::reuse_address(true), ec);
  if (!ec) acceptor.bind(endpoint, ec);
  if (!ec) acceptor.listen(asio::socket_base::max_listen_connections, ec);
  if (ec) {
    std::fprintf(stderr, "cannot listen on %s:%u: %s\n", host.c_str(), static_cast<unsigned>(port),
                 ec.message().c_str());
    return 1;
  }
  accept(acceptor, max_message_size);
  asio::signal_set signals(io, SIGINT, SIGTERM);
  signals.async_wait([&io](beast::error_code, int) { io.stop(); });
  std::printf("listening on %s:%u\n", host.c_str(), static_cast<unsigned>(port));
  std::fflush(stdout);
  io.run();
  return 0;
}
