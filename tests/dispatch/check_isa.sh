#!/usr/bin/env bash
# Usage: check_isa.sh <binary> [objdump] [nm]
# Fails if a function that the linker may have merged between levels runs
# instructions its name does not allow: a global (not internal) function
#   - whose demangled name names no AVX-era level ("avx", "fma3", "sse3",
#     "ssse3", "sse4": baseline code, the standard library, the sse2 level)
#     but contains a VEX/EVEX instruction or a ymm/zmm/mask register, or
#   - whose name does not name "avx512" but contains EVEX code (zmm, mask
#     registers, xmm16-31/ymm16-31).
# Such a function is a copy the linker took from a higher level's object in
# place of the lower level's (same mangled name): a CPU without that level
# calling it would die of SIGILL. ctnn_add_dispatch links the lowest level
# first so that the lowest copy is kept; this checks it.
set -euo pipefail
bin=$1
objdump=${2:-objdump}
nm=${3:-nm}
bad=$("$objdump" -d --no-show-raw-insn -C "$bin" | awk -v locals="$("$nm" --defined-only "$bin" | awk '$2 == "t" { printf "%s ", $1 }')" '
  BEGIN { n = split(locals, l, " "); for (i = 1; i <= n; ++i) local[l[i]] = 1 }
  /^[0-9a-f]+ <.*>:$/ { fn = $0; skip = ($1 in local); vex_ok = (fn ~ /avx|fma3|sse3|ssse3|sse4/); evex_ok = (fn ~ /avx512/); next }
  skip { next }
  !vex_ok && (/\t(v[a-z0-9]+|k[a-z]+[bwdq])[ \t]/ || /%[yz]mm|%k[0-7]/) { bad[fn]++; next }
  !evex_ok && (/%zmm|%k[0-7]|%[xy]mm(1[6-9]|2[0-9]|3[01])/) { bad[fn]++ }
  END { for (f in bad) print bad[f] " instructions beyond its level in " f }')
if [[ -n "$bad" ]]; then
  echo "$bad"
  echo "FAILED: functions with a higher level's instructions (the linker kept a higher level's copy)"
  exit 1
fi
echo "every global function of $bin stays within the level its name names"
