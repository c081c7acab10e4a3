#!/usr/bin/env bash
# Installs everything innosim needs to build, test and draw charts, from Debian 12
# packages only: the libraries, the report tool's Python packages and fonts,
# cpp-httplib and nlohmann-json for `innosim serve`, NLopt for `innosim solve`, headless Chromium
# with its driver and Selenium for the test of its page, and clang 14 with its
# sanitizer and libFuzzer runtimes for the `asan` preset (.ci/run). Idempotent: packages
# already present are left alone.
# Usage: sudo tools/setup.sh   (or as root)
set -euo pipefail

packages=(
  build-essential cmake ninja-build git dpkg-dev file
  libboost-dev libeigen3-dev libtbb-dev libhdf5-dev hdf5-tools catch2
  libtomlplusplus-dev libcli11-dev libfmt-dev librandom123-dev libnlopt-dev nettle-dev
  python3-numpy python3-scipy python3-h5py python3-matplotlib python3-pil python3-pypdf fonts-noto-cjk
  pkgconf libcpp-httplib-dev nlohmann-json3-dev
  chromium chromium-driver python3-selenium
  # innosim slurm's test runs a local Slurm cluster (tools/local-slurm.sh)
  slurmctld slurmd slurm-client munge
  clang-14 libclang-rt-14-dev
)

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done

if ((${#missing[@]})); then
  SUDO=""
  [[ $(id -u) -ne 0 ]] && SUDO="sudo"
  echo "setup: installing ${missing[*]}"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}"
else
  echo "setup: all ${#packages[@]} packages already installed"
fi
