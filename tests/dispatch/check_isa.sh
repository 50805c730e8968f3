#!/usr/bin/env bash
# Usage: check_isa.sh <binary> [objdump]
# Fails if a function of <binary> whose name names no AVX level (no "avx" or
# "fma3" in its demangled name: baseline code, the standard library, the
# sse2 level) contains a VEX/EVEX instruction or a ymm/zmm/mask register.
# Such a function is one the linker took from an AVX2 or AVX-512 object in
# place of the baseline copy (same mangled name): an SSE2-only CPU calling it
# would die of SIGILL. ctnn_add_dispatch links the lowest level first so
# that the baseline copy is kept; this checks it.
set -euo pipefail
bin=$1
objdump=${2:-objdump}
bad=$("$objdump" -d --no-show-raw-insn -C "$bin" | awk '
  /^[0-9a-f]+ <.*>:$/ { fn = $0; next }
  /\t(v[a-z0-9]+|k[a-z]+[bwdq])[ \t]/ || /%[yz]mm|%k[0-7]/ { if (fn !~ /avx|fma3/) bad[fn]++ }
  END { for (f in bad) print bad[f] " AVX instructions in " f }')
if [[ -n "$bad" ]]; then
  echo "$bad"
  echo "FAILED: baseline functions with AVX code (the linker kept a higher level's copy)"
  exit 1
fi
echo "no AVX instruction outside the avx2/avx512 levels' functions of $bin"
