#!/usr/bin/env bash
# The echo benchmark: builds the release preset's echo servers (examples/echo_server,
# asio_echo, uv_echo, uring_echo), the Boost.Beast reference server and the load
# generator, then runs every server under tests/bench/echo_load and prints a table
# (medians of rounds; see echo_bench.py). Not a pass/fail test.
#   bash tests/bench/run_echo_bench.sh [--seconds 5] [--rounds 3] [--servers NAME,...] [--scaling]
set -euo pipefail
cd "$(dirname "$0")/../.."

bash cmake/install_dependencies.sh build bench
cmake --preset release >/dev/null
cmake --build --preset release --target echo_server asio_echo uv_echo uring_echo beast_echo echo_load >/dev/null
exec /usr/bin/python3 tests/bench/echo_bench.py build/release "$@"
