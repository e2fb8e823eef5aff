#!/usr/bin/env bash
# Runs the same searches, predictions and experiments with two ofasearch binaries and diffs their
# results with timing fields removed: the check that a change alters no result.
#   scripts/same-results.sh OLD_BINARY NEW_BINARY [--full]
# Default: quickstart manifest, the README's search examples, predict on a fixed input (about a
# minute). --full adds strategies-compofa and multitarget-paper (several minutes; needs ../shared).
# compofa-216x is left out: its third part measures latency on this CPU, which no two runs repeat.
set -euo pipefail
old=$(realpath "$1"); new=$(realpath "$2"); full=${3:-}
cd "$(dirname "$0")/.."
D=${OFA_DATA:-../shared/ofa-data}
work=$(mktemp -d); trap 'rm -rf "$work"' EXIT
# Fields that hold wall or CPU time (and values derived from them) differ between any two runs.
strip() { python3 -c '
import json, sys, re
TIMING = re.compile(r"(^|_)(seconds|second|time|wall|cpu|speedup|ms_per|per_second)($|_)")
def clean(v):
    if isinstance(v, dict): return {k: clean(x) for k, x in v.items() if not TIMING.search(k)}
    if isinstance(v, list): return [clean(x) for x in v]
    return v
text = sys.stdin.read()
try:  # one (pretty-printed) JSON document
    print(json.dumps(clean(json.loads(text)), sort_keys=True, indent=1))
except ValueError:  # JSON Lines, or plain text
    for line in text.splitlines():
        line = line.strip()
        if not line: continue
        try: print(json.dumps(clean(json.loads(line)), sort_keys=True))
        except ValueError: print(line)
'; }
failed=0
check() {  # name, command (with BIN for the binary)
  local name=$1; shift
  for which in old new; do
    local bin=${!which}
    (cd "$work" && eval "${*//BIN/$bin}") 2>"$work/$name.$which.err" | strip >"$work/$name.$which" || true
  done
  if cmp -s "$work/$name.old" "$work/$name.new"; then echo "same: $name ($(wc -l <"$work/$name.new") lines)"
  else echo "DIFFERENT: $name"; diff "$work/$name.old" "$work/$name.new" | head -5; failed=1; fi
}
root=$PWD
printf '%s\n' '{"ks":[5,3,7,7,5,3,7,7,7,7,3,3,5,5,7,3,3,3,5,5],"e":[3,3,6,6,4,4,4,4,6,3,4,4,4,4,4,3,6,6,6,6],"d":[2,2,3,4,3],"r":192}' \
  '{"ks":[3,3,3,3,3,3,3,3,3,3,3,3,3,3,3,3,3,3,3,3],"e":[3,3,3,3,3,3,3,3,3,3,3,3,3,3,3,3,3,3,3,3],"d":[2,2,2,2,2],"r":224}' >"$work/archs.jsonl"
check predict-macs "BIN predict --space ofa-mbv3-w1.0 --macs --params --accuracy $root/predictors/ofa-mbv3-w1.0-top1 --latency $root/predictors/cpu-lut-w1.0 --input archs.jsonl"
check search-w1.0 "BIN search --space ofa-mbv3-w1.0 --accuracy $root/predictors/ofa-mbv3-w1.0-top1 --latency $root/predictors/cpu-lut-w1.0 --target 4,6,8 --json"
check quickstart "BIN run $root/experiments/quickstart.yaml --out q-\$RANDOM --fresh >/dev/null && cat q-*/runs.jsonl; rm -rf q-*"
if [ -d "$D" ]; then
  D=$(realpath "$D")
  check predict-mlp "BIN predict --space ofa-mbv3-w1.2 --resolutions 192,224 --accuracy $D/predictors/ofa-tutorial-mlp-w1.2.json --latency $D/latency/note10 --input archs.jsonl"
  check search-tutorial "BIN search --space ofa-mbv3-w1.2 --resolutions 160,176,192,208,224 --accuracy $D/predictors/ofa-tutorial-mlp-w1.2.json --latency $D/latency/note10 --target 15,20,25,30 --seed 3 --json"
  check search-topdown "BIN search --space ofa-mbv3-w1.2 --resolutions 160,176,192,208,224 --accuracy $D/predictors/ofa-tutorial-mlp-w1.2.json --latency $D/latency/note10 --targets 15,20,25,30,35,40,45,50,55,60 --multi top-down --variant improved --seed 3 --json"
  if [ "$full" = --full ]; then
    for m in strategies-compofa multitarget-paper; do
      check "$m" "BIN run $root/experiments/$m.yaml --out m-\$RANDOM --fresh >/dev/null && cat m-*/runs.jsonl; rm -rf m-*"
    done
  fi
else
  echo "skipped the checks that need $D (absent)"
fi
exit $failed
