#!/usr/bin/env bash
# Measures the multi-target sweeps of issue 5 on ofa-mbv3-w1.2 (OFA's MLP, note10 table), 10
# targets 15..60 ms, over seeds: Independent, Bottom-up, Top-down (paper and improved variants)
# and one NSGA-II run with the evaluation budget of a warm sweep; then prints the table
# (scripts/multitarget-table.py). Release build, one thread per run, modes interleaved per seed
# so that machine load hits them alike.
#
#   scripts/multitarget-bench.sh [SEEDS] [OUT]      # default: 10 seeds into out/multitarget
#   RUNS="top-down:improved" scripts/multitarget-bench.sh   # re-run some strategies only
set -euo pipefail
cd "$(dirname "$0")/.."
SEEDS=${1:-10}
OUT=${2:-out/multitarget}
DATA=${OFA_DATA:-../shared/ofa-data}
BIN=.build/release/ofasearch
export OPENBLAS_NUM_THREADS=1
[ -d "$DATA" ] || { echo "multitarget-bench: $DATA is absent (set OFA_DATA)"; exit 1; }
swift build -c release --product ofasearch >/dev/null
mkdir -p "$OUT"
ARGS=(search --space ofa-mbv3-w1.2 --resolutions 160,176,192,208,224
      --accuracy "$DATA/predictors/ofa-tutorial-mlp-w1.2.json" --latency "$DATA/latency/note10"
      --targets 15,20,25,30,35,40,45,50,55,60 --threads 1 --json)
for seed in $(seq 1 "$SEEDS"); do
  for run in ${RUNS:-independent bottom-up:paper bottom-up:improved top-down:paper top-down:improved nsga2}; do
    mode=${run%%:*}; variant=improved; [[ $run == *:* ]] && variant=${run#*:}
    extra=(); [ "$mode" = nsga2 ] && extra=(--generations 1400)
    file="$OUT/$mode-$variant-seed$seed.json"
    "$BIN" "${ARGS[@]}" --multi "$mode" --variant "$variant" --seed "$seed" "${extra[@]}" > "$file.tmp"
    mv "$file.tmp" "$file"
    printf '%s seed %s: %s s (load %s)\n' "$run" "$seed" \
      "$(python3 -c 'import json,sys; print(round(json.load(open(sys.argv[1]))["seconds"], 3))' "$file")" \
      "$(cut -d' ' -f1 /proc/loadavg)" >&2
  done
done
python3 scripts/multitarget-table.py "$OUT" | tee "$OUT/table.md"
