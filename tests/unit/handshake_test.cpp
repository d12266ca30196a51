#include <tether/handshake.hpp>
#include <tether/random.hpp>
#if defined(TETHER_HAS_OPENSSL)
#include <tether/openssl.hpp>
#endif

#include <string>
#include <vector>

#include "test_bytes.hpp"
#include "tether_catch.hpp"

namespace {

using tether::error;
using tether::handshake_status;

// Upgrade requests as real clients send them (typed in from captures).
const std::string chromium_request =
    "GET /chat HTTP/1.1\r\n"
    "Host: 127.0.0.1:9001\r\n"
    "Connection: Upgrade\r\n"
    "Pragma: no-cache\r\n"
    "Cache-Control: no-cache\r\n"
    "User-Agent: Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.0.0 "
    "Safari/537.36\r\n"
    "Upgrade: websocket\r\n"
    "Origin: http://127.0.0.1:8080\r\n"
    "Sec-WebSocket-Version: 13\r\n"
    "Accept-Encoding: gzip, deflate, br\r\n"
    "Accept-Language: en-US,en;q=0.9\r\n"
    "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n"
    "Sec-WebSocket-Extensions: permessage-deflate; client_max_window_bits\r\n"
    "\r\n";

const std::string node_ws_request =
    "GET / HTTP/1.1\r\n"
    "Sec-WebSocket-Version: 13\r\n"
    "Sec-WebSocket-Key: x3JJHMbDL1EzLkh9GBhXDw==\r\n"
    "Connection: Upgrade\r\n"
    "Upgrade: websocket\r\n"
    "Sec-WebSocket-Extensions: permessage-deflate; client_max_window_bits\r\n"
    "Host: 127.0.0.1:9001\r\n"
    "\r\n";

const std::string python_websockets_request =
    "GET /echo HTTP/1.1\r\n"
    "Host: localhost:8765\r\n"
    "Upgrade: websocket\r\n"
    "Connection: Upgrade\r\n"
    "Sec-WebSocket-Key: 3xUptQ9/WmEc3LDz7ZG9nw==\r\n"
    "Sec-WebSocket-Version: 13\r\n"
    "Sec-WebSocket-Protocol: chat, superchat\r\n"
    "Sec-WebSocket-Extensions: permessage-deflate; client_max_window_bits\r\n"
    "User-Agent: Python/3.11 websockets/10.4\r\n"
    "\r\n";

std::string with_header_replaced(std::string request, const std::string& name, const std::string& line) {
  const std::size_t at = request.find(name + ":");
  REQUIRE(at != std::string::npos);
  const std::size_t end = request.find("\r\n", at);
  if (line.empty()) return request.erase(at, end + 2 - at);
  return request.replace(at, end - at, line);
}

std::error_code server_error(const std::string& request) {
  tether::server_handshake<> handshake;
  const auto result = handshake.feed(request.data(), request.size());
  return result.error();
}

}  // namespace

TEST_CASE("handshake: RFC 6455 §1.3 key gives the RFC's accept value", "[handshake]") {
  CHECK(tether::make_accept_key("dGhlIHNhbXBsZSBub25jZQ==") == "s3pPLMBiTxaQ9kYGzzhZRbK+xOo=");
}

TEST_CASE("handshake: SHA-1 matches the FIPS 180 test vectors", "[handshake][sha1]") {
  auto hex = [](const tether::sha1::digest_type& d) {
    std::string s;
    for (unsigned char b : d) s += "0123456789abcdef"[b >> 4], s += "0123456789abcdef"[b & 15];
    return s;
  };
  CHECK(hex(tether::sha1::hash("abc", 3)) == "a9993e364706816aba3e25717850c26c9cd0d89d");
  CHECK(hex(tether::sha1::hash("", 0)) == "da39a3ee5e6b4b0d3255bfef95601890afd80709");
  const std::string two_blocks = "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq";
  CHECK(hex(tether::sha1::hash(two_blocks.data(), two_blocks.size())) == "84983e441c3bd26ebaae4aa1f95129e5e54670f1");
  tether::sha1 million;
  const std::string a(1000, 'a');
  for (int i = 0; i < 1000; ++i) million.update(a.data(), a.size());
  tether::sha1::digest_type digest;
  million.finish(digest.data());
  CHECK(hex(digest) == "34aa973cd4c4daa4f61eeb2bdbad27316534016f");
}

#if defined(TETHER_HAS_OPENSSL)
TEST_CASE("handshake: the OpenSSL SHA-1 policy agrees with the built-in one", "[handshake][openssl]") {
  auto rng = test::make_rng(20);
  for (int round = 0; round < 200; ++round) {
    const test::bytes data = test::random_bytes(rng, rng() % 300);
    tether::sha1 builtin;
    tether::openssl_sha1 openssl;
    // Feed in random pieces to exercise buffering.
    std::size_t offset = 0;
    while (offset < data.size()) {
      const std::size_t piece = std::min<std::size_t>(1 + rng() % 70, data.size() - offset);
      builtin.update(data.data() + offset, piece);
      openssl.update(data.data() + offset, piece);
      offset += piece;
    }
    unsigned char a[20], b[20];
    builtin.finish(a);
    openssl.finish(b);
    REQUIRE(std::equal(a, a + 20, b));
  }
  CHECK(tether::make_accept_key_with<tether::openssl_sha1>("dGhlIHNhbXBsZSBub25jZQ==") ==
        "s3pPLMBiTxaQ9kYGzzhZRbK+xOo=");
  tether::openssl_random random;
  unsigned char x[16] = {}, y[16] = {};
  random.fill(x, 16);
  random.fill(y, 16);
  CHECK_FALSE(std::equal(x, x + 16, y));
}
#endif

TEST_CASE("handshake: requests from real clients are accepted", "[handshake]") {
  for (const std::string* request : {&chromium_request, &node_ws_request, &python_websockets_request}) {
    tether::server_handshake<> handshake;
    const auto result = handshake.feed(request->data(), request->size());
    INFO(*request);
    REQUIRE(result.status == handshake_status::complete);
    CHECK(result.consumed == request->size());
  }
  tether::server_handshake<> handshake;
  handshake.feed(chromium_request.data(), chromium_request.size());
  const auto& request = handshake.request();
  CHECK(request.target() == "/chat");
  CHECK(request.host == "127.0.0.1:9001");
  CHECK(request.origin == "http://127.0.0.1:8080");
  std::vector<std::string> extensions;
  std::vector<std::string> params;
  request.for_each_extension([&](const tether::extension_offer& offer) {
    extensions.emplace_back(offer.name);
    offer.for_each_param([&](const tether::extension_param& p) { params.emplace_back(p.name); });
  });
  CHECK(extensions == std::vector<std::string>{"permessage-deflate"});
  CHECK(params == std::vector<std::string>{"client_max_window_bits"});

  std::string response;
  REQUIRE_FALSE(handshake.write_accept(response));
  CHECK(response ==
        "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
        "Sec-WebSocket-Accept: s3pPLMBiTxaQ9kYGzzhZRbK+xOo=\r\n\r\n");
}

TEST_CASE("handshake: a request fed whole, byte by byte and at random splits gives the same answer", "[handshake]") {
  auto rng = test::make_rng(21);
  const std::string stream = python_websockets_request + "\x81\x85\x37\xfa\x21\x3d\x7f\x9f\x4d\x51\x58";
  for (const auto& plan : test::split_plans(stream.size(), rng, 30)) {
    tether::server_handshake<> handshake;
    std::size_t offset = 0;
    std::size_t head_bytes = 0;  // the sum of consumed: where the frames begin
    for (std::size_t piece : plan) {
      const bool was_complete = handshake.result().status == handshake_status::complete;
      const auto result = handshake.feed(stream.data() + offset, piece);
      if (was_complete) {
        CHECK(result.consumed == 0);  // after the verdict, nothing more is the head's
      } else if (result.status == handshake_status::need_more) {
        CHECK(result.consumed == piece);  // an unfinished head takes the whole piece
      } else {
        REQUIRE(result.status == handshake_status::complete);
        CHECK(offset + result.consumed == python_websockets_request.size());  // the head ends exactly here
      }
      head_bytes += result.consumed;
      offset += piece;
    }
    REQUIRE(handshake.result().status == handshake_status::complete);
    CHECK(head_bytes == python_websockets_request.size());
    CHECK(stream.substr(head_bytes) ==
          "\x81\x85\x37\xfa\x21\x3d\x7f\x9f\x4d\x51\x58");  // frames after the head are not lost
    std::vector<std::string> protocols;
    handshake.request().for_each_subprotocol([&](std::string_view p) { protocols.emplace_back(p); });
    CHECK(protocols == std::vector<std::string>{"chat", "superchat"});
  }
}

TEST_CASE("handshake: each server-side rule has its own error and status", "[handshake]") {
  const std::string& ok = node_ws_request;
  struct rejection {
    std::string request;
    error expected;
    int status;
  };
  const rejection cases[] = {
      {"POST" + ok.substr(3), error::method_not_get, 400},
      {"get" + ok.substr(3), error::method_not_get, 400},
      {with_header_replaced("GET / HTTP/1.0\r\n" + ok.substr(16), "Host", "Host: a"), error::http_version_too_old, 400},
      {with_header_replaced(ok, "Host", ""), error::missing_host, 400},
      {with_header_replaced(ok, "Host", "Host: a\r\nHost: b"), error::duplicate_host, 400},
      {with_header_replaced(ok, "Upgrade", "Upgrade: h2c"), error::missing_upgrade_websocket, 400},
      {with_header_replaced(ok, "Upgrade", ""), error::missing_upgrade_websocket, 400},
      {with_header_replaced(ok, "Connection", "Connection: keep-alive"), error::missing_connection_upgrade, 400},
      {with_header_replaced(ok, "Sec-WebSocket-Key", ""), error::missing_sec_websocket_key, 400},
      {with_header_replaced(ok, "Sec-WebSocket-Key", "Sec-WebSocket-Key: c2hvcnQ="), error::bad_sec_websocket_key, 400},
      {with_header_replaced(ok, "Sec-WebSocket-Key", "Sec-WebSocket-Key: x3JJHMbDL1EzLkh9GBhXD!=="),
       error::bad_sec_websocket_key, 400},
      {with_header_replaced(ok, "Sec-WebSocket-Key", "Sec-WebSocket-Key: x3JJHMbDL1EzLkh9GBhXDx=="),
       error::bad_sec_websocket_key, 400},
      {with_header_replaced(
           ok, "Sec-WebSocket-Key",
           "Sec-WebSocket-Key: x3JJHMbDL1EzLkh9GBhXDw==\r\nSec-WebSocket-Key: x3JJHMbDL1EzLkh9GBhXDw=="),
       error::bad_sec_websocket_key, 400},  // §4.2.1 item 5: exactly one key
      {with_header_replaced(ok, "Sec-WebSocket-Version", ""), error::missing_sec_websocket_version, 426},
      {with_header_replaced(ok, "Sec-WebSocket-Version", "Sec-WebSocket-Version: 13\r\nSec-WebSocket-Version: 13"),
       error::unsupported_sec_websocket_version, 426},  // §4.2.1 item 6: exactly one version
      {with_header_replaced(ok, "Sec-WebSocket-Version", "Sec-WebSocket-Version: 8"),
       error::unsupported_sec_websocket_version, 426},
      {with_header_replaced(ok, "Host", "Host: a\r\nContent-Length: 5"), error::request_has_body, 400},
      {with_header_replaced(ok, "Host", "Host: a\r\nTransfer-Encoding: chunked"), error::request_has_body, 400},
      {with_header_replaced(ok, "Host", "Host: a\r\nSec-WebSocket-Protocol: chat, a b"), error::bad_subprotocol_offer,
       400},
      {with_header_replaced(ok, "Sec-WebSocket-Extensions", "Sec-WebSocket-Extensions: foo; =1"),
       error::bad_extension_offer, 400},
      {with_header_replaced(ok, "Sec-WebSocket-Extensions", "Sec-WebSocket-Extensions: foo; a=\"1 2\""),
       error::bad_extension_offer, 400},
  };
  for (const auto& c : cases) {
    INFO(c.request);
    const std::error_code ec = server_error(c.request);
    CHECK(ec == c.expected);
    CHECK(tether::http_status_for(ec) == c.status);
  }
}

TEST_CASE("handshake: tokens in Upgrade and Connection are case-insensitive lists", "[handshake]") {
  std::string request = with_header_replaced(node_ws_request, "Connection", "Connection: keep-alive,  UPGRADE");
  request = with_header_replaced(request, "Upgrade", "Upgrade: WebSocket");
  CHECK_FALSE(server_error(request));
}

TEST_CASE("handshake: rejections carry status, version header and body", "[handshake]") {
  std::string out;
  tether::write_error_response(tether::error::unsupported_sec_websocket_version, out);
  CHECK(out.rfind("HTTP/1.1 426 Upgrade Required\r\nSec-WebSocket-Version: 13\r\n", 0) == 0);
  CHECK(out.find("Content-Length: ") != std::string::npos);
  std::string forbidden;
  const tether::http::header_field extra[] = {{"WWW-Authenticate", "Basic"}};
  REQUIRE_FALSE(tether::write_reject_response(401, forbidden, "no", {extra, 1}));
  CHECK(forbidden ==
        "HTTP/1.1 401 Unauthorized\r\nWWW-Authenticate: Basic\r\nContent-Length: 2\r\nConnection: close\r\n\r\nno");
  const tether::http::header_field bad[] = {{"X", "a\r\nb"}};
  std::string untouched;
  CHECK(tether::write_reject_response(403, untouched, "", {bad, 1}) == error::header_injection);
  CHECK(untouched.empty());
}

TEST_CASE("handshake: the server picks only an offered subprotocol and adds headers safely", "[handshake]") {
  tether::server_handshake<> handshake;
  handshake.feed(python_websockets_request.data(), python_websockets_request.size());
  std::string response;
  CHECK(handshake.write_accept(response, {"other", {}, {}}) == error::subprotocol_not_offered);
  const tether::http::header_field cookie[] = {{"Set-Cookie", "id=1"}};
  REQUIRE_FALSE(handshake.write_accept(response, {"superchat", "permessage-deflate", {cookie, 1}}));
  CHECK(response.find("Sec-WebSocket-Protocol: superchat\r\n") != std::string::npos);
  CHECK(response.find("Sec-WebSocket-Extensions: permessage-deflate\r\n") != std::string::npos);
  CHECK(response.find("Set-Cookie: id=1\r\n") != std::string::npos);
  const tether::http::header_field evil[] = {{"Set-Cookie", "x\r\nLocation: y"}};
  std::string refused;
  CHECK(handshake.write_accept(refused, {{}, {}, {evil, 1}}) == error::header_injection);
  CHECK(refused.empty());
}

TEST_CASE("handshake: ws and wss URIs", "[handshake][uri]") {
  tether::websocket_uri uri;
  REQUIRE_FALSE(tether::parse_websocket_uri("ws://example.com/chat?x=1", uri));
  CHECK(!uri.secure);
  CHECK(uri.host == "example.com");
  CHECK(uri.port == 80);
  CHECK(uri.resource == "/chat?x=1");
  REQUIRE_FALSE(tether::parse_websocket_uri("WSS://Example.com", uri));
  CHECK(uri.secure);
  CHECK(uri.port == 443);
  CHECK(uri.resource_needs_slash());
  REQUIRE_FALSE(tether::parse_websocket_uri("ws://[::1]:9001/", uri));
  CHECK(uri.host == "::1");
  CHECK(uri.ipv6_literal);
  CHECK(uri.port == 9001);
  REQUIRE_FALSE(tether::parse_websocket_uri("ws://127.0.0.1:0", uri));
  CHECK(uri.port == 0);
  CHECK(tether::parse_websocket_uri("http://example.com/", uri) == error::bad_uri_scheme);
  CHECK(tether::parse_websocket_uri("ws://example.com/#frag", uri) == error::uri_has_fragment);
  CHECK(tether::parse_websocket_uri("ws://:80/", uri) == error::bad_uri_host);
  CHECK(tether::parse_websocket_uri("ws://[::1/", uri) == error::bad_uri_host);
  CHECK(tether::parse_websocket_uri("ws://user@host/", uri) == error::bad_uri_host);
  CHECK(tether::parse_websocket_uri("ws://host:65536/", uri) == error::bad_uri_port);
  CHECK(tether::parse_websocket_uri("ws://host:/", uri) == error::bad_uri_port);
  CHECK(tether::parse_websocket_uri("ws://host:8x/", uri) == error::bad_uri_port);
  CHECK(tether::parse_websocket_uri("ws://ho<st/", uri) == error::bad_uri_host);        // RFC 3986 §3.2.2 reg-name
  CHECK(tether::parse_websocket_uri("ws://[]/", uri) == error::bad_uri_host);           // an empty IP literal
  CHECK(tether::parse_websocket_uri("ws://[::g]/", uri) == error::bad_uri_host);        // not hex
  CHECK(tether::parse_websocket_uri("ws://[::1]x/", uri) == error::bad_uri_host);       // only ":port" after "]"
  CHECK(tether::parse_websocket_uri("ws://host:000080/", uri) == error::bad_uri_port);  // more than 5 digits
  CHECK(tether::parse_websocket_uri("ws://host/a b", uri) == error::bad_uri);
  CHECK(tether::parse_websocket_uri("example.com", uri) == error::bad_uri);
}

namespace {

// A server answer for a client key, as the server side of tether writes it.
std::string answer_for(std::string_view request_text, tether::accept_options options = {}) {
  tether::server_handshake<> server;
  const auto result = server.feed(request_text.data(), request_text.size());
  REQUIRE(result.status == handshake_status::complete);
  std::string response;
  REQUIRE_FALSE(server.write_accept(response, options));
  return response;
}

}  // namespace

TEST_CASE("handshake: client request and response, end to end", "[handshake][client]") {
  tether::default_random random;
  tether::websocket_uri uri;
  REQUIRE_FALSE(tether::parse_websocket_uri("ws://[::1]:9001/chat?room=2", uri));
  const std::string_view protocols[] = {"chat", "superchat"};
  tether::client_request_options options;
  options.origin = "http://localhost";
  options.subprotocols = {protocols, 2};
  options.extensions = "permessage-deflate; client_max_window_bits";
  tether::client_handshake<> client;
  std::string request;
  REQUIRE_FALSE(client.write_request(uri, options, random, request));
  CHECK(request.rfind("GET /chat?room=2 HTTP/1.1\r\nHost: [::1]:9001\r\n", 0) == 0);
  CHECK(request.find("Sec-WebSocket-Protocol: chat, superchat\r\n") != std::string::npos);
  CHECK(request.find("Origin: http://localhost\r\n") != std::string::npos);
  CHECK(client.key().size() == 24);

  const std::string response = answer_for(request, {"chat", "permessage-deflate", {}}) + "\x81\x02hi";
  const auto result = client.feed(response.data(), response.size());
  REQUIRE(result.status == handshake_status::complete);
  CHECK(result.consumed == response.size() - 4);
  CHECK(client.response().subprotocol == "chat");
}

TEST_CASE("handshake: each client-side rule has its own error", "[handshake][client]") {
  tether::default_random random;
  tether::websocket_uri uri;
  REQUIRE_FALSE(tether::parse_websocket_uri("ws://example.com", uri));
  auto check = [&](auto mutate, error expected) {
    tether::client_handshake<> client;
    std::string request;
    const std::string_view protocols[] = {"chat"};
    tether::client_request_options options;
    options.subprotocols = {protocols, 1};
    options.extensions = "permessage-deflate";
    REQUIRE_FALSE(client.write_request(uri, options, random, request));
    std::string response = mutate(answer_for(request));
    const auto result = client.feed(response.data(), response.size());
    INFO(response);
    CHECK(result.failure == expected);
  };
  auto replace = [](std::string text, const std::string& from, const std::string& to) {
    const std::size_t at = text.find(from);
    REQUIRE(at != std::string::npos);
    return text.replace(at, from.size(), to);
  };
  check([&](std::string r) { return replace(r, "101 Switching Protocols", "403 Forbidden"); },
        error::unexpected_status);
  check([&](std::string r) { return replace(r, "Upgrade: websocket", "Upgrade: h2c"); },
        error::missing_upgrade_websocket);
  check([&](std::string r) { return replace(r, "Connection: Upgrade", "Connection: close"); },
        error::missing_connection_upgrade);
  check([&](std::string r) { return replace(r, "Sec-WebSocket-Accept", "X-Accept"); },
        error::missing_sec_websocket_accept);
  check([&](std::string r) { return replace(r, "Sec-WebSocket-Accept: ", "Sec-WebSocket-Accept: A"); },
        error::bad_sec_websocket_accept);
  check([&](std::string r) { return replace(r, "\r\n\r\n", "\r\nSec-WebSocket-Protocol: other\r\n\r\n"); },
        error::unrequested_subprotocol);
  check(
      [&](std::string r) {
        return replace(r, "\r\n\r\n", "\r\nSec-WebSocket-Protocol: chat\r\nSec-WebSocket-Protocol: chat\r\n\r\n");
      },
      error::unrequested_subprotocol);  // §4.1 item 6: one subprotocol, at most
  check(
      [&](std::string r) {
        const std::size_t at = r.find("Sec-WebSocket-Accept: ");
        const std::string line = r.substr(at, r.find("\r\n", at) + 2 - at);
        return r.insert(at, line);  // the right value, twice
      },
      error::bad_sec_websocket_accept);
  check([&](std::string r) { return replace(r, "\r\n\r\n", "\r\nSec-WebSocket-Extensions: x-other\r\n\r\n"); },
        error::unrequested_extension);
  check([&](std::string r) { return replace(r, "\r\n\r\n", "\r\nSec-WebSocket-Extensions: ;\r\n\r\n"); },
        error::bad_extension_response);
}

TEST_CASE("handshake: a non-101 answer is reported with its status and headers", "[handshake][client]") {
  tether::default_random random;
  tether::websocket_uri uri;
  REQUIRE_FALSE(tether::parse_websocket_uri("ws://example.com", uri));
  tether::client_handshake<> client;
  std::string request;
  REQUIRE_FALSE(client.write_request(uri, {}, random, request));
  const std::string response = "HTTP/1.1 401 Unauthorized\r\nWWW-Authenticate: Basic\r\nContent-Length: 2\r\n\r\nno";
  const auto result = client.feed(response.data(), response.size());
  CHECK(result.failure == error::unexpected_status);
  CHECK(client.response().status() == 401);
  CHECK(tether::http::find_header(client.response().headers(), "WWW-Authenticate")->value == "Basic");
  CHECK(response.substr(result.consumed) == "no");  // the body follows the head
}

TEST_CASE("handshake: client keys are fresh and decode to 16 bytes", "[handshake][client]") {
  tether::default_random random;
  const auto a = tether::client_key::generate(random);
  const auto b = tether::client_key::generate(random);
  CHECK(a.view() != b.view());
  unsigned char nonce[18];
  const auto decoded = tether::base64::decode(a.view(), nonce, sizeof nonce);
  CHECK_FALSE(decoded.error);
  CHECK(decoded.size == 16);
}

TEST_CASE("handshake: extension grammar of RFC 6455 §9.1", "[handshake][extensions]") {
  auto valid = [](std::string_view v) { return tether::parse_extensions(v, [](const tether::extension_offer&) {}); };
  CHECK(valid("permessage-deflate"));
  CHECK(valid("permessage-deflate; client_max_window_bits, permessage-deflate"));
  CHECK(valid("foo; a=1; b=\"2\" ;c , bar"));
  CHECK(valid("foo;a=\"x\\y\""));
  CHECK_FALSE(valid("foo; a=\"\""));
  CHECK_FALSE(valid("foo; a=\"1"));
  CHECK_FALSE(valid("foo; a=\"1 2\""));
  CHECK_FALSE(valid("foo bar"));
  CHECK_FALSE(valid("foo;"));
  CHECK_FALSE(valid("foo; a="));
  CHECK_FALSE(valid("@foo"));
  std::vector<std::string> seen;
  tether::parse_extensions("foo; a=1; b=\"two\"; c", [&](const tether::extension_offer& offer) {
    offer.for_each_param([&](const tether::extension_param& p) {
      seen.push_back(std::string(p.name) + "=" + std::string(p.value) + (p.has_value ? "!" : "?"));
    });
  });
  CHECK(seen == std::vector<std::string>{"a=1!", "b=two!", "c=?"});
}

namespace {
struct field_list {
  std::vector<tether::http::header_field> fields;
  bool add(std::string_view n, std::string_view v) {
    fields.push_back({n, v});
    return true;
  }
  auto begin() const { return fields.begin(); }
  auto end() const { return fields.end(); }
};
}  // namespace

TEST_CASE("handshake: RFC 8441 extended CONNECT, both roles", "[handshake][h2]") {
  tether::websocket_uri uri;
  REQUIRE_FALSE(tether::parse_websocket_uri("wss://example.com/chat", uri));
  const std::string_view protocols[] = {"chat"};
  tether::client_request_options options;
  options.subprotocols = {protocols, 1};
  options.origin = "https://example.com";
  field_list request;
  REQUIRE_FALSE(tether::write_extended_connect_request(uri, "example.com", options, request));
  tether::basic_connect_request<field_list> connect;
  REQUIRE_FALSE(tether::validate_extended_connect(request, connect));
  CHECK(connect.scheme == "https");
  CHECK(connect.path == "/chat");
  CHECK(connect.origin == "https://example.com");
  CHECK(connect.offers_subprotocol("chat"));
  field_list response;
  REQUIRE_FALSE(tether::write_extended_connect_response(connect, {"chat", {}, {}}, response));
  std::string_view selected;
  CHECK_FALSE(tether::validate_extended_connect_response(response, options.subprotocols, "", &selected));
  CHECK(selected == "chat");

  auto broken = [&](auto mutate) {
    field_list copy = request;
    mutate(copy.fields);
    tether::basic_connect_request<field_list> out;
    return tether::validate_extended_connect(copy, out);
  };
  CHECK(broken([](auto& f) { f[0].value = "GET"; }) == error::not_extended_connect);
  CHECK(broken([](auto& f) { f[1].value = "h2c"; }) == error::not_extended_connect);
  CHECK(broken([](auto& f) { f.erase(f.begin() + 3); }) == error::bad_pseudo_header);  // no :path
  CHECK(broken([](auto& f) { f.push_back({":path", "/late"}); }) == error::bad_pseudo_header);
  CHECK(broken([](auto& f) { f[5].value = "12"; }) == error::unsupported_sec_websocket_version);
  CHECK(broken([](auto& f) { f[5].name = "Sec-WebSocket-Version"; }) == error::bad_pseudo_header);

  tether::websocket_uri query_only;
  REQUIRE_FALSE(tether::parse_websocket_uri("wss://example.com?x=1", query_only));
  field_list unused;
  CHECK(tether::write_extended_connect_request(query_only, "example.com", {}, unused) == error::bad_uri);

  field_list refused;
  refused.add(":status", "403");
  CHECK(tether::validate_extended_connect_response(refused, options.subprotocols, "") == error::unexpected_status);
}

TEST_CASE("handshake: RFC 8441 bad_pseudo_header, missing_sec_websocket_version and offers, rule by rule",
          "[handshake][h2]") {
  tether::websocket_uri uri;
  REQUIRE_FALSE(tether::parse_websocket_uri("wss://example.com/chat", uri));
  const std::string_view protocols[] = {"chat"};
  tether::client_request_options options;
  options.subprotocols = {protocols, 1};
  field_list request;
  REQUIRE_FALSE(tether::write_extended_connect_request(uri, "example.com", options, request));
  auto index_of = [](const field_list& list, std::string_view name) {
    for (std::size_t i = 0; i < list.fields.size(); ++i) {
      if (list.fields[i].name == name) return i;
    }
    FAIL("no field " << name);
    return std::size_t{0};
  };
  auto broken = [&](auto mutate) {
    field_list copy = request;
    mutate(copy.fields);
    tether::basic_connect_request<field_list> out;
    return tether::validate_extended_connect(copy, out);
  };
  const std::size_t path = index_of(request, ":path");
  const std::size_t version = index_of(request, "sec-websocket-version");
  const std::size_t protocol = index_of(request, "sec-websocket-protocol");
  // RFC 9113 §8.3: pseudo-headers before every regular field (here: moved, not repeated).
  CHECK(broken([&](auto& f) {
          const auto moved = f[path];
          f.erase(f.begin() + static_cast<long>(path));
          f.push_back(moved);
        }) == error::bad_pseudo_header);
  CHECK(broken([](auto& f) { f.insert(f.begin(), {":status", "200"}); }) == error::bad_pseudo_header);  // unknown here
  CHECK(broken([&](auto& f) { f.insert(f.begin(), f[path]); }) == error::bad_pseudo_header);            // twice
  CHECK(broken([&](auto& f) { f.erase(f.begin() + static_cast<long>(version)); }) ==
        error::missing_sec_websocket_version);
  CHECK(broken([&](auto& f) { f[protocol].value = "chat, a b"; }) == error::bad_subprotocol_offer);
  CHECK(broken([](auto& f) { f.push_back({"sec-websocket-extensions", "foo; =1"}); }) == error::bad_extension_offer);

  tether::basic_connect_request<field_list> connect;
  REQUIRE_FALSE(tether::validate_extended_connect(request, connect));
  field_list response;
  REQUIRE_FALSE(tether::write_extended_connect_response(connect, {}, response));
  const std::size_t status = index_of(response, ":status");
  for (const char* bad : {"20", "2000"}) {
    field_list copy = response;
    copy.fields[status].value = bad;
    CHECK(tether::validate_extended_connect_response(copy, options.subprotocols, "") == error::bad_pseudo_header);
  }
}

TEST_CASE("handshake: header_injection and bad_uri_host in what a client would write", "[handshake][client]") {
  tether::default_random random;
  tether::websocket_uri uri;
  REQUIRE_FALSE(tether::parse_websocket_uri("ws://example.com", uri));
  auto refusal = [&](const tether::websocket_uri& target, const tether::client_request_options& options) {
    tether::client_handshake<> client;
    std::string request;
    const std::error_code ec = client.write_request(target, options, random, request);
    CHECK(request.empty());
    return ec;
  };
  const std::string_view not_a_token[] = {"a b"};
  tether::client_request_options bad_protocol;
  bad_protocol.subprotocols = {not_a_token, 1};
  CHECK(refusal(uri, bad_protocol) == error::header_injection);
  tether::client_request_options bad_origin;
  bad_origin.origin = "http://a\r\nX: y";
  CHECK(refusal(uri, bad_origin) == error::header_injection);
  tether::websocket_uri no_host = uri;
  no_host.host = {};
  CHECK(refusal(no_host, {}) == error::bad_uri_host);
}

TEST_CASE("handshake: invalid_http_status — a rejection is 200 to 599", "[handshake]") {
  for (const int status : {199, 600, 0, 101}) {
    std::string out;
    CHECK(tether::write_reject_response(status, out) == error::invalid_http_status);
    CHECK(out.empty());
  }
  for (const int status : {200, 403, 599}) {
    std::string out;
    CHECK_FALSE(tether::write_reject_response(status, out));
    CHECK(out.rfind("HTTP/1.1 " + std::to_string(status) + " ", 0) == 0);
  }
}

TEST_CASE("handshake: write_error_response answers 400 for an error without a status of its own", "[handshake]") {
  std::string out;
  CHECK(tether::write_error_response(std::make_error_code(std::errc::invalid_argument), out) == 400);
  CHECK(out.rfind("HTTP/1.1 400 ", 0) == 0);
  std::string too_large;
  CHECK(tether::write_error_response(error::head_too_large, too_large) == 431);
}

TEST_CASE("handshake: no_request_pending — a server answers only a complete request", "[handshake]") {
  tether::server_handshake<> handshake;
  std::string response;
  CHECK(handshake.write_accept(response) == error::no_request_pending);
  handshake.feed(node_ws_request.data(), 20);
  CHECK(handshake.write_accept(response) == error::no_request_pending);
  CHECK(response.empty());
}
