// tether — header-only, sans-IO WebSocket (RFC 6455). Boost Software License 1.0.
#ifndef TETHER_DEFLATE_HPP
#define TETHER_DEFLATE_HPP

// permessage-deflate (RFC 7692) with zlib: CMake target tether::deflate. The
// core (tether/tether.hpp) never includes this; negotiation alone, without
// zlib, is tether/deflate/negotiation.hpp.
//
// Negotiation (RFC 7692 §5, §7.1)
//
//   tether::deflate_options options;            // 12-bit windows, memLevel 5: ~49 KiB per connection
//
//   // client: offer, then check the answer
//   tether::deflate_client_negotiation offer(options);
//   std::string value;
//   offer.append_offers(value);                 // Sec-WebSocket-Extensions: permessage-deflate; ...
//   response.for_each_extension(offer);         // each element of the 101's header
//   if (offer.failed()) fail the connection (offer.error());
//   bool on = offer.accepted();                 // agreement: offer.agreed()
//
//   // server: pick the first acceptable offer and answer it
//   tether::deflate_server_negotiation choice(options);
//   request.for_each_extension(choice);
//   if (choice.accepted()) answer with choice.response(); agreement: choice.agreed()
//
// Engines (RFC 7692 §7.2), one of each per connection; memory is bounded and
// zlib's state is freed between messages when no context takeover was agreed.
//
//   tether::message_deflater deflater(agreed.compress, options);
//   std::vector<unsigned char> payload;
//   auto sent = deflater.compress_message(data, size, payload);   // or compress(piece, n, last, sink)
//   // sent.send_uncompressed: the message did not shrink, send `data` with RSV1 clear
//
//   tether::message_inflater inflater(agreed.decompress, {max_message_size});
//   auto step = inflater.inflate(piece, n, last_piece, out, sizeof out);   // repeat until consumed / finished
//
// Window size 8 (256 bytes): tether never asks for it, accepts it when the
// peer insists, compresses with zlib's 9-bit window (whose matches never reach
// farther than 250 bytes) and inflates with the agreed window; the reasons and
// what Node's ws and python-websockets do are in tether/deflate/window_bits.hpp.

#include "deflate/agreement.hpp"
#include "deflate/client_negotiation.hpp"
#include "deflate/deflater.hpp"
#include "deflate/inflater.hpp"
#include "deflate/options.hpp"
#include "deflate/parameters.hpp"
#include "deflate/server_negotiation.hpp"
#include "deflate/window_bits.hpp"
#include "deflate/zlib_state.hpp"

#endif
