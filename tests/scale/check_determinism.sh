#!/usr/bin/env bash
# Same bits for any way of running: compares every dataset (tests/cli/compare_h5.py) of
#   threads: --threads 1, 2 and 4
#   mpi:     a plain run, mpirun -n 1 and mpirun -n 2 (dynamic distribution, rank 0 writes)
#   shards:  one process, and 3 shards (--shard i/3) joined by cascade merge, given out of order
# Usage: check_determinism.sh CASCADE REPO threads|mpi|shards
set -euo pipefail
cascade=$1; repo=$2; mode=$3
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
yaml="$repo/tests/scale/small_sweep.yaml"
args=(-q --replicas 5)
compare() { /usr/bin/python3 "$repo/tests/cli/compare_h5.py" "$1" "$2"; }
"$cascade" run "$yaml" -o "$tmp/ref.h5" --threads 1 "${args[@]}"
case $mode in
  threads)
    for t in 2 4; do
      "$cascade" run "$yaml" -o "$tmp/t$t.h5" --threads $t "${args[@]}"
      compare "$tmp/ref.h5" "$tmp/t$t.h5"
    done ;;
  mpi)
    export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1 OMPI_MCA_rmaps_base_oversubscribe=1
    for n in 1 2; do
      timeout 300 mpirun --oversubscribe --bind-to none -n $n "$cascade" run "$yaml" -o "$tmp/mpi$n.h5" --threads 2 "${args[@]}"
      compare "$tmp/ref.h5" "$tmp/mpi$n.h5"
    done ;;
  shards)
    for i in 0 1 2; do "$cascade" run "$yaml" -o "$tmp/part$i.journal" --shard $i/3 --threads 2 "${args[@]}"; done
    "$cascade" merge -o "$tmp/merged.h5" "$tmp/part2.journal" "$tmp/part0.journal" "$tmp/part1.journal"
    compare "$tmp/ref.h5" "$tmp/merged.h5"
    # A shard split of 1 is the same as no split.
    "$cascade" run "$yaml" -o "$tmp/one.journal" --shard 0/1 --threads 2 "${args[@]}"
    "$cascade" merge -o "$tmp/one.h5" "$tmp/one.journal"
    compare "$tmp/ref.h5" "$tmp/one.h5" ;;
  *) echo "unknown mode $mode"; exit 2 ;;
esac
