#!/usr/bin/env bash
# Builds every fuzz target the OSS-Fuzz way: the compiler and flags come from
# $CC, $CXX, $CFLAGS, $CXXFLAGS, the engine from $LIB_FUZZING_ENGINE (libFuzzer's
# -fsanitize=fuzzer, AFL++'s libAFLDriver.a, ...), binaries and seed corpora
# (<target>_seed_corpus.zip) and dictionaries (<target>.dict) go to $OUT.
# Defaults give a local libFuzzer build with ASan and UBSan:
#   bash tests/fuzz/build.sh && ls build/fuzz-out
# AFL++:
#   CC=afl-clang-fast CXX=afl-clang-fast++ LIB_FUZZING_ENGINE=/usr/lib/afl/libAFLDriver.a \
#     bash tests/fuzz/build.sh
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../.." && pwd)"
: "${CC:=clang}"
: "${CXX:=clang++}"
: "${CFLAGS:=-O1 -g -fno-omit-frame-pointer -fsanitize=address,undefined -fno-sanitize-recover=all}"
: "${CXXFLAGS:=$CFLAGS}"
: "${LIB_FUZZING_ENGINE:=-fsanitize=fuzzer}"
: "${OUT:=$root/build/fuzz-out}"
mkdir -p "$OUT"

# The engine is a flag (-fsanitize=fuzzer) or a library to link (libAFLDriver.a).
engine_compile=()
[[ "$LIB_FUZZING_ENGINE" == -* ]] && engine_compile=("$LIB_FUZZING_ENGINE")

# target source corpus dictionary library(core|deflate) [definition]
targets=(
  "base64 fuzz_base64.cpp base64 - core"
  "utf8 fuzz_utf8.cpp utf8 - core"
  "mask fuzz_mask.cpp mask - core"
  "http_head fuzz_http_head.cpp http_head http core"
  "handshake fuzz_handshake.cpp handshake http core"
  "frame_decoder fuzz_frame_decoder.cpp frame_decoder frame core"
  "frame_roundtrip fuzz_frame_roundtrip.cpp frame_roundtrip - core"
  "connection fuzz_connection.cpp connection frame core"
  "pair fuzz_pair.cpp pair - core"
  "inflate fuzz_inflate.cpp inflate - deflate"
  "pair_deflate fuzz_pair.cpp pair - deflate -DTETHER_FUZZ_DEFLATE"
)
for line in "${targets[@]}"; do
  read -r name source corpus dictionary library definition <<<"$line"
  libs=()
  [[ "$library" == deflate ]] && libs=(-lz)
  echo "building fuzz_$name"
  # shellcheck disable=SC2086 # the flags are lists of words
  $CXX $CXXFLAGS -std=c++17 "${engine_compile[@]}" ${definition:-} -I"$root/include" \
    "$here/$source" -o "$OUT/fuzz_$name" $LIB_FUZZING_ENGINE "${libs[@]}"
  if command -v zip >/dev/null; then
    (cd "$here/corpus/$corpus" && zip -qr "$OUT/fuzz_${name}_seed_corpus.zip" .)
  fi
  [[ "$dictionary" != - ]] && cp "$here/dict/$dictionary.dict" "$OUT/fuzz_$name.dict"
done
echo "fuzz targets in $OUT"
