// One include for Catch2 v2 (Debian 12) and v3.
#ifndef TETHER_TESTS_CATCH_HPP
#define TETHER_TESTS_CATCH_HPP

#if TETHER_CATCH_VERSION >= 3
#include <catch2/catch_test_macros.hpp>
#include <catch2/generators/catch_generators.hpp>
#else
#include <catch2/catch.hpp>
#endif

#endif
