#!/usr/bin/env bash
# Every experiment in experiments/ runs in a short mode (few replicas) and writes its file.
set -euo pipefail
cascade=$1; repo=$2
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
status=0
for f in "$repo"/experiments/*.yaml; do
  name=$(basename "$f" .yaml)
  if "$cascade" run "$f" -o "$tmp/$name.h5" --replicas 3 --threads 2 -q --audit; then
    [ -f "$tmp/$name.h5" ] || { echo "FAIL $name: no output file"; status=1; continue; }
    echo "ok   $name"
  else
    echo "FAIL $name (exit $?)"; status=1
  fi
done
exit $status
