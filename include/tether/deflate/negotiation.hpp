// tether — header-only, sans-IO WebSocket (RFC 6455). Boost Software License 1.0.
#ifndef TETHER_DEFLATE_NEGOTIATION_HPP
#define TETHER_DEFLATE_NEGOTIATION_HPP

// permessage-deflate negotiation (RFC 7692 §5, §7.1) without zlib: policy,
// parameters, the client's offers and checks, the server's choice and answer.
// The engines that need zlib are in tether/deflate.hpp.

#include "agreement.hpp"
#include "client_negotiation.hpp"
#include "options.hpp"
#include "parameters.hpp"
#include "server_negotiation.hpp"
#include "window_bits.hpp"

#endif
