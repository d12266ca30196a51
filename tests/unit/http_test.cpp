#include <tether/http/head_parser.hpp>
#include <tether/http/headers.hpp>
#include <tether/http/writer.hpp>

#include <string>

#include "test_bytes.hpp"
#include "tether_catch.hpp"

namespace {

using tether::error;
using tether::http::head_parser;
using tether::http::parse_status;
using request_head = tether::http::basic_request_head<tether::http::header_array<>>;
using response_head = tether::http::basic_response_head<tether::http::header_array<>>;

const std::string simple_request =
    "GET /chat?room=1 HTTP/1.1\r\n"
    "Host: example.com\r\n"
    "Connection: keep-alive, Upgrade\r\n"
    "X-Empty:\r\n"
    "X-Spaces:   padded value \t \r\n"
    "\r\n";

tether::http::parse_result parse_whole(const std::string& text, request_head& head,
                                       tether::http::head_limits limits = {}) {
  head_parser parser(limits);
  return parser.parse(text, head);
}

std::error_code request_error(const std::string& text, tether::http::head_limits limits = {}) {
  request_head head;
  const auto result = parse_whole(text, head, limits);
  return result.status == parse_status::failed ? result.error() : std::error_code{};
}

}  // namespace

TEST_CASE("http: a request head parses into views", "[http]") {
  request_head head;
  const std::string input = simple_request + "FRAMES";
  const auto result = parse_whole(input, head);
  REQUIRE(result.status == parse_status::complete);
  CHECK(result.head_size == simple_request.size());
  CHECK(head.method == "GET");
  CHECK(head.target == "/chat?room=1");
  CHECK(head.version.major == 1);
  CHECK(head.version.minor == 1);
  REQUIRE(head.headers.size() == 4);
  CHECK(tether::http::find_header(head.headers, "HOST")->value == "example.com");
  CHECK(tether::http::find_header(head.headers, "x-empty")->value.empty());
  CHECK(tether::http::find_header(head.headers, "X-Spaces")->value == "padded value");
  CHECK(tether::http::headers_have_token(head.headers, "connection", "upgrade"));
  CHECK_FALSE(tether::http::headers_have_token(head.headers, "connection", "close"));
}

TEST_CASE("http: the same head parses identically at every split", "[http]") {
  auto rng = test::make_rng(10);
  const std::string input = simple_request + "\x81\x00";
  for (const auto& plan : test::split_plans(input.size(), rng, 20)) {
    head_parser parser;
    request_head head;
    std::size_t have = 0;
    tether::http::parse_result result;
    for (std::size_t piece : plan) {
      have += piece;
      // The buffer moves on purpose: a fresh copy each call.
      const std::string buffer = input.substr(0, have);
      result = parser.parse(buffer, head);
      if (result.status != parse_status::need_more) {
        CHECK(result.status == parse_status::complete);
        CHECK(result.head_size == simple_request.size());
        CHECK(have >= simple_request.size());
        break;
      }
    }
    REQUIRE(result.status == parse_status::complete);
  }
}

TEST_CASE("http: a status line parses", "[http]") {
  head_parser parser;
  response_head head;
  const auto result = parser.parse("HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\n\r\n", head);
  REQUIRE(result.status == parse_status::complete);
  CHECK(head.status == 101);
  CHECK(head.reason == "Switching Protocols");
  head_parser no_reason;
  response_head head2;
  CHECK(no_reason.parse("HTTP/1.1 404\r\n\r\n", head2).status == parse_status::complete);
  CHECK(head2.status == 404);
  head_parser bad;
  response_head head3;
  CHECK(bad.parse("HTTP/1.1 10x OK\r\n\r\n", head3).error() == error::bad_status_line);
}

TEST_CASE("http: each malformed head gets its own error", "[http]") {
  CHECK(request_error("GET / HTTP/1.1\r\nHost : x\r\n\r\n") == error::whitespace_before_colon);
  CHECK(request_error("GET / HTTP/1.1\r\nHost\t: x\r\n\r\n") == error::whitespace_before_colon);
  CHECK(request_error("GET / HTTP/1.1\r\nHost: x\r\n folded\r\n\r\n") == error::obsolete_line_folding);
  CHECK(request_error("GET / HTTP/1.1\r\n Host: x\r\n\r\n") == error::obsolete_line_folding);
  CHECK(request_error("GET / HTTP/1.1\r\nHo(st: x\r\n\r\n") == error::bad_header_name);
  CHECK(request_error("GET / HTTP/1.1\r\n: x\r\n\r\n") == error::bad_header_name);
  CHECK(request_error("GET / HTTP/1.1\r\nNoColon\r\n\r\n") == error::bad_header_name);
  CHECK(request_error(std::string("GET / HTTP/1.1\r\nHost: a\0b\r\n\r\n", 29)) == error::bad_header_value);
  CHECK(request_error("GET / HTTP/1.1\r\nHost: a\x7f\r\n\r\n") == error::bad_header_value);
  CHECK(request_error("GET / HTTP/1.1\r\nHost: a\rb\r\n\r\n") == error::bad_line_ending);
  CHECK(request_error("GET / HTTP/1.1\nHost: x\r\n\r\n") == error::bad_line_ending);
  CHECK(request_error("GET / HTTP/1.1\r\nHost: x\n\r\n") == error::bad_line_ending);
  CHECK(request_error("GET / HTTP/1.1\r\nHost: x\r\n\n") == error::bad_line_ending);
  CHECK(request_error("GET /  HTTP/1.1\r\n\r\n") == error::bad_request_target);
  CHECK(request_error("GET  HTTP/1.1\r\n\r\n") == error::bad_request_target);  // empty target
  CHECK(request_error("GET HTTP/1.1\r\n\r\n") == error::bad_request_line);
  CHECK(request_error("G(T / HTTP/1.1\r\n\r\n") == error::bad_method);
  CHECK(request_error("GET / HTTP/1\r\n\r\n") == error::bad_http_version);
  CHECK(request_error("GET / http/1.1\r\n\r\n") == error::bad_http_version);
  CHECK(request_error("GET /\x80 HTTP/1.1\r\n\r\n") == error::bad_request_target);
}

TEST_CASE("http: obs-text is allowed in field values (RFC 9110 §5.5)", "[http]") {
  CHECK_FALSE(request_error("GET / HTTP/1.1\r\nX-Name: caf\xc3\xa9\r\n\r\n"));
}

TEST_CASE("http: empty lines before the request line are ignored (RFC 9112 §2.2)", "[http]") {
  request_head head;
  const std::string input = "\r\n\r\nGET / HTTP/1.1\r\nHost: x\r\n\r\n";
  const auto result = parse_whole(input, head);
  REQUIRE(result.status == parse_status::complete);
  CHECK(head.method == "GET");
}

TEST_CASE("http: the head size and header count limits", "[http]") {
  tether::http::head_limits limits;
  limits.max_head_size = 64;
  const std::string big = "GET / HTTP/1.1\r\nX-Long: " + std::string(100, 'a') + "\r\n\r\n";
  CHECK(request_error(big, limits) == error::head_too_large);
  CHECK(tether::http_status_for(request_error(big, limits)) == 431);
  // The limit holds while bytes trickle in, before the head ends.
  head_parser parser(limits);
  request_head head;
  CHECK(parser.parse(big.substr(0, 63), head).status == parse_status::need_more);
  CHECK(parser.parse(big.substr(0, 64), head).error() == error::head_too_large);

  tether::http::head_limits few;
  few.max_header_count = 2;
  CHECK(request_error("GET / HTTP/1.1\r\nA: 1\r\nB: 2\r\n\r\n", few) == std::error_code{});
  CHECK(request_error("GET / HTTP/1.1\r\nA: 1\r\nB: 2\r\nC: 3\r\n\r\n", few) == error::too_many_headers);
  // The sink's own capacity is a limit too.
  head_parser small_sink;
  tether::http::basic_request_head<tether::http::header_array<1>> tiny;
  CHECK(small_sink.parse("GET / HTTP/1.1\r\nA: 1\r\nB: 2\r\n\r\n", tiny).error() == error::too_many_headers);
}

TEST_CASE("http: a vector sink collects the same fields", "[http]") {
  head_parser parser;
  tether::http::basic_request_head<tether::http::header_vector<>> head;
  REQUIRE(parser.parse(simple_request, head).status == parse_status::complete);
  CHECK(head.headers.size() == 4);
}

TEST_CASE("http: list headers split on commas with OWS (RFC 9110 §5.6.1)", "[http]") {
  std::vector<std::string> elements;
  tether::http::for_each_list_element(" a ,b,, \t c\t,", [&](std::string_view e) {
    elements.emplace_back(e);
    return true;
  });
  CHECK(elements == std::vector<std::string>{"a", "b", "c"});
  CHECK(tether::http::list_has_token("keep-alive, Upgrade", "upgrade"));
  CHECK_FALSE(tether::http::list_has_token("keep-alive, Upgrader", "upgrade"));
}

TEST_CASE("http: the writer refuses header injection", "[http]") {
  std::string out;
  CHECK(tether::http::append_header(out, "X-Ok", "fine value") == std::error_code{});
  CHECK(tether::http::append_header(out, "X-Bad", "a\r\nInjected: yes") == error::header_injection);
  CHECK(tether::http::append_header(out, "X-Bad", "a\nb") == error::header_injection);
  CHECK(tether::http::append_header(out, "Bad Name", "v") == error::header_injection);
  CHECK(tether::http::append_header(out, "Bad:Name", "v") == error::header_injection);
  CHECK(out == "X-Ok: fine value\r\n");
  tether::http::fixed_buffer<8> small;
  tether::http::append(small, "0123456789");
  CHECK(small.overflowed());
}

TEST_CASE("http: token comparison against lowercase literals, eight bytes a step", "[http]") {
  using tether::http::token_equals_lowercase;
  CHECK(token_equals_lowercase("Sec-WebSocket-Extensions", "sec-websocket-extensions"));
  CHECK(token_equals_lowercase("SEC-WEBSOCKET-KEY", "sec-websocket-key"));
  CHECK(token_equals_lowercase("Host", "host"));
  CHECK(token_equals_lowercase("Upgrade", "upgrade"));
  CHECK(token_equals_lowercase("Connection", "connection"));
  CHECK_FALSE(token_equals_lowercase("Sec-WebSocket-Extensionz", "sec-websocket-extensions"));
  CHECK_FALSE(token_equals_lowercase("Xec-WebSocket-Extensions", "sec-websocket-extensions"));
  CHECK_FALSE(token_equals_lowercase("Sec_WebSocket-Key", "sec-websocket-key"));
  CHECK_FALSE(token_equals_lowercase("Connectio", "connection"));
  CHECK_FALSE(token_equals_lowercase("User-Agent", "connection"));
  // Every single-byte change of a long name is caught, wherever it is.
  const std::string name = "Sec-WebSocket-Protocol";
  for (std::size_t i = 0; i < name.size(); ++i) {
    std::string changed = name;
    changed[i] = '!';
    INFO(changed);
    CHECK_FALSE(token_equals_lowercase(changed, "sec-websocket-protocol"));
  }
}

TEST_CASE("http: a forbidden byte anywhere in a long head fails it, whole and in pieces", "[http]") {
  // Long enough for every SIMD block width; the byte lands at every offset.
  const std::string base =
      "GET /chat?room=1 HTTP/1.1\r\nHost: 127.0.0.1:9001\r\nUser-Agent: Mozilla/5.0 (X11; Linux x86_64) "
      "AppleWebKit/537.36\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Version: 13\r\n"
      "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nAccept-Language: en-US,en;q=0.9\r\n\r\n";
  for (std::size_t at = 0; at + 4 < base.size(); ++at) {
    for (char bad : {'\0', '\x01', '\x7f', '\r', '\x1f'}) {
      if (base[at] == bad) continue;
      std::string text = base;
      text[at] = bad;
      for (std::size_t piece : {text.size(), std::size_t{7}, std::size_t{33}}) {
        head_parser parser;
        request_head head;
        tether::http::parse_result result;
        for (std::size_t have = piece;; have += piece) {
          if (have > text.size()) have = text.size();
          result = parser.parse(std::string_view(text.data(), have), head);
          if (result.status != parse_status::need_more || have == text.size()) break;
        }
        INFO("byte " << static_cast<int>(bad) << " at " << at << ", pieces of " << piece);
        CHECK(result.status == parse_status::failed);
      }
    }
  }
}

TEST_CASE("http: bad_status_line, part by part (RFC 9112 §4)", "[http]") {
  for (const char* line : {"HTTP/1.1 20\r\n\r\n",             // three digits
                           "HTTP/1.1_200 OK\r\n\r\n",         // SP after the version
                           "HTTP/1.x 200 OK\r\n\r\n",         // the version
                           "HTTP/1.1 099 OK\r\n\r\n",         // 100 to 999
                           "HTTP/1.1 200OK\r\n\r\n",          // SP before the reason
                           "HTTP/1.1 200 O\x01K\r\n\r\n"}) {  // reason characters
    INFO(line);
    head_parser parser;
    response_head head;
    CHECK(parser.parse(line, head).error() == error::bad_status_line);
  }
  head_parser parser;
  response_head head;
  CHECK(parser.parse("HTTP/1.1 100 Continue\r\n\r\n", head).status == parse_status::complete);
}
