#!/usr/bin/env bash
# Compile time as a performance figure: wall time and peak memory of compiling
# one translation unit that instantiates every GEMV/GEMM shape of the kernel
# benchmarks (bench/compile_unit_kernels.cpp), and of its Eigen peer
# (bench/compile_unit_eigen.cpp), with g++ and clang++-14 at -O2 -march=native.
# Each unit is also compiled with its includes only, so the table separates
# parsing the headers from instantiating the kernels. Prints a Markdown table.
#   CTNN_COMPILE_RUNS  compiles per cell; the median wall time is reported (default 3)
#   CTNN_COMPILERS     compilers to measure (default "g++ clang++-14")
#   EIGEN_INCLUDE      Eigen's include directory (default /usr/include/eigen3)
set -euo pipefail
cd "$(dirname "$0")/.."

runs=${CTNN_COMPILE_RUNS:-3}
read -r -a compilers <<<"${CTNN_COMPILERS:-g++ clang++-14}"
eigen_inc=${EIGEN_INCLUDE:-/usr/include/eigen3}
flags=(-std=c++20 -O2 -march=native -DNDEBUG -Iinclude -I"$eigen_inc" -c)
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT

# measure CMD...: prints "<wall s> <user+sys CPU s> <peak RSS KiB>" of running
# CMD, which must succeed. GNU time if installed, else python3's getrusage of children
# (ru_maxrss covers the compiler driver's own children, e.g. cc1plus).
measure() {
  if [ -x /usr/bin/time ]; then
    /usr/bin/time -f "%e %U %S %M" -o "$out/time" "$@" >/dev/null 2>"$out/log" || { cat "$out/log" >&2; return 1; }
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
# compiles, the largest peak RSS, and the object's size.
cell() {
  local cxx=$1 src=$2
  shift 2
  local walls=() cpus=() rss=0 w c m
  for ((i = 0; i < runs; i++)); do
    read -r w c m < <(measure "$cxx" "${flags[@]}" "$@" "$src" -o "$out/unit.o")
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

echo "ctnn compile time: ${runs} compile(s) per cell, medians; flags: ${flags[*]}"
if [ -x /usr/bin/time ]; then echo "measured with GNU time"; else echo "measured with python3 getrusage"; fi
echo "machine: $(nproc) cores, load average $(cut -d' ' -f1-3 /proc/loadavg)"
echo
echo "| compiler | translation unit | wall time | CPU time | peak memory | object |"
echo "|---|---|---:|---:|---:|---:|"
for cxx in "${compilers[@]}"; do
  if ! command -v "$cxx" >/dev/null; then
    echo "| $cxx | (not installed) | | | | |"
    continue
  fi
  version=$("$cxx" --version | head -n1 | grep -oE '[0-9]+\.[0-9]+\.[0-9]+' | head -n1)
  for unit in kernels eigen; do
    label=$([ "$unit" = kernels ] && echo ctnn || echo Eigen)
    read -r hw hc hm ho < <(cell "$cxx" "bench/compile_unit_$unit.cpp" -DCTNN_COMPILE_UNIT_HEADERS_ONLY)
    read -r kw kc km ko < <(cell "$cxx" "bench/compile_unit_$unit.cpp")
    echo "| $cxx $version | $label: includes only | ${hw} s | ${hc} s | ${hm} MiB | ${ho} KiB |"
    echo "| $cxx $version | $label: 3 GEMV + 9 GEMM shapes | ${kw} s | ${kc} s | ${km} MiB | ${ko} KiB |"
  done
done
