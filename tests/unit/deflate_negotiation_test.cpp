// permessage-deflate negotiation (RFC 7692 §5, §7.1): offers, answers and
// their checks, both roles. Pure parsing: this file is part of tether_tests,
// which does not link zlib.
#include <tether/deflate/negotiation.hpp>

#ifdef ZLIB_H
#error "the negotiation headers must not include zlib"
#endif

#include <string>
#include <string_view>
#include <vector>

#include "tether_catch.hpp"

namespace {

using tether::agreed_deflate;
using tether::deflate_direction;
using tether::deflate_options;
using tether::error;

tether::deflate_server_negotiation server_reads(const deflate_options& policy, std::string_view request) {
  tether::deflate_server_negotiation negotiation(policy);
  CHECK(negotiation.consider(request));
  return negotiation;
}

tether::deflate_client_negotiation client_reads(const deflate_options& offer, std::string_view response) {
  tether::deflate_client_negotiation negotiation(offer);
  negotiation.consider(response);
  return negotiation;
}

deflate_options windows(int server_bits, int client_bits) {
  deflate_options options;
  options.server_max_window_bits = server_bits;
  options.client_max_window_bits = client_bits;
  return options;
}

std::string offer_text(const deflate_options& options) {
  std::string value;
  tether::append_deflate_offer(value, options);
  return value;
}

}  // namespace

// ---------------------------------------------------------------- server side

TEST_CASE("server: the answer states exactly the parameters in force", "[deflate][negotiation]") {
  struct row {
    deflate_options policy;
    std::string_view request, response;
    deflate_direction compress, decompress;  // the server's view
  };
  deflate_options both_off = windows(15, 15);
  both_off.server_no_context_takeover = both_off.client_no_context_takeover = true;
  const row rows[] = {
      // Firefox: nothing to limit the client with, so the client keeps 15 bits.
      {windows(12, 12),
       "permessage-deflate",
       "permessage-deflate; server_max_window_bits=12",
       {12, false},
       {15, false}},
      // Chrome and python-websockets: bare client_max_window_bits lets us ask for 12.
      {windows(12, 12),
       "permessage-deflate; client_max_window_bits",
       "permessage-deflate; server_max_window_bits=12; client_max_window_bits=12",
       {12, false},
       {12, false}},
      {windows(15, 15), "permessage-deflate", "permessage-deflate", {15, false}, {15, false}},
      {windows(15, 15), "permessage-deflate; client_max_window_bits", "permessage-deflate", {15, false}, {15, false}},
      // §7.1.2.1: an offered server_max_window_bits is always answered, same or smaller.
      {windows(15, 15),
       "permessage-deflate; server_max_window_bits=15",
       "permessage-deflate; server_max_window_bits=15",
       {15, false},
       {15, false}},
      {windows(12, 15),
       "permessage-deflate; server_max_window_bits=10",
       "permessage-deflate; server_max_window_bits=10",
       {10, false},
       {15, false}},
      {windows(12, 15),
       "permessage-deflate; server_max_window_bits=14",
       "permessage-deflate; server_max_window_bits=12",
       {12, false},
       {15, false}},
      // §7.1.2.2: the client's own value binds it; ours is a further limit.
      {windows(15, 12),
       "permessage-deflate; client_max_window_bits=10",
       "permessage-deflate; client_max_window_bits=10",
       {15, false},
       {10, false}},
      {windows(15, 12),
       "permessage-deflate; client_max_window_bits=14",
       "permessage-deflate; client_max_window_bits=12",
       {15, false},
       {12, false}},
      // §7.1.1: a request for no context takeover is always granted, and ours is imposed.
      {windows(15, 15),
       "permessage-deflate; server_no_context_takeover",
       "permessage-deflate; server_no_context_takeover",
       {15, true},
       {15, false}},
      {windows(15, 15),
       "permessage-deflate; client_no_context_takeover",
       "permessage-deflate; client_no_context_takeover",
       {15, false},
       {15, true}},
      {both_off,
       "permessage-deflate",
       "permessage-deflate; server_no_context_takeover; client_no_context_takeover",
       {15, true},
       {15, true}},
      // Every parameter at once, quoted values included (RFC 6455 §9.1).
      {windows(15, 15),
       "permessage-deflate; client_no_context_takeover; server_no_context_takeover; server_max_window_bits=\"11\"; "
       "client_max_window_bits=\"9\"",
       "permessage-deflate; server_no_context_takeover; client_no_context_takeover; server_max_window_bits=11; "
       "client_max_window_bits=9",
       {11, true},
       {9, true}},
      // Parameter names and the extension name compare case-insensitively.
      {windows(15, 15),
       "PerMessage-Deflate; Server_No_Context_Takeover",
       "permessage-deflate; server_no_context_takeover",
       {15, true},
       {15, false}},
  };
  for (const row& r : rows) {
    INFO(r.request);
    const auto negotiation = server_reads(r.policy, r.request);
    REQUIRE(negotiation.accepted());
    CHECK(negotiation.response() == r.response);
    CHECK(negotiation.agreed().compress == r.compress);
    CHECK(negotiation.agreed().decompress == r.decompress);
    CHECK(negotiation.declined_because() == error{});
  }
}

TEST_CASE("server: window size 8 is never asked for, but granted when the client insists", "[deflate][negotiation]") {
  // A policy of 8 is written as 9 (zlib cannot compress with 8; python-websockets
  // refuses a limit of 8): for our own window and for the one we ask of the client.
  auto negotiation = server_reads(windows(8, 8), "permessage-deflate; client_max_window_bits");
  REQUIRE(negotiation.accepted());
  CHECK(negotiation.response() == "permessage-deflate; server_max_window_bits=9; client_max_window_bits=9");
  CHECK(negotiation.agreed().compress.window_bits == 9);
  CHECK(negotiation.agreed().decompress.window_bits == 9);

  // The client limits our compressor to 8: accepted (zlib's 9-bit window never
  // reaches farther than 250 bytes back), and the answer must say 8.
  negotiation = server_reads(windows(15, 15), "permessage-deflate; server_max_window_bits=8");
  REQUIRE(negotiation.accepted());
  CHECK(negotiation.response() == "permessage-deflate; server_max_window_bits=8");
  CHECK(negotiation.agreed().compress.window_bits == 8);

  // The client compresses with 8 by its own choice: we inflate with 8.
  negotiation = server_reads(windows(15, 15), "permessage-deflate; client_max_window_bits=8");
  REQUIRE(negotiation.accepted());
  CHECK(negotiation.response() == "permessage-deflate; client_max_window_bits=8");
  CHECK(negotiation.agreed().decompress.window_bits == 8);
}

TEST_CASE("server: offers breaking RFC 7692 §7 are declined, with the rule", "[deflate][negotiation]") {
  struct row {
    std::string_view request;
    error reason;
  };
  const row rows[] = {
      {"permessage-deflate; foo", error::unknown_deflate_parameter},
      {"permessage-deflate; server_max_window_bits=10; x=1", error::unknown_deflate_parameter},
      {"permessage-deflate; server_no_context_takeover; server_no_context_takeover",
       error::duplicate_deflate_parameter},
      {"permessage-deflate; client_no_context_takeover; client_no_context_takeover",
       error::duplicate_deflate_parameter},
      {"permessage-deflate; server_max_window_bits=10; server_max_window_bits=10", error::duplicate_deflate_parameter},
      {"permessage-deflate; client_max_window_bits; client_max_window_bits=10", error::duplicate_deflate_parameter},
      {"permessage-deflate; server_no_context_takeover=1", error::bad_deflate_parameter_value},
      {"permessage-deflate; client_no_context_takeover=\"true\"", error::bad_deflate_parameter_value},
      {"permessage-deflate; server_max_window_bits", error::bad_deflate_parameter_value},
      {"permessage-deflate; server_max_window_bits=08", error::bad_deflate_parameter_value},
      {"permessage-deflate; server_max_window_bits=\"08\"", error::bad_deflate_parameter_value},
      {"permessage-deflate; server_max_window_bits=abc", error::bad_deflate_parameter_value},
      {"permessage-deflate; server_max_window_bits=1a", error::bad_deflate_parameter_value},
      {"permessage-deflate; server_max_window_bits=+9", error::bad_deflate_parameter_value},
      {"permessage-deflate; server_max_window_bits=-9", error::bad_deflate_parameter_value},
      {"permessage-deflate; server_max_window_bits=9.0", error::bad_deflate_parameter_value},
      {"permessage-deflate; client_max_window_bits=010", error::bad_deflate_parameter_value},
      {"permessage-deflate; server_max_window_bits=7", error::deflate_window_bits_out_of_range},
      {"permessage-deflate; server_max_window_bits=16", error::deflate_window_bits_out_of_range},
      {"permessage-deflate; server_max_window_bits=0", error::deflate_window_bits_out_of_range},
      {"permessage-deflate; server_max_window_bits=100", error::deflate_window_bits_out_of_range},
      {"permessage-deflate; server_max_window_bits=99999999999999999999", error::deflate_window_bits_out_of_range},
      {"permessage-deflate; client_max_window_bits=7", error::deflate_window_bits_out_of_range},
      {"permessage-deflate; client_max_window_bits=\"16\"", error::deflate_window_bits_out_of_range},
  };
  for (const row& r : rows) {
    INFO(r.request);
    const auto negotiation = server_reads(windows(15, 15), r.request);
    CHECK_FALSE(negotiation.accepted());
    CHECK(negotiation.response().empty());
    CHECK(negotiation.declined_because() == r.reason);
  }
}

TEST_CASE("server: a window value may be a quoted-string with escapes (RFC 6455 §9.1)", "[deflate][negotiation]") {
  const auto negotiation = server_reads(windows(15, 15), "permessage-deflate; server_max_window_bits=\"1\\0\"");
  REQUIRE(negotiation.accepted());
  CHECK(negotiation.agreed().compress.window_bits == 10);
}

TEST_CASE("server: the first acceptable offer wins", "[deflate][negotiation]") {
  // Other extensions are skipped; a broken permessage-deflate offer is declined
  // and the next one considered (RFC 7692 §5).
  auto negotiation = server_reads(windows(15, 15),
                                  "x-webkit-deflate-frame, permessage-deflate; server_max_window_bits=16, "
                                  "permessage-deflate; server_max_window_bits=10, permessage-deflate");
  REQUIRE(negotiation.accepted());
  CHECK(negotiation.response() == "permessage-deflate; server_max_window_bits=10");

  // Later offers, also from later header lines, do not replace an accepted one.
  tether::deflate_server_negotiation lines(windows(15, 15));
  lines.consider("permessage-deflate; client_no_context_takeover");
  lines.consider("permessage-deflate");
  REQUIRE(lines.accepted());
  CHECK(lines.response() == "permessage-deflate; client_no_context_takeover");

  // Usable directly as the callback of parse_extensions / for_each_extension.
  tether::deflate_server_negotiation callback(windows(15, 15));
  CHECK(tether::parse_extensions("foo; a=1, permessage-deflate", callback));
  CHECK(callback.accepted());
}

TEST_CASE("server: require_client_max_window_bits declines clients that cannot be limited", "[deflate][negotiation]") {
  deflate_options policy = windows(15, 10);
  policy.require_client_max_window_bits = true;
  auto negotiation = server_reads(policy, "permessage-deflate, permessage-deflate; client_max_window_bits");
  REQUIRE(negotiation.accepted());
  CHECK(negotiation.response() == "permessage-deflate; client_max_window_bits=10");

  negotiation = server_reads(policy, "permessage-deflate");
  CHECK_FALSE(negotiation.accepted());
  CHECK(negotiation.declined_because() == error::missing_deflate_parameter);

  // Without the flag the same offer is accepted and inflated with 15 bits.
  policy.require_client_max_window_bits = false;
  negotiation = server_reads(policy, "permessage-deflate");
  REQUIRE(negotiation.accepted());
  CHECK(negotiation.agreed().decompress.window_bits == 15);
}

TEST_CASE("server: a policy out of range accepts nothing", "[deflate][negotiation]") {
  std::vector<deflate_options> bad = {windows(7, 15), windows(15, 16), {}, {}};
  bad[2].memory_level = 0;
  bad[3].compression_level = 10;
  for (const deflate_options& policy : bad) {
    const auto negotiation = server_reads(policy, "permessage-deflate");
    CHECK_FALSE(negotiation.accepted());
    CHECK(negotiation.declined_because() == error::bad_deflate_options);
  }
}

TEST_CASE("server: a header breaking the §9.1 grammar is reported", "[deflate][negotiation]") {
  tether::deflate_server_negotiation negotiation(windows(15, 15));
  CHECK_FALSE(negotiation.consider("permessage-deflate; server_max_window_bits=\"10"));
  CHECK_FALSE(negotiation.accepted());
}

// ---------------------------------------------------------------- client side

TEST_CASE("client: offers list the requested parameters", "[deflate][negotiation]") {
  CHECK(offer_text(deflate_options{}) == "permessage-deflate; server_max_window_bits=12; client_max_window_bits=12");
  CHECK(offer_text(windows(15, 15)) == "permessage-deflate; client_max_window_bits");
  deflate_options everything = windows(10, 11);
  everything.server_no_context_takeover = everything.client_no_context_takeover = true;
  CHECK(offer_text(everything) ==
        "permessage-deflate; server_no_context_takeover; client_no_context_takeover; server_max_window_bits=10; "
        "client_max_window_bits=11");
  deflate_options quiet = windows(15, 12);
  quiet.offer_client_max_window_bits = false;
  CHECK(offer_text(quiet) == "permessage-deflate");
  // 8 is asked as 9 (see window_bits.hpp).
  CHECK(offer_text(windows(8, 8)) == "permessage-deflate; server_max_window_bits=9; client_max_window_bits=9");

  // Several offers, in preference order, after whatever the value holds.
  const deflate_options offers[] = {everything, windows(15, 15)};
  tether::deflate_client_negotiation negotiation(offers, 2);
  std::string value = "x-other";
  negotiation.append_offers(value);
  CHECK(value ==
        "x-other, permessage-deflate; server_no_context_takeover; client_no_context_takeover; "
        "server_max_window_bits=10; client_max_window_bits=11, permessage-deflate; client_max_window_bits");
  CHECK(tether::parse_extensions(value, [](const tether::extension_offer&) {}));
}

TEST_CASE("client: valid answers give the agreement", "[deflate][negotiation]") {
  struct row {
    deflate_options offer;
    std::string_view response;
    deflate_direction compress, decompress;  // the client's view
  };
  const row rows[] = {
      {windows(15, 15), "permessage-deflate", {15, false}, {15, false}},
      {windows(12, 12), "permessage-deflate; server_max_window_bits=12", {12, false}, {12, false}},
      {windows(12, 12), "permessage-deflate; server_max_window_bits=9", {12, false}, {9, false}},
      {windows(12, 12),
       "permessage-deflate; server_max_window_bits=12; client_max_window_bits=10",
       {10, false},
       {12, false}},
      // Unrequested limits and resets only ask what we can always do (errata 4982).
      {windows(15, 15), "permessage-deflate; server_max_window_bits=11", {15, false}, {11, false}},
      {windows(15, 15), "permessage-deflate; server_no_context_takeover", {15, false}, {15, true}},
      {windows(15, 15), "permessage-deflate; client_no_context_takeover", {15, true}, {15, false}},
      // The server insists on 8 for our compressor, or uses 8 itself: both accepted.
      {windows(15, 15), "permessage-deflate; client_max_window_bits=8", {8, false}, {15, false}},
      {windows(15, 15), "permessage-deflate; server_max_window_bits=8", {15, false}, {8, false}},
      {windows(15, 15), "permessage-deflate; client_max_window_bits=\"10\"", {10, false}, {15, false}},
  };
  for (const row& r : rows) {
    INFO(r.response);
    const auto negotiation = client_reads(r.offer, r.response);
    CHECK_FALSE(negotiation.failed());
    CHECK(negotiation.error() == std::error_code{});
    REQUIRE(negotiation.accepted());
    CHECK(negotiation.agreed().compress == r.compress);
    CHECK(negotiation.agreed().decompress == r.decompress);
  }
  // Our own no_context_takeover promise holds whatever the answer says.
  deflate_options promise = windows(15, 15);
  promise.client_no_context_takeover = true;
  CHECK(client_reads(promise, "permessage-deflate").agreed().compress.no_context_takeover);
}

TEST_CASE("client: answers breaking RFC 7692 §5 and §7 fail the connection", "[deflate][negotiation]") {
  deflate_options requests_reset = windows(15, 15);
  requests_reset.server_no_context_takeover = true;
  deflate_options quiet = windows(15, 15);
  quiet.offer_client_max_window_bits = false;
  struct row {
    deflate_options offer;
    std::string_view response;
    error failure;
  };
  const row rows[] = {
      {windows(15, 15), "permessage-deflate; foo", error::unknown_deflate_parameter},
      {windows(15, 15), "permessage-deflate; server_no_context_takeover; server_no_context_takeover",
       error::duplicate_deflate_parameter},
      {windows(15, 15), "permessage-deflate; client_max_window_bits=10; client_max_window_bits=10",
       error::duplicate_deflate_parameter},
      // §7.1.2.2: a response's client_max_window_bits needs a value.
      {windows(15, 15), "permessage-deflate; client_max_window_bits", error::bad_deflate_parameter_value},
      {windows(15, 15), "permessage-deflate; client_no_context_takeover=x", error::bad_deflate_parameter_value},
      {windows(15, 15), "permessage-deflate; server_max_window_bits=08", error::bad_deflate_parameter_value},
      {windows(15, 15), "permessage-deflate; server_max_window_bits=7", error::deflate_window_bits_out_of_range},
      {windows(15, 15), "permessage-deflate; client_max_window_bits=16", error::deflate_window_bits_out_of_range},
      {quiet, "permessage-deflate; client_max_window_bits=10", error::unoffered_deflate_parameter},
      {requests_reset, "permessage-deflate", error::missing_deflate_parameter},
      {windows(10, 15), "permessage-deflate", error::missing_deflate_parameter},
      {windows(10, 15), "permessage-deflate; server_max_window_bits=11", error::deflate_window_too_large},
      {windows(15, 10), "permessage-deflate; client_max_window_bits=11", error::deflate_window_too_large},
      {windows(15, 15), "permessage-deflate, permessage-deflate", error::deflate_accepted_twice},
      {windows(15, 15), "permessage-deflate; server_max_window_bits=\"10", error::bad_extension_response},
  };
  for (const row& r : rows) {
    INFO(r.response);
    const auto negotiation = client_reads(r.offer, r.response);
    CHECK(negotiation.failed());
    CHECK_FALSE(negotiation.accepted());
    CHECK(negotiation.failure() == r.failure);
    CHECK(negotiation.error() == std::error_code(r.failure));
    CHECK(negotiation.error() == tether::condition::handshake_failed);
  }
}

TEST_CASE("client: an answer fits the first offer it can belong to", "[deflate][negotiation]") {
  deflate_options first = windows(10, 15);
  first.server_no_context_takeover = true;
  const deflate_options offers[] = {first, windows(15, 15)};
  {
    tether::deflate_client_negotiation negotiation(offers, 2);
    negotiation.consider("permessage-deflate; server_no_context_takeover; server_max_window_bits=10");
    REQUIRE(negotiation.accepted());
    CHECK(negotiation.accepted_offer() == 0);
    CHECK(negotiation.agreed().decompress == deflate_direction{10, true});
  }
  {
    tether::deflate_client_negotiation negotiation(offers, 2);
    negotiation.consider("permessage-deflate");
    REQUIRE(negotiation.accepted());
    CHECK(negotiation.accepted_offer() == 1);
    CHECK(negotiation.agreed().decompress == deflate_direction{15, false});
  }
  {
    // Fits neither: the reason given is the first offer's.
    const deflate_options strict[] = {first, windows(12, 15)};
    tether::deflate_client_negotiation negotiation(strict, 2);
    negotiation.consider("permessage-deflate; server_max_window_bits=13");
    CHECK(negotiation.failure() == error::missing_deflate_parameter);
  }
}

TEST_CASE("client: no permessage-deflate in the answer is no compression, not an error", "[deflate][negotiation]") {
  const auto negotiation = client_reads(windows(15, 15), "x-other; a=1");
  CHECK_FALSE(negotiation.accepted());
  CHECK_FALSE(negotiation.failed());
}

TEST_CASE("client: options out of range write no offer", "[deflate][negotiation]") {
  tether::deflate_client_negotiation negotiation(windows(16, 15));
  std::string value;
  negotiation.append_offers(value);
  CHECK(value.empty());
  CHECK(negotiation.failure() == error::bad_deflate_options);
  CHECK(negotiation.error() == tether::condition::misuse);
  const deflate_options none[1] = {};
  CHECK(tether::deflate_client_negotiation(none, 0).failure() == error::bad_deflate_options);
  const deflate_options many[5] = {};
  CHECK(tether::deflate_client_negotiation(many, 5).failure() == error::bad_deflate_options);
}

// ---------------------------------------------------------------- both roles

TEST_CASE("every client policy against every server policy agrees on both ends", "[deflate][negotiation]") {
  // The client's offer goes to the server; the server's answer back to the
  // client: both must accept, agree on what each direction may contain, and
  // stay within both policies.
  std::vector<deflate_options> policies;
  for (int flags = 0; flags < 8; ++flags) {
    for (int server_bits : {8, 9, 12, 15}) {
      for (int client_bits : {8, 9, 12, 15}) {
        deflate_options options = windows(server_bits, client_bits);
        options.server_no_context_takeover = (flags & 1) != 0;
        options.client_no_context_takeover = (flags & 2) != 0;
        options.offer_client_max_window_bits = (flags & 4) == 0;
        options.require_client_max_window_bits = (flags & 4) != 0;
        policies.push_back(options);
      }
    }
  }
  const auto requested = [](int bits) { return tether::detail::zlib_compatible_window_bits(bits); };
  std::size_t accepted = 0;
  for (const deflate_options& client_policy : policies) {
    const std::string offer = offer_text(client_policy);
    for (const deflate_options& server_policy : policies) {
      const auto server = server_reads(server_policy, offer);
      const bool must_decline = server_policy.require_client_max_window_bits &&
                                requested(server_policy.client_max_window_bits) < 15 &&
                                !client_policy.offer_client_max_window_bits;
      REQUIRE(server.accepted() == !must_decline);
      if (must_decline) continue;
      ++accepted;
      const auto client = client_reads(client_policy, server.response());
      INFO(offer << " -> " << server.response());
      REQUIRE(client.accepted());
      const agreed_deflate& s = server.agreed();
      const agreed_deflate& c = client.agreed();
      // What one end sends, the other can read: the sender's window fits the
      // receiver's, and a receiver that resets means a sender that does too.
      CHECK(s.compress == c.decompress);
      CHECK(c.compress.window_bits <= s.decompress.window_bits);
      CHECK(c.compress.no_context_takeover == s.decompress.no_context_takeover);
      // Equal unless the client kept its own smaller window to itself.
      if (client_policy.offer_client_max_window_bits) CHECK(s.decompress == c.compress);
      // Server to client: within both policies (8 only if someone asked for 8: nobody here does).
      CHECK(s.compress.window_bits <= requested(server_policy.server_max_window_bits));
      CHECK(s.compress.window_bits <= requested(client_policy.server_max_window_bits));
      CHECK(s.compress.window_bits >= 9);
      CHECK(s.compress.no_context_takeover ==
            (server_policy.server_no_context_takeover || client_policy.server_no_context_takeover));
      // Client to server: within the client's policy, and the server's when the client let it ask.
      CHECK(c.compress.window_bits <= requested(client_policy.client_max_window_bits));
      if (client_policy.offer_client_max_window_bits) {
        CHECK(c.compress.window_bits <= requested(server_policy.client_max_window_bits));
      }
      CHECK(c.compress.window_bits >= 9);
      CHECK(c.compress.no_context_takeover ==
            (server_policy.client_no_context_takeover || client_policy.client_no_context_takeover));
    }
  }
  CHECK(accepted > policies.size() * policies.size() / 2);
}

TEST_CASE("deflate options: bad_deflate_options — levels and windows within zlib's ranges, both ends",
          "[deflate][negotiation]") {
  CHECK(tether::check_deflate_options(deflate_options{}) == error{});
  auto with = [](auto change) {
    deflate_options options;
    change(options);
    return tether::check_deflate_options(options);
  };
  // compression_level 0..9, memory_level 1..9 (zlib), window bits 8..15 (RFC 7692 §7.1.2).
  CHECK(with([](deflate_options& o) { o.compression_level = 0; }) == error{});
  CHECK(with([](deflate_options& o) { o.compression_level = 9; }) == error{});
  CHECK(with([](deflate_options& o) { o.compression_level = -1; }) == error::bad_deflate_options);
  CHECK(with([](deflate_options& o) { o.compression_level = 10; }) == error::bad_deflate_options);
  CHECK(with([](deflate_options& o) { o.memory_level = 1; }) == error{});
  CHECK(with([](deflate_options& o) { o.memory_level = 9; }) == error{});
  CHECK(with([](deflate_options& o) { o.memory_level = 0; }) == error::bad_deflate_options);
  CHECK(with([](deflate_options& o) { o.memory_level = 10; }) == error::bad_deflate_options);
  CHECK(with([](deflate_options& o) { o.server_max_window_bits = 7; }) == error::bad_deflate_options);
  CHECK(with([](deflate_options& o) { o.client_max_window_bits = 16; }) == error::bad_deflate_options);
}
