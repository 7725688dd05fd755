#!/usr/bin/env bash
# Foreign, damaged, incomplete or mismatched files given to merge or --resume: a clear message
# and exit 2, and no output file.
set -uo pipefail
cascade=$1; repo=$2
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
yaml="$repo/tests/scale/small_sweep.yaml"
status=0
expect() {  # expect NAME PATTERN COMMAND...
  local name=$1 pattern=$2; shift 2
  "$@" >"$tmp/out" 2>"$tmp/err"; local rc=$?
  if [ $rc -ne 2 ] || ! grep -q -- "$pattern" "$tmp/err"; then
    echo "FAIL $name: exit $rc, stderr: $(cat "$tmp/err")"; status=1
  else
    echo "ok   $name: $(head -1 "$tmp/err")"
  fi
}
for i in 0 1; do "$cascade" run "$yaml" -q --threads 2 --shard $i/2 -o "$tmp/p$i.journal" || exit 1; done
"$cascade" run "$yaml" -q --threads 2 --shard 0/2 --set experiment.seed=5 -o "$tmp/other.journal" || exit 1
head -c 20 "$tmp/p1.journal" > "$tmp/header_cut.journal"
size=$(stat -c %s "$tmp/p1.journal"); head -c $((size - 7)) "$tmp/p1.journal" > "$tmp/torn.journal"
cp "$tmp/p1.journal" "$tmp/flipped.journal"; printf '\x55' | dd of="$tmp/flipped.journal" bs=1 seek=40 conv=notrunc 2>/dev/null
expect "merge: foreign file" "is not a cascade journal" "$cascade" merge -o "$tmp/m.h5" "$tmp/p0.journal" "$yaml"
"$cascade" run "$yaml" -q --threads 2 -o "$tmp/real.h5" || exit 1
expect "merge: an HDF5 file" "is not a cascade journal" "$cascade" merge -o "$tmp/m.h5" "$tmp/p0.journal" "$tmp/real.h5"
expect "merge: header cut" "damaged journal header" "$cascade" merge -o "$tmp/m.h5" "$tmp/p0.journal" "$tmp/header_cut.journal"
expect "merge: header bit flip" "damaged journal header" "$cascade" merge -o "$tmp/m.h5" "$tmp/p0.journal" "$tmp/flipped.journal"
expect "merge: torn last record" "is incomplete" "$cascade" merge -o "$tmp/m.h5" "$tmp/p0.journal" "$tmp/torn.journal"
expect "merge: missing shard" "shard 1/2 is missing" "$cascade" merge -o "$tmp/m.h5" "$tmp/p0.journal"
expect "merge: shard twice" "is given twice" "$cascade" merge -o "$tmp/m.h5" "$tmp/p0.journal" "$tmp/p0.journal"
expect "merge: other experiment" "different experiment" "$cascade" merge -o "$tmp/m.h5" "$tmp/other.journal" "$tmp/p1.journal"
expect "merge: no such file" "cannot read" "$cascade" merge -o "$tmp/m.h5" "$tmp/nothing.journal"
[ ! -e "$tmp/m.h5" ] && [ ! -e "$tmp/m.h5.partial" ] || { echo "FAIL: merge left an output"; status=1; }
# --resume with the journal of another experiment, or a foreign file in the journal's place.
cp "$tmp/other.journal" "$tmp/r.journal"
expect "resume: other experiment" "different experiment" "$cascade" run "$yaml" -q --shard 0/2 -o "$tmp/r.journal" --resume
expect "resume: other shard" "is shard 1/2, not 0/2" "$cascade" run "$yaml" -q --shard 0/2 -o "$tmp/p1.journal" --resume
cp "$yaml" "$tmp/x.h5.journal"
expect "resume: foreign journal" "is not a cascade journal" "$cascade" run "$yaml" -q -o "$tmp/x.h5" --resume
[ ! -e "$tmp/x.h5" ] && [ ! -e "$tmp/x.h5.partial" ] || { echo "FAIL: a refused resume left an output"; status=1; }
expect "shard: bad syntax" "expected i/N" "$cascade" run "$yaml" -q --shard 3/3 -o "$tmp/s.journal"
exit $status
