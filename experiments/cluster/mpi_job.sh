#!/usr/bin/env bash
# A sweep on several nodes with MPI: one rank per node with TBB threads inside; rank 0 hands out
# runs on request and writes the single HDF5 file (it also keeps the journal, so a killed job
# continues with the same command: --resume). See README.md in this folder.
#
#   sbatch --nodes=4 experiments/cluster/mpi_job.sh experiments/cluster/sobol_sweep.yaml results/sobol.h5
#
# Rank 0 mostly waits and writes: with N nodes, N - 1 compute (use N + 1 ranks with
# --oversubscribe to compute on the writer's node too). Outside Slurm the script starts RANKS
# ranks (default 2) on this machine. CASCADE (path of the binary) and CASCADE_ARGS (extra
# arguments) may be set.
#SBATCH --job-name=cascade-mpi
#SBATCH --ntasks-per-node=1
#SBATCH --cpus-per-task=32
#SBATCH --time=04:00:00
#SBATCH --output=cascade-mpi-%j.log
set -euo pipefail
sweep=${1:?usage: mpi_job.sh SWEEP.yaml OUTPUT.h5}
output=${2:?usage: mpi_job.sh SWEEP.yaml OUTPUT.h5}
cascade=${CASCADE:-cascade}
ranks=${SLURM_NTASKS:-${RANKS:-2}}
threads=${SLURM_CPUS_PER_TASK:-$(nproc)}
read -r -a extra <<<"${CASCADE_ARGS:-}"
launcher=(mpirun -n "$ranks" --bind-to none)
if [ "$(id -u)" -eq 0 ]; then  # containers often run as root; OpenMPI refuses that unless told
  export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1
fi
[ -z "${SLURM_JOB_ID:-}" ] && launcher+=(--oversubscribe)
exec "${launcher[@]}" "$cascade" run "$sweep" -o "$output" --threads "$threads" --resume --log-interval 60 "${extra[@]}"
