// tether — header-only, sans-IO WebSocket (RFC 6455). Boost Software License 1.0.
#ifndef TETHER_HTTP_HEAD_PARSER_HPP
#define TETHER_HTTP_HEAD_PARSER_HPP

// An incremental HTTP/1.1 head parser (RFC 9112) for requests and responses.
//
// The caller keeps the bytes of the head in one buffer and calls parse() with
// all of it each time more arrives (the buffer may move between calls). The
// parser remembers how far it has looked and never scans a byte twice for the
// end of the head; once the empty line arrives, one pass validates the start
// line and every field line and hands the fields to the header sink as views
// into that buffer. head_size tells where the head ended: the bytes after it
// (frames sent right behind the handshake) belong to the connection.
//
// Strict by default: CRLF line endings (bare CR or LF rejected, RFC 9112 §2.2),
// tokens for method and field names, no whitespace before the colon (§5.1),
// no obs-fold (§5.2), field values of VCHAR/obs-text/SP/HTAB only (RFC 9110 §5.5).

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <string_view>
#include <system_error>

#include "../defaults.hpp"
#include "../detail/http_scan.hpp"
#include "../error.hpp"
#include "syntax.hpp"

namespace tether::http {

struct head_limits {
  std::size_t max_head_size = defaults::max_head_size;        // bytes up to and including the empty line
  std::size_t max_header_count = defaults::max_header_count;  // field lines
};

struct version {
  int major = 1;
  int minor = 1;
};

template <class Headers>
struct basic_request_head {
  std::string_view method;
  std::string_view target;
  http::version version;
  Headers headers;
};

template <class Headers>
struct basic_response_head {
  http::version version;
  int status = 0;
  std::string_view reason;
  Headers headers;
};

enum class parse_status { need_more, complete, failed };

struct parse_result {
  parse_status status = parse_status::need_more;
  std::size_t head_size = 0;  // when complete: bytes of the head; what follows is not HTTP
  tether::error failure{};    // when failed: the rule broken (a plain enum: no std::error_code per call)

  std::error_code error() const noexcept {
    return failure != tether::error{} ? make_error_code(failure) : std::error_code{};
  }
};

class head_parser {
 public:
  explicit head_parser(const head_limits& limits = {}) noexcept : limits_(limits) {}

  // buffer: every byte of the head received so far, from its first byte.
  template <class Headers>
  parse_result parse(std::string_view buffer, basic_request_head<Headers>& request) {
    return parse_impl(
        buffer, [&](std::string_view start_line) { return parse_request_line(start_line, request); }, request.headers);
  }

  template <class Headers>
  parse_result parse(std::string_view buffer, basic_response_head<Headers>& response) {
    return parse_impl(
        buffer, [&](std::string_view start_line) { return parse_status_line(start_line, response); }, response.headers);
  }

  void reset() noexcept { *this = head_parser(limits_); }
  const head_limits& limits() const noexcept { return limits_; }

 private:
  template <class StartLine, class Headers>
  parse_result parse_impl(std::string_view buffer, StartLine&& start_line, Headers& headers) {
    if (done_) return result_;
    const std::size_t end = buffer.size() < limits_.max_head_size ? buffer.size() : limits_.max_head_size;
    // Find the empty line; each byte is looked at once across all calls.
    bool head_complete = false;
    bool too_many = false;
    scanned_ = scanner_.scan(buffer.data(), scanned_, end, [&](std::size_t newline) {
      const std::size_t line_length = newline - line_start_;
      const std::size_t next = newline + 1;
      if (line_length == 0 || (line_length == 1 && buffer[line_start_] == '\r')) {
        line_start_ = next;
        if (line_count_ == 0) return true;  // RFC 9112 §2.2: empty lines before the start line are ignored
        head_complete = true;
        return false;
      }
      if (line_count_ == 0) first_line_start_ = line_start_;
      if (line_count_ < max_recorded_lines) line_feeds_[line_count_] = static_cast<std::uint32_t>(newline);
      ++line_count_;
      line_start_ = next;
      too_many = line_count_ > limits_.max_header_count + 1;
      return !too_many;
    });
    if (head_complete) return finish(buffer.substr(0, scanned_), start_line, headers);
    if (too_many) return fail(error::too_many_headers);
    if (buffer.size() >= limits_.max_head_size) return fail(error::head_too_large);
    return {};
  }

  template <class StartLine, class Headers>
  parse_result finish(std::string_view head, StartLine& start_line, Headers& headers) {
    // A clean head (the usual case) walks the line ends found while scanning
    // and skips per-byte checks; anything else takes the careful path that
    // names the rule that was broken.
    const bool fast = scanner_.clean() && line_count_ <= max_recorded_lines;
    const tether::error ec = fast ? parse_clean_lines(head, start_line, headers)
                                  : parse_lines_carefully(head.substr(first_line_start_), start_line, headers);
    if (ec != tether::error{}) return fail(ec);
    done_ = true;
    result_ = {parse_status::complete, head.size(), {}};
    return result_;
  }

  template <class StartLine, class Headers>
  tether::error parse_clean_lines(std::string_view head, StartLine& start_line, Headers& headers) const {
    // Every LF is preceded by a CR: a line runs from after the previous LF to
    // before the CR.
    const tether::error first = start_line(head.substr(first_line_start_, line_feeds_[0] - 1 - first_line_start_));
    if (first != tether::error{}) return first;
    for (std::size_t k = 1; k < line_count_; ++k) {
      const std::size_t begin = line_feeds_[k - 1] + 1;
      const std::string_view line = head.substr(begin, line_feeds_[k] - 1 - begin);
      const tether::error ec = parse_field_line<false>(line, headers);
      if (ec != tether::error{}) return ec;
    }
    return {};
  }

  template <class StartLine, class Headers>
  static tether::error parse_lines_carefully(std::string_view rest, StartLine& start_line, Headers& headers) {
    std::string_view line;
    if (!next_line(rest, line) || line.find('\r') != std::string_view::npos) return error::bad_line_ending;
    if (const tether::error ec = start_line(line); ec != tether::error{}) return ec;
    while (next_line(rest, line) && !line.empty()) {
      if (line.find('\r') != std::string_view::npos) return error::bad_line_ending;
      if (const tether::error ec = parse_field_line<true>(line, headers); ec != tether::error{}) return ec;
    }
    if (!line.empty() || !rest.empty()) return error::bad_line_ending;
    return {};
  }

  // Takes one CRLF-terminated line off the front of rest (without the CRLF).
  static bool next_line(std::string_view& rest, std::string_view& line) noexcept {
    const std::size_t newline = rest.find('\n');
    if (newline == std::string_view::npos || newline == 0 || rest[newline - 1] != '\r') {
      line = rest;
      return false;
    }
    line = rest.substr(0, newline - 1);
    rest.remove_prefix(newline + 1);
    return true;
  }

  parse_result fail(tether::error ec) noexcept {
    done_ = true;
    result_ = {parse_status::failed, 0, ec};
    return result_;
  }

  static bool parse_version(std::string_view text, version& out) noexcept {
    // HTTP-version = "HTTP" "/" DIGIT "." DIGIT (RFC 9112 §2.3)
    if (text.size() != 8 || text.substr(0, 5) != "HTTP/" || text[6] != '.') return false;
    const char major = text[5], minor = text[7];
    if (major < '0' || major > '9' || minor < '0' || minor > '9') return false;
    out.major = major - '0';
    out.minor = minor - '0';
    return true;
  }

  template <class Headers>
  static tether::error parse_request_line(std::string_view line, basic_request_head<Headers>& request) noexcept {
    // request-line = method SP request-target SP HTTP-version (RFC 9112 §3)
    const std::size_t first_space = line.find(' ');
    const std::size_t last_space = line.rfind(' ');
    if (first_space == std::string_view::npos || first_space == last_space) return error::bad_request_line;
    request.method = line.substr(0, first_space);
    request.target = line.substr(first_space + 1, last_space - first_space - 1);
    if (!is_token(request.method)) return error::bad_method;
    if (request.target.empty()) return error::bad_request_target;
    for (char c : request.target) {
      if (!detail::has(c, detail::target_char)) return error::bad_request_target;
    }
    if (!parse_version(line.substr(last_space + 1), request.version)) return error::bad_http_version;
    return {};
  }

  template <class Headers>
  static tether::error parse_status_line(std::string_view line, basic_response_head<Headers>& response) noexcept {
    // status-line = HTTP-version SP status-code SP [ reason-phrase ] (RFC 9112 §4);
    // a missing SP after the code is tolerated, as RFC 9112 §4 asks of clients.
    if (line.size() < 12 || line[8] != ' ') return error::bad_status_line;
    if (!parse_version(line.substr(0, 8), response.version)) return error::bad_status_line;
    int status = 0;
    for (std::size_t i = 9; i < 12; ++i) {
      if (line[i] < '0' || line[i] > '9') return error::bad_status_line;
      status = status * 10 + (line[i] - '0');
    }
    if (status < 100) return error::bad_status_line;
    response.status = status;
    response.reason = {};
    if (line.size() > 12) {
      if (line[12] != ' ') return error::bad_status_line;
      response.reason = line.substr(13);
      for (char c : response.reason) {
        if (!detail::has(c, detail::field_vchar) && !detail::has(c, detail::whitespace)) return error::bad_status_line;
      }
    }
    return {};
  }

  // check_value_bytes: false when the whole head was found clean already.
  template <bool check_value_bytes, class Headers>
  static tether::error parse_field_line(std::string_view line, Headers& headers) {
    // field-line = field-name ":" OWS field-value OWS (RFC 9112 §5)
    if (detail::has(line.front(), detail::whitespace)) return error::obsolete_line_folding;  // §5.2
    std::size_t colon = 0;
    // Eight name characters per step while they are all token characters.
    for (; colon + 8 <= line.size(); colon += 8) {
      const auto* c = reinterpret_cast<const unsigned char*>(line.data() + colon);
      const unsigned all = detail::chars.bits[c[0]] & detail::chars.bits[c[1]] & detail::chars.bits[c[2]] &
                           detail::chars.bits[c[3]] & detail::chars.bits[c[4]] & detail::chars.bits[c[5]] &
                           detail::chars.bits[c[6]] & detail::chars.bits[c[7]];
      if ((all & detail::tchar) == 0) break;
    }
    while (colon < line.size() && detail::has(line[colon], detail::tchar)) ++colon;
    if (colon == line.size()) return error::bad_header_name;
    if (line[colon] != ':') {
      return detail::has(line[colon], detail::whitespace) ? error::whitespace_before_colon : error::bad_header_name;
    }
    if (colon == 0) return error::bad_header_name;
    const std::string_view value = trim_ows(line.substr(colon + 1));
    if (check_value_bytes) {
      for (char c : value) {
        if (!detail::has(c, detail::field_content)) return error::bad_header_value;
      }
    }
    if (!headers.add(line.substr(0, colon), value)) return error::too_many_headers;
    return {};
  }

  // Line ends of the first lines, recorded while scanning (heads with more
  // lines take the careful path).
  static constexpr std::size_t max_recorded_lines = 128;

  head_limits limits_;
  tether::detail::head_scanner scanner_;
  std::uint32_t line_feeds_[max_recorded_lines];
  std::size_t scanned_ = 0;           // bytes searched for line ends so far
  std::size_t line_start_ = 0;        // start of the line being received
  std::size_t first_line_start_ = 0;  // start of the start line (after ignored empty lines)
  std::size_t line_count_ = 0;        // non-empty lines seen (start line included)
  bool done_ = false;
  parse_result result_;
};

}  // namespace tether::http

#endif
