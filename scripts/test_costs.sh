#!/usr/bin/env bash
# The costs of one build tree of scripts/test.sh: its slowest compile/link steps (from ninja's log:
# wall seconds per output, two at a time on the CI's 2 cores) and its slowest tests (from ctest's
# cost data: average seconds per run), plus the sums. scripts/test.sh prints this after each build;
# run it by hand on any tree: scripts/test_costs.sh build/gcc [N]
set -eu  # no pipefail: `sort | head` may end sort early
dir=${1:?usage: scripts/test_costs.sh BUILD_DIR [N]}
n=${2:-15}

if [ -f "$dir/.ninja_log" ]; then
  # .ninja_log v5: start_ms end_ms mtime output hash; an output rebuilt later appears again (keep the last)
  awk -F'\t' 'NR > 1 { ms[$4] = $2 - $1 } END { for (o in ms) printf "%.1f\t%s\n", ms[o] / 1000, o }' "$dir/.ninja_log" \
    > "$dir/build_steps.tsv"
  awk -F'\t' '{ t += $1; if ($2 ~ /tests\/unit\//) u += $1; else if ($2 ~ /tests\/headers\//) h += $1;
                else if ($2 ~ /(^|\/)bench\//) b += $1; else if ($2 ~ /(^|\/)examples\//) e += $1 }
              END { printf "build steps: %d, %.0f s of compile/link wall in all (unit tests %.0f, header tests %.0f, bench %.0f, examples %.0f)\n", NR, t, u, h, b, e }' \
    "$dir/build_steps.tsv"
  echo "slowest $n build steps (s):"
  sort -t$'\t' -k1,1 -rn "$dir/build_steps.tsv" | head -n "$n" |
    sed -E 's#CMakeFiles/[^/]*\.dir/##; s#^#  #'
fi

cost="$dir/Testing/Temporary/CTestCostData.txt"
if [ -f "$cost" ]; then
  # lines "name runs average_seconds" until "---" (a name may hold spaces: the last two fields are numbers)
  awk '$0 == "---" { exit } NF >= 3 { name = $0; sub(/ [0-9]+ [0-9.e+-]+$/, "", name); printf "%.1f\t%s\n", $NF, name }' \
    "$cost" > "$dir/test_costs.tsv"
  awk -F'\t' '{ t += $1; if ($2 ~ /^compile_fail\./) cf += $1; else if ($2 ~ /^headers\./) h += $1 }
              END { printf "tests: %d, %.0f s in all (compile-fail %.0f, headers %.0f)\n", NR, t, cf, h }' "$dir/test_costs.tsv"
  echo "slowest $n tests (s):"
  sort -t$'\t' -k1,1 -rn "$dir/test_costs.tsv" | head -n "$n" | sed 's/^/  /'
fi
