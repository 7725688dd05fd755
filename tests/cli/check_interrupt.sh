#!/usr/bin/env bash
# SIGINT during a run: exit 130; no output file and no temporary HDF5 file are left behind, only
# the journal of the completed runs (OUT.journal), which `--resume` continues
# (tests/scale/check_resume.sh checks the resumed file).
set -uo pipefail
cascade=$1; repo=$2
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
"$cascade" run "$repo/experiments/default.yaml" -o "$tmp/out.h5" --replicas 100000 --threads 2 -q --force &
pid=$!
sleep 2
kill -INT $pid
wait $pid; rc=$?
[ "$rc" -eq 130 ] || { echo "expected exit 130 after SIGINT, got $rc"; exit 1; }
leftovers=$(ls "$tmp")
[ "$leftovers" = "out.h5.journal" ] || { echo "expected only out.h5.journal, found: $leftovers"; exit 1; }
echo "interrupted cleanly"
