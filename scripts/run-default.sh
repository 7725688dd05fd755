#!/usr/bin/env bash
# Installs what is missing, builds an optimised cascade, runs the default experiment
# (Black Thursday) and plots it: results/default.h5 and results/default.png.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh
cmake --preset release
cmake --build --preset release
build/release/experiments/runner/cascade run experiments/default.yaml -o results/default.h5 "$@"
/usr/bin/python3 analysis/plot_experiment.py results/default.h5 -o results/default.png
