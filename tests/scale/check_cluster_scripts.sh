#!/usr/bin/env bash
# experiments/cluster/: the Slurm array script (3 tasks, run here one after the other) plus
# cascade merge, and the MPI job script (2 ranks on this machine), both on the example sweep in a
# short mode, give the same datasets as one plain run.
# Usage: check_cluster_scripts.sh CASCADE REPO MPI_ENABLED(ON|OFF)
set -euo pipefail
cascade=$1; repo=$2; mpi=${3:-OFF}
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
yaml="$repo/experiments/cluster/sobol_sweep.yaml"
export CASCADE="$cascade"
export CASCADE_ARGS="--replicas 2 -q --set agents.borrowers.count=300 --set sweep.points=4"
read -r -a args <<<"$CASCADE_ARGS"
"$cascade" run "$yaml" -o "$tmp/ref.h5" --threads 2 "${args[@]}"
for i in 0 1 2; do
  SLURM_ARRAY_TASK_ID=$i SLURM_ARRAY_TASK_COUNT=3 SLURM_CPUS_PER_TASK=2 \
    "$repo/experiments/cluster/slurm_array.sh" "$yaml" "$tmp/shards"
done
"$cascade" merge -o "$tmp/merged.h5" "$tmp"/shards/shard-*.journal
/usr/bin/python3 "$repo/tests/cli/compare_h5.py" "$tmp/ref.h5" "$tmp/merged.h5"
if [ "$mpi" = ON ] && command -v mpirun >/dev/null; then
  RANKS=2 timeout 300 "$repo/experiments/cluster/mpi_job.sh" "$yaml" "$tmp/mpi.h5"
  /usr/bin/python3 "$repo/tests/cli/compare_h5.py" "$tmp/ref.h5" "$tmp/mpi.h5"
fi
