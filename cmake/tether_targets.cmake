# The library targets. tether::tether needs nothing but the C++17 standard
# library; the backends are separate targets that a user links only when wanted.
include(GNUInstallDirs)

add_library(tether INTERFACE)
add_library(tether::tether ALIAS tether)
target_include_directories(tether INTERFACE
  $<BUILD_INTERFACE:${CMAKE_CURRENT_SOURCE_DIR}/include>
  $<INSTALL_INTERFACE:${CMAKE_INSTALL_INCLUDEDIR}>)
target_compile_features(tether INTERFACE cxx_std_17)

# OpenSSL backend: SHA-1 through EVP and RAND_bytes for masking/handshake keys.
find_package(OpenSSL QUIET COMPONENTS Crypto)
if(OpenSSL_FOUND)
  add_library(tether_openssl INTERFACE)
  add_library(tether::openssl ALIAS tether_openssl)
  set_target_properties(tether_openssl PROPERTIES EXPORT_NAME openssl)
  target_link_libraries(tether_openssl INTERFACE tether OpenSSL::Crypto)
  target_compile_definitions(tether_openssl INTERFACE TETHER_HAS_OPENSSL=1)
endif()

# zlib backend for permessage-deflate (RFC 7692).
find_package(ZLIB QUIET)
if(ZLIB_FOUND)
  add_library(tether_deflate INTERFACE)
  add_library(tether::deflate ALIAS tether_deflate)
  set_target_properties(tether_deflate PROPERTIES EXPORT_NAME deflate)
  target_link_libraries(tether_deflate INTERFACE tether ZLIB::ZLIB)
  target_compile_definitions(tether_deflate INTERFACE TETHER_HAS_ZLIB=1)
endif()
