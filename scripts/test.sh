#!/usr/bin/env bash
# Sets up, builds and runs every test: with g++ 12 (-O3, -march=native), with clang++ 14
# (-O0, -march=native) under AddressSanitizer + UndefinedBehaviorSanitizer, once more for plain
# x86-64 (no -march, the tests of the code that has SIMD paths), and the file readers' libFuzzer targets
# (clang++ 14, ASan + UBSan, 20 s each from their seed corpora). Build trees
# go to build/.
set -euo pipefail
cd "$(dirname "$0")/.."
# libsndfile too: the amp_model example then writes (and tests writing) its WAV files
CTNN_SETUP_FEATURES="${CTNN_SETUP_FEATURES:-audio}" ./scripts/setup.sh

jobs=$(nproc)
start=$(date +%s)

# the seconds of each build and its tests, printed at the end (and kept in build/test_times.txt)
times=()

# configure NAME LABEL EXCLUDE [cmake args...]; build it; run its tests
# (ctest -L LABEL / -LE EXCLUDE when given); then its slowest steps (scripts/test_costs.sh)
run() {
  local name=$1 label=$2 exclude=$3
  shift 3
  echo "=== ctnn tests: $name"
  local t0 t1 t2
  t0=$(date +%s)
  cmake -S . -B "build/$name" -G Ninja "$@" >/dev/null
  cmake --build "build/$name" -j "$jobs"
  t1=$(date +%s)
  local select=()
  [ -n "$label" ] && select+=(-L "$label")
  [ -n "$exclude" ] && select+=(-LE "$exclude")
  ctest --test-dir "build/$name" --output-on-failure -j "$jobs" "${select[@]}"
  t2=$(date +%s)
  times+=("$(printf '%-9s %5d s  (build %d, tests %d)' "$name" $((t2 - t0)) $((t1 - t0)) $((t2 - t1)))")
  ./scripts/test_costs.sh "build/$name" 10 || true  # a report: never fails the command
}

# the unit tests at -O1 (-O3 costs up to 1.6x their CPU: layers/gru.cpp 68.5 against 43.0 s); benchmarks,
# examples, tools and consumer builds stay at -O3, and the benchmarks' smoke tests check the -O3 kernels
run gcc "" "" -DCMAKE_CXX_COMPILER=g++ -DCMAKE_BUILD_TYPE=Release -DCTNN_BUILD_BENCH=ON -DCTNN_UNIT_TEST_FLAGS=-O1
# clang++ natively: at -O0 under ASan+UBSan (g++'s ASan+UBSan build at -O1 took 29 of the command's
# 61 minutes, 4x the CPU of clang at -O0 per unit; g++ at -O0 cannot build xsimd's AVX-512 blends).
# This is also the clang run of every unit test, compile-fail case and header (a separate clang
# -O3 build cost 11.5 of 54 minutes; optimised code is what the g++ build tests). The slow examples
# (Fashion-MNIST training: minutes here; amp_model, depth_vs_width, two_layer_net: 25-45 s each) are
# neither built nor run here: they run in the g++ build, and their layers have unit tests here
run sanitize "unit|example|compile_fail|headers" slow -DCMAKE_CXX_COMPILER=clang++-14 -DCMAKE_BUILD_TYPE=Release \
  -DCMAKE_CXX_FLAGS_RELEASE=-O0 -DCTNN_SANITIZE=address,undefined -DCTNN_BUILD_SLOW_EXAMPLES=OFF
# at -O0: the build is what costs here (clang -O1 takes ~1.8x the CPU of -O0 per unit). Only the
# unit tests whose headers call the SIMD kernels (include/ctnn/simd/), whose code differs without AVX;
# core/, io/, autodiff/ and bench/ reach the kernels only through those, and the tools are tested natively
run portable "unit" "" -DCMAKE_CXX_COMPILER=clang++-14 -DCMAKE_BUILD_TYPE=Release -DCMAKE_CXX_FLAGS_RELEASE=-O0 \
  -DCTNN_NATIVE=OFF -DCTNN_BUILD_COMPILE_TESTS=OFF -DCTNN_BUILD_EXAMPLES=OFF -DCTNN_BUILD_TOOLS=OFF \
  "-DCTNN_UNIT_TEST_DIRS=simd;layers;net;expr;quant;loss;optim;train"

run fuzz "fuzz" "" -DCMAKE_CXX_COMPILER=clang++-14 -DCMAKE_BUILD_TYPE=Release -DCTNN_BUILD_FUZZERS=ON \
  -DCTNN_BUILD_TESTS=OFF -DCTNN_BUILD_EXAMPLES=OFF -DCTNN_FUZZ_SECONDS=20

total=$(( $(date +%s) - start ))
# the budget: 40 minutes on the CI's 2 cores (docs/design.md, "The test command's time")
{ printf '%s\n' "${times[@]}"; echo "total     $total s (budget 2400 s on 2 cores)"; } | tee build/test_times.txt
echo "ctnn tests: all four builds passed in $total s"
