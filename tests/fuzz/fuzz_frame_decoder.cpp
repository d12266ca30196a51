// Frame decoder, either role, limits chosen by the input: whole input and input
// split at a step the input chooses report the same frames, payload bytes and
// error; no frame or message beyond its limit gets through; memory use is the
// decoder object only.
#include <tether/frame.hpp>

#include <string>
#include <vector>

#include "fuzz_check.hpp"

namespace {

struct outcome {
  std::string log;
  std::error_code error;
};

outcome decode(std::vector<unsigned char> input, std::size_t step, tether::frame_decoder_options options) {
  tether::frame_decoder decoder(options);
  outcome out;
  std::uint64_t message_size = 0;
  for (std::size_t offset = 0; offset < input.size() && !out.error; offset += step) {
    unsigned char* data = input.data() + offset;
    std::size_t size = input.size() - offset < step ? input.size() - offset : step;
    while (size != 0) {
      const auto r = decoder.decode(data, size);
      if (r.failed()) {
        out.error = r.error();
        break;
      }
      FUZZ_CHECK(r.consumed <= size);
      FUZZ_CHECK(r.payload_size <= decoder.header().payload_length);
      if (r.frame_begins && !tether::is_control(decoder.header().op)) {
        const std::uint64_t length = decoder.header().payload_length;
        FUZZ_CHECK(length <= options.max_frame_size);
        message_size = decoder.header().op == tether::opcode::continuation ? message_size + length : length;
        FUZZ_CHECK(message_size <= options.max_message_size);
      }
      if (r.frame_begins) {  // appended piece by piece: "[" + ... trips g++ 12 -O3 -Wrestrict
        out.log += '[';
        out.log += std::to_string(static_cast<int>(decoder.header().op));
        out.log += ']';
      }
      out.log.append(reinterpret_cast<const char*>(r.payload), r.payload_size);
      if (r.frame_ends) out.log += "|";
      data += r.consumed;
      size -= r.consumed;
      if (!r.has_event() && r.consumed == 0) break;
    }
  }
  return out;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const unsigned char* data, std::size_t size) {
  if (size < 4) return 0;
  tether::frame_decoder_options options;
  options.receiver = (data[0] & 1) ? tether::role::server : tether::role::client;
  options.allowed_rsv = (data[0] & 2) ? tether::rsv::rsv1 : 0;
  options.strict_length_encoding = (data[0] & 4) == 0;
  options.max_frame_size = 1 + data[1] * 32u;
  options.max_message_size = options.max_frame_size + data[2] * 64u;
  const std::size_t step = 1 + data[3] % 64;
  const std::vector<unsigned char> input(data + 4, data + size);
  const outcome whole = decode(input, input.size() + 1, options);
  const outcome split = decode(input, step, options);
  FUZZ_CHECK(whole.log == split.log);
  FUZZ_CHECK(whole.error == split.error);
  return 0;
}
