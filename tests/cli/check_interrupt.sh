#!/usr/bin/env bash
# SIGINT during a run: exit 130, and neither the output nor its temporary file is left behind.
set -uo pipefail
cascade=$1; repo=$2
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
"$cascade" run "$repo/experiments/default.yaml" -o "$tmp/out.h5" --replicas 100000 --threads 2 -q &
pid=$!
sleep 2
kill -INT $pid
wait $pid; rc=$?
[ "$rc" -eq 130 ] || { echo "expected exit 130 after SIGINT, got $rc"; exit 1; }
leftovers=$(ls "$tmp")
[ -z "$leftovers" ] || { echo "files left behind: $leftovers"; exit 1; }
echo "interrupted cleanly"
