#!/usr/bin/env bash
# Retrains the committed XGBoost predictors under predictors/ from the shared measurements and
# prints each model's grouped 5-fold cross-validation metrics (JSON, one line per model), then
# the out-of-domain transfer check and the OFA MLP baseline.
#
# Deterministic: fixed seed, one XGBoost thread, fixed grids (see docs/xgboost.md), so a rerun
# on the same data rewrites byte-identical model files.
#
#   scripts/train-predictors.sh            # all models
#   ONLY=latency scripts/train-predictors.sh
set -euo pipefail
cd "$(dirname "$0")/.."
BIN=${OFASEARCH:-.build/release/ofasearch}
DATA=${OFA_DATA:-../shared/ofa-data}
ONLY=${ONLY:-all}
if [ ! -x "$BIN" ]; then echo "build first: swift build -c release --product ofasearch (or set OFASEARCH)" >&2; exit 1; fi
if [ ! -f "$DATA/README.md" ]; then echo "shared data not found at $DATA (set OFA_DATA)" >&2; exit 1; fi
common=(--threads 1 --seed 0 --folds 5)

if [ "$ONLY" = all ] || [ "$ONLY" = accuracy ]; then
  echo "== ofa-mbv3-w1.0-top1"
  "$BIN" predictor train --kind accuracy --space ofa-mbv3-w1.0 "${common[@]}" \
    --data "$DATA/accuracy/ofa-mbv3-w1.0.jsonl" --out predictors/ofa-mbv3-w1.0-top1 \
    --note "OFA w1.0 supernet: DyNAS-T rows (r224) and memory-optimized-OFA rows (r128/160/192)"
  echo "== compofa-elastic-mbv3-w1.0-top1"
  "$BIN" predictor train --kind accuracy --space compofa-elastic-mbv3-w1.0 "${common[@]}" \
    --data "$DATA/accuracy/compofa-mbv3-w1.0-elastic.jsonl" --out predictors/compofa-elastic-mbv3-w1.0-top1 \
    --note "CompOFA elastic-kernel supernet (memory-optimized-OFA rows, r128/160/192)"
  echo "== transfer: ofa-mbv3-w1.0-top1 on a different supernet (not trained on), with OFA's MLP as baseline"
  "$BIN" predictor eval --model predictors/ofa-mbv3-w1.0-top1 --json \
    --data "$DATA/accuracy/ofa-mbv3-k7-other-supernet.jsonl" \
    --baseline "$DATA/predictors/ofa-tutorial-mlp-w1.2.json"
fi

if [ "$ONLY" = all ] || [ "$ONLY" = latency ]; then
  for target in v100_1 v100_32 v100_64; do
    echo "== help-$target-latency"
    "$BIN" predictor train --kind latency --space ofa-mbv3-w1.2 "${common[@]}" \
      --target "latency_ms.$target" --data "$DATA/latency/help-gpu-end-to-end.jsonl" \
      --out "predictors/help-$target-latency" \
      --note "HELP end-to-end GPU latency; the source does not state the width: assumed w1.2 (resolutions 128..224)"
  done
fi
