// HTTP heads: requests and responses, whole and at a split chosen by the input,
// give the same result; head_size never exceeds the input or the limit.
#include <tether/http/head_parser.hpp>
#include <tether/http/headers.hpp>

#include <string_view>

#include "fuzz_check.hpp"

extern "C" int LLVMFuzzerTestOneInput(const unsigned char* data, std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  tether::http::head_limits limits;
  limits.max_head_size = 4096;
  limits.max_header_count = 32;

  tether::http::head_parser whole(limits);
  tether::http::basic_request_head<tether::http::header_array<32>> request;
  const auto whole_result = whole.parse(text, request);
  if (whole_result.status == tether::http::parse_status::complete) {
    FUZZ_CHECK(whole_result.head_size <= size && whole_result.head_size <= limits.max_head_size);
    for (const auto& field : request.headers) FUZZ_CHECK(tether::http::is_token(field.name));
  }

  tether::http::head_parser pieces(limits);
  tether::http::basic_request_head<tether::http::header_array<32>> request2;
  tether::http::parse_result result;
  const std::size_t step = size == 0 ? 1 : 1 + data[0] % 64;
  for (std::size_t have = 0;;) {
    have = have + step < size ? have + step : size;
    result = pieces.parse(text.substr(0, have), request2);
    if (result.status != tether::http::parse_status::need_more || have == size) break;
  }
  FUZZ_CHECK(result.status == whole_result.status);
  FUZZ_CHECK(result.head_size == whole_result.head_size);
  FUZZ_CHECK(result.failure == whole_result.failure);

  tether::http::head_parser response_parser(limits);
  tether::http::basic_response_head<tether::http::header_vector<>> response;
  response_parser.parse(text, response);
  return 0;
}
