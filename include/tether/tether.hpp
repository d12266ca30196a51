// tether — header-only, sans-IO WebSocket (RFC 6455). Boost Software License 1.0.
#ifndef TETHER_TETHER_HPP
#define TETHER_TETHER_HPP

// The umbrella header: everything in tether that needs no third-party library.
// Backends with dependencies have their own headers: tether/openssl.hpp
// (OpenSSL, CMake target tether::openssl) and tether/deflate.hpp
// (permessage-deflate with zlib, CMake target tether::deflate).

#include "base64.hpp"
#include "close_code.hpp"
#include "connection.hpp"
#include "error.hpp"
#include "frame.hpp"
#include "handshake.hpp"
#include "random.hpp"
#include "role.hpp"
#include "sha1.hpp"
#include "utf8.hpp"
#include "version.hpp"

#endif
