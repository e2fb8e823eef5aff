#!/usr/bin/env bash
# `make cluster-test`: a sharded sweep under a real SLURM scheduler on this machine.
#
# Starts a one-node SLURM cluster (local-slurm.sh: localhost, at most 2 CPUs, everything in a
# temporary folder), submits a manifest as a 4-task job array plus the dependent merge job
# (submit.sh), and checks that the merged runs.jsonl equals an unsharded run's (timings aside).
# Then, in a second submission, it cancels one array task mid-way (scancel), checks that the merge
# job is cancelled with it and that `ofasearch merge` refuses with exactly that shard's missing run
# ids, resubmits the task alone with --resume, and checks the merge is complete and equal again.
# Every daemon it started is stopped on exit (trap).
#
# The manifest is experiments/strategies-compofa.yaml reduced to seeds 0..3 (84 runs instead of
# 210, written to the temporary folder) to keep CI short; CLUSTER_TEST_SEEDS=0..9 runs all of it.
# Needs root, Debian's slurm-wlm and munge, the release binary (make build) and ../shared/ofa-data.
set -euo pipefail
cd "$(dirname "$0")/../.."
root=$(pwd)
bin=$root/.build/release/ofasearch
seeds=${CLUSTER_TEST_SEEDS:-0..3}
shards=4
start_time=$SECONDS

say() { echo "cluster-test: [$((SECONDS - start_time)) s] $*"; }
fail() { echo "cluster-test: FAILED: $*" >&2; exit 1; }
trap 'echo "cluster-test: FAILED: command at line $LINENO exited with status $?" >&2' ERR
# Finished runs in a shard folder (0 before the task has created it).
count_runs() { if [ -d "$1/runs" ]; then find "$1/runs" -name '*.jsonl' | wc -l; else echo 0; fi; }

[ "$(id -u)" = 0 ] || fail "needs root (slurmd starts jobs as their users)"
[ -x "$bin" ] || fail "no release binary at $bin (run make build)"
shared=${OFA_DATA:-$root/../shared/ofa-data}
if [ ! -d "$shared" ]; then
  say "skipped: no shared data folder at $shared (strategies-compofa reads OFA's MLP and the note10 table from it)"
  exit 0
fi

tmp=$(mktemp -d /tmp/ofasearch-cluster-test.XXXXXX)
cleanup() {
  local status=$?
  "$root/scripts/cluster/local-slurm.sh" stop "$tmp/slurm" || true
  if [ "$status" -ne 0 ]; then
    echo "cluster-test: logs kept in $tmp (slurm/*.log, out*/logs/)" >&2
  else
    rm -rf "$tmp"
  fi
}
trap cleanup EXIT

# The reduced manifest: the same searches, fewer seeds.
manifest=$tmp/strategies-compofa.yaml
sed "s/^seeds: 0\.\.9\$/seeds: $seeds/" experiments/strategies-compofa.yaml >"$manifest"
grep -q "^seeds: $seeds\$" "$manifest" || fail "could not set seeds in a copy of experiments/strategies-compofa.yaml (expected a line 'seeds: 0..9')"
runs=$("$bin" run "$manifest" --check | sed -n '1s/.*: valid; \([0-9][0-9]*\) runs.*/\1/p')
say "manifest: strategies-compofa with seeds $seeds, $runs runs, $shards shards"
for ((i = 0; i < shards; i++)); do "$bin" run "$manifest" --check --shard "$i/$shards" | sed -n 2p; done

# Timings are the only fields that differ between two runs of one manifest.
untimed() { sed -E 's/"(run_)?seconds":[^,}]*,?//g' "$1"; }
same_runs() {
  local a=$1 b=$2
  [ -s "$a" ] && [ -s "$b" ] || fail "missing $a or $b"
  if ! diff <(untimed "$a") <(untimed "$b") >/dev/null; then fail "$a differs from $b beyond timings"; fi
  [ "$(wc -l <"$a")" -eq "$(wc -l <"$b")" ] || fail "$a and $b have different line counts"
}

say "unsharded reference run"
"$bin" run "$manifest" --out "$tmp/whole" --jobs 2 >/dev/null
reference_lines=$(wc -l <"$tmp/whole/runs.jsonl")

"$root/scripts/cluster/local-slurm.sh" start "$tmp/slurm"
export SLURM_CONF=$tmp/slurm/slurm.conf

# Bounded wait until none of the given jobs is queued or running.
wait_jobs() {
  local limit=$1 i; shift
  for ((i = 0; i < limit * 2; i++)); do
    if [ -z "$(squeue -h -j "$(IFS=,; echo "$*")" -o %i 2>/dev/null)" ]; then return 0; fi
    sleep 0.5
  done
  squeue >&2 || true
  fail "jobs $* still queued or running after $limit s"
}
job_state() { scontrol -o show job "$1" | sed -n 's/.*JobState=\([A-Z_]*\).*/\1/p' | head -1; }
submit() { "$root/scripts/cluster/submit.sh" --bin "$bin" "$@"; }

# 1. The whole array and its merge job.
say "submitting $shards-task array + dependent merge job"
ids=$(submit --shards "$shards" "$manifest" "$tmp/out")
array=$(sed -n 's/^array //p' <<<"$ids") merge=$(sed -n 's/^merge //p' <<<"$ids")
wait_jobs 600 "$array" "$merge"
[ "$(job_state "$merge")" = COMPLETED ] || fail "merge job $merge ended $(job_state "$merge") (log: $tmp/out/logs)"
same_runs "$tmp/out/merged/runs.jsonl" "$tmp/whole/runs.jsonl"
cmp -s "$tmp/out/merged/fronts.jsonl" "$tmp/whole/fronts.jsonl" || fail "merged fronts.jsonl differs from the unsharded run's"
say "merged runs.jsonl ($reference_lines lines) equals the unsharded run's, timings aside; fronts.jsonl byte for byte"

# 2. One task killed mid-way: the merge job is cancelled, merge refuses naming the shard's runs.
victim=1
victim_runs=$("$bin" run "$manifest" --check --shard "$victim/$shards" | sed -n 's/^shard [0-9]*\/[0-9]*: \([0-9]*\) of .*/\1/p')
say "second submission; cancelling task $victim (shard $victim/$shards, $victim_runs runs) once it has finished some runs"
ids=$(submit --shards "$shards" "$manifest" "$tmp/out2")
array=$(sed -n 's/^array //p' <<<"$ids") merge=$(sed -n 's/^merge //p' <<<"$ids")
done_runs=0
for ((i = 0; i < 6000; i++)); do
  done_runs=$(count_runs "$tmp/out2/shard-$victim")
  if [ "$done_runs" -ge 1 ]; then break; fi
  sleep 0.05
done
[ "$done_runs" -ge 1 ] || fail "task $victim finished no run within 300 s"
scancel "${array}_$victim"
wait_jobs 600 "$array" "$merge"
done_runs=$(count_runs "$tmp/out2/shard-$victim")
[ "$done_runs" -lt "$victim_runs" ] || fail "task $victim finished all its $victim_runs runs before scancel reached it; nothing to resume"
say "task $victim cancelled after $done_runs of $victim_runs runs; task state $(job_state "${array}_$victim"), merge job $(job_state "$merge")"
[ "$(job_state "$merge")" != COMPLETED ] || fail "the merge job ran although task $victim was cancelled"
[ ! -e "$tmp/out2/merged/runs.jsonl" ] || fail "a merged runs.jsonl exists although a task was cancelled"

if "$bin" merge "$tmp"/out2/shard-* --out "$tmp/out2/merged" 2>"$tmp/refusal.txt"; then status=0; else status=$?; fi
[ "$status" -ne 0 ] || fail "merge succeeded with runs missing"
missing=$(grep -c '^missing: ' "$tmp/refusal.txt" || true)
owned=$(grep -c "^missing: .*(shard $victim/$shards, folder $tmp/out2/shard-$victim)\$" "$tmp/refusal.txt" || true)
[ "$missing" -eq $((victim_runs - done_runs)) ] || fail "merge listed $missing missing runs, expected $((victim_runs - done_runs)) ($tmp/refusal.txt)"
[ "$owned" -eq "$missing" ] || fail "not every missing run was attributed to shard $victim/$shards ($tmp/refusal.txt)"
[ ! -e "$tmp/out2/merged/runs.jsonl" ] || fail "a refused merge wrote runs.jsonl"
say "merge refused (exit $status): $(head -1 "$tmp/refusal.txt")"
sed -n '2,3p' "$tmp/refusal.txt" | sed 's/^/    /'

"$bin" merge "$tmp"/out2/shard-* --out "$tmp/partial" --allow-missing >/dev/null 2>&1 || fail "merge --allow-missing failed"
[ "$(wc -l <"$tmp/partial/runs.jsonl")" -lt "$reference_lines" ] || fail "a partial merge has every line"
grep -q '\*\*Incomplete\*\*' "$tmp/partial/report.md" || fail "the partial merge's report does not say it is incomplete"

# 3. The killed task alone, resumed; then the merge job again.
say "resubmitting task $victim with --resume"
ids=$(submit --tasks "$victim" "$manifest" "$tmp/out2")
array=$(sed -n 's/^array //p' <<<"$ids") merge=$(sed -n 's/^merge //p' <<<"$ids")
wait_jobs 600 "$array" "$merge"
[ "$(job_state "$merge")" = COMPLETED ] || fail "merge job $merge after the resubmission ended $(job_state "$merge")"
grep -q "already finished" "$tmp/out2/logs/shard-$victim.log" || fail "the resubmitted task did not resume (log: $tmp/out2/logs/shard-$victim.log)"
same_runs "$tmp/out2/merged/runs.jsonl" "$tmp/whole/runs.jsonl"
cmp -s "$tmp/out2/merged/fronts.jsonl" "$tmp/whole/fronts.jsonl" || fail "resumed merge: fronts.jsonl differs from the unsharded run's"
say "resumed task + merge: runs.jsonl equals the unsharded run's, timings aside; fronts.jsonl byte for byte"

# Each task computed its shard on its own: the folders hold exactly the shards' runs.
for ((i = 0; i < shards; i++)); do
  expected=$("$bin" run "$manifest" --check --shard "$i/$shards" | tail -n +3 | sort)
  actual=$(find "$tmp/out/shard-$i/runs" -name '*.jsonl' -printf '%f\n' | sed 's/\.jsonl$//' | sort)
  [ "$expected" = "$actual" ] || fail "shard-$i holds other runs than --check --shard $i/$shards lists"
done
say "passed in $((SECONDS - start_time)) s"
