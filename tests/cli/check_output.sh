#!/usr/bin/env bash
# Runs a small experiment and checks the HDF5 layout and values with h5py and h5dump.
set -euo pipefail
cascade=$1; repo=$2
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
"$cascade" run "$repo/experiments/default.yaml" -o "$tmp/out.h5" --replicas 6 --threads 2 -q \
  --set agents.borrowers.count=2000 --set outputs.timeseries_replicas=3
/usr/bin/python3 "$repo/tests/cli/check_output.py" "$tmp/out.h5"
# The plot script reads the same file and writes a PNG.
/usr/bin/python3 "$repo/analysis/plot_experiment.py" "$tmp/out.h5" -o "$tmp/out.png"
test -s "$tmp/out.png"
