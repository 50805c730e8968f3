#!/usr/bin/env bash
# Compile time as a performance figure: wall time, CPU time and peak memory
# of compiling one translation unit, with g++ and clang++-14 at -O2
# -march=native. The units (bench/compile_unit_<name>.cpp):
#   kernels  every GEMV/GEMM shape of the kernel benchmarks through ctnn
#   eigen    the same products through Eigen
#   mnist    mlp_mnist: forward at batch 1 and 64, a training step at batch 64
#   mlp32    a 32 x (Dense<64>, ReLU) network: forward, training step
#   res32    a 32 x Residual<Dense<64>, ReLU, Dense<64>> network: forward, training step
#   expr100  a 100-node tensor expression and its generated gradient
#   train    the flagship training program: IDX reader, split, fit with Adam, evaluate
# Each unit is also compiled with its includes only (where the headers
# differ from the unit before), so the table separates parsing the headers
# from instantiating the code; the last column gives the unit's cost above
# that row (wall and CPU time, peak memory). A unit that does not compile is reported as
# such, with the compiler's first error (every unit compiles at the
# compilers' default template depth: no -ftemplate-depth). Prints a Markdown table.
#   CTNN_COMPILE_RUNS   compiles per cell; the median wall time is reported (default 3)
#   CTNN_COMPILERS      compilers to measure (default "g++ clang++-14")
#   CTNN_COMPILE_UNITS  units to measure (default "kernels eigen mnist mlp32 res32 expr100 train")
#   EIGEN_INCLUDE       Eigen's include directory (default /usr/include/eigen3)
set -euo pipefail
cd "$(dirname "$0")/.."

runs=${CTNN_COMPILE_RUNS:-3}
read -r -a compilers <<<"${CTNN_COMPILERS:-g++ clang++-14}"
read -r -a units <<<"${CTNN_COMPILE_UNITS:-kernels eigen mnist mlp32 res32 expr100 train}"
eigen_inc=${EIGEN_INCLUDE:-/usr/include/eigen3}
flags=(-std=c++20 -O2 -march=native -DNDEBUG -Iinclude -I"$eigen_inc" -c)
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT

# measure CMD...: prints "<wall s> <user+sys CPU s> <peak RSS KiB>" of running
# CMD, which must succeed. GNU time if installed, else python3's getrusage of children
# (ru_maxrss covers the compiler driver's own children, e.g. cc1plus).
measure() {
  if [ -x /usr/bin/time ]; then
    /usr/bin/time -f "%e %U %S %M" -o "$out/time" "$@" >/dev/null 2>"$out/log" || return 1
    awk '{printf "%s %.2f %s\n", $1, $2 + $3, $4}' "$out/time"
  else
    /usr/bin/python3 - "$@" <<'EOF'
import resource, subprocess, sys, time
t = time.perf_counter()
r = subprocess.run(sys.argv[1:], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
wall = time.perf_counter() - t
if r.returncode:
    sys.stderr.write(r.stderr.decode(errors="replace"))
    sys.exit(1)
u = resource.getrusage(resource.RUSAGE_CHILDREN)
print(f"{wall:.2f} {u.ru_utime + u.ru_stime:.2f} {u.ru_maxrss}")
EOF
  fi
}

# cell COMPILER SOURCE [extra flags...]: median wall and CPU time over $runs
# compiles, the largest peak RSS, and the object's size; "FAIL <first error>"
# when the unit does not compile.
cell() {
  local cxx=$1 src=$2
  shift 2
  local walls=() cpus=() rss=0 w c m line
  for ((i = 0; i < runs; i++)); do
    if ! line=$(measure "$cxx" "${flags[@]}" "$@" "$src" -o "$out/unit.o" 2>"$out/err"); then
      echo "FAIL $(grep -h -m1 -E 'error' "$out/log" "$out/err" 2>/dev/null | head -n1 | sed -E 's/^[^ ]*:[0-9]+:[0-9]+: //' | cut -c1-120)"
      return 0
    fi
    read -r w c m <<<"$line"
    walls+=("$w")
    cpus+=("$c")
    ((m > rss)) && rss=$m
  done
  printf '%s %s %s %s\n' "$(median "${walls[@]}")" "$(median "${cpus[@]}")" "$((rss / 1024))" \
    "$(($(stat -c %s "$out/unit.o") / 1024))"
}

median() {
  printf '%s\n' "$@" | sort -g | awk '{a[NR] = $1} END {printf "%.2f\n", (NR % 2) ? a[(NR + 1) / 2] : (a[NR / 2] + a[NR / 2 + 1]) / 2}'
}

declare -A labels=(
  [kernels]="ctnn: 3 GEMV + 9 GEMM shapes"
  [eigen]="Eigen: 3 GEMV + 9 GEMM shapes"
  [mnist]="ctnn: mlp_mnist forward (batch 1, 64) + training step (batch 64)"
  [mlp32]="ctnn: 32 x (Dense<64>, ReLU) forward + training step"
  [res32]="ctnn: 32 x Residual<Dense<64>, ReLU, Dense<64>> forward + training step"
  [expr100]="ctnn: 100-node expression + its gradient"
  [train]="ctnn: Fashion-MNIST training program (fit, Adam, IDX, evaluate)"
)

echo "ctnn compile time: ${runs} compile(s) per cell, medians; flags: ${flags[*]}"
if [ -x /usr/bin/time ]; then echo "measured with GNU time"; else echo "measured with python3 getrusage"; fi
echo "machine: $(nproc) cores, load average $(cut -d' ' -f1-3 /proc/loadavg)"
echo
echo "| compiler | translation unit | wall time | CPU time | peak memory | object | above its includes (wall, CPU, memory) |"
echo "|---|---|---:|---:|---:|---:|---:|"
for cxx in "${compilers[@]}"; do
  if ! command -v "$cxx" >/dev/null; then
    echo "| $cxx | (not installed) | | | | | |"
    continue
  fi
  version=$("$cxx" --version | head -n1 | grep -oE '[0-9]+\.[0-9]+\.[0-9]+' | head -n1)
  prev_headers=""
  for unit in "${units[@]}"; do
    src="bench/compile_unit_$unit.cpp"
    label=${labels[$unit]:-$unit}
    # includes-only row when the unit's includes differ from the previous unit's
    headers=$(grep -E '^#include' "$src" | sort | tr '\n' ' ')
    if [ "$headers" != "$prev_headers" ]; then
      read -r hw hc hm ho < <(cell "$cxx" "$src" -DCTNN_COMPILE_UNIT_HEADERS_ONLY)
      echo "| $cxx $version | ${label%%:*}: includes only ($(grep -E '^#include' "$src" | sed -E 's/#include <(.*)>/\1/' | paste -sd, - | sed 's/,/, /g')) | ${hw} s | ${hc} s | ${hm} MiB | ${ho} KiB | |"
      prev_headers=$headers
    fi
    result=$(cell "$cxx" "$src")
    if [[ $result == FAIL* ]]; then
      echo "| $cxx $version | $label | does not compile: ${result#FAIL } | | | | |"
    else
      read -r kw kc km ko <<<"$result"
      above=$(awk -v a="$kw" -v b="$hw" -v c="$kc" -v d="$hc" -v e="$km" -v f="$hm" \
        'BEGIN {printf "+%.2f s, +%.2f s, +%d MiB", a - b, c - d, e - f}')
      echo "| $cxx $version | $label | ${kw} s | ${kc} s | ${km} MiB | ${ko} KiB | ${above} |"
    fi
  done
done
