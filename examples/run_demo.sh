#!/usr/bin/env bash
# Builds and runs the main demo. Installs what is missing first (idempotent).
set -euo pipefail
cd "$(dirname "$0")/.."

bash cmake/install_dependencies.sh build
cmake -S . -B build/demo -DCMAKE_BUILD_TYPE=Release -DTETHER_BUILD_TESTS=OFF -DTETHER_WERROR=OFF >/dev/null
cmake --build build/demo -j2 --target accept_key >/dev/null
./build/demo/examples/accept_key "$@"
