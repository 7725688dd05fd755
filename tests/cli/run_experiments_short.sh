#!/usr/bin/env bash
# Every experiment under experiments/ (recursively; experiments/data holds inputs, not
# experiments) runs in a short mode (few replicas) with the ledger audit and writes its file.
# A file may add arguments for its short mode on a line `# short-mode: ARGS` (e.g. a smaller
# population via --set), so CI stays quick without changing the experiment itself.
set -euo pipefail
cascade=$1; repo=$2
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
status=0
while IFS= read -r f; do
  rel=${f#"$repo"/experiments/}
  name=${rel%.yaml}; name=${name//\//_}
  read -r -a extra <<<"$(sed -n 's/^# short-mode: //p' "$f" | head -n 1)"
  if "$cascade" run "$f" -o "$tmp/$name.h5" --replicas 3 --threads 2 -q --audit "${extra[@]}" </dev/null; then
    [ -f "$tmp/$name.h5" ] || { echo "FAIL $name: no output file"; status=1; continue; }
    echo "ok   $name"
  else
    echo "FAIL $name (exit $?)"; status=1
  fi
done < <(find "$repo/experiments" -name '*.yaml' -not -path "$repo/experiments/data/*" | LC_ALL=C sort)
exit $status
