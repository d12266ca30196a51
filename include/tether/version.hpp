// tether — header-only, sans-IO WebSocket (RFC 6455). Boost Software License 1.0.
#ifndef TETHER_VERSION_HPP
#define TETHER_VERSION_HPP

// The single source of the version: CMakeLists.txt reads these three lines.
#define TETHER_VERSION_MAJOR 0
#define TETHER_VERSION_MINOR 1
#define TETHER_VERSION_PATCH 0

#define TETHER_VERSION (TETHER_VERSION_MAJOR * 10000 + TETHER_VERSION_MINOR * 100 + TETHER_VERSION_PATCH)

namespace tether {
struct version_info {
  int major;
  int minor;
  int patch;
};
inline constexpr version_info version{TETHER_VERSION_MAJOR, TETHER_VERSION_MINOR, TETHER_VERSION_PATCH};
}  // namespace tether

#endif
