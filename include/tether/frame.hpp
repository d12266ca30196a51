// tether — header-only, sans-IO WebSocket (RFC 6455). Boost Software License 1.0.
#ifndef TETHER_FRAME_HPP
#define TETHER_FRAME_HPP

// The frame layer on its own: header codec, decoder, encoder, masking.
#include "frame/decoder.hpp"
#include "frame/encoder.hpp"
#include "frame/header.hpp"
#include "frame/mask.hpp"

#endif
