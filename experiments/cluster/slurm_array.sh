#!/usr/bin/env bash
# One shard of a sweep per Slurm array task; `cascade merge` joins the shards into one HDF5 file
# identical to a single-process run. See README.md in this folder.
#
#   sbatch --array=0-15 experiments/cluster/slurm_array.sh experiments/cluster/sobol_sweep.yaml results/sobol
#   sbatch --dependency=afterok:<array job id> --wrap \
#     "cascade merge -o results/sobol.h5 results/sobol/shard-*.journal"
#
# Each task writes results/sobol/shard-<i>.journal. --resume makes a requeued or re-submitted task
# continue its own shard from its last completed run (a task that had not started begins afresh).
# Outside Slurm the same script runs shard SLURM_ARRAY_TASK_ID of SLURM_ARRAY_TASK_COUNT (default
# 0 of 1). CASCADE (path of the binary) and CASCADE_ARGS (extra arguments, e.g. --replicas 5) may be set.
#SBATCH --job-name=cascade-shard
#SBATCH --cpus-per-task=16
#SBATCH --time=04:00:00
#SBATCH --requeue
#SBATCH --output=cascade-shard-%A_%a.log
set -euo pipefail
sweep=${1:?usage: slurm_array.sh SWEEP.yaml OUTPUT_DIR}
out_dir=${2:?usage: slurm_array.sh SWEEP.yaml OUTPUT_DIR}
cascade=${CASCADE:-cascade}
index=${SLURM_ARRAY_TASK_ID:-0}
# Slurm ≥ 20.02 sets SLURM_ARRAY_TASK_COUNT; older ones only the bounds (arrays starting at 0).
count=${SLURM_ARRAY_TASK_COUNT:-$(( ${SLURM_ARRAY_TASK_MAX:-0} + 1 ))}
threads=${SLURM_CPUS_PER_TASK:-$(nproc)}
mkdir -p "$out_dir"
read -r -a extra <<<"${CASCADE_ARGS:-}"
exec "$cascade" run "$sweep" --shard "$index/$count" -o "$out_dir/shard-$index.journal" \
  --threads "$threads" --resume --log-interval 60 "${extra[@]}"
