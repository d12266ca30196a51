#!/usr/bin/env bash
# One packaging check: consume tether as MODE with COMPILER in C++STD, with or
# without exceptions, then run the consumer.
#   check.sh MODE COMPILER STD EXCEPTIONS SOURCE_DIR WORK_DIR [PREFIX]
#   MODE: find_package | add_subdirectory | include_only;  EXCEPTIONS: on | off
set -euo pipefail
mode=$1 compiler=$2 std=$3 exceptions=$4 source_dir=$5 work_dir=$6 prefix=${7:-}
flags="-Wall -Wextra -Wpedantic -Werror"
[[ $exceptions == off ]] && flags="$flags -fno-exceptions -fno-rtti"
build="$work_dir/$mode-$compiler-$std-exceptions-$exceptions"
rm -rf "$build" && mkdir -p "$build"
consumer="$source_dir/tests/package/consumer"

case $mode in
  include_only)
    # No CMake at all: a copied include/ folder is enough.
    "$compiler" -std=c++"$std" $flags -I "$source_dir/include" "$consumer/main.cpp" -o "$build/consumer"
    ;;
  find_package|add_subdirectory)
    cmake -S "$consumer" -B "$build" -DCONSUME="$mode" -DTETHER_SOURCE_DIR="$source_dir" \
      -DCMAKE_PREFIX_PATH="$prefix" -DCMAKE_CXX_COMPILER="$compiler" -DCMAKE_CXX_STANDARD="$std" \
      -DCMAKE_CXX_FLAGS="$flags" >"$build/configure.log" || { cat "$build/configure.log"; exit 1; }
    cmake --build "$build" -j2 >"$build/build.log" || { cat "$build/build.log"; exit 1; }
    if [[ -x $build/consumer_openssl ]]; then "$build/consumer_openssl"; fi
    ;;
  *) echo "unknown mode $mode" >&2; exit 2 ;;
esac
"$build/consumer"
