#!/usr/bin/env bash
# Installs what a fresh Debian 12 machine lacks for the given package groups,
# and nothing when everything is there already (idempotent).
#   install_dependencies.sh build | demo | test | bench
set -euo pipefail

packages=(cmake make g++ pkg-config)
for group in "$@"; do
  case $group in
    build) ;;
    # The chat demo (examples/chat_server, examples/client): JSON, TLS, Redis client.
    demo) packages+=(nlohmann-json3-dev libssl-dev libhiredis-dev) ;;
    test) packages+=(clang libclang-rt-14-dev catch2 ccache libssl-dev zlib1g-dev python3 python3-websockets python3-wsproto valgrind chromium
                     nlohmann-json3-dev libhiredis-dev redis-server openssl
                     libasio-dev libuv1-dev liburing-dev libboost1.81-dev) ;;
    bench) packages+=(libbenchmark-dev libboost1.81-dev libwebsocketpp-dev libwslay-dev libasio-dev libuv1-dev
                      liburing-dev python3) ;;
    *) echo "unknown group: $group" >&2; exit 2 ;;
  esac
done

missing=()
for package in "${packages[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$package")
  fi
done

# Node.js and npm drive the interop tests with the `ws` package; the machine
# usually has them already, Debian's packages otherwise.
for group in "$@"; do
  if [[ $group == test ]] && ! command -v node >/dev/null; then missing+=(nodejs); fi
  if [[ $group == test ]] && ! command -v npm >/dev/null; then missing+=(npm); fi
done

if ((${#missing[@]})); then
  echo "installing: ${missing[*]}"
  sudo=""
  if [[ $(id -u) != 0 ]]; then sudo=sudo; fi
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi
