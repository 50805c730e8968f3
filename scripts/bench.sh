#!/usr/bin/env bash
# Builds and runs ctnn's kernel benchmarks (ctnn vs fixed-size Eigen) in
# build/bench with g++ -O3, pinned to one core, 5 repetitions; keeps the JSON
# and prints a table of medians. Extra arguments go to the benchmark binary
# (e.g. --benchmark_filter=gemm_xwt).
#   CTNN_BENCH_CXX   compiler (default g++; others build in build/bench-<compiler>)
#   CTNN_BENCH_CPU   core to pin to (default 1; unpinned if taskset is missing)
#   CTNN_BENCH_JSON  where the JSON goes (default <build dir>/kernels.json)
#   CTNN_PEAK_GFLOPS FP32 peak the % peak column divides by (default 246)
set -euo pipefail
cd "$(dirname "$0")/.."
./scripts/setup.sh

cxx=${CTNN_BENCH_CXX:-g++}
build=build/bench
[ "$cxx" = g++ ] || build=build/bench-$(basename "$cxx")
json=${CTNN_BENCH_JSON:-$build/kernels.json}
cpu=${CTNN_BENCH_CPU:-1}

cmake -S . -B "$build" -G Ninja -DCMAKE_CXX_COMPILER="$cxx" -DCMAKE_BUILD_TYPE=Release \
  -DCTNN_BUILD_BENCH=ON -DCTNN_BUILD_TESTS=OFF -DCTNN_BUILD_EXAMPLES=OFF >/dev/null
cmake --build "$build" --target ctnn_bench_kernels

pin=()
if command -v taskset >/dev/null && taskset -c "$cpu" true 2>/dev/null; then
  pin=(taskset -c "$cpu")
  echo "ctnn bench: pinned to core $cpu"
else
  echo "ctnn bench: not pinned (no taskset, or no core $cpu)"
fi

# The kernels measured: the commit, "+dirty" when the kernels or tensors have
# local changes.
commit=$(git rev-parse --short HEAD 2>/dev/null || echo unknown)
git diff --quiet HEAD -- include/ctnn/simd include/ctnn/core 2>/dev/null || commit="$commit+dirty"

mkdir -p "$(dirname "$json")"
"${pin[@]}" "$build/bench/ctnn_bench_kernels" \
  --benchmark_repetitions=5 --benchmark_report_aggregates_only=true \
  --benchmark_context=ctnn_commit="$commit" \
  --benchmark_out="$json" --benchmark_out_format=json "$@"

echo
echo "ctnn bench: medians of 5 repetitions (CPU time), from $json"
echo
/usr/bin/python3 bench/report.py "$json"
