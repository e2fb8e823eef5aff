#!/usr/bin/env bash
# NSGA-II at small and large budgets (issue 16): `ofasearch search --multi nsga2` over seeds and
# evaluation budgets, population 50 (DyNAS-T's), then a table of the front's window hypervolume
# and each target's best accuracy, mean ± sd over seeds (scripts/nsga2-budgets.py).
#
#   scripts/nsga2-budgets.sh [SEEDS] [OUT]            # default: 5 seeds into out/nsga2-budgets
#   SETUPS="mlp" BUDGETS="1000 5000" scripts/nsga2-budgets.sh 5 out/x
#   BIN=/tmp/ofasearch-before scripts/nsga2-budgets.sh 5 out/before   # another binary (no build)
#   EXTRA="--nsga2-init random --nsga2-duplicates keep --nsga2-floor none --nsga2-parents tournament" \
#     scripts/nsga2-budgets.sh 5 out/before           # NSGA-II as before issue 16 (same binary)
#   scripts/nsga2-budgets.py out/after out/before     # the table, with deltas against a baseline
#
# Setups: mlp = ofa-mbv3-w1.2 @ 160..224 step 16, OFA's tutorial MLP, note10 table, targets
# 15..60 ms step 5 (the issue's DyNAS-T comparison); xgb = ofa-mbv3-w1.0 (all 25 resolutions),
# the committed XGBoost top-1 model and CPU table predictors/cpu-lut-w1.0, targets 4..13 ms step 1.
# Each budget E runs P = 50 and G = E / 50 − 1 generations: P × (G + 1) = E evaluations.
set -euo pipefail
cd "$(dirname "$0")/.."
SEEDS=${1:-5}
OUT=${2:-out/nsga2-budgets}
DATA=${OFA_DATA:-../shared/ofa-data}
P=${POPULATION:-50}
export OPENBLAS_NUM_THREADS=1
[ -d "$DATA" ] || { echo "nsga2-budgets: $DATA is absent (set OFA_DATA)"; exit 1; }
if [ -z "${BIN:-}" ]; then
  swift build -c release --product ofasearch >/dev/null
  BIN=.build/release/ofasearch
fi
mkdir -p "$OUT"
for setup in ${SETUPS:-mlp xgb}; do
  case $setup in
    mlp) ARGS=(--space ofa-mbv3-w1.2 --resolutions 160,176,192,208,224
               --accuracy "$DATA/predictors/ofa-tutorial-mlp-w1.2.json" --latency "$DATA/latency/note10"
               --targets 15,20,25,30,35,40,45,50,55,60) ;;
    xgb) ARGS=(--space ofa-mbv3-w1.0 --accuracy predictors/ofa-mbv3-w1.0-top1 --latency predictors/cpu-lut-w1.0
               --targets 4,5,6,7,8,9,10,11,12,13) ;;
    *) echo "nsga2-budgets: unknown setup $setup"; exit 1 ;;
  esac
  for budget in ${BUDGETS:-1000 5000 25000}; do
    G=$((budget / P - 1))
    for seed in $(seq 1 "$SEEDS"); do
      file="$OUT/$setup-$budget-seed$seed.json"
      "$BIN" search "${ARGS[@]}" --multi nsga2 --population "$P" --generations "$G" --seed "$seed" \
        --threads 1 --json ${EXTRA:-} > "$file.tmp"
      mv "$file.tmp" "$file"
    done
    printf '%s %s: %s seeds done (load %s)\n' "$setup" "$budget" "$SEEDS" "$(cut -d' ' -f1 /proc/loadavg)" >&2
  done
done
python3 scripts/nsga2-budgets.py "$OUT" | tee "$OUT/table.md"
