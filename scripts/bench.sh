#!/usr/bin/env bash
# Builds and runs ctnn's benchmarks against their hand-written peers (Eigen,
# xsimd) in build/bench with g++ -O3, pinned to one core, 5 repetitions;
# keeps one JSON per binary and prints a table of medians for each:
#   ctnn_bench_kernels  GEMV and the three GEMMs          -> kernels.json
#   ctnn_bench_expr     tensor expressions and gradients  -> expr.json
#   ctnn_bench_net      whole networks, forward/backward  -> net.json
#   ctnn_bench_train    training steps, a Fashion-MNIST epoch, Adam -> train.json
# Extra arguments go to every benchmark binary (e.g.
# --benchmark_filter=mlp_small; a binary with no match is skipped).
#   CTNN_BENCH_CXX      compiler (default g++; others build in build/bench-<compiler>)
#   CTNN_BENCH_CPU      core to pin to (default 1; unpinned if taskset is missing)
#   CTNN_BENCH_ONLY     binaries to run (default "kernels expr net train")
#   CTNN_BENCH_REPS     repetitions (default 5)
#   CTNN_BENCH_JSON_DIR where the JSON files go (default the build directory)
#   CTNN_PEAK_GFLOPS    FP32 peak the % peak column divides by (default: measured at start-up by the kit)
set -euo pipefail
cd "$(dirname "$0")/.."
./scripts/setup.sh

cxx=${CTNN_BENCH_CXX:-g++}
build=build/bench
[ "$cxx" = g++ ] || build=build/bench-$(basename "$cxx")
json_dir=${CTNN_BENCH_JSON_DIR:-$build}
cpu=${CTNN_BENCH_CPU:-1}
reps=${CTNN_BENCH_REPS:-5}
read -r -a only <<<"${CTNN_BENCH_ONLY:-kernels expr net train}"

cmake -S . -B "$build" -G Ninja -DCMAKE_CXX_COMPILER="$cxx" -DCMAKE_BUILD_TYPE=Release \
  -DCTNN_BUILD_BENCH=ON -DCTNN_BUILD_TESTS=OFF -DCTNN_BUILD_EXAMPLES=OFF >/dev/null
targets=()
for b in "${only[@]}"; do targets+=("ctnn_bench_$b"); done
cmake --build "$build" --target "${targets[@]}"

pin=()
if command -v taskset >/dev/null && taskset -c "$cpu" true 2>/dev/null; then
  pin=(taskset -c "$cpu")
  echo "ctnn bench: pinned to core $cpu"
else
  echo "ctnn bench: not pinned (no taskset, or no core $cpu)"
fi

# The code measured: the commit, "+dirty" when the library has local changes.
commit=$(git rev-parse --short HEAD 2>/dev/null || echo unknown)
git diff --quiet HEAD -- include 2>/dev/null || commit="$commit+dirty"

mkdir -p "$json_dir"
reports=()
for b in "${only[@]}"; do
  json="$json_dir/$b.json"
  rm -f "$json"
  echo
  echo "ctnn bench: ctnn_bench_$b"
  "${pin[@]}" "$build/bench/ctnn_bench_$b" \
    --benchmark_repetitions="$reps" --benchmark_report_aggregates_only=true \
    --benchmark_context=ctnn_commit="$commit" \
    --benchmark_context=load_avg="$(cut -d' ' -f1-3 /proc/loadavg)" \
    --benchmark_out="$json" --benchmark_out_format=json "$@"
  [ -s "$json" ] && reports+=("$json")
done

echo
echo "ctnn bench: medians of $reps repetitions (CPU time)"
echo
((${#reports[@]})) && /usr/bin/python3 bench/report.py "${reports[@]}"
