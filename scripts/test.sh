#!/usr/bin/env bash
# Sets up, builds and runs every test: with g++ 12 and with clang++ 14
# (-march=native), once more under AddressSanitizer + UndefinedBehaviorSanitizer (clang++, -O0),
# once for plain x86-64 (no -march), and the file readers' libFuzzer targets
# (clang++ 14, ASan + UBSan, 20 s each from their seed corpora). Build trees
# go to build/.
set -euo pipefail
cd "$(dirname "$0")/.."
# libsndfile too: the amp_model example then writes (and tests writing) its WAV files
CTNN_SETUP_FEATURES="${CTNN_SETUP_FEATURES:-audio}" ./scripts/setup.sh

jobs=$(nproc)
start=$(date +%s)

# configure NAME LABEL EXCLUDE [cmake args...]; build it; run its tests
# (ctest -L LABEL / -LE EXCLUDE when given)
run() {
  local name=$1 label=$2 exclude=$3
  shift 3
  echo "=== ctnn tests: $name"
  cmake -S . -B "build/$name" -G Ninja "$@" >/dev/null
  cmake --build "build/$name" -j "$jobs"
  local select=()
  [ -n "$label" ] && select+=(-L "$label")
  [ -n "$exclude" ] && select+=(-LE "$exclude")
  ctest --test-dir "build/$name" --output-on-failure -j "$jobs" "${select[@]}"
}

run gcc "" "" -DCMAKE_CXX_COMPILER=g++ -DCMAKE_BUILD_TYPE=Release -DCTNN_BUILD_BENCH=ON
run clang "" "" -DCMAKE_CXX_COMPILER=clang++-14 -DCMAKE_BUILD_TYPE=Release
# clang++ at -O0: g++'s ASan+UBSan build at -O1 took 29 of the command's 61 minutes (4x the
# CPU of clang at -O0 per unit); g++ at -O0 cannot build xsimd's AVX-512 blends (intrinsic macros)
run sanitize "unit|example" slow -DCMAKE_CXX_COMPILER=clang++-14 -DCMAKE_BUILD_TYPE=Release -DCMAKE_CXX_FLAGS_RELEASE=-O0 \
  -DCTNN_SANITIZE=address,undefined -DCTNN_BUILD_COMPILE_TESTS=OFF
# at -O0: the build is what costs here (clang -O1 takes ~1.8x the CPU of -O0 per unit)
run portable "unit" "" -DCMAKE_CXX_COMPILER=clang++-14 -DCMAKE_BUILD_TYPE=Release -DCMAKE_CXX_FLAGS_RELEASE=-O0 \
  -DCTNN_NATIVE=OFF -DCTNN_BUILD_COMPILE_TESTS=OFF -DCTNN_BUILD_EXAMPLES=OFF

run fuzz "fuzz" "" -DCMAKE_CXX_COMPILER=clang++-14 -DCMAKE_BUILD_TYPE=Release -DCTNN_BUILD_FUZZERS=ON \
  -DCTNN_BUILD_TESTS=OFF -DCTNN_BUILD_EXAMPLES=OFF -DCTNN_FUZZ_SECONDS=20

echo "ctnn tests: all five builds passed in $(( $(date +%s) - start )) s"
