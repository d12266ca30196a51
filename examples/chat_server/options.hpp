// chat_server's command line.
#ifndef TETHER_EXAMPLES_CHAT_SERVER_OPTIONS_HPP
#define TETHER_EXAMPLES_CHAT_SERVER_OPTIONS_HPP

#include <algorithm>
#include <cerrno>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <iterator>
#include <string>
#include <string_view>
#include <vector>

#include "deflate_extension.hpp"

namespace chat {

inline constexpr const char* usage_text =
    "usage: chat_server [--host 127.0.0.1] [--port 8080] [--redis redis://127.0.0.1:6379/0]\n"
    "                   [--cert FILE --key FILE] [--allow-origin ORIGIN]... [--max-message-size N]\n"
    "                   [--no-deflate]\n"
    "\n"
    "Serves the chat page at / and the chat's WebSocket at /chat on one port.\n"
    "  --host, --port        where to listen (port 0: any free port; the URL is printed)\n"
    "  --redis URL           share the room with other instances through Redis pub/sub\n"
    "  --cert, --key         serve https:// and wss:// with this PEM certificate chain and key\n"
    "  --allow-origin O      browsers from origin O may connect (repeatable; * for any).\n"
    "                        Default: the page's own origin. Clients without Origin are always allowed.\n"
    "  --max-message-size N  largest message in bytes (default 1048576); larger ones close with 1009\n"
    "  --no-deflate          decline permessage-deflate (RFC 7692), accepted by default when offered\n";

struct server_options {
  std::string host = "127.0.0.1";
  int port = 8080;
  std::string redis_url;
  std::string cert_file;
  std::string key_file;
  std::vector<std::string> allowed_origins;
  std::uint64_t max_message_size = 1024 * 1024;
  bool deflate = true;  // accept permessage-deflate (when built with zlib)
};

enum class parse_outcome { run, help, bad };

// Strict unsigned decimal: the whole text, within [min, max].
inline bool parse_number(const char* text, std::uint64_t min, std::uint64_t max, std::uint64_t& out) {
  if (*text < '0' || *text > '9') return false;
  char* end = nullptr;
  errno = 0;
  const unsigned long long value = std::strtoull(text, &end, 10);
  if (errno != 0 || *end != '\0' || value < min || value > max) return false;
  out = value;
  return true;
}

inline parse_outcome parse_options(int argc, char** argv, server_options& options) {
  auto bad = [](const char* what, std::string_view arg) {
    std::fprintf(stderr, "chat_server: %s: %.*s\n(see --help)\n", what, static_cast<int>(arg.size()), arg.data());
    return parse_outcome::bad;
  };
  for (int i = 1; i < argc; ++i) {
    const std::string_view arg = argv[i];
    if (arg == "--help" || arg == "-h") return parse_outcome::help;
    if (arg == example::no_deflate_flag) {
      options.deflate = false;
      continue;
    }
    constexpr std::string_view flags[] = {"--host", "--port",         "--redis",           "--cert",
                                          "--key",  "--allow-origin", "--max-message-size"};
    if (std::find(std::begin(flags), std::end(flags), arg) == std::end(flags)) return bad("unknown option", arg);
    if (i + 1 >= argc) return bad("missing value after", arg);
    const char* value = argv[++i];
    std::uint64_t number = 0;
    if (arg == "--host") {
      options.host = value;
    } else if (arg == "--port") {
      if (!parse_number(value, 0, 65535, number)) return bad("bad port", value);
      options.port = static_cast<int>(number);
    } else if (arg == "--redis") {
      if (std::string_view(value).rfind("redis://", 0) != 0) return bad("not a redis:// URL", value);
      options.redis_url = value;
    } else if (arg == "--cert") {
      options.cert_file = value;
    } else if (arg == "--key") {
      options.key_file = value;
    } else if (arg == "--allow-origin") {
      options.allowed_origins.emplace_back(value);
    } else if (arg == "--max-message-size") {
      if (!parse_number(value, 1, std::uint64_t{1} << 32, number)) return bad("bad message size", value);
      options.max_message_size = number;
    }
  }
  if (options.cert_file.empty() != options.key_file.empty()) {
    std::fprintf(stderr, "chat_server: --cert and --key go together\n");
    return parse_outcome::bad;
  }
  return parse_outcome::run;
}

}  // namespace chat

#endif
