// chat_server: the C++ side of the seed's chat. GET / serves the browser
// client, /chat is the WebSocket: every client is welcomed with
// {type: "system", text: "Welcome!", sentAt}, and every chat message a client
// sends goes to every open client. With --redis, instances share one room.
//
//   chat_server [--host 127.0.0.1] [--port 8080] [--redis URL] [--cert FILE --key FILE]
//               [--allow-origin ORIGIN]... [--max-message-size N] [--no-deflate]
//
// Browsers offer permessage-deflate (RFC 7692); it is accepted unless --no-deflate.
//
// See README.md beside this file for the walk through, step by step.
#include <signal.h>

#include <cstdio>
#include <string>

#include "../common/net.hpp"
#include "../common/tls_stream.hpp"
#include "options.hpp"
#include "server.hpp"

namespace {

volatile sig_atomic_t stop_requested = 0;
void on_signal(int) { stop_requested = 1; }

}  // namespace

int main(int argc, char** argv) {
  chat::server_options options;
  switch (chat::parse_options(argc, argv, options)) {
    case chat::parse_outcome::help:
      std::fputs(chat::usage_text, stdout);
      return 0;
    case chat::parse_outcome::bad:
      return 2;
    case chat::parse_outcome::run:
      break;
  }
  // One line per event, in order, also when stdout is a pipe (tests read it).
  std::setvbuf(stdout, nullptr, _IOLBF, 0);

  // No SA_RESTART: epoll_wait returns EINTR and the loop sees the flag.
  struct sigaction action {};
  action.sa_handler = on_signal;
  sigaction(SIGINT, &action, nullptr);
  sigaction(SIGTERM, &action, nullptr);
  signal(SIGPIPE, SIG_IGN);  // sends use MSG_NOSIGNAL; this covers OpenSSL and anything else
  example::raise_open_file_limit();

  example::tls_context tls;
  if (!options.cert_file.empty()) {
    std::string error;
    tls = example::make_server_context(options.cert_file, options.key_file, error);
    if (!tls) {
      std::fprintf(stderr, "chat_server: cannot use %s / %s: %s\n", options.cert_file.c_str(), options.key_file.c_str(),
                   error.c_str());
      return 1;
    }
  }

  chat::server server(options, tls.get());
  std::string error;
  if (!server.start(error)) {
    std::fprintf(stderr, "chat_server: cannot listen on %s:%d: %s\n", options.host.c_str(), options.port,
                 error.c_str());
    return 1;
  }
  server.run(stop_requested);
  return 0;
}
