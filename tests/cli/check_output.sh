#!/usr/bin/env bash
# Runs a small experiment and checks the HDF5 layout and values with h5py and h5dump.
set -euo pipefail
cascade=$1; repo=$2
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
"$cascade" run "$repo/experiments/default.yaml" -o "$tmp/out.h5" --replicas 6 --threads 2 -q \
  --set agents.borrowers.count=2000 --set outputs.timeseries_replicas=3
/usr/bin/python3 "$repo/tests/cli/check_output.py" "$tmp/out.h5"
