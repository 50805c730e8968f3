#!/usr/bin/env bash
# Sets up, builds (g++, -march=native, Release) and runs the examples.
set -euo pipefail
cd "$(dirname "$0")/.."
./scripts/setup.sh
cmake -S . -B build/demo -G Ninja -DCMAKE_CXX_COMPILER=g++ -DCMAKE_BUILD_TYPE=Release \
  -DCTNN_BUILD_TESTS=OFF >/dev/null
cmake --build build/demo -j "$(nproc)"
for ex in build/demo/examples/ctnn_example_*; do
  echo "=== $(basename "$ex")"
  "$ex"
done
