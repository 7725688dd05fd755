#!/usr/bin/env bash
# A killed run resumes to the same datasets as an uninterrupted one.
#   kill9:  kill -9 mid-run, then a half-written record is appended to the journal (a torn write):
#           --resume drops it, recomputes the rest and matches the reference bit for bit.
#   sigint: SIGINT mid-run exits 130 and keeps only the journal (no partial HDF5); --resume
#           completes it; the journal is removed once the file is complete.
#   mpi:    as sigint, under mpirun -n 2 (mpirun forwards the signal; rank 0 keeps the journal),
#           resumed under mpirun -n 2.
# Usage: check_resume.sh CASCADE REPO kill9|sigint|mpi
set -uo pipefail
cascade=$1; repo=$2; mode=$3
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
fail() { echo "FAIL: $*"; exit 1; }
# Enough runs (n) that an optimised build is still running when the signal lands, even under
# mpirun, which forwards SIGINT to the ranks only after a delay.
n=400
args=("$repo/experiments/default.yaml" --replicas $n --threads 2 --set agents.borrowers.count=2000
      --set outputs.timeseries_replicas=5)
"$cascade" run "${args[@]}" -o "$tmp/ref.h5" -q || fail "reference run"
launch=("$cascade")
if [ "$mode" = mpi ]; then
  export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1
  launch=(mpirun --oversubscribe --bind-to none -n 2 "$cascade")
fi
"${launch[@]}" run "${args[@]}" -o "$tmp/out.h5" -q &
pid=$!
# Wait until some runs are in the journal, then interrupt.
for _ in $(seq 1 2000); do
  size=$(stat -c %s "$tmp/out.h5.journal" 2>/dev/null || echo 0)
  [ "$size" -gt 60000 ] && break
  sleep 0.01
done
if [ "$mode" = kill9 ]; then
  kill -9 $pid; wait $pid; rc=$?
  [ "$rc" -eq 137 ] || fail "expected exit 137 after kill -9, got $rc (finished too early?)"
  # A half-written record after the complete ones: tag "RUN1", a length of 1000 bytes, 3 of them.
  printf '\x52\x55\x4e\x31\xe8\x03\x00\x00\x00\x00\x00\x00abc' >> "$tmp/out.h5.journal"
else
  kill -INT $pid; wait $pid; rc=$?
  if [ "$mode" = mpi ]; then  # mpirun reports a rank's non-zero exit its own way
    [ "$rc" -ne 0 ] || fail "expected a non-zero exit after SIGINT under mpirun"
  else
    [ "$rc" -eq 130 ] || fail "expected exit 130 after SIGINT, got $rc"
  fi
  [ ! -e "$tmp/out.h5.partial" ] || fail "SIGINT left out.h5.partial"
  [ ! -e "$tmp/out.h5" ] || fail "SIGINT left out.h5"
fi
[ -s "$tmp/out.h5.journal" ] || fail "no journal after the interruption"
# Without --resume the journal is not overwritten.
"$cascade" run "${args[@]}" -o "$tmp/out.h5" -q 2>"$tmp/err"; rc=$?
[ "$rc" -eq 2 ] && grep -q -- "--resume" "$tmp/err" || fail "a second run without --resume: exit $rc, $(cat "$tmp/err")"
"${launch[@]}" run "${args[@]}" -o "$tmp/out.h5" --resume >"$tmp/log" || fail "resume"
grep -E "^resumed: [0-9]+ of $n run" "$tmp/log" || fail "resume did not take runs from the journal: $(head -3 "$tmp/log")"
resumed=$(sed -n 's/^resumed: \([0-9]*\) of.*/\1/p' "$tmp/log")
[ "$resumed" -gt 0 ] && [ "$resumed" -lt $n ] || fail "resumed $resumed of $n"
[ ! -e "$tmp/out.h5.journal" ] || fail "the journal is left after a complete run"
/usr/bin/python3 "$repo/tests/cli/compare_h5.py" "$tmp/ref.h5" "$tmp/out.h5" || fail "resumed file differs"
echo "resumed after $mode with $resumed of $n runs from the journal: identical"
