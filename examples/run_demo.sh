#!/usr/bin/env bash
# Builds and runs the main demo: the chat (examples/chat_server) on
# http://127.0.0.1:8080/ — open it in two browser tabs and chat (Ctrl-C stops it).
# Installs what is missing first (idempotent). Extra arguments go to chat_server,
# e.g. --port 9000, --cert FILE --key FILE, --redis redis://127.0.0.1:6379/0.
set -euo pipefail
cd "$(dirname "$0")/.."

bash cmake/install_dependencies.sh build demo
cmake -S . -B build/demo -DCMAKE_BUILD_TYPE=Release -DTETHER_BUILD_TESTS=OFF -DTETHER_WERROR=OFF >/dev/null
cmake --build build/demo -j2 --target chat_server >/dev/null
exec ./build/demo/examples/chat_server "$@"
