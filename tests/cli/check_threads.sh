#!/usr/bin/env bash
# Same seed, same bits: --threads 1 and --threads 2 must write identical datasets.
set -euo pipefail
cascade=$1; repo=$2
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
args=(--replicas 12 -q --set agents.borrowers.count=2000 --set outputs.timeseries_replicas=4)
"$cascade" run "$repo/experiments/default.yaml" -o "$tmp/t1.h5" --threads 1 "${args[@]}"
"$cascade" run "$repo/experiments/default.yaml" -o "$tmp/t2.h5" --threads 2 "${args[@]}"
/usr/bin/python3 "$repo/tests/cli/compare_h5.py" "$tmp/t1.h5" "$tmp/t2.h5"
