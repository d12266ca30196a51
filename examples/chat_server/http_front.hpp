// One port for the page and the WebSocket: the request head is read first
// (with tether's HTTP head parser), then an upgrade request goes to a
// tether::connection and anything else gets a plain HTTP answer. The
// connection routes upgrades itself (only /chat is accepted).
#ifndef TETHER_EXAMPLES_CHAT_SERVER_HTTP_FRONT_HPP
#define TETHER_EXAMPLES_CHAT_SERVER_HTTP_FRONT_HPP

#include <tether/http/head_parser.hpp>
#include <tether/http/headers.hpp>
#include <tether/http/writer.hpp>

#include <string>
#include <string_view>

#include "chat_page.hpp"

namespace chat {

// The request target without its query.
inline std::string_view target_path(std::string_view target) { return target.substr(0, target.find('?')); }

enum class head_verdict { need_more, websocket, answered };

// Reads a request head as its bytes arrive (call again with the grown buffer).
class http_front {
 public:
  // `head`: every byte received so far. On `answered`, `answer` holds the
  // complete HTTP response with `status` (then close the connection).
  head_verdict feed(std::string_view head, std::string& answer, int& status) {
    const tether::http::parse_result result = parser_.parse(head, request_);
    if (result.status == tether::http::parse_status::need_more) return head_verdict::need_more;
    if (result.status == tether::http::parse_status::failed) {
      const int rule_status = tether::http_status_for(result.error());
      status = rule_status != 0 ? rule_status : 400;
      write_answer(status, "text/plain", "bad request\n", false, answer);
      return head_verdict::answered;
    }
    // RFC 6455 §4.2.1: an upgrade names websocket in Upgrade; the connection
    // checks the rest of the request.
    if (tether::http::headers_have_token(request_.headers, "Upgrade", "websocket")) return head_verdict::websocket;
    const bool head_only = request_.method == "HEAD";
    const std::string_view path = target_path(request_.target);
    if (request_.method != "GET" && !head_only) {
      status = 405;
      write_answer(status, "text/plain", "method not allowed\n", false, answer);
    } else if (path == "/" || path == "/index.html") {
      status = 200;
      write_answer(status, "text/html; charset=utf-8", page_html, head_only, answer);
    } else {
      status = 404;
      write_answer(status, "text/plain", "not found\n", head_only, answer);
    }
    return head_verdict::answered;
  }

 private:
  static void write_answer(int status, std::string_view type, std::string_view body, bool head_only, std::string& out) {
    namespace http = tether::http;
    char scratch[20];
    http::append_status_line(out, status);
    http::append(out, "Content-Type: ");
    http::append(out, type);
    http::append(out, "\r\nContent-Length: ");
    http::append(out, http::format_unsigned(body.size(), scratch));
    http::append(out, "\r\nCache-Control: no-store\r\nConnection: close\r\n\r\n");
    if (!head_only) http::append(out, body);
  }

  tether::http::head_parser parser_;
  tether::http::basic_request_head<tether::http::header_array<>> request_;
};

}  // namespace chat

#endif
