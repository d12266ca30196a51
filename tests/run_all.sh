#!/usr/bin/env bash
# The whole test suite, as the README's quick start and CI run it:
#   0. the mutation check's subset (every third rule mutated, the fast tests
#      must fail each time; the full run is tests/mutation/run.sh, ~12 min)
#   1. clang++ C++20 with ASan+UBSan   (workflow preset clang-asan)
#   2. g++ C++20 -fno-exceptions -fno-rtti (workflow preset gcc-noexcept)
#   3. g++ C++17 debug with packaging and interop tests (workflow preset gcc-debug)
# It installs what is missing first and ends with ctest's summary line of the
# last configuration; any failure stops it with a non-zero exit.
set -euo pipefail
cd "$(dirname "$0")/.."

bash cmake/install_dependencies.sh build test

echo "=== tether: mutation check (subset) ==="
bash tests/mutation/run.sh --subset

for preset in clang-asan gcc-noexcept gcc-debug; do
  echo "=== tether: workflow preset $preset ==="
  cmake --workflow --preset "$preset"
done
