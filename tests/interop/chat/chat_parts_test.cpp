// The chat example's parts on their own, without sockets: message checks,
// routing, command line, Redis URLs and the room's backpressure rule.
#include "tether_catch.hpp"

#include <tether/connection.hpp>

#include <string>
#include <string_view>

#include "../common/redis_bus.hpp"
#include "../common/tether_io.hpp"
#include "chat_messages.hpp"
#include "chat_room.hpp"
#include "http_front.hpp"
#include "options.hpp"

namespace {

nlohmann::ordered_json parsed(const std::string& wire) { return nlohmann::ordered_json::parse(wire, nullptr, false); }

bool is_iso8601(const std::string& text) {
  // 2024-05-01T12:34:56.789Z
  if (text.size() != 24) return false;
  for (std::size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    const bool ok = i == 4 || i == 7     ? c == '-'
                    : i == 10            ? c == 'T'
                    : i == 13 || i == 16 ? c == ':'
                    : i == 19            ? c == '.'
                    : i == 23            ? c == 'Z'
                                         : c >= '0' && c <= '9';
    if (!ok) return false;
  }
  return true;
}

chat::head_verdict route(std::string_view request, std::string& answer, int& status) {
  chat::http_front front;
  return front.feed(request, answer, status);
}

}  // namespace

TEST_CASE("chat: a client message is a JSON object with a string text") {
  const auto good = chat::parse_client_message(R"({"type":"chat","text":"hi","sentAt":"2024-05-01T12:34:56.789Z"})");
  CHECK(good.problem.empty());
  CHECK(good.wire == R"({"type":"chat","text":"hi","sentAt":"2024-05-01T12:34:56.789Z"})");

  CHECK(chat::parse_client_message("not json").problem == "invalid_json");
  CHECK(chat::parse_client_message("").problem == "invalid_json");
  CHECK(chat::parse_client_message(R"({"text":"a"} trailing)").problem == "invalid_json");
  CHECK(chat::parse_client_message("[1,2]").problem == "not_an_object");
  CHECK(chat::parse_client_message(R"("text")").problem == "not_an_object");
  CHECK(chat::parse_client_message("42").problem == "not_an_object");
  CHECK(chat::parse_client_message("{}").problem == "text_not_a_string");
  CHECK(chat::parse_client_message(R"({"text":null})").problem == "text_not_a_string");
  CHECK(chat::parse_client_message(R"({"text":["a"]})").problem == "text_not_a_string");
}

TEST_CASE("chat: what is broadcast is rebuilt from the known fields") {
  const auto message = chat::parse_client_message(R"({"type":"system","text":"x","sentAt":7,"admin":true})");
  REQUIRE(message.problem.empty());
  const auto out = parsed(message.wire);
  CHECK(out["type"] == "chat");  // a client cannot speak as the server
  CHECK(out["text"] == "x");
  CHECK(out.size() == 3);
  CHECK(is_iso8601(out["sentAt"].get<std::string>()));  // not a string: the server's time
}

TEST_CASE("chat: system messages carry the time and, for errors, the problem") {
  const auto welcome = parsed(chat::system_message("Welcome!"));
  CHECK(welcome["type"] == "system");
  CHECK(welcome["text"] == "Welcome!");
  CHECK(is_iso8601(welcome["sentAt"].get<std::string>()));
  CHECK(!welcome.contains("error"));
  CHECK(parsed(chat::system_message("no", "invalid_json"))["error"] == "invalid_json");
  CHECK(is_iso8601(chat::iso8601_now()));
}

TEST_CASE("chat: one port routes the page, 404s, and upgrades") {
  std::string answer;
  int status = 0;
  CHECK(route("GET / HTTP/1.1\r\nHost: a\r\n\r\n", answer, status) == chat::head_verdict::answered);
  CHECK(status == 200);
  CHECK(answer.find(std::string(chat::page_html)) != std::string::npos);

  answer.clear();
  CHECK(route("HEAD /index.html HTTP/1.1\r\nHost: a\r\n\r\n", answer, status) == chat::head_verdict::answered);
  CHECK(status == 200);
  CHECK(answer.find("<html") == std::string::npos);

  CHECK(route("GET /other?x HTTP/1.1\r\nHost: a\r\n\r\n", answer, status) == chat::head_verdict::answered);
  CHECK(status == 404);
  CHECK(route("DELETE / HTTP/1.1\r\nHost: a\r\n\r\n", answer, status) == chat::head_verdict::answered);
  CHECK(status == 405);
  CHECK(route("GET / HTTP/1.1\r\nHost", answer, status) == chat::head_verdict::need_more);
  CHECK(route("GET / HTTP/1.1\r\nBad Header: x\r\n\r\n", answer, status) == chat::head_verdict::answered);
  CHECK(status == 400);
  // Any path: the connection routes upgrades itself (only /chat is accepted).
  CHECK(route("GET /elsewhere HTTP/1.1\r\nHost: a\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n\r\n", answer,
              status) == chat::head_verdict::websocket);
}

TEST_CASE("chat: command line") {
  auto parse = [](std::initializer_list<const char*> words, chat::server_options& options) {
    std::vector<char*> argv{const_cast<char*>("chat_server")};
    for (const char* w : words) argv.push_back(const_cast<char*>(w));
    return chat::parse_options(static_cast<int>(argv.size()), argv.data(), options);
  };
  chat::server_options options;
  CHECK(parse({"--port", "0", "--allow-origin", "http://a", "--allow-origin", "*", "--max-message-size", "100",
               "--redis", "redis://127.0.0.1:6379/0", "--cert", "c", "--key", "k"},
              options) == chat::parse_outcome::run);
  CHECK(options.port == 0);
  CHECK(options.allowed_origins.size() == 2);
  CHECK(options.max_message_size == 100);
  chat::server_options other;
  CHECK(parse({"--help"}, other) == chat::parse_outcome::help);
  CHECK(parse({"--port", "65536"}, other) == chat::parse_outcome::bad);
  CHECK(parse({"--port", "-1"}, other) == chat::parse_outcome::bad);
  CHECK(parse({"--port"}, other) == chat::parse_outcome::bad);
  CHECK(parse({"--nope", "1"}, other) == chat::parse_outcome::bad);
  CHECK(parse({"--key", "k"}, other) == chat::parse_outcome::bad);  // --cert and --key go together
  CHECK(parse({"--redis", "127.0.0.1:6379"}, other) == chat::parse_outcome::bad);
  CHECK(parse({"--max-message-size", "0"}, other) == chat::parse_outcome::bad);
}

TEST_CASE("chat: Redis URLs") {
  example::redis_url url;
  REQUIRE(example::parse_redis_url("redis://127.0.0.1:6380/0", url));
  CHECK(url.host == "127.0.0.1");
  CHECK(url.port == 6380);
  CHECK(url.password.empty());
  example::redis_url with_password;
  REQUIRE(example::parse_redis_url("redis://:secret@redis.example/3", with_password));
  CHECK(with_password.host == "redis.example");
  CHECK(with_password.port == 6379);
  CHECK(with_password.password == "secret");
  example::redis_url bad;
  CHECK(!example::parse_redis_url("http://127.0.0.1:6379/0", bad));
  CHECK(!example::parse_redis_url("redis://127.0.0.1:99999/0", bad));
}

TEST_CASE("chat: a client that stops reading misses messages instead of holding them") {
  // An open server connection, made by a real client's request.
  tether::connection peer(tether::role::client);
  REQUIRE(!peer.connect("ws://127.0.0.1/chat"));
  std::string request;
  tether::const_buffer out[8];
  const std::size_t count = peer.output_buffers(out, 8);
  for (std::size_t i = 0; i < count; ++i) request.append(static_cast<const char*>(out[i].data), out[i].size);

  const auto now = chat::steady_clock::now();
  chat::client c(-1, "test", now);
  const auto options = chat::connection_options_for(1024 * 1024);
  c.ws.emplace(tether::role::server, options);
  c.ws->receive(static_cast<const void*>(request.data()), request.size());
  REQUIRE(c.ws->next_event().type == tether::event_type::upgrade_request);
  REQUIRE(!c.ws->accept());
  REQUIRE(!c.ws->consume(c.ws->queued_output()));

  chat::room room;
  chat::touched_list touched;
  room.join(c);
  const std::string payload =
      R"({"type":"chat","text":")" + std::string(options.output_high_watermark / 4, 'x') + "\"}";
  for (int i = 0; i < 8; ++i) room.broadcast(payload, touched);
  CHECK(c.ws->backpressured());
  CHECK(c.ws->queued_output() <= options.output_high_watermark + payload.size() + 16);
  CHECK(c.dropped >= 3);
  CHECK(touched.fds().size() == 1);  // touched once, however many sends

  // Draining the backlog lets messages through again (tether says `writable`).
  REQUIRE(!c.ws->consume(c.ws->queued_output()));
  bool writable = false;
  for (tether::event e = c.ws->next_event(); e; e = c.ws->next_event()) {
    writable = writable || e.type == tether::event_type::writable;
  }
  CHECK(writable);
  chat::room::caught_up(c);
  CHECK(c.dropped == 0);
  room.broadcast(payload, touched);
  CHECK(c.ws->queued_output() > payload.size());
  room.leave(c);
  CHECK(room.size() == 0);
}
