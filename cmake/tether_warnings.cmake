# Flags for tether's own tests, examples and benchmarks (never forced on users).
add_library(tether_project_flags INTERFACE)
if(CMAKE_CXX_COMPILER_ID MATCHES "GNU|Clang")
  target_compile_options(tether_project_flags INTERFACE -Wall -Wextra -Wpedantic
    -Wshadow -Wconversion -Wsign-conversion -Wold-style-cast)
  if(TETHER_WERROR)
    target_compile_options(tether_project_flags INTERFACE -Werror)
  endif()
  if(TETHER_NO_EXCEPTIONS)
    target_compile_options(tether_project_flags INTERFACE -fno-exceptions -fno-rtti)
  endif()
elseif(MSVC)
  target_compile_options(tether_project_flags INTERFACE /W4 /permissive-)
endif()
