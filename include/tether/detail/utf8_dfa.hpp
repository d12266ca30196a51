// tether — header-only, sans-IO WebSocket (RFC 6455). Boost Software License 1.0.
#ifndef TETHER_DETAIL_UTF8_DFA_HPP
#define TETHER_DETAIL_UTF8_DFA_HPP

// The scalar UTF-8 automaton: the well-formed byte sequences of RFC 3629 §4
// (Table 3-7 of the Unicode Standard) as states and byte classes. It rejects
// at the first byte that cannot continue a valid sequence.

#include <cstdint>
#include <initializer_list>

namespace tether::detail {

enum utf8_state : std::uint8_t {
  utf8_accept = 0,  // on a code point boundary
  utf8_need1,       // one more 80..BF
  utf8_need2,       // two more 80..BF
  utf8_need3,       // three more 80..BF
  utf8_after_e0,    // E0: next A0..BF (else overlong)
  utf8_after_ed,    // ED: next 80..9F (else surrogate)
  utf8_after_f0,    // F0: next 90..BF (else overlong)
  utf8_after_f4,    // F4: next 80..8F (else above U+10FFFF)
  utf8_reject,
  utf8_state_count
};

enum utf8_class : std::uint8_t {
  utf8_ascii,       // 00..7F
  utf8_cont_80_8f,  // continuation 80..8F
  utf8_cont_90_9f,  // continuation 90..9F
  utf8_cont_a0_bf,  // continuation A0..BF
  utf8_lead2,       // C2..DF
  utf8_lead_e0,     // E0
  utf8_lead3,       // E1..EC, EE..EF
  utf8_lead_ed,     // ED
  utf8_lead_f0,     // F0
  utf8_lead4,       // F1..F3
  utf8_lead_f4,     // F4
  utf8_invalid,     // C0, C1, F5..FF
  utf8_class_count
};

struct utf8_tables {
  std::uint8_t byte_class[256];
  std::uint8_t next[utf8_state_count][utf8_class_count];

  constexpr utf8_tables() : byte_class{}, next{} {
    for (int b = 0; b < 256; ++b) {
      std::uint8_t c = utf8_invalid;
      if (b <= 0x7F)
        c = utf8_ascii;
      else if (b <= 0x8F)
        c = utf8_cont_80_8f;
      else if (b <= 0x9F)
        c = utf8_cont_90_9f;
      else if (b <= 0xBF)
        c = utf8_cont_a0_bf;
      else if (b <= 0xC1)
        c = utf8_invalid;
      else if (b <= 0xDF)
        c = utf8_lead2;
      else if (b == 0xE0)
        c = utf8_lead_e0;
      else if (b == 0xED)
        c = utf8_lead_ed;
      else if (b <= 0xEF)
        c = utf8_lead3;
      else if (b == 0xF0)
        c = utf8_lead_f0;
      else if (b <= 0xF3)
        c = utf8_lead4;
      else if (b == 0xF4)
        c = utf8_lead_f4;
      byte_class[b] = c;
    }
    for (auto& row : next) {
      for (auto& cell : row) cell = utf8_reject;
    }
    next[utf8_accept][utf8_ascii] = utf8_accept;
    next[utf8_accept][utf8_lead2] = utf8_need1;
    next[utf8_accept][utf8_lead_e0] = utf8_after_e0;
    next[utf8_accept][utf8_lead3] = utf8_need2;
    next[utf8_accept][utf8_lead_ed] = utf8_after_ed;
    next[utf8_accept][utf8_lead_f0] = utf8_after_f0;
    next[utf8_accept][utf8_lead4] = utf8_need3;
    next[utf8_accept][utf8_lead_f4] = utf8_after_f4;
    for (std::uint8_t c : {utf8_cont_80_8f, utf8_cont_90_9f, utf8_cont_a0_bf}) {
      next[utf8_need1][c] = utf8_accept;
      next[utf8_need2][c] = utf8_need1;
      next[utf8_need3][c] = utf8_need2;
    }
    next[utf8_after_e0][utf8_cont_a0_bf] = utf8_need1;
    next[utf8_after_ed][utf8_cont_80_8f] = utf8_need1;
    next[utf8_after_ed][utf8_cont_90_9f] = utf8_need1;
    next[utf8_after_f0][utf8_cont_90_9f] = utf8_need2;
    next[utf8_after_f0][utf8_cont_a0_bf] = utf8_need2;
    next[utf8_after_f4][utf8_cont_80_8f] = utf8_need2;
  }
};

inline constexpr utf8_tables utf8_table{};

inline std::uint8_t utf8_step(std::uint8_t state, unsigned char byte) noexcept {
  return utf8_table.next[state][utf8_table.byte_class[byte]];
}

}  // namespace tether::detail

#endif
