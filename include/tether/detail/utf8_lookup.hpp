// tether — header-only, sans-IO WebSocket (RFC 6455). Boost Software License 1.0.
#ifndef TETHER_DETAIL_UTF8_LOOKUP_HPP
#define TETHER_DETAIL_UTF8_LOOKUP_HPP

// The tables of the lookup algorithm of Keiser and Lemire ("Validating UTF-8
// in less than one instruction per byte", 2021), shared by the 16-byte (SSSE3),
// 32-byte (AVX2) and 64-byte (AVX-512) kernels. Three 16-entry nibble tables classify every
// (previous byte, byte) pair: each error bit below names a byte pattern that
// RFC 3629 §4 forbids, and a pair is invalid when all three lookups agree on
// one bit. The 3rd and 4th bytes of long sequences are checked apart (see the
// kernels): they must be continuations exactly where two_conts is expected.

#include <initializer_list>

namespace tether::detail {

namespace utf8_lookup {
constexpr char too_short = 1 << 0;   // lead byte, then no continuation
constexpr char too_long = 1 << 1;    // ASCII, then continuation
constexpr char overlong_3 = 1 << 2;  // E0 80..9F
constexpr char too_large = 1 << 3;   // F4 90..BF, F5..FF
constexpr char surrogate = 1 << 4;   // ED A0..BF
constexpr char overlong_2 = 1 << 5;  // C0, C1
constexpr char too_large_1000 = 1 << 6;
constexpr char overlong_4 = 1 << 6;                  // F0 80..8F
constexpr char two_conts = static_cast<char>(0x80);  // continuation after continuation
constexpr char carry = too_short | too_long | two_conts;
}  // namespace utf8_lookup

// A 16-entry nibble table, repeated in each 128-bit lane of a 512-bit
// register (shuffles work per lane); the 16- and 32-byte kernels read the
// first one or two lanes.
struct utf8_lane_table {
  signed char bytes[64];
  constexpr utf8_lane_table(std::initializer_list<int> entries) : bytes{} {
    int i = 0;
    for (int entry : entries) {
      for (int lane = 0; lane < 64; lane += 16) bytes[lane + i] = static_cast<signed char>(entry);
      ++i;
    }
  }
};

// clang-format off
namespace utf8_lookup {
// Indexed by the high nibble of the previous byte.
inline constexpr utf8_lane_table byte_1_high = {
    too_long, too_long, too_long, too_long, too_long, too_long, too_long, too_long,  // 0___ ASCII
    two_conts, two_conts, two_conts, two_conts,                                      // 10__ continuation
    too_short | overlong_2,                                                          // 1100 C0-CF
    too_short,                                                                       // 1101 D0-DF
    too_short | overlong_3 | surrogate,                                              // 1110 E0-EF
    too_short | too_large | too_large_1000 | overlong_4};                            // 1111 F0-FF
// Indexed by the low nibble of the previous byte.
inline constexpr utf8_lane_table byte_1_low = {
    carry | overlong_3 | overlong_2 | overlong_4,                                    // ____0000
    carry | overlong_2,                                                              // ____0001
    carry, carry,                                                                    // ____001_
    carry | too_large,                                                               // ____0100
    carry | too_large | too_large_1000, carry | too_large | too_large_1000,          // ____0101 ____0110
    carry | too_large | too_large_1000, carry | too_large | too_large_1000,          // ____0111 ____1000
    carry | too_large | too_large_1000, carry | too_large | too_large_1000,          // ____1001 ____1010
    carry | too_large | too_large_1000, carry | too_large | too_large_1000,          // ____1011 ____1100
    carry | too_large | too_large_1000 | surrogate,                                  // ____1101
    carry | too_large | too_large_1000, carry | too_large | too_large_1000};         // ____111_
// Indexed by the high nibble of the byte itself.
inline constexpr utf8_lane_table byte_2_high = {
    too_short, too_short, too_short, too_short, too_short, too_short, too_short, too_short,  // 0___
    too_long | overlong_2 | two_conts | overlong_3 | too_large_1000 | overlong_4,            // 1000
    too_long | overlong_2 | two_conts | overlong_3 | too_large,                              // 1001
    too_long | overlong_2 | two_conts | surrogate | too_large,                               // 1010
    too_long | overlong_2 | two_conts | surrogate | too_large,                               // 1011
    too_short, too_short, too_short, too_short};                                             // 11__
// The largest byte that may end a block in each of its last three places
// (a 4-byte lead three from the end, 3-byte two from the end, any lead last
// leaves a sequence open); the 16- and 32-byte kernels read the last 16 or 32.
inline constexpr signed char max_complete_tail[64] = {
    -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1,
    -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1,
    -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1,
    -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1,
    static_cast<signed char>(0xF0 - 1), static_cast<signed char>(0xE0 - 1), static_cast<signed char>(0xC0 - 1)};
// pshufb indices that move the last r bytes of a 16-byte load to the front
// and zero the rest: loaded from shift_to_front + 16 - r.
inline constexpr signed char shift_to_front[32] = {
    0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15,
    -128, -128, -128, -128, -128, -128, -128, -128, -128, -128, -128, -128, -128, -128, -128, -128};
// 0xFF for the first r bytes, 0 for the rest: loaded from keep_first + 16 - r.
inline constexpr signed char keep_first[32] = {
    -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1,
    0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0};
}  // namespace utf8_lookup
// clang-format on

}  // namespace tether::detail

#endif
