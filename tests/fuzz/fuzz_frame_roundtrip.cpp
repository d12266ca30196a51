// Frames round trip (RFC 6455 §5.2-§5.4): a sequence of frames chosen by the
// input is encoded by tether's one encoder (encode_frame_to) in one role and
// decoded in the other role, with limits chosen by the input, and the input
// split at points the input chooses. Invariants:
//  - every frame the encoder accepts decodes to the same header (FIN, RSV,
//    opcode, length) and the same payload, unmasked;
//  - a frame the encoder refuses, written as raw bytes, is refused by the
//    decoder with the same rule (one rule, one place: frame/rules.hpp);
//  - nothing is decoded after the first refusal.
#include <tether/frame.hpp>

#include <cstring>
#include <string>
#include <vector>

#include "fuzz_check.hpp"

namespace {

using bytes = std::vector<unsigned char>;

struct vector_sink {
  bytes& out;
  unsigned char* append_contiguous(std::size_t n) {
    out.resize(out.size() + n);
    return out.data() + out.size() - n;
  }
  template <class Copy>
  void append_copy(const unsigned char* src, std::size_t n, Copy&& copy) {
    copy(append_contiguous(n), src, n, std::size_t{0});
  }
  void append_borrowed(const unsigned char* src, std::size_t n) { std::memcpy(append_contiguous(n), src, n); }
};

struct reader {
  const unsigned char* data;
  std::size_t size;
  std::size_t at = 0;
  unsigned byte() { return at < size ? data[at++] : 0; }
  bool done() const { return at >= size; }
};

// What the decoder reports, as text: "[op fin rsv length]payload|" per frame.
std::string describe(const tether::frame_header& h) {
  std::string text = "[";  // appended piece by piece: "[" + ... trips g++ 12 -O3 -Wrestrict
  text += std::to_string(static_cast<int>(h.op));
  text += h.fin ? "F" : "-";
  text += std::to_string(h.rsv);
  text += ' ';
  text += std::to_string(h.payload_length);
  text += ']';
  return text;
}

struct decoded {
  std::string log;
  tether::error failure{};
};

decoded decode(bytes wire, std::size_t step, const tether::frame_decoder_options& options) {
  tether::frame_decoder decoder(options);
  decoded out;
  for (std::size_t offset = 0; offset < wire.size() && out.failure == tether::error{}; offset += step) {
    unsigned char* p = wire.data() + offset;
    std::size_t left = wire.size() - offset < step ? wire.size() - offset : step;
    while (left != 0) {
      const auto r = decoder.decode(p, left);
      if (r.failed()) {
        out.failure = r.failure;
        break;
      }
      if (r.frame_begins) out.log += describe(decoder.header());
      out.log.append(reinterpret_cast<const char*>(r.payload), r.payload_size);
      if (r.frame_ends) out.log += "|";
      p += r.consumed;
      left -= r.consumed;
      if (!r.has_event() && r.consumed == 0) break;
    }
  }
  return out;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const unsigned char* data, std::size_t size) {
  reader in{data, size};
  const unsigned config = in.byte();
  const tether::role sender = (config & 1) ? tether::role::client : tether::role::server;
  tether::frame_decoder_options options;
  options.receiver = sender == tether::role::client ? tether::role::server : tether::role::client;
  options.allowed_rsv = (config & 2) ? tether::rsv::rsv1 : 0;
  options.max_frame_size = 1 + in.byte() * 64;
  options.max_message_size = options.max_frame_size + in.byte() * 64;
  const std::size_t step = 1 + in.byte();

  tether::frame_context context;
  context.sender = sender;
  context.allowed_rsv = options.allowed_rsv;
  context.max_frame_size = options.max_frame_size;
  context.max_message_size = options.max_message_size;

  bytes wire;
  std::string expected;
  tether::error refused{};
  for (int frames = 0; frames < 64 && !in.done() && refused == tether::error{}; ++frames) {
    const unsigned flags = in.byte();
    tether::frame_header header;
    header.fin = (flags & 0x80) != 0;
    header.rsv = static_cast<std::uint8_t>(flags >> 4 & 7);
    header.op = static_cast<tether::opcode>(flags & 0x0F);
    // Mostly the right mask bit for the sender; sometimes the wrong one.
    header.masked = (sender == tether::role::client) != ((in.byte() & 0x1F) == 0);
    for (auto& k : header.key) k = static_cast<unsigned char>(in.byte());
    std::size_t length = in.byte();
    if (length >= 250) length = (length - 249) * 1000 + in.byte();  // up to ~6 KiB: 16-bit lengths too
    bytes payload(length);
    for (auto& b : payload) b = static_cast<unsigned char>(in.byte() ^ (&b - payload.data()));
    header.payload_length = length;

    vector_sink sink{wire};
    const std::size_t before = wire.size();
    const tether::error broken = tether::encode_frame_to(sink, header, context, payload.data());
    if (broken != tether::error{}) {
      FUZZ_CHECK(wire.size() == before);  // nothing written for a refused frame
      refused = broken;
      unsigned char raw[tether::max_frame_header_size];
      const std::size_t header_size = tether::encode_frame_header(header, raw);
      wire.insert(wire.end(), raw, raw + header_size);
      bytes masked(payload);
      if (header.masked) tether::apply_mask(masked.data(), masked.size(), header.key, 0);
      wire.insert(wire.end(), masked.begin(), masked.end());
      break;
    }
    expected += describe(header);
    expected.append(payload.begin(), payload.end());
    expected += "|";
    if (!tether::is_control(header.op)) {
      context.message_size = header.op == tether::opcode::continuation ? context.message_size + length : length;
      context.in_message = !header.fin;
    }
  }

  const decoded whole = decode(wire, wire.size() + 1, options);
  const decoded split = decode(wire, step, options);
  FUZZ_CHECK(whole.log == split.log);
  FUZZ_CHECK(whole.failure == split.failure);
  FUZZ_CHECK(whole.log == expected);
  FUZZ_CHECK(whole.failure == refused);
  return 0;
}
