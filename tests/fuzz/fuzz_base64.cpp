// base64: decode never overflows; whatever decodes re-encodes to the same text.
#include <tether/base64.hpp>

#include <string>
#include <string_view>

#include "fuzz_check.hpp"

extern "C" int LLVMFuzzerTestOneInput(const unsigned char* data, std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  std::string decoded(tether::base64::max_decoded_size(size), '\0');
  const auto result = tether::base64::decode(text, decoded.data(), decoded.size());
  if (!result.error) {
    decoded.resize(result.size);
    FUZZ_CHECK(tether::base64::encode(decoded) == text);  // strict decoding is canonical
  }
  const std::string encoded = tether::base64::encode(text);
  std::string round(tether::base64::max_decoded_size(encoded.size()), '\0');
  const auto back = tether::base64::decode(encoded, round.data(), round.size());
  FUZZ_CHECK(!back.error && std::string_view(round.data(), back.size) == text);
  return 0;
}
