#!/usr/bin/env bash
# Installs the Debian 12 packages cascade needs, skipping those already present.
# Usage: scripts/install-deps.sh        (as root, or with sudo available)
set -euo pipefail

packages=(
  cmake g++ make pkg-config
  libboost-graph-dev libtbb-dev libhdf5-dev libyaml-cpp-dev doctest-dev
  librandom123-dev libcli11-dev libopenmpi-dev openmpi-bin libbenchmark-dev
  python3 python3-h5py python3-pandas python3-matplotlib python3-numpy hdf5-tools
)

missing=()
for p in "${packages[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$p")
  fi
done

if [ ${#missing[@]} -eq 0 ]; then
  echo "install-deps: all ${#packages[@]} packages present"
  exit 0
fi

sudo_cmd=()
if [ "$(id -u)" -ne 0 ]; then sudo_cmd=(sudo); fi
echo "install-deps: installing ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
"${sudo_cmd[@]}" apt-get update -qq
"${sudo_cmd[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}"
