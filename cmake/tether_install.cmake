# install(): headers, an exported tetherConfig.cmake with optional components
# (openssl, deflate), a version file, and a pkg-config file.
include(CMakePackageConfigHelpers)

set(tether_config_dir "${CMAKE_INSTALL_DATADIR}/cmake/tether")

install(DIRECTORY include/tether DESTINATION "${CMAKE_INSTALL_INCLUDEDIR}")

set(tether_export_targets tether)
if(TARGET tether_openssl)
  list(APPEND tether_export_targets tether_openssl)
endif()
if(TARGET tether_deflate)
  list(APPEND tether_export_targets tether_deflate)
endif()
install(TARGETS ${tether_export_targets} EXPORT tetherTargets)
install(EXPORT tetherTargets NAMESPACE tether:: DESTINATION "${tether_config_dir}")

configure_package_config_file(cmake/tetherConfig.cmake.in
  "${CMAKE_CURRENT_BINARY_DIR}/tetherConfig.cmake"
  INSTALL_DESTINATION "${tether_config_dir}")
# Header-only: the package fits any architecture.
if(CMAKE_VERSION VERSION_GREATER_EQUAL 3.14)
  write_basic_package_version_file("${CMAKE_CURRENT_BINARY_DIR}/tetherConfigVersion.cmake"
    COMPATIBILITY SameMinorVersion ARCH_INDEPENDENT)
else()
  write_basic_package_version_file("${CMAKE_CURRENT_BINARY_DIR}/tetherConfigVersion.cmake"
    COMPATIBILITY SameMinorVersion)
endif()
install(FILES "${CMAKE_CURRENT_BINARY_DIR}/tetherConfig.cmake"
              "${CMAKE_CURRENT_BINARY_DIR}/tetherConfigVersion.cmake"
        DESTINATION "${tether_config_dir}")

configure_file(cmake/tether.pc.in "${CMAKE_CURRENT_BINARY_DIR}/tether.pc" @ONLY)
install(FILES "${CMAKE_CURRENT_BINARY_DIR}/tether.pc"
        DESTINATION "${CMAKE_INSTALL_DATADIR}/pkgconfig")
