// permessage-deflate (RFC 7692) in the examples, in one place: on by default
// when the example was built with zlib (CMake target tether::deflate, which
// defines TETHER_HAS_ZLIB), off with --no-deflate. A server then accepts an
// acceptable offer, a client offers it; the policy is tether's default
// (deflate/options.hpp: 12-bit windows, memLevel 5, about 49 KiB per
// connection while both directions keep their context).
//
//   example::deflate_extension deflate(wanted);   // outlives every connection
//   tether::connection_options options;
//   options.extension = deflate.get();            // nullptr: nothing offered or accepted
#ifndef TETHER_EXAMPLES_COMMON_DEFLATE_EXTENSION_HPP
#define TETHER_EXAMPLES_COMMON_DEFLATE_EXTENSION_HPP

#include <tether/extension.hpp>

#include <string_view>

#if defined(TETHER_HAS_ZLIB)
#include <tether/deflate.hpp>
#endif

namespace example {

// The command-line flag every example takes to turn it off.
inline constexpr std::string_view no_deflate_flag = "--no-deflate";

class deflate_extension {
 public:
  explicit deflate_extension(bool wanted = true) noexcept : wanted_(wanted) {}
  deflate_extension(const deflate_extension&) = delete;  // connections point into it
  deflate_extension& operator=(const deflate_extension&) = delete;

  // What connection_options::extension should point to: one object for every
  // connection (it only negotiates; each connection that agrees gets its own
  // zlib state), or nullptr when turned off or built without zlib.
  const tether::extension* get() const noexcept {
#if defined(TETHER_HAS_ZLIB)
    if (wanted_) return &deflate_;
#endif
    return nullptr;
  }

  bool enabled() const noexcept { return get() != nullptr; }

 private:
  bool wanted_;
#if defined(TETHER_HAS_ZLIB)
  tether::permessage_deflate deflate_;
#endif
};

}  // namespace example

#endif
