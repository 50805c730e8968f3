#!/usr/bin/env bash
# Installs the Debian 12 packages ctnn's build, tests, examples and benchmarks
# need, when any is missing (apt-get update first). Safe to run again.
#
#   ./scripts/setup.sh [FEATURE...]        or  CTNN_SETUP_FEATURES="FEATURE..." ./scripts/setup.sh
#
# With no feature only the packages every build needs are installed (nothing
# is downloaded when they are there). The optional features, each installed
# only when asked for:
#   fixtures   python3-torch, libopenblas0: PyTorch, to regenerate the parity
#              fixtures (tests/fixtures/make_*.py) and to run the PyTorch
#              side: tools/save_safetensors.py (a PyTorch model ->
#              safetensors) and tools/ctnn_torch.py (ctnn's graph modules)
#   libtorch   libtorch-dev: LibTorch as a peer in the training benchmark
#              (bench/, CTNN_BENCH_LIBTORCH)
#   audio      libsndfile1-dev: reading and writing sound files in the audio
#              examples
#   all        all of the above
set -euo pipefail

usage() { sed -n '5,18p' "$0" | sed 's/^# \{0,1\}//'; }

packages=(
  cmake ninja-build g++ clang-14 libclang-rt-14-dev
  libboost1.81-dev libxsimd-dev catch2 libbenchmark-dev libeigen3-dev
  nlohmann-json3-dev zlib1g-dev gnuplot-nox
  dataset-fashion-mnist
)

features=("$@")
if ((${#features[@]} == 0)) && [ -n "${CTNN_SETUP_FEATURES:-}" ]; then
  read -r -a features <<<"$CTNN_SETUP_FEATURES"
fi
for f in "${features[@]}"; do
  case "$f" in
    fixtures) packages+=(python3-torch libopenblas0) ;;
    libtorch) packages+=(libtorch-dev) ;;
    audio) packages+=(libsndfile1-dev) ;;
    all) packages+=(python3-torch libopenblas0 libtorch-dev libsndfile1-dev) ;;
    -h | --help) usage; exit 0 ;;
    *) echo "ctnn setup: unknown feature '$f'" >&2; usage >&2; exit 2 ;;
  esac
done

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
