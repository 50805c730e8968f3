#!/usr/bin/env bash
# Installs the Debian 12 packages ctnn's build, tests, examples and benchmarks
# need, when any is missing (apt-get update first). Safe to run again.
set -euo pipefail

packages=(
  cmake ninja-build g++ clang-14 libclang-rt-14-dev
  libboost1.81-dev libxsimd-dev catch2 libbenchmark-dev libeigen3-dev
  nlohmann-json3-dev zlib1g-dev gnuplot-nox
  dataset-fashion-mnist
)

missing=()
for p in "${packages[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$p")
  fi
done

if ((${#missing[@]})); then
  echo "ctnn setup: installing ${missing[*]}"
  sudo=""
  if [ "$(id -u)" != 0 ]; then sudo="sudo"; fi
  $sudo apt-get update
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y --no-install-recommends "${missing[@]}"
fi
