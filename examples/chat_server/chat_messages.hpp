// The chat's messages, as the seed's browser client and Node server speak
// them: JSON objects {type: "chat" | "system", text, sentAt}, sentAt an
// ISO-8601 UTC time as JavaScript's Date.prototype.toISOString() writes it.
// Parsed and written with nlohmann/json (only the example uses JSON; tether
// itself stays dependency-free).
#ifndef TETHER_EXAMPLES_CHAT_SERVER_CHAT_MESSAGES_HPP
#define TETHER_EXAMPLES_CHAT_SERVER_CHAT_MESSAGES_HPP

#include <nlohmann/json.hpp>

#include <chrono>
#include <cstdio>
#include <ctime>
#include <string>
#include <string_view>

namespace chat {

// "2024-05-01T12:34:56.789Z", like new Date().toISOString().
inline std::string iso8601_now() {
  using namespace std::chrono;
  const auto now = system_clock::now();
  const std::time_t seconds = system_clock::to_time_t(now);
  const auto millis = duration_cast<milliseconds>(now.time_since_epoch()).count() % 1000;
  std::tm utc{};
  gmtime_r(&seconds, &utc);
  char text[40];
  const std::size_t date = std::strftime(text, sizeof text, "%Y-%m-%dT%H:%M:%S", &utc);
  std::snprintf(text + date, sizeof text - date, ".%03dZ", static_cast<int>(millis));
  return text;
}

// Serialized for the wire; invalid UTF-8 cannot come in (tether checked the
// text frame, RFC 6455 §8.1), replace is only a guard that never throws.
inline std::string to_wire(const nlohmann::ordered_json& message) {
  return message.dump(-1, ' ', false, nlohmann::ordered_json::error_handler_t::replace);
}

// {type: "system", text, sentAt} from the server; `problem` names what was
// wrong with the client's message (a stable word for programs to test on).
inline std::string system_message(std::string_view text, std::string_view problem = {}) {
  nlohmann::ordered_json message = {{"type", "system"}, {"text", text}, {"sentAt", iso8601_now()}};
  if (!problem.empty()) message["error"] = problem;
  return to_wire(message);
}

// What a client sent, once checked.
struct parsed_message {
  std::string wire;          // the chat message to broadcast, when problem is empty
  std::string_view problem;  // invalid_json, not_an_object, text_not_a_string
};

// A client's message must be a JSON object with a string `text`. What goes out
// is rebuilt from the fields the chat knows: type is always "chat" (a client
// cannot speak as the server), sentAt is the client's when it gave a string,
// the server's time otherwise.
inline parsed_message parse_client_message(std::string_view payload) {
  const nlohmann::ordered_json in = nlohmann::ordered_json::parse(payload, nullptr, /*allow_exceptions=*/false);
  if (in.is_discarded()) return {{}, "invalid_json"};
  if (!in.is_object()) return {{}, "not_an_object"};
  const auto text = in.find("text");
  if (text == in.end() || !text->is_string()) return {{}, "text_not_a_string"};
  const auto sent_at = in.find("sentAt");
  nlohmann::ordered_json out = {{"type", "chat"}, {"text", *text}};
  out["sentAt"] = sent_at != in.end() && sent_at->is_string() ? *sent_at : nlohmann::ordered_json(iso8601_now());
  return {to_wire(out), {}};
}

}  // namespace chat

#endif
