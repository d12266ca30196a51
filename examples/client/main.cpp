// tether_client: a command-line WebSocket client in the spirit of wscat.
// Each line of stdin goes out as a text message; every message received is
// printed on stdout, one per line. At the end of stdin it closes (1000) and
// waits for the server's close. Status goes to stderr.
//
//   tether_client [--subprotocol NAME]... [--header 'Name: value']... [--origin ORIGIN]
//                 [--cafile FILE] [--no-deflate] URL
//
// ws:// and wss:// (TLS through OpenSSL memory BIOs; the server's certificate
// and host name are verified against the system's CAs, or only --cafile).
// permessage-deflate (RFC 7692) is offered unless --no-deflate; what the server
// agreed to is printed on connect. Exit status: 0 after a closing handshake with 1000, 1001 or no code;
// 1 with the reason on stderr otherwise; 2 for a bad command line.
#include <tether/connection.hpp>

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "../common/deflate_extension.hpp"
#include "../common/net.hpp"
#include "../common/tether_io.hpp"
#include "../common/tls_stream.hpp"

namespace {

constexpr const char* usage =
    "usage: tether_client [--subprotocol NAME]... [--header 'Name: value']... [--origin ORIGIN]\n"
    "                     [--cafile FILE] [--no-deflate] ws://host:port/path | wss://...\n";
constexpr std::chrono::seconds connect_timeout{10};
// Stop reading stdin while this much waits for the socket.
constexpr std::size_t stdin_pause = 1024 * 1024;

struct command_line {
  std::string url;
  std::string cafile;
  std::string origin;
  std::vector<std::string> subprotocols;
  std::vector<std::string> headers;  // "Name: value"
  bool deflate = true;
};

bool parse(int argc, char** argv, command_line& out) {
  for (int i = 1; i < argc; ++i) {
    const std::string_view arg = argv[i];
    const bool has_value = i + 1 < argc;
    if (arg == "--subprotocol" && has_value) {
      out.subprotocols.emplace_back(argv[++i]);
    } else if (arg == "--header" && has_value) {
      out.headers.emplace_back(argv[++i]);
    } else if (arg == "--origin" && has_value) {
      out.origin = argv[++i];
    } else if (arg == "--cafile" && has_value) {
      out.cafile = argv[++i];
    } else if (arg == example::no_deflate_flag) {
      out.deflate = false;
    } else if (!arg.empty() && arg[0] != '-' && out.url.empty()) {
      out.url = std::string(arg);
    } else {
      std::fprintf(stderr, "tether_client: bad argument: %s\n%s", argv[i], usage);
      return false;
    }
  }
  if (out.url.empty()) std::fputs(usage, stderr);
  return !out.url.empty();
}

int fail(const std::string& why) {
  std::fprintf(stderr, "tether_client: %s\n", why.c_str());
  return 1;
}

// A connected, non-blocking TCP socket, or -1 with `error`.
int connect_to(const tether::websocket_uri& uri, std::string& error) {
  example::address where;
  if (!example::resolve(std::string(uri.host), uri.port, where, error)) return -1;
  const int fd = example::connect_tcp(where);
  pollfd waiting{fd, POLLOUT, 0};
  const int ready = fd < 0 ? -1 : ::poll(&waiting, 1, static_cast<int>(connect_timeout.count() * 1000));
  const int status = ready > 0 ? example::connect_error(fd) : (ready == 0 ? ETIMEDOUT : errno);
  if (fd < 0 || status != 0) {
    error = std::strerror(fd < 0 ? errno : status);
    if (fd >= 0) ::close(fd);
    return -1;
  }
  return fd;
}

// One connection: socket, optional TLS, tether, and the stdin lines.
class session {
 public:
  session(int fd, std::unique_ptr<example::tls_stream> tls, const tether::extension* extension)
      : fd_(fd), tls_(std::move(tls)), ws_(tether::role::client, client_options(extension)) {}

  static tether::connection_options client_options(const tether::extension* extension) {
    tether::connection_options options;
    options.max_message_size = options.max_frame_size = 64 * 1024 * 1024;
    options.extension = extension;  // permessage-deflate, or nullptr
    return options;
  }

  tether::connection& ws() { return ws_; }

  // Runs until the connection ends; returns the exit status.
  int run() {
    ws_.tick(std::chrono::steady_clock::now());
    while (failure_.empty()) {
      if (!flush()) return fail("connection lost while writing");
      if (ws_.should_close_transport() && records_.empty()) break;
      pollfd fds[2] = {{fd_, static_cast<short>(POLLIN | (records_.empty() ? 0 : POLLOUT)), 0},
                       {STDIN_FILENO, POLLIN, 0}};
      const bool read_stdin = ws_.is_open() && !stdin_done_ && ws_.queued_output() < stdin_pause;
      if (::poll(fds, read_stdin ? 2 : 1, timeout_ms()) < 0 && errno != EINTR) return fail(std::strerror(errno));
      if (fds[0].revents != 0) read_socket();
      if (read_stdin && fds[1].revents != 0) read_stdin_lines();
      ws_.tick(std::chrono::steady_clock::now());
      handle_events();
    }
    flush();
    if (!failure_.empty()) return fail(failure_);
    if (!closed_) return fail("connection closed without a close frame");
    std::fprintf(stderr, "closed: %d %s\n", close_code_, close_reason_.c_str());
    const bool normal = close_code_ == 1000 || close_code_ == 1001 || close_code_ == 1005;
    return normal ? 0 : 1;
  }

 private:
  int timeout_ms() const {
    const auto deadline = ws_.next_deadline();
    if (!deadline) return -1;
    const auto wait =
        std::chrono::duration_cast<std::chrono::milliseconds>(*deadline - std::chrono::steady_clock::now());
    return wait.count() < 0 ? 0 : static_cast<int>(wait.count()) + 1;
  }

  bool flush() {
    if (!tls_) return example::send_output(fd_, ws_);
    if (!example::encrypt_output(ws_, *tls_, records_, 1024 * 1024)) {
      failure_ = "TLS: " + tls_->error();
      return true;
    }
    return example::flush_queue(fd_, records_);
  }

  void read_socket() {
    static unsigned char buffer[256 * 1024];
    const ssize_t n = example::receive_bytes(fd_, buffer, sizeof buffer);
    if (n == -2) return;
    if (n <= 0) {
      ws_.receive_eof();
      return;
    }
    if (!tls_) {
      ws_.receive(static_cast<void*>(buffer), static_cast<std::size_t>(n));
      handle_events();  // the buffer is reused: drain before the next read
      return;
    }
    tls_->put_ciphertext(buffer, static_cast<std::size_t>(n));
    static unsigned char plain[64 * 1024];
    for (;;) {
      example::tls_stream::status status{};
      const std::size_t got = tls_->read(plain, sizeof plain, status);
      if (status == example::tls_stream::status::ok) {
        ws_.receive(static_cast<void*>(plain), got);
        handle_events();
        continue;
      }
      if (status == example::tls_stream::status::closed) ws_.receive_eof();
      if (status == example::tls_stream::status::failed) failure_ = "TLS: " + tls_->error();
      return;
    }
  }

  void read_stdin_lines() {
    char chunk[64 * 1024];
    const ssize_t n = ::read(STDIN_FILENO, chunk, sizeof chunk);
    if (n < 0 && errno == EINTR) return;
    if (n > 0) {
      line_.append(chunk, static_cast<std::size_t>(n));
      for (auto end = line_.find('\n'); end != std::string::npos; end = line_.find('\n')) {
        send_line(std::string_view(line_).substr(0, end));
        line_.erase(0, end + 1);
      }
      return;
    }
    // End of stdin: the last unfinished line, then the closing handshake (RFC 6455 §7.1.2).
    stdin_done_ = true;
    if (!line_.empty()) send_line(line_);
    if (const std::error_code ec = ws_.close(tether::close_code::normal)) failure_ = "close: " + ec.message();
  }

  void send_line(std::string_view line) {
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    if (const std::error_code ec = ws_.send_text(line)) {
      std::fprintf(stderr, "tether_client: line not sent: %s\n", ec.message().c_str());
    }
  }

  void handle_events() {
    for (tether::event e = ws_.next_event(); e; e = ws_.next_event()) {
      switch (e.type) {
        case tether::event_type::open: {
          const std::string subprotocol(ws_.subprotocol().empty() ? "none" : ws_.subprotocol());
          const std::string extensions(ws_.extensions().empty() ? "none" : ws_.extensions());
          std::fprintf(stderr, "connected (subprotocol: %s) (extensions: %s)\n", subprotocol.c_str(),
                       extensions.c_str());
          break;
        }
        case tether::event_type::data:
          if (e.message_type == tether::opcode::binary) {
            if (e.message_begins) std::printf("<binary message>");
          } else {
            std::fwrite(e.bytes, 1, e.size, stdout);
          }
          if (e.message_ends) {
            std::fputc('\n', stdout);
            std::fflush(stdout);
          }
          break;
        case tether::event_type::close:
          closed_ = true;
          close_code_ = static_cast<int>(e.code);
          close_reason_ = std::string(e.text());
          break;
        case tether::event_type::rejected:
          failure_ = "server refused the upgrade: HTTP " + std::to_string(e.http_status);
          break;
        case tether::event_type::failure: {
          const std::error_code ec = e.error();
          failure_ = ec.message();
          break;
        }
        default:
          break;
      }
    }
  }

  int fd_;
  std::unique_ptr<example::tls_stream> tls_;
  example::byte_queue records_;
  tether::connection ws_;
  std::string line_;
  bool stdin_done_ = false;
  bool closed_ = false;
  int close_code_ = 0;
  std::string close_reason_;
  std::string failure_;
};

}  // namespace

int main(int argc, char** argv) {
  command_line options;
  if (!parse(argc, argv, options)) return 2;
  signal(SIGPIPE, SIG_IGN);
  tether::websocket_uri uri;
  if (const std::error_code ec = tether::parse_websocket_uri(options.url, uri)) {
    std::fprintf(stderr, "tether_client: bad URL %s: %s\n", options.url.c_str(), ec.message().c_str());
    return 2;
  }

  // What the request offers; the handshake keeps views into these until the answer.
  std::vector<std::string_view> protocols(options.subprotocols.begin(), options.subprotocols.end());
  std::vector<tether::http::header_field> headers;
  for (const std::string& header : options.headers) {
    const auto colon = header.find(':');
    if (colon == std::string::npos) {
      std::fprintf(stderr, "tether_client: --header needs 'Name: value': %s\n", header.c_str());
      return 2;
    }
    std::string_view value = std::string_view(header).substr(colon + 1);
    while (!value.empty() && (value.front() == ' ' || value.front() == '\t')) value.remove_prefix(1);
    headers.push_back({std::string_view(header).substr(0, colon), value});
  }
  tether::client_request_options request;
  request.subprotocols = {protocols.data(), protocols.size()};
  request.extra_headers = {headers.data(), headers.size()};
  request.origin = options.origin;

  example::tls_context tls_context;
  std::unique_ptr<example::tls_stream> tls;
  if (uri.secure) {
    std::string error;
    tls_context = example::make_client_context(options.cafile, error);
    if (!tls_context) return fail("TLS setup: " + error);
    tls = std::make_unique<example::tls_stream>(tls_context.get(), example::tls_role::client, std::string(uri.host));
  }

  std::string error;
  const int fd = connect_to(uri, error);
  if (fd < 0) return fail("cannot connect to " + options.url + ": " + error);
  const example::deflate_extension deflate(options.deflate);  // outlives the session
  session s(fd, std::move(tls), deflate.get());
  if (const std::error_code ec = s.ws().connect(uri, request)) {
    ::close(fd);
    return fail("request: " + ec.message());
  }
  const int status = s.run();
  ::close(fd);
  return status;
}
