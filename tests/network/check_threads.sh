#!/usr/bin/env bash
# Balance-sheet networks: --threads 1 and --threads 2 write identical datasets (every node's
# randomness comes from its replica's Philox streams).
set -euo pipefail
cascade=$1; repo=$2
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
for f in gai_kapadia caccioli_overlapping_portfolios; do
  args=(--replicas 6 -q --set 'sweep={design: none}')
  "$cascade" run "$repo/experiments/classic/$f.yaml" -o "$tmp/$f-1.h5" --threads 1 "${args[@]}"
  "$cascade" run "$repo/experiments/classic/$f.yaml" -o "$tmp/$f-2.h5" --threads 2 "${args[@]}"
  /usr/bin/python3 "$repo/tests/cli/compare_h5.py" "$tmp/$f-1.h5" "$tmp/$f-2.h5"
done
