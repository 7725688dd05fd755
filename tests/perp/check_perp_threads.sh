#!/usr/bin/env bash
# Same seed, same bits for the perp experiments: --threads 1 and --threads 2 write identical files.
set -euo pipefail
cascade=$1; repo=$2
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
for f in perp_adl_cascade perp_margin_modes; do
  args=(--replicas 4 -q --set agents.traders.count=300 --set outputs.timeseries_replicas=2)
  "$cascade" run "$repo/experiments/$f.yaml" -o "$tmp/$f.1.h5" --threads 1 "${args[@]}"
  "$cascade" run "$repo/experiments/$f.yaml" -o "$tmp/$f.2.h5" --threads 2 "${args[@]}"
  /usr/bin/python3 "$repo/tests/cli/compare_h5.py" "$tmp/$f.1.h5" "$tmp/$f.2.h5"
done
