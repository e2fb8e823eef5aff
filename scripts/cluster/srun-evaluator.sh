#!/usr/bin/env bash
# Runs an evaluator command on a cluster GPU: standard input goes to it and its standard output
# comes back, so a command that reads architectures (JSON Lines) and writes one result per line
# can be dispatched to the cluster unchanged (docs/cluster.md):
#
#   scripts/cluster/srun-evaluator.sh python3 measure_accuracy.py --imagenet /data/val < archs.jsonl
#
# SRUN_OPTIONS adds options (e.g. "--partition=gpu --time=00:30:00"). Inside an allocation
# (salloc, sbatch) srun starts a job step; outside it, srun requests a job of its own.
set -euo pipefail
[ $# -ge 1 ] || { echo "usage: $0 COMMAND [ARGS...]" >&2; exit 2; }
command -v srun >/dev/null || { echo "error: srun not found: expected a SLURM client (apt-get install slurm-client)" >&2; exit 1; }
# shellcheck disable=SC2086 # SRUN_OPTIONS is a list of options
exec srun --ntasks=1 --gres=gpu:1 --quiet ${SRUN_OPTIONS:-} "$@"
