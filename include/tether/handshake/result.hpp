// tether — header-only, sans-IO WebSocket (RFC 6455). Boost Software License 1.0.
#ifndef TETHER_HANDSHAKE_RESULT_HPP
#define TETHER_HANDSHAKE_RESULT_HPP

// What feeding bytes to a handshake (server_handshake, client_handshake)
// gives back: need more, complete (and how many bytes were the head's), or
// failed with the rule that was broken.

#include <cstddef>
#include <system_error>

#include "../error.hpp"

namespace tether {

enum class handshake_status { need_more, complete, failed };

struct handshake_result {
  handshake_status status = handshake_status::need_more;
  std::size_t consumed = 0;  // bytes of this feed() that belong to the head
  tether::error failure{};   // when failed: the rule broken

  std::error_code error() const noexcept {
    return failure != tether::error{} ? make_error_code(failure) : std::error_code{};
  }
};

}  // namespace tether

#endif
