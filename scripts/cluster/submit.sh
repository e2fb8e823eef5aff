#!/usr/bin/env bash
# Submits a sharded `ofasearch run` to SLURM: a job array of N tasks (shard I/N each, balanced by
# estimated cost) and a merge job that starts once every task succeeded (docs/cluster.md).
#
#   scripts/cluster/submit.sh --shards 8 experiments/strategies-compofa.yaml /shared/out/strategies
#   scripts/cluster/submit.sh --tasks 3 experiments/strategies-compofa.yaml /shared/out/strategies
#
# OUT must be on a filesystem every node sees. Prints "array JOBID" and "merge JOBID" (one line
# each) and records the shard count in OUT/cluster.env, so a resubmission (--tasks) reuses it.
set -euo pipefail

usage() {
  cat >&2 <<USAGE
usage: $0 [options] MANIFEST OUT [-- SBATCH_OPTIONS...]
  --shards N     array size (default 8, at most the number of runs 'ofasearch run --check' lists)
  --tasks LIST   submit only these array indexes again (e.g. 3 or 1,3), continuing their shard
                 folders (--resume); the shard count is read from OUT/cluster.env
  --resume       continue existing shard folders (each task passes --resume)
  --cpus N       CPUs per task, passed on as --jobs (default 1)
  --time T       time limit per task (sbatch --time)
  --bin PATH     the ofasearch binary (default: ofasearch on PATH, else .build/release/ofasearch)
Options after -- go to sbatch for both jobs (e.g. -- --partition=cpu --account=me).
USAGE
  exit 2
}

shards="" tasks="" resume=0 cpus=1 time_limit="" bin=""
while [ $# -gt 0 ]; do
  case $1 in
    --shards) shards=${2:?--shards needs a number}; shift 2 ;;
    --tasks) tasks=${2:?--tasks needs a list}; resume=1; shift 2 ;;
    --resume) resume=1; shift ;;
    --cpus) cpus=${2:?--cpus needs a number}; shift 2 ;;
    --time) time_limit=${2:?--time needs a limit}; shift 2 ;;
    --bin) bin=${2:?--bin needs a path}; shift 2 ;;
    -h|--help) usage ;;
    --) break ;;
    -*) echo "error: unknown option $1 (expected --shards, --tasks, --resume, --cpus, --time, --bin)" >&2; exit 2 ;;
    *) break ;;
  esac
done
[ $# -ge 2 ] || usage
manifest=$1 out=$2
shift 2
if [ "${1:-}" = -- ]; then shift; fi
extra=("$@")

here=$(cd "$(dirname "$0")" && pwd)
if [ -z "$bin" ]; then
  if command -v ofasearch >/dev/null; then bin=$(command -v ofasearch)
  elif [ -x "$here/../../.build/release/ofasearch" ]; then bin=$here/../../.build/release/ofasearch
  else echo "error: no ofasearch binary: expected one on PATH or .build/release/ofasearch (make build), or --bin PATH" >&2; exit 1
  fi
fi
bin=$(cd "$(dirname "$bin")" && pwd)/$(basename "$bin")
[[ $cpus =~ ^[1-9][0-9]*$ ]] || { echo "error: --cpus expects a positive integer, got '$cpus'" >&2; exit 2; }

# The manifest must be valid before anything is queued; --check also gives the run count.
check=$("$bin" run "$manifest" --check) || { echo "error: $manifest is not valid (see above); nothing submitted" >&2; exit 1; }
runs=$(printf '%s\n' "$check" | sed -n '1s/.*: valid; \([0-9][0-9]*\) runs.*/\1/p')
[ -n "$runs" ] || { echo "error: could not read the run count from '$bin run --check'" >&2; exit 1; }

mkdir -p "$out/logs"
out=$(cd "$out" && pwd)
if [ -n "$tasks" ]; then
  [ -n "$shards" ] || shards=$(sed -n 's/^SHARDS=//p' "$out/cluster.env" 2>/dev/null || true)
  [ -n "$shards" ] || { echo "error: --tasks needs the shard count of the first submission: expected $out/cluster.env, or pass --shards N" >&2; exit 1; }
  [[ $tasks =~ ^[0-9]+(,[0-9]+)*$ ]] || { echo "error: --tasks expects indexes like 3 or 1,3, got '$tasks'" >&2; exit 2; }
  array=$tasks
else
  shards=${shards:-8}
  [[ $shards =~ ^[1-9][0-9]*$ ]] || { echo "error: --shards expects a positive integer, got '$shards'" >&2; exit 2; }
  # More tasks than runs would only start empty tasks.
  if [ "$shards" -gt "$runs" ]; then shards=$runs; fi
  array=0-$((shards - 1))
  printf 'SHARDS=%s\nMANIFEST=%s\n' "$shards" "$manifest" >"$out/cluster.env"
fi
[[ $shards =~ ^[1-9][0-9]*$ ]] || { echo "error: the shard count must be a positive integer, got '$shards'" >&2; exit 1; }

export MANIFEST=$manifest OUT=$out OFASEARCH=$bin OFASEARCH_SHARDS=$shards OFASEARCH_RESUME=$resume
limit=()
if [ -n "$time_limit" ]; then limit=(--time="$time_limit"); fi
array_job=$(sbatch --parsable --array="$array" --cpus-per-task="$cpus" "${limit[@]}" --export=ALL \
  --output="$out/logs/shard-%a.log" "${extra[@]}" "$here/ofasearch-array.sbatch")
array_job=${array_job%%;*}
# afterok: only when every task succeeded; a failed or cancelled task cancels the merge job
# (--kill-on-invalid-dep) instead of leaving it pending forever.
merge_job=$(sbatch --parsable --dependency=afterok:"$array_job" --kill-on-invalid-dep=yes --export=ALL \
  --output="$out/logs/merge-%j.log" "${extra[@]}" "$here/ofasearch-merge.sbatch")
merge_job=${merge_job%%;*}
echo "array $array_job"
echo "merge $merge_job"
echo "submitted $manifest ($runs runs) as $shards shard(s), tasks $array, into $out; merged results: $out/merged" >&2
