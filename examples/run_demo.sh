#!/usr/bin/env bash
# Builds and runs the main demo: echo_server on 127.0.0.1:9001 (Ctrl-C stops it).
# Installs what is missing first (idempotent). Extra arguments go to echo_server.
# Try it from another terminal, e.g.:
#   /usr/bin/python3 -m websockets ws://127.0.0.1:9001/
set -euo pipefail
cd "$(dirname "$0")/.."

bash cmake/install_dependencies.sh build
cmake -S . -B build/demo -DCMAKE_BUILD_TYPE=Release -DTETHER_BUILD_TESTS=OFF -DTETHER_WERROR=OFF >/dev/null
cmake --build build/demo -j2 --target echo_server >/dev/null
exec ./build/demo/examples/echo_server "$@"
