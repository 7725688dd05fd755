#!/usr/bin/env bash
# /events/adl of the ADL cascade experiment agrees with each run's exchange.adl_count metric.
set -euo pipefail
cascade=$1; repo=$2
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
"$cascade" run "$repo/experiments/perp_adl_cascade.yaml" -o "$tmp/adl.h5" --replicas 4 -q \
  --set outputs.timeseries_replicas=1
/usr/bin/python3 "$repo/tests/perp/check_adl_events.py" "$tmp/adl.h5"
